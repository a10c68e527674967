/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

#include "build.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "admin/admin.h"
#include "admin/gate.h"
#include "app.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/strlist.h"
#include "core/validate.h"
#include "gateway/auth.h"
#include "gateway/gateway.h"
#include "http/health.h"
#include "portal/portal.h"

#define ID(x)	 "ekstep.api.am.adminutil." x

static const struct rfield r_consumer_key[] = {
	{ "key", RF_STR }, { "secret", RF_STR }, { "username", RF_STR },
	{ NULL, RF_STR } };
static const struct rfield r_groups[] = {
	{ "username", RF_STR }, { "groups", RF_ARRAY }, { NULL, RF_STR } };
static const struct rfield r_read[] = {
	{ "username", RF_STR }, { "groups", RF_ARRAY },
	{ "limits", RF_OBJECT }, { NULL, RF_STR } };
static const struct rfield r_limits[] = {
	{ "username", RF_STR }, { "limits", RF_OBJECT }, { NULL, RF_STR } };
static const struct rfield r_username[] = {
	{ "username", RF_STR }, { NULL, RF_STR } };
static const struct rfield r_list[] = {
	{ "count", RF_NUM }, { "consumers", RF_ARRAY }, { NULL, RF_STR } };
static const struct rfield r_cred[] = {
	{ "key", RF_STR }, { "secret", RF_STR }, { "token", RF_STR },
	{ NULL, RF_STR } };
static const struct rfield r_credlist[] = {
	{ "username", RF_STR }, { "credentials", RF_ARRAY },
	{ NULL, RF_STR } };
static const struct rfield r_credrevoke[] = {
	{ "username", RF_STR }, { "key", RF_STR }, { NULL, RF_STR } };
static const struct rfield r_rotate[] = {
	{ "username", RF_STR }, { "key", RF_STR }, { "secret", RF_STR },
	{ "token", RF_STR }, { "grace_until", RF_NUM }, { NULL, RF_STR } };
static const struct rfield r_audit[] = {
	{ "count", RF_NUM }, { "entries", RF_ARRAY }, { NULL, RF_STR } };
static const struct rfield r_pgroups[] = {
	{ "groups", RF_ARRAY }, { NULL, RF_STR } };
static const struct rfield r_preq[] = {
	{ "request", RF_STR }, { NULL, RF_STR } };
static const struct rfield r_preqs[] = {
	{ "requests", RF_ARRAY }, { NULL, RF_STR } };
static const struct rfield r_pgen[] = {
	{ "username", RF_STR }, { "key", RF_STR }, { "secret", RF_STR },
	{ "groups", RF_ARRAY }, { NULL, RF_STR } };
static const struct rfield r_pcreds[] = {
	{ "credentials", RF_ARRAY }, { NULL, RF_STR } };
static const struct rfield r_pnotes[] = {
	{ "unread", RF_NUM }, { "notifications", RF_ARRAY }, { NULL, RF_STR } };
static const struct rfield r_punread[] = {
	{ "unread", RF_NUM }, { NULL, RF_STR } };
static const struct rfield r_state[] = {
	{ "username", RF_STR }, { "changed", RF_BOOL }, { "dry_run", RF_BOOL },
	{ "changes", RF_ARRAY }, { "secrets", RF_ARRAY }, { NULL, RF_STR } };
static const struct rfield r_export[] = {
	{ "consumers", RF_ARRAY }, { "next", RF_STR }, { NULL, RF_STR } };
static const struct rfield r_pme[] = {
	{ "user", RF_STR }, { "roles", RF_ARRAY }, { "product", RF_OBJECT },
	{ "portal_url", RF_STR }, { "gateway_url", RF_STR },
	{ "pending", RF_NUM }, { "unread", RF_NUM }, { NULL, RF_STR } };
static const struct rfield r_none[] = { { NULL, RF_STR } };
static const struct rfield r_auth[] = {
	{ "username", RF_STR }, { "groups", RF_ARRAY }, { NULL, RF_STR } };

#define ADMIN(m, p, fn, id, res, body, acc) \
	{ METHOD_##m, p, fn, ID(id), res, ROUTES_ADMIN, body, acc }

static void	metrics_show(struct app *, const struct route *,
		    struct request *, struct response *);

static const struct route routes[] = {
	ADMIN(POST, "/v1/consumer/create", consumer_create, "consumer.create",
	    r_consumer_key, BODY_REQUEST, ACCESS_WRITE),
	ADMIN(POST, "/v1/consumer/list", consumer_list, "consumer.list",
	    r_list, BODY_NONE, ACCESS_READ),
	ADMIN(POST, "/v1/consumer/{}/grant", consumer_grant, "consumer.grant",
	    r_groups, BODY_REQUEST, ACCESS_WRITE),
	ADMIN(POST, "/v1/consumer/{}/read", consumer_read, "consumer.read",
	    r_read, BODY_NONE, ACCESS_READ),
	ADMIN(POST, "/v1/consumer/{}/revoke", consumer_revoke,
	    "consumer.revoke", r_groups, BODY_REQUEST, ACCESS_WRITE),
	ADMIN(POST, "/v1/consumer/{}/delete", consumer_delete,
	    "consumer.delete", r_username, BODY_NONE, ACCESS_WRITE),
	ADMIN(POST, "/v1/consumer/{}/limits", consumer_limits,
	    "consumer.limits", r_limits, BODY_REQUEST, ACCESS_WRITE),
	ADMIN(POST, "/v1/consumer/{}/credential/register",
	    credential_register, "credential.register", r_cred, BODY_REQUEST,
	    ACCESS_WRITE),
	ADMIN(POST, "/v1/consumer/{}/credential/list", credential_list,
	    "credential.list", r_credlist, BODY_NONE, ACCESS_READ),
	ADMIN(POST, "/v1/consumer/{}/credential/{}/revoke", credential_revoke,
	    "credential.revoke", r_credrevoke, BODY_NONE, ACCESS_WRITE),
	ADMIN(POST, "/v1/consumer/{}/credential/{}/rotate", credential_rotate,
	    "credential.rotate", r_rotate, BODY_NONE, ACCESS_WRITE),
	ADMIN(POST, "/v1/consumer/{}/state", consumer_state, "consumer.state",
	    r_state, BODY_REQUEST, ACCESS_WRITE),
	ADMIN(POST, "/v1/state/export", state_export, "state.export",
	    r_export, BODY_NONE, ACCESS_READ),
	ADMIN(POST, "/v1/audit/list", audit_list, "audit.list", r_audit,
	    BODY_NONE, ACCESS_READ),
	ADMIN(POST, "/v1/portal/me", portal_me, "portal.me", r_pme,
	    BODY_NONE, ACCESS_PORTAL),
	ADMIN(POST, "/v1/portal/groups", portal_groups, "portal.groups",
	    r_pgroups, BODY_NONE, ACCESS_PORTAL),
	ADMIN(POST, "/v1/portal/access/request", portal_access_request,
	    "portal.access.request", r_preq, BODY_REQUEST, ACCESS_PORTAL),
	ADMIN(POST, "/v1/portal/access/list", portal_access_list,
	    "portal.access.list", r_preqs, BODY_NONE, ACCESS_PORTAL),
	ADMIN(POST, "/v1/portal/access/{}/withdraw", portal_access_withdraw,
	    "portal.access.withdraw", r_preq, BODY_NONE, ACCESS_PORTAL),
	ADMIN(POST, "/v1/portal/credential/generate",
	    portal_credential_generate, "portal.credential.generate", r_pgen,
	    BODY_REQUEST, ACCESS_PORTAL),
	ADMIN(POST, "/v1/portal/credential/list", portal_credential_list,
	    "portal.credential.list", r_pcreds, BODY_NONE, ACCESS_PORTAL),
	ADMIN(POST, "/v1/portal/credential/{}/revoke",
	    portal_credential_revoke, "portal.credential.revoke", r_credrevoke,
	    BODY_NONE, ACCESS_PORTAL),
	ADMIN(POST, "/v1/portal/notification/list", portal_notification_list,
	    "portal.notification.list", r_pnotes, BODY_NONE, ACCESS_PORTAL),
	ADMIN(POST, "/v1/portal/notification/read", portal_notification_read,
	    "portal.notification.read", r_punread, BODY_REQUEST,
	    ACCESS_PORTAL),
	ADMIN(POST, "/v1/access/list", access_list, "access.list", r_preqs,
	    BODY_NONE, ACCESS_APPROVE_READ),
	ADMIN(POST, "/v1/access/{}/approve", access_approve, "access.approve",
	    r_preq, BODY_NONE, ACCESS_APPROVE),
	ADMIN(POST, "/v1/access/{}/reject", access_reject, "access.reject",
	    r_preq, BODY_REQUEST, ACCESS_APPROVE),
	ADMIN(POST, "/v1/access/{}/revoke", access_revoke, "access.revoke",
	    r_preq, BODY_REQUEST, ACCESS_APPROVE),
	ADMIN(POST, "/v1/token/introspect", token_introspect,
	    "token.introspect", r_none, BODY_FORM, ACCESS_INTROSPECT),
	{ METHOD_GET, "/health", health_check, "ekstep.am.adminutil.health",
	    r_none, ROUTES_HEALTH, BODY_NONE, ACCESS_OPEN },
	{ METHOD_GET, "/v1/health", health_check,
	    "ekstep.am.adminutil.health", r_none, ROUTES_HEALTH, BODY_NONE,
	    ACCESS_OPEN },
	{ METHOD_GET, "/v1/auth", gateway_auth, ID("auth"), r_auth,
	    ROUTES_AUTH, BODY_RAW, ACCESS_OPEN },
	{ METHOD_GET, "/metrics", metrics_show, "ekstep.am.adminutil.metrics",
	    r_none, ROUTES_HEALTH, BODY_RAW, ACCESS_OPEN },
};

/* lighttpd's FastCGI AUTHORIZER role asks about any path. */
static const struct route authorizer = {
	METHOD_OTHER, "", gateway_auth, ID("auth"), r_auth, ROUTES_AUTH,
	BODY_RAW, ACCESS_OPEN
};

#define NROUTES	 (sizeof(routes) / sizeof(routes[0]))
_Static_assert(NROUTES + 2 <= METRICS_ROUTES, "METRICS_ROUTES too small");

/* Metrics labels: the routes', then these two. */
#define ROUTE_AUTHORIZER NROUTES
#define ROUTE_NONE	 (NROUTES + 1)

/* The route used for answers that match no route. */
static const struct route no_route = {
	METHOD_OTHER, "", NULL, "ekstep.api.am.adminutil", r_none, 0,
	BODY_NONE, ACCESS_OPEN
};

int
app_init(struct app *a, const struct config *cfg, char *err, size_t errsz)
{
	memset(a, 0, sizeof(*a));
	a->cfg = cfg;
	if ((a->store = store_new(cfg)) == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	if ((cfg->routes & ROUTES_AUTH) || (cfg->routes & ROUTES_ADMIN)) {
		if ((a->auth = auth_new(cfg, a->store, err, errsz)) == NULL) {
			store_free(a->store);
			return -1;
		}
	}
	if ((cfg->routes & ROUTES_ADMIN) && portal_descriptions_load(
	    cfg->group_descriptions, &a->descriptions, err, errsz) == -1) {
		auth_free(a->auth);
		store_free(a->store);
		return -1;
	}
	return 0;
}

void
app_free(struct app *a)
{
	json_object_put(a->descriptions);
	auth_free(a->auth);
	store_free(a->store);
	memset(a, 0, sizeof(*a));
}

void
app_handle(struct app *a, struct request *r, struct response *res)
{
	const struct route	*rt, *same;
	const char		*msg;
	enum err		 e;

	if (r->role == ROLE_AUTHORIZER) {
		r->route = ROUTE_AUTHORIZER;
		if (!(a->cfg->routes & ROUTES_AUTH)) {
			res->status = 403;
			return;
		}
		authorizer.handler(a, &authorizer, r, res);
		return;
	}
	rt = router_match(routes, NROUTES, a->cfg->routes, r, &e, &msg,
	    &same);
	/*
	 * What a browser may see is never sniffed.  The gateway's answers
	 * go to the web server only (nginx's refusal locations add it).
	 */
	if (rt == NULL || rt->family != ROUTES_AUTH)
		response_header(res, "X-Content-Type-Options", "nosniff");
	if (rt != NULL || same != NULL)
		r->route = (unsigned)((rt != NULL ? rt : same) - routes);
	else
		r->route = ROUTE_NONE;
	if (rt == NULL) {
		rt = same != NULL ? same : &no_route;
		if (e == ERR_METHOD)
			response_header(res, "Allow",
			    same->method == METHOD_GET ? "GET" : "POST");
		reply_err(res, rt, r, e, "%s", msg);
		return;
	}
	/* The web server's portal user, when it signed one in. */
	if (r->portal_user != NULL && r->portal_user[0] == '\0') {
		free(r->portal_user);
		r->portal_user = NULL;
	}
	if (rt->family == ROUTES_ADMIN)
		r->route_id = rt->id;
	if (rt->family == ROUTES_ADMIN && !admin_gate(a, rt, r, res))
		return;
	if (r->too_large) {
		reply_err(res, rt, r, ERR_TOO_LARGE,
		    "REQUEST BODY IS LARGER THAN %zu BYTES", a->cfg->max_body);
		return;
	}
	if (rt->body == BODY_RAW || rt->body == BODY_FORM) {
		rt->handler(a, rt, r, res);
		return;
	}
	if ((msg = request_parse_json(r)) != NULL) {
		reply_err(res, rt, r, ERR_BAD_REQUEST, "%s", msg);
		return;
	}
	/* json-c lets overlongs and surrogates through; msgid is echoed. */
	if (!validate_utf8(r->msgid, strlen(r->msgid))) {
		r->msgid = "";
		reply_err(res, rt, r, ERR_BAD_REQUEST,
		    "REQUEST BODY IS NOT VALID UTF-8");
		return;
	}
	if (rt->body == BODY_REQUEST && r->req == NULL) {
		reply_err(res, rt, r, ERR_BAD_REQUEST, "REQUEST IS MANDATORY");
		return;
	}
	rt->handler(a, rt, r, res);
}

static void
metrics_show(struct app *a, const struct route *rt, struct request *r,
    struct response *res)
{
	const char	*names[METRICS_ROUTES];
	size_t		 i;

	(void)a;
	for (i = 0; i < NROUTES && i < METRICS_ROUTES; i++)
		names[i] = routes[i].pattern;
	names[ROUTE_AUTHORIZER] = "authorizer";
	names[ROUTE_NONE] = "none";
	if ((res->body = metrics_render(names, ROUTE_NONE + 1,
	    &res->bodylen)) == NULL) {
		reply_internal(res, rt, r, "RENDER METRICS");
		return;
	}
	res->status = 200;
	response_header(res, "Content-Type",
	    "text/plain; version=0.0.4; charset=utf-8");
}
