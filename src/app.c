#include "build.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "auth.h"
#include "config.h"
#include "log.h"
#include "metrics.h"
#include "validate.h"

#define ID(x)	 "ekstep.api.am.adminutil." x

static const struct rfield r_consumer_key[] = {
	{ "key", RF_STR }, { "secret", RF_STR }, { "username", RF_STR },
	{ NULL, RF_STR } };
static const struct rfield r_groups[] = {
	{ "username", RF_STR }, { "groups", RF_ARRAY }, { NULL, RF_STR } };
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
static const struct rfield r_none[] = { { NULL, RF_STR } };
static const struct rfield r_auth[] = {
	{ "username", RF_STR }, { "groups", RF_ARRAY }, { NULL, RF_STR } };

static const struct route routes[] = {
	{ METHOD_POST, "/v1/consumer/create", consumer_create,
	    ID("consumer.create"), r_consumer_key, ROUTES_ADMIN, BODY_REQUEST },
	{ METHOD_POST, "/v1/consumer/list", consumer_list,
	    ID("consumer.list"), r_list, ROUTES_ADMIN, BODY_NONE },
	{ METHOD_POST, "/v1/consumer/{}/grant", consumer_grant,
	    ID("consumer.grant"), r_groups, ROUTES_ADMIN, BODY_REQUEST },
	{ METHOD_POST, "/v1/consumer/{}/read", consumer_read,
	    ID("consumer.read"), r_groups, ROUTES_ADMIN, BODY_NONE },
	{ METHOD_POST, "/v1/consumer/{}/revoke", consumer_revoke,
	    ID("consumer.revoke"), r_groups, ROUTES_ADMIN, BODY_REQUEST },
	{ METHOD_POST, "/v1/consumer/{}/delete", consumer_delete,
	    ID("consumer.delete"), r_username, ROUTES_ADMIN, BODY_NONE },
	{ METHOD_POST, "/v1/consumer/{}/credential/register",
	    credential_register, ID("credential.register"), r_cred,
	    ROUTES_ADMIN, BODY_REQUEST },
	{ METHOD_POST, "/v1/consumer/{}/credential/list", credential_list,
	    ID("credential.list"), r_credlist, ROUTES_ADMIN, BODY_NONE },
	{ METHOD_POST, "/v1/consumer/{}/credential/{}/revoke",
	    credential_revoke, ID("credential.revoke"), r_credrevoke,
	    ROUTES_ADMIN, BODY_NONE },
	{ METHOD_GET, "/health", health_check, "ekstep.am.adminutil.health",
	    r_none, ROUTES_HEALTH, BODY_NONE },
	{ METHOD_GET, "/v1/health", health_check,
	    "ekstep.am.adminutil.health", r_none, ROUTES_HEALTH, BODY_NONE },
	{ METHOD_GET, "/v1/auth", gateway_auth, ID("auth"), r_auth,
	    ROUTES_AUTH, BODY_RAW },
	{ METHOD_POST, "/v1/token/introspect", token_introspect,
	    ID("token.introspect"), r_none, ROUTES_ADMIN, BODY_FORM },
	{ METHOD_GET, "/metrics", metrics_show, "ekstep.am.adminutil.metrics",
	    r_none, ROUTES_HEALTH, BODY_RAW },
};

/* lighttpd's FastCGI AUTHORIZER role asks about any path. */
static const struct route authorizer = {
	METHOD_OTHER, "", gateway_auth, ID("auth"), r_auth, ROUTES_AUTH,
	BODY_RAW
};

#define NROUTES	 (sizeof(routes) / sizeof(routes[0]))
_Static_assert(NROUTES + 2 <= METRICS_ROUTES, "METRICS_ROUTES too small");

/* Metrics labels: the routes', then these two. */
#define ROUTE_AUTHORIZER NROUTES
#define ROUTE_NONE	 (NROUTES + 1)

/* The route used for answers that match no route. */
static const struct route no_route = {
	METHOD_OTHER, "", NULL, "ekstep.api.am.adminutil", r_none, 0,
	BODY_NONE
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
	return 0;
}

void
app_free(struct app *a)
{
	auth_free(a->auth);
	store_free(a->store);
	memset(a, 0, sizeof(*a));
}

void
reply(struct response *res, const struct route *rt,
    struct request *r, enum err e, const char *errmsg, json_object *result)
{
	json_object	*env;
	const char	*s;
	size_t		 len;

	free(res->body);
	res->body = NULL;
	res->bodylen = 0;
	res->status = err_status(e);
	res->json = 1;
	env = envelope_new(rt->id, e, errmsg, r->msgid, result);
	if (env == NULL || (s = json_object_to_json_string_length(env,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len)) ==
	    NULL || (res->body = strdup(s)) == NULL) {
		/* Out of memory: a bare status is all that can be said. */
		res->status = 500;
		res->json = 0;
	} else
		res->bodylen = len;
	json_object_put(env);
}

void
reply_ok(struct response *res, const struct route *rt, struct request *r,
    json_object *result)
{
	reply(res, rt, r, ERR_NONE, NULL, result);
}

void
reply_err(struct response *res, const struct route *rt, struct request *r,
    enum err e, const char *fmt, ...)
{
	char	 msg[1024];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	reply(res, rt, r, e, msg, envelope_empty_result(rt->result));
}

void
reply_store_err(struct response *res, const struct route *rt,
    struct request *r, enum store_rc rc, const char *action)
{
	if (rc == ST_DOWN)
		reply_err(res, rt, r, ERR_UNAVAILABLE,
		    "DATABASE IS UNREACHABLE, NOTHING WAS CHANGED");
	else if (rc == ST_BUSY) {
		response_header(res, "Retry-After", "1");
		reply_err(res, rt, r, ERR_UNAVAILABLE, "UNABLE TO %s: ANOTHER "
		    "CHANGE HOLDS THE RECORD, NOTHING WAS CHANGED, TRY AGAIN",
		    action);
	} else
		reply_err(res, rt, r, ERR_INTERNAL,
		    "UNABLE TO %s DUE TO INTERNAL ERROR", action);
}

json_object *
json_strlist(const struct strlist *l)
{
	json_object	*a;
	size_t		 i;

	if ((a = json_object_new_array_ext((int)l->n)) == NULL)
		return NULL;
	for (i = 0; i < l->n; i++)
		json_object_array_add(a,
		    json_object_new_string_len(l->v[i], (int)l->len[i]));
	return a;
}

json_object *
json_strings(const char *name, ...)
{
	json_object	*o;
	va_list		 ap;

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	va_start(ap, name);
	for (; name != NULL; name = va_arg(ap, const char *))
		json_object_object_add(o, name,
		    json_object_new_string(va_arg(ap, const char *)));
	va_end(ap);
	return o;
}

/*
 * 1 if the Host h (NULL: none) is one of list (admin_hosts: names or
 * addresses, IPv6 in brackets, split by commas or blanks; "*" is any),
 * whatever its port.
 */
static int
host_listed(const char *list, const char *h)
{
	const char	*s, *e;
	size_t		 len;

	if (h == NULL)
		return 0;
	len = h[0] == '[' ? strcspn(h, "]") + (strchr(h, ']') != NULL) :
	    strcspn(h, ":");
	/* host, host: (RFC 3986: an empty port) or host:digits */
	if (h[len] != '\0' && (h[len] != ':' ||
	    strspn(h + len + 1, "0123456789") != strlen(h + len + 1)))
		return 0;
	for (s = list; *s != '\0'; s = e) {
		s += strspn(s, ", \t");
		e = s + strcspn(s, ", \t");
		if ((e - s == 1 && *s == '*') || ((size_t)(e - s) == len &&
		    len > 0 && strncasecmp(s, h, len) == 0))
			return 1;
	}
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
 * The admin plane's defences against the browser of an operator: a
 * Host that is not an admin host (DNS rebinding) is a 421; a body of
 * another media type than the route's (a cross-site form or text/plain)
 * a 415; answers are never stored by a cache.  1 if r may go on.
 */
static int
admin_safe(struct app *a, const struct route *rt, struct request *r,
    struct response *res)
{
	const char	*want = rt->body == BODY_FORM ?
	    "application/x-www-form-urlencoded" : "application/json";

	response_header(res, "Cache-Control", "no-store");
	if (!host_listed(a->cfg->admin_hosts, r->host)) {
		reply_err(res, rt, r, ERR_MISDIRECTED,
		    "THE HOST OF THE REQUEST IS NOT ONE OF admin_hosts");
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
	if (rt->family == ROUTES_ADMIN && !admin_safe(a, rt, r, res))
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

void
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
		reply_store_err(res, rt, r, ST_ERR, "RENDER METRICS");
		return;
	}
	res->status = 200;
	response_header(res, "Content-Type",
	    "text/plain; version=0.0.4; charset=utf-8");
}
