/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The admin plane's handlers: consumers (consumer.c), credentials
 * (credential.c), the audit trail (audit.c), declarative state
 * (state.c).
 */
#ifndef ADMINUTIL_ADMIN_H
#define ADMINUTIL_ADMIN_H

#include <json-c/json.h>

#include "core/strlist.h"
#include "crypto/jwk.h"
#include "crypto/jwt.h"
#include "http/reply.h"

/*
 * credential.c: the algorithm and public key of req, a request or one
 * credential of it (state.c), checked; a refusal names what first.
 */
int	request_public_key(struct response *, const struct route *,
	    struct request *, json_object *req, const char *what,
	    enum jwt_alg alg, const char **pem, char **owned,
	    char thumb[JWK_THUMB_LEN + 1]);
int	request_algorithm(struct response *, const struct route *,
	    struct request *, json_object *req, const char *what,
	    enum jwt_alg *alg, const char **pem, char **owned,
	    char thumb[JWK_THUMB_LEN + 1]);

/*
 * consumer.c: v, a request's groups, into list, validated and with
 * duplicates collapsed (the first stays).  0, or -1 after replying.
 */
int	request_group_list(struct response *, const struct route *,
	    struct request *, json_object *v, struct strlist *list);

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
void	consumer_state(struct app *, const struct route *, struct request *,
	    struct response *);
void	state_export(struct app *, const struct route *, struct request *,
	    struct response *);
void	audit_list(struct app *, const struct route *, struct request *,
	    struct response *);

#endif
