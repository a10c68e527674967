/*
 * The gateway's routes: GET /v1/auth (nginx auth_request), the same
 * check in lighttpd's AUTHORIZER role, and RFC 7662 introspection.
 */
#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "auth.h"
#include "request.h"

void
gateway_auth(struct app *a, const struct route *rt, struct request *r,
    struct response *res)
{
	struct auth_request	 q;
	struct auth_result	 v;
	char			 www[256], keep[16];
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
	auth_check(a->auth, &q, envelope_now_ms(), &v);
	switch (v.status) {
	case 200:
		res->status = 200;
		/* nginx's fastcgi_cache: for how long it may keep this. */
		snprintf(keep, sizeof(keep), "%d", v.keep);
		if (!authorizer &&
		    response_header(res, "X-Accel-Expires", keep) == -1) {
			reply_store_err(res, rt, r, ST_ERR, "CHECK TOKEN");
			return;
		}
		if (v.username == NULL)
			return;		/* a public API: no consumer */
		/* All three, or the request does not pass. */
		if (response_header(res, authorizer ?
		    "Variable-X-Consumer-Username" : "X-Consumer-Username",
		    v.username) == -1 || response_header(res, authorizer ?
		    "Variable-X-Consumer-Groups" : "X-Consumer-Groups",
		    v.groups) == -1 || response_header(res, authorizer ?
		    "Variable-X-Credential-Key" : "X-Credential-Key",
		    v.key) == -1)
			reply_store_err(res, rt, r, ST_ERR, "CHECK TOKEN");
		return;
	case 401:
		snprintf(www, sizeof(www), "Bearer error=\"invalid_token\", "
		    "error_description=\"%s\"", v.why);
		response_header(res, "WWW-Authenticate", www);
		reply_err(res, rt, r, ERR_UNAUTHORIZED, "%s", v.why);
		return;
	case 403:
		reply_err(res, rt, r, ERR_FORBIDDEN, "%s", v.why);
		return;
	case 503:
		reply_store_err(res, rt, r, ST_DOWN, "CHECK TOKEN");
		return;
	default:
		reply_store_err(res, rt, r, ST_ERR, "CHECK TOKEN");
		return;
	}
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
	char	*token, *out;
	size_t	 len;
	int	 down;

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
