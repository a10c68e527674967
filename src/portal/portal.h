/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The self-service handlers: the portal's (portal_*: offer.c, access.c,
 * keys.c, inbox.c) and the approvers' (access_*: access.c).
 */
#ifndef ADMINUTIL_PORTAL_H
#define ADMINUTIL_PORTAL_H

#include "http/reply.h"

void	portal_groups(struct app *, const struct route *, struct request *,
	    struct response *);
void	portal_access_request(struct app *, const struct route *,
	    struct request *, struct response *);
void	portal_access_list(struct app *, const struct route *, struct request *,
	    struct response *);
void	portal_access_withdraw(struct app *, const struct route *,
	    struct request *, struct response *);
void	portal_credential_generate(struct app *, const struct route *,
	    struct request *, struct response *);
void	portal_credential_list(struct app *, const struct route *,
	    struct request *, struct response *);
void	portal_credential_revoke(struct app *, const struct route *,
	    struct request *, struct response *);
void	portal_notification_list(struct app *, const struct route *,
	    struct request *, struct response *);
void	portal_notification_read(struct app *, const struct route *,
	    struct request *, struct response *);
void	access_list(struct app *, const struct route *, struct request *,
	    struct response *);
void	access_approve(struct app *, const struct route *, struct request *,
	    struct response *);
void	access_reject(struct app *, const struct route *, struct request *,
	    struct response *);
void	access_revoke(struct app *, const struct route *, struct request *,
	    struct response *);

#endif
