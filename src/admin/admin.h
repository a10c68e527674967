/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The admin plane's handlers: consumers (consumer.c), credentials
 * (credential.c), the audit trail (audit.c).
 */
#ifndef ADMINUTIL_ADMIN_H
#define ADMINUTIL_ADMIN_H

#include "http/reply.h"

void	consumer_create(struct app *, const struct route *, struct request *,
	    struct response *);
void	consumer_grant(struct app *, const struct route *, struct request *,
	    struct response *);
void	consumer_revoke(struct app *, const struct route *, struct request *,
	    struct response *);
void	consumer_read(struct app *, const struct route *, struct request *,
	    struct response *);
void	consumer_delete(struct app *, const struct route *, struct request *,
	    struct response *);
void	consumer_limits(struct app *, const struct route *, struct request *,
	    struct response *);
void	consumer_list(struct app *, const struct route *, struct request *,
	    struct response *);
void	credential_register(struct app *, const struct route *,
	    struct request *, struct response *);
void	credential_list(struct app *, const struct route *, struct request *,
	    struct response *);
void	credential_revoke(struct app *, const struct route *, struct request *,
	    struct response *);
void	credential_rotate(struct app *, const struct route *, struct request *,
	    struct response *);
void	audit_list(struct app *, const struct route *, struct request *,
	    struct response *);

#endif
