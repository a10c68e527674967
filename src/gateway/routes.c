/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The gateway's routes: GET /v1/auth (nginx auth_request), the same
 * check in lighttpd's AUTHORIZER role, and RFC 7662 introspection.
 */
#include "build.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/config.h"
#include "core/feed.h"
#include "core/ratelimit.h"
#include "gateway/auth.h"
#include "gateway/gateway.h"
#include "gateway/token.h"
#include "http/request.h"

/*
 * The answer to a verdict other than AUTH_PASS, the one map of them to
 * HTTP: 401 with RFC 6750's WWW-Authenticate, 403, 429, 503, 500
 * (action names what failed).
 */
void
reply_refused(struct response *res, const struct route *rt, struct request *r,
    const struct auth_result *v, const char *action)
{
	char	 www[256];

	switch (v->verdict) {
	case AUTH_UNAUTHORIZED:
		snprintf(www, sizeof(www), "Bearer error=\"invalid_token\", "
		    "error_description=\"%s\"", v->why);
		response_header(res, "WWW-Authenticate", www);
		reply_err(res, rt, r, ERR_UNAUTHORIZED, "%s", v->why);
		break;
	case AUTH_FORBIDDEN:
		reply_err(res, rt, r, ERR_FORBIDDEN, "%s", v->why);
		break;
	case AUTH_LIMITED:
		reply_err(res, rt, r, ERR_RATE, "%s", v->why);
		break;
	default:
		reply_store_err(res, rt, r, v->verdict == AUTH_UNAVAILABLE ?
		    ST_DOWN : ST_ERR, action);
		break;
	}
}

/*
 * How long a cache in front (nginx's fastcgi_cache) may keep a pass.
 * nginx reads X-Accel-Expires in whole seconds: "@S" keeps it while
 * nginx's clock (ngx_time(), whole seconds) reads S or less, that is
 * until S + 1 s, and "0" not at all (a relative "n" would keep it until
 * floor(t) + n + 1, up to a second more than asked).  nginx reads its
 * clock a little after ours (the answer is made first), by up to
 * PASS_SLACK_MS (core/feed.h).  So a pass that must end by end_ms is
 * kept to S = floor((end - slack) / 1000) - 1, and not at all when that
 * second is already over.
 *
 * The S of "@S" for a pass, or -1 for "0".  The pass ends at the first
 * of: pass_keep from now, the token's exp + clock_skew, a rotated-out
 * secret's grace, the worker's cached life of the credentials it was
 * checked against (until_ms), and pass_keep after the feed's last read
 * the worker knew (known_ms).
 */
static long long
pass_until(const struct config *cfg, const struct auth_result *v,
    long long now_ms)
{
	double		 exp_end;
	long long	 end = now_ms + cfg->pass_keep, s;

	if (cfg->pass_keep <= 0)
		return -1;
	if (v->has_exp) {
		/*
		 * Compared as a double first: exp may be any number; the
		 * cast then truncates a positive one, its floor.
		 */
		exp_end = (v->exp + cfg->clock_skew) * 1000.0;
		if (!(exp_end > (double)now_ms))
			return -1;
		if (exp_end < (double)end)
			end = (long long)exp_end;
	}
	if (v->until_ms != 0 && v->until_ms < end)
		end = v->until_ms;
	/*
	 * A change made after the feed's last poll is not known to the
	 * worker yet: the pass is kept no longer than pass_keep after that
	 * poll, so pass_keep bounds how late nginx honours any change.
	 * Blind, not kept at all.
	 */
	if (v->known_ms < 0)
		return -1;
	if (v->known_ms > 0 && v->known_ms + cfg->pass_keep < end)
		end = v->known_ms + cfg->pass_keep;
	if (end - PASS_SLACK_MS <= 0)
		return -1;
	s = (end - PASS_SLACK_MS) / 1000 - 1;
	return s < now_ms / 1000 ? -1 : s;
}

/*
 * The rate-limit headers of an answer counted against limits, one item
 * or pair a limited window, of its limit closest to running out: the
 * IETF draft's (draft-ietf-httpapi-ratelimit-headers-11) RateLimit-Policy
 * ("hour";q=5000;w=3600) and RateLimit ("hour";r=4999;t=1800), and
 * Kong's X-RateLimit-Limit-Hour and X-RateLimit-Remaining-Hour, which
 * clients of the deployments Kong ran read.
 */
static int
rate_headers(struct response *res, const struct limit_answer *ra)
{
	const struct limit_window *lw;
	char		 policy[512], state[512], name[64], num[32];
	size_t		 pl = 0, nl = 0;
	int		 w, n, m;

	for (w = 0; w < RL_NWINDOWS; w++) {
		if ((lw = &ra->w[w])->limit == 0)
			continue;
		n = snprintf(policy + pl, sizeof(policy) - pl,
		    "%s\"%s\";q=%llu;w=%ld", pl > 0 ? ", " : "",
		    rl_window_name((enum rl_window)w),
		    (unsigned long long)lw->limit,
		    rl_window_secs((enum rl_window)w));
		m = snprintf(state + nl, sizeof(state) - nl,
		    "%s\"%s\";r=%llu;t=%ld", nl > 0 ? ", " : "",
		    rl_window_name((enum rl_window)w),
		    (unsigned long long)lw->remaining, lw->reset);
		if (n < 0 || (size_t)n >= sizeof(policy) - pl || m < 0 ||
		    (size_t)m >= sizeof(state) - nl)
			return -1;
		pl += (size_t)n;
		nl += (size_t)m;
		snprintf(name, sizeof(name), "X-RateLimit-Limit-%s",
		    rl_window_title((enum rl_window)w));
		snprintf(num, sizeof(num), "%llu",
		    (unsigned long long)lw->limit);
		if (response_header(res, name, num) == -1)
			return -1;
		snprintf(name, sizeof(name), "X-RateLimit-Remaining-%s",
		    rl_window_title((enum rl_window)w));
		snprintf(num, sizeof(num), "%llu",
		    (unsigned long long)lw->remaining);
		if (response_header(res, name, num) == -1)
			return -1;
	}
	if (pl == 0)
		return 0;
	if (response_header(res, "RateLimit-Policy", policy) == -1 ||
	    response_header(res, "RateLimit", state) == -1)
		return -1;
	return 0;
}

/*
 * The headers of a pass: for how long nginx may keep it, who passed,
 * and how its limits stand.  A pass counted against a limit is never
 * kept: nginx would pass the same token again uncounted.  lighttpd
 * gives the client none of the answer's headers on a pass (only
 * Variable-* ones, to the backend): the limits' go to nginx only.
 */
static int
pass(const struct config *cfg, const struct auth_result *v, int authorizer,
    long long now, struct response *res)
{
	char		 keep[32];
	long long	 s;

	res->status = 200;
	if (!authorizer) {
		if (v->rate.counted && rate_headers(res, &v->rate) == -1)
			return -1;
		if (v->rate.counted || (s = pass_until(cfg, v, now)) < 0)
			snprintf(keep, sizeof(keep), "0");
		else
			snprintf(keep, sizeof(keep), "@%lld", s);
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

/*
 * The headers of a refusal over a limit (its envelope made): when to
 * try again and the limits.  nginx turns any auth_request answer but
 * 2xx, 401 and 403 into a 500, so it is told 403 with a marker its
 * configuration maps to the client's 429 (conf/nginx.conf); lighttpd
 * passes the 429 itself to the client.
 */
static int
limited(const struct auth_result *v, int authorizer, struct response *res)
{
	char	 secs[32];

	snprintf(secs, sizeof(secs), "%ld", v->rate.retry_after);
	if (response_header(res, "Retry-After", secs) == -1 ||
	    rate_headers(res, &v->rate) == -1)
		return -1;
	if (authorizer)
		return 0;
	res->status = 403;
	return response_header(res, "X-Adminutil-Status", "429");
}

void
gateway_auth(struct app *a, const struct route *rt, struct request *r,
    struct response *res)
{
	struct auth_request	 q;
	struct auth_result	 v;
	long long		 now = clock_wall_ms();
	int			 authorizer = r->role == ROLE_AUTHORIZER;

	memset(&q, 0, sizeof(q));
	q.authorization = r->authorization;
	q.nauthorization = r->nauthorization;
	q.allow_groups = r->allow_groups;
	q.remote_addr = r->remote_addr;
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
			reply_internal(res, rt, r, "CHECK TOKEN");
		return;
	}
	reply_refused(res, rt, r, &v, "CHECK TOKEN");
	if (v.verdict == AUTH_LIMITED && res->status == 429 &&
	    limited(&v, authorizer, res) == -1) {
		reply_internal(res, rt, r, "CHECK TOKEN");
		return;
	}
	if (v.verdict != AUTH_UNAUTHORIZED && v.verdict != AUTH_FORBIDDEN &&
	    v.verdict != AUTH_LIMITED)
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
 * and %XX decoded (percent_decode), in a new string.  NULL when absent
 * (errno ENOENT), refused by percent_decode (EINVAL) or on no memory.
 */
static char *
form_value(const char *body, size_t len, const char *name, size_t *outlen)
{
	const char	*p = body, *end = body + len, *amp, *eq;
	size_t		 nlen = strlen(name);

	*outlen = 0;
	for (; p < end; p = amp + 1) {
		if ((amp = memchr(p, '&', (size_t)(end - p))) == NULL)
			amp = end;
		eq = memchr(p, '=', (size_t)(amp - p));
		if (eq == NULL || (size_t)(eq - p) != nlen ||
		    memcmp(p, name, nlen) != 0)
			continue;
		return request_form_decode(eq + 1, (size_t)(amp - eq - 1),
		    outlen);
	}
	errno = ENOENT;
	return NULL;
}

/* The form member name of r's body, decoded; NULL as form_value says. */
static char *
form_member(struct request *r, const char *name, size_t *len)
{
	return form_value(r->body != NULL ? r->body : "", r->bodylen, name,
	    len);
}

/* Clears and frees s (len bytes). */
static void
clear_free(char *s, size_t len)
{
	if (s != NULL)
		explicit_bzero(s, len);
	free(s);
}

enum client_way
introspect_client(struct app *a, struct request *r, const char *groups,
    struct auth_result *v)
{
	char		*id = NULL, *secret = NULL, *fid, *fsecret;
	size_t		 idlen = 0, slen = 0, fidlen = 0, fslen = 0;
	const char	*why = NULL;
	enum client_way	 way;
	int		 basic, post, e1, e2;

	memset(v, 0, sizeof(*v));
	fid = form_member(r, "client_id", &fidlen);
	e1 = fid == NULL ? errno : 0;
	fsecret = form_member(r, "client_secret", &fslen);
	e2 = fsecret == NULL ? errno : 0;
	post = fid != NULL || fsecret != NULL || e1 == EINVAL || e2 == EINVAL;
	basic = r->nauthorization == 1 ? token_basic(r->authorization, &id,
	    &idlen, &secret, &slen, &why) : 0;
	/* The form's members beside Basic or a bearer token: two ways. */
	if (post && r->authorization != NULL) {
		way = CLIENT_TWICE;
		goto done;
	}
	if (basic == 0 && !post) {
		way = CLIENT_BEARER;
		goto done;
	}
	way = basic != 0 ? CLIENT_BASIC : CLIENT_POST;
	if (basic == -1) {
		v->verdict = AUTH_UNAUTHORIZED;
		v->why = why;
		goto done;
	}
	if (basic == 0) {
		id = fid;
		idlen = fidlen;
		secret = fsecret;
		slen = fslen;
		fid = fsecret = NULL;
		if (id == NULL || secret == NULL) {
			v->verdict = AUTH_UNAUTHORIZED;
			v->why = "client_id and client_secret are both needed, "
			    "form-urlencoded";
			goto done;
		}
	}
	auth_client(a->auth, id, idlen, secret, slen, groups, clock_wall_ms(),
	    v);
done:
	clear_free(fid, fidlen);
	clear_free(fsecret, fslen);
	clear_free(id, idlen);
	clear_free(secret, slen);
	return way;
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
	if (token == NULL && errno == EINVAL) {
		reply_err(res, rt, r, ERR_BAD_REQUEST,
		    "TOKEN IS NOT VALIDLY PERCENT-ENCODED (FORM FIELD token)");
		return;
	}
	if (token == NULL || len == 0) {
		free(token);
		reply_err(res, rt, r, ERR_BAD_REQUEST,
		    "TOKEN IS MANDATORY (FORM FIELD token)");
		return;
	}
	out = auth_introspect(a->auth, token, len, clock_wall_ms(), &down);
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
