/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The gateway's routes: GET /v1/auth (nginx auth_request), the same
 * check in lighttpd's AUTHORIZER role, and RFC 7662 introspection.
 */
#include "build.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "auth.h"
#include "config.h"
#include "request.h"

/*
 * How long a cache in front (nginx's fastcgi_cache) may keep a pass, in
 * whole seconds, nginx's unit: kept n seconds there means seen for up to
 * n + 1.  So cache_ttl - 1, and less so as never to outlive the token:
 * exp + clock_skew, the last moment the check would still pass it.
 * The pass of a revoked credential is then seen for under twice
 * cache_ttl, here and in front; that of a token signed by a rotated-out
 * secret not after its grace.
 */
static int
pass_keep(const struct config *cfg, const struct auth_result *v,
    long long now_ms)
{
	double	 left;
	int	 keep = cfg->cache_ttl - 1;

	if (v->has_exp) {
		left = floor(v->exp + cfg->clock_skew -
		    (double)now_ms / 1000.0);
		if (left - 1 < keep)
			keep = left < 1 ? 0 : (int)(left - 1);
	}
	/* Signed by a rotated-out secret: no longer than its grace. */
	if (v->until_ms != 0) {
		left = floor((double)(v->until_ms - now_ms) / 1000.0);
		if (left - 1 < keep)
			keep = left < 1 ? 0 : (int)(left - 1);
	}
	return keep > 0 ? keep : 0;
}

/* The headers of a pass: for how long nginx may keep it, who passed. */
static int
pass(const struct config *cfg, const struct auth_result *v, int authorizer,
    long long now, struct response *res)
{
	char	 keep[16];

	res->status = 200;
	if (!authorizer) {
		snprintf(keep, sizeof(keep), "%d", pass_keep(cfg, v, now));
		if (response_header(res, "X-Accel-Expires", keep) == -1)
			return -1;
	}
	if (v->username == NULL)
		return 0;		/* a public API: no consumer */
	/* All three, or the request does not pass. */
	if (response_header(res, authorizer ? "Variable-X-Consumer-Username" :
	    "X-Consumer-Username", v->username) == -1 ||
	    response_header(res, authorizer ? "Variable-X-Consumer-Groups" :
	    "X-Consumer-Groups", v->groups) == -1 ||
	    response_header(res, authorizer ? "Variable-X-Credential-Key" :
	    "X-Credential-Key", v->key) == -1)
		return -1;
	return 0;
}

void
gateway_auth(struct app *a, const struct route *rt, struct request *r,
    struct response *res)
{
	struct auth_request	 q;
	struct auth_result	 v;
	long long		 now = envelope_now_ms();
	int			 authorizer = r->role == ROLE_AUTHORIZER;

	memset(&q, 0, sizeof(q));
	q.authorization = r->authorization;
	q.nauthorization = r->nauthorization;
	q.allow_groups = r->allow_groups;
	if (authorizer) {
		/* lighttpd asks with the client's own request. */
		q.method = r->method_name;
		q.uri = r->uri;
	} else {
		q.method = r->original_method;
		q.uri = r->original_uri;
	}
	auth_check(a->auth, &q, now, &v);
	if (v.verdict == AUTH_PASS) {
		if (pass(a->cfg, &v, authorizer, now, res) == -1)
			reply_store_err(res, rt, r, ST_ERR, "CHECK TOKEN");
		return;
	}
	reply_refused(res, rt, r, &v, "CHECK TOKEN");
	if (v.verdict != AUTH_UNAUTHORIZED && v.verdict != AUTH_FORBIDDEN)
		return;
	/*
	 * nginx drops the body of an auth_request answer: the envelope
	 * goes in a header too, for the error_page that answers the
	 * client (conf/nginx.conf).  lighttpd sends the answer itself.
	 */
	if (authorizer)
		response_header(res, "X-Content-Type-Options", "nosniff");
	else if (res->body != NULL)
		response_header(res, "X-Adminutil-Envelope", res->body);
}

/*
 * The value of name in an application/x-www-form-urlencoded body, +
 * and %XX decoded, in a new string.  NULL when absent or malformed.
 */
static char *
form_value(const char *body, size_t len, const char *name, size_t *outlen)
{
	const char	*p = body, *end = body + len, *amp, *eq;
	size_t		 nlen = strlen(name), i;
	char		*v;

	for (; p < end; p = amp + 1) {
		if ((amp = memchr(p, '&', (size_t)(end - p))) == NULL)
			amp = end;
		eq = memchr(p, '=', (size_t)(amp - p));
		if (eq == NULL || (size_t)(eq - p) != nlen ||
		    memcmp(p, name, nlen) != 0)
			continue;
		if ((v = request_percent_decode(eq + 1,
		    (size_t)(amp - eq - 1), outlen)) == NULL)
			return NULL;
		for (i = 0; i < *outlen; i++)
			if (v[i] == '+')
				v[i] = ' ';
		return v;
	}
	return NULL;
}

void
token_introspect(struct app *a, const struct route *rt, struct request *r,
    struct response *res)
{
	char		*token, *out;
	size_t		 len;
	int		 down;

	/* Its caller was authenticated by app_handle (RFC 7662 2.1). */
	token = form_value(r->body != NULL ? r->body : "", r->bodylen,
	    "token", &len);
	if (token == NULL || len == 0) {
		free(token);
		reply_err(res, rt, r, ERR_BAD_REQUEST,
		    "TOKEN IS MANDATORY (FORM FIELD token)");
		return;
	}
	out = auth_introspect(a->auth, token, len, envelope_now_ms(), &down);
	explicit_bzero(token, len);
	free(token);
	if (out == NULL) {
		reply_store_err(res, rt, r, down ? ST_DOWN : ST_ERR,
		    "INTROSPECT TOKEN");
		return;
	}
	res->status = 200;
	res->json = 1;
	res->body = out;
	res->bodylen = strlen(out);
}
