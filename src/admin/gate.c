/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The admin plane's gate, before any of its handlers: the Host, the
 * Origin and the media type a browser could forge (421, 403, 415), then
 * who calls: the portal user the web server signed in, or the bearer
 * token of a consumer in the route's groups, which becomes the actor.
 */
#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "admin/gate.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"
#include "core/strlist.h"
#include "core/validate.h"
#include "gateway/auth.h"
#include "gateway/gateway.h"

/*
 * 1 if the Host h (NULL: none) is one of list (admin_hosts: names or
 * addresses, IPv6 in brackets, split by commas or blanks; "*" is any),
 * whatever its port.
 */
static int
host_listed(const char *list, const char *h)
{
	const char	*s;
	size_t		 len, n;

	if (h == NULL)
		return 0;
	len = h[0] == '[' ? strcspn(h, "]") + (strchr(h, ']') != NULL) :
	    strcspn(h, ":");
	/* host, host: (RFC 3986: an empty port) or host:digits */
	if (h[len] != '\0' && (h[len] != ':' ||
	    strspn(h + len + 1, "0123456789") != strlen(h + len + 1)))
		return 0;
	while ((s = words_next(&list, &n)) != NULL)
		if ((n == 1 && *s == '*') || (n == len &&
		    strncasecmp(s, h, len) == 0))
			return 1;
	return 0;
}

/*
 * 1 if the media type ct (NULL: none) is want, in any case, with no
 * parameter but charset=utf-8.
 */
static int
media_is(const char *ct, const char *want)
{
	size_t	 n = strlen(want);
	const char *p;

	if (ct == NULL || strncasecmp(ct, want, n) != 0)
		return 0;
	for (p = ct + n; *p == ' ' || *p == '\t'; p++)
		;
	if (*p == '\0')
		return 1;
	if (*p++ != ';')
		return 0;
	p += strspn(p, " \t");
	return strncasecmp(p, "charset=", 8) == 0 &&
	    (strcasecmp(p + 8, "utf-8") == 0 ||
	    strcasecmp(p + 8, "\"utf-8\"") == 0);
}

/*
 * 1 if origin (an Origin header) is the origin of Host h: the page that
 * posts is one of the server's own, whatever its scheme.
 */
static int
same_origin(const char *origin, const char *h)
{
	const char	*p;

	if (strncasecmp(origin, "https://", 8) == 0)
		p = origin + 8;
	else if (strncasecmp(origin, "http://", 7) == 0)
		p = origin + 7;
	else
		return 0;		/* "null", or another scheme */
	return h != NULL && strcasecmp(p, h) == 0;
}

/*
 * The admin plane's and the portal's defences against the browser of a
 * user: a Host that is not one of the server's (admin_hosts, or
 * portal_hosts through the portal: DNS rebinding) is a 421; a page of
 * another site (Origin, Sec-Fetch-Site) a 403; a body of another media
 * type than the route's (a cross-site form or text/plain) a 415;
 * answers are never stored by a cache.  1 if r may go on.
 */
static int
admin_safe(struct app *a, const struct route *rt, struct request *r,
    struct response *res)
{
	const char	*want = rt->body == BODY_FORM ?
	    "application/x-www-form-urlencoded" : "application/json";
	int		 portal = r->portal_user != NULL;

	response_header(res, "Cache-Control", "no-store");
	if (!host_listed(portal ? a->cfg->portal_hosts : a->cfg->admin_hosts,
	    r->host)) {
		reply_err(res, rt, r, ERR_MISDIRECTED, "THE HOST OF THE "
		    "REQUEST IS NOT ONE OF %s", portal ? "portal_hosts" :
		    "admin_hosts");
		return 0;
	}
	if ((r->origin != NULL && !same_origin(r->origin, r->host)) ||
	    (r->fetch_site != NULL && strcmp(r->fetch_site, "cross-site") ==
	    0)) {
		reply_err(res, rt, r, ERR_FORBIDDEN, "A PAGE OF ANOTHER SITE "
		    "MAY NOT CALL THIS");
		return 0;
	}
	/* No body and no type (curl -X POST): nothing a browser sends. */
	if ((r->content_type == NULL || r->content_type[0] == '\0') &&
	    r->bodylen == 0 && !r->too_large)
		return 1;
	if (!media_is(r->content_type, want)) {
		reply_err(res, rt, r, ERR_MEDIA_TYPE,
		    "CONTENT-TYPE MUST BE %s", want);
		return 0;
	}
	return 1;
}

/* Logs a refused call (never its token). */
static void
log_refused(const struct route *rt, struct request *r, int status,
    const char *why)
{
	char	 addr[64];

	log_info("admin call refused: route=%s remote_addr=%s status=%d "
	    "reason=\"%s\" resmsgid=%s", rt->id, r->remote_addr == NULL ? "-" :
	    log_escape(addr, sizeof(addr), r->remote_addr,
	    strlen(r->remote_addr)), status, why, request_resmsgid(r));
}

/*
 * The caller through the portal: the person the web server signed in,
 * on the portal's routes only, an approver on the approvers'.  It
 * becomes the actor.  1 if r may go on.
 */
static int
portal_caller(struct app *a, const struct route *rt, struct request *r,
    struct response *res)
{
	const char	*u = r->portal_user, *why = NULL;
	int		 status = 403;

	if (rt->access != ACCESS_PORTAL && rt->access != ACCESS_APPROVE &&
	    rt->access != ACCESS_APPROVE_READ)
		why = "the admin plane is not reached through the portal";
	else if (validate_username_str(u, strlen(u)) != NULL) {
		why = "the portal user is not a valid name";
		status = 401;
	} else if (rt->access != ACCESS_PORTAL &&
	    !words_have(a->cfg->portal_approvers, u, strlen(u)))
		why = "only an approver may do this";
	if (why == NULL) {
		if ((r->actor = strdup(u)) != NULL)
			return 1;
		reply_internal(res, rt, r, "SIGN IN");
		return 0;
	}
	log_refused(rt, r, status, why);
	reply_err(res, rt, r, status == 401 ? ERR_UNAUTHORIZED : ERR_FORBIDDEN,
	    "%s", why);
	return 0;
}

/*
 * The verdict on introspection's caller by a key and secret: it becomes
 * the actor, or is refused with RFC 6749 5.2's 401 and a Basic
 * challenge.  1 if r may go on.
 */
static int
client_passed(const struct route *rt, struct request *r,
    struct response *res, struct auth_result *v)
{
	if (v->verdict == AUTH_PASS) {
		if ((r->actor = strdup(v->username)) != NULL &&
		    (r->actor_key = strdup(v->key)) != NULL)
			return 1;
		v->verdict = AUTH_ERROR;
	}
	if (v->verdict != AUTH_UNAUTHORIZED) {
		reply_refused(res, rt, r, v, "AUTHENTICATE THE CALLER");
		return 0;
	}
	log_refused(rt, r, 401, v->why);
	response_header(res, "WWW-Authenticate", "Basic realm=\"adminutil\", "
	    "charset=\"UTF-8\"");
	reply_err(res, rt, r, ERR_UNAUTHORIZED, "%s", v->why);
	return 0;
}

/*
 * The caller of an admin route: through the portal (portal_caller), or,
 * when admin_auth = jwt, a bearer token verified as the gateway
 * verifies one, of a consumer in the route's groups; it becomes the
 * actor of the change.  A refusal is logged (never the token).  1 if r
 * may go on.
 */
static int
admin_caller(struct app *a, const struct route *rt, struct request *r,
    struct response *res)
{
	const struct config	*cfg = a->cfg;
	struct auth_result	 v;
	char			 groups[2 * CONFIG_STR_MAX + 2];

	if (r->portal_user != NULL)
		return portal_caller(a, rt, r, res);
	if (rt->access == ACCESS_PORTAL) {
		log_refused(rt, r, 401, "not signed in through the portal");
		reply_err(res, rt, r, ERR_UNAUTHORIZED, "SIGN IN THROUGH THE "
		    "PORTAL");
		return 0;
	}
	if (strcmp(cfg->admin_auth, "none") == 0)
		return 1;
	if (rt->access == ACCESS_READ || rt->access == ACCESS_APPROVE_READ)
		snprintf(groups, sizeof(groups), "%s,%s", cfg->admin_groups,
		    cfg->admin_read_groups);
	else if (rt->access == ACCESS_INTROSPECT &&
	    cfg->introspect_groups[0] != '\0')
		snprintf(groups, sizeof(groups), "%s", cfg->introspect_groups);
	else
		snprintf(groups, sizeof(groups), "%s", cfg->admin_groups);
	if (rt->access == ACCESS_INTROSPECT)
		switch (introspect_client(a, r, groups, &v)) {
		case CLIENT_BEARER:
			break;
		case CLIENT_TWICE:
			log_refused(rt, r, 400, "more than one client "
			    "authentication");
			reply_err(res, rt, r, ERR_BAD_REQUEST, "THE CALLER "
			    "AUTHENTICATES ONE WAY ONLY (RFC 6749 2.3): A "
			    "BEARER TOKEN, HTTP BASIC, OR client_id AND "
			    "client_secret");
			return 0;
		default:
			return client_passed(rt, r, res, &v);
		}
	auth_caller(a->auth, r->authorization, r->nauthorization, groups,
	    clock_wall_ms(), &v);
	if (v.verdict == AUTH_PASS) {
		if ((r->actor = strdup(v.username)) != NULL &&
		    (r->actor_key = strdup(v.key)) != NULL)
			return 1;
		v.verdict = AUTH_ERROR;
	}
	if (v.verdict == AUTH_UNAUTHORIZED || v.verdict == AUTH_FORBIDDEN)
		log_refused(rt, r, v.verdict == AUTH_FORBIDDEN ? 403 : 401,
		    v.why);
	reply_refused(res, rt, r, &v, "AUTHENTICATE THE CALLER");
	return 0;
}

int
admin_gate(struct app *a, const struct route *rt, struct request *r,
    struct response *res)
{
	return admin_safe(a, rt, r, res) && admin_caller(a, rt, r, res);
}
