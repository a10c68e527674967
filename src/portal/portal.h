/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The self-service handlers: the portal's (portal_*: offer.c, access.c,
 * keys.c, inbox.c) and the approvers' (access_*: access.c).
 */
#ifndef ADMINUTIL_PORTAL_H
#define ADMINUTIL_PORTAL_H

#include "http/reply.h"

#define PORTAL_DESCRIPTION_MAX	 512

/*
 * The group_descriptions file at path ("": none, *out NULL) as a map
 * group -> description into *out.  0, or -1 with err naming the file's
 * line that is not "group<TAB>description".
 */
int	portal_descriptions_load(const char *path, json_object **out,
	    char *err, size_t errsz);
/* The description of group in map, or NULL. */
const char *portal_description(const json_object *map, const char *group);

void	portal_me(struct app *, const struct route *, struct request *,
	    struct response *);
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
