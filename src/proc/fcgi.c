/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * One FastCGI request, from libfcgi to the application and back: the
 * parameters a handler may need and the body (at most max_body) into a
 * struct request, the answer written as a CGI response, the input read
 * to its end, and the request counted and logged.
 */
#include "build.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

#include <fcgiapp.h>
#include <fastcgi.h>

#include "app.h"
#include "core/config.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/validate.h"
#include "http/request.h"
#include "proc/fcgi.h"

/* The parameters a handler may need, found in one pass over envp. */
enum param {
	P_REQUEST_METHOD,
	P_REQUEST_URI,
	P_DOCUMENT_URI,
	P_SCRIPT_NAME,
	P_AUTHORIZATION,
	P_ORIGINAL_URI,
	P_ORIGINAL_METHOD,
	P_ALLOW_GROUPS,
	P_CONTENT_TYPE,
	P_HOST,
	P_REMOTE_ADDR,
	P_ORIGIN,
	P_FETCH_SITE,
	P_PORTAL_USER,
	P_PORTAL_EMAIL,
	P_CONTENT_LENGTH,
	P__MAX
};

static const struct {
	const char	*name;		/* with its "=" */
	size_t		 len;
} params[P__MAX] = {
#define P(s)	 { s "=", sizeof(s) }
	[P_REQUEST_METHOD] = P("REQUEST_METHOD"),
	[P_REQUEST_URI] = P("REQUEST_URI"),
	[P_DOCUMENT_URI] = P("DOCUMENT_URI"),
	[P_SCRIPT_NAME] = P("SCRIPT_NAME"),
	[P_AUTHORIZATION] = P("HTTP_AUTHORIZATION"),
	[P_ORIGINAL_URI] = P("HTTP_X_ORIGINAL_URI"),
	[P_ORIGINAL_METHOD] = P("HTTP_X_ORIGINAL_METHOD"),
	[P_ALLOW_GROUPS] = P("ADMINUTIL_ALLOW_GROUPS"),
	[P_CONTENT_TYPE] = P("CONTENT_TYPE"),
	[P_HOST] = P("HTTP_HOST"),
	[P_REMOTE_ADDR] = P("REMOTE_ADDR"),
	[P_ORIGIN] = P("HTTP_ORIGIN"),
	[P_FETCH_SITE] = P("HTTP_SEC_FETCH_SITE"),
	[P_PORTAL_USER] = P("ADMINUTIL_PORTAL_USER"),
	[P_PORTAL_EMAIL] = P("ADMINUTIL_PORTAL_EMAIL"),
	[P_CONTENT_LENGTH] = P("CONTENT_LENGTH"),
#undef P
};

/* *out = a copy of v, or NULL when v is; -1 on no memory. */
static int
dup_param(const char *v, char **out)
{
	*out = NULL;
	return v != NULL && (*out = strdup(v)) == NULL ? -1 : 0;
}

/*
 * Copies the parameters a handler may need; the path is REQUEST_URI
 * (raw, as the client sent it) without its query.  The first of a name
 * counts, as FCGX_GetParam() has it; HTTP_AUTHORIZATION is counted.
 * *cl is CONTENT_LENGTH, or NULL.  Each parameter's name is measured
 * once and compared only with the names of its length: a strncmp of
 * every name against every parameter (some 30 of them from nginx) was
 * the largest piece of a gateway request in user space.  -1 on no
 * memory.
 */
static int
request_params(FCGX_Request *fr, struct request *r, const char **cl)
{
	const char	*v[P__MAX] = { NULL }, *uri, *eq;
	char		**e;
	size_t		 len, i;

	for (e = fr->envp; *e != NULL; e++) {
		if ((eq = strchr(*e, '=')) == NULL)
			continue;
		len = (size_t)(eq - *e) + 1;
		for (i = 0; i < P__MAX; i++)
			if (params[i].len == len &&
			    memcmp(*e, params[i].name, len) == 0) {
				if (i == P_AUTHORIZATION)
					r->nauthorization++;
				if (v[i] == NULL)
					v[i] = *e + len;
				break;
			}
	}
	*cl = v[P_CONTENT_LENGTH];
	r->role = fr->role == FCGI_AUTHORIZER ? ROLE_AUTHORIZER :
	    ROLE_RESPONDER;
	r->method = request_method(v[P_REQUEST_METHOD]);
	if ((uri = v[P_REQUEST_URI]) == NULL &&
	    (uri = v[P_DOCUMENT_URI]) == NULL &&
	    (uri = v[P_SCRIPT_NAME]) == NULL)
		uri = "/";
	len = strcspn(uri, "?#");
	if ((r->path = strndup(uri, len)) == NULL ||
	    (r->uri = strdup(uri)) == NULL ||
	    dup_param(v[P_REQUEST_METHOD], &r->method_name) == -1 ||
	    dup_param(v[P_AUTHORIZATION], &r->authorization) == -1 ||
	    dup_param(v[P_ORIGINAL_URI], &r->original_uri) == -1 ||
	    dup_param(v[P_ORIGINAL_METHOD], &r->original_method) == -1 ||
	    dup_param(v[P_ALLOW_GROUPS], &r->allow_groups) == -1 ||
	    dup_param(v[P_CONTENT_TYPE], &r->content_type) == -1 ||
	    dup_param(v[P_HOST], &r->host) == -1 ||
	    dup_param(v[P_REMOTE_ADDR], &r->remote_addr) == -1 ||
	    dup_param(v[P_ORIGIN], &r->origin) == -1 ||
	    dup_param(v[P_FETCH_SITE], &r->fetch_site) == -1 ||
	    dup_param(v[P_PORTAL_USER], &r->portal_user) == -1 ||
	    dup_param(v[P_PORTAL_EMAIL], &r->portal_email) == -1)
		return -1;
	return 0;
}

/*
 * Reads the body, CONTENT_LENGTH cl (NULL: none): at most max bytes;
 * more sets too_large (and the rest is not read).  -1 on a read error
 * or no memory.
 */
static int
request_body(FCGX_Request *fr, struct request *r, const char *cl,
    size_t max)
{
	long long	 want = 0;
	int		 n;

	if (cl != NULL && *cl != '\0' &&
	    validate_number(cl, 10, 0, LLONG_MAX, &want) == -1)
		return -1;
	if ((unsigned long long)want > max) {
		r->too_large = 1;
		return 0;
	}
	if ((r->body = malloc((size_t)want + 1)) == NULL)
		return -1;
	n = want == 0 ? 0 : FCGX_GetStr(r->body, (int)want, fr->in);
	if (n < 0 || n != want)
		return -1;
	r->body[n] = '\0';
	r->bodylen = (size_t)n;
	return 0;
}

static const char *
reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 421: return "Misdirected Request";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Unknown";
	}
}

static void
respond(FCGX_Request *fr, const struct response *res)
{
	char	 head[256];
	int	 n;

	/* libfcgi's own printf knows no %zu: format here. */
	n = snprintf(head, sizeof(head), "Status: %d %s\r\n%s"
	    "Content-Length: %zu\r\n", res->status, reason(res->status),
	    res->json ? "Content-Type: application/json; charset=utf-8\r\n" :
	    "", res->bodylen);
	FCGX_PutStr(head, n, fr->out);
	if (res->headerslen > 0)
		FCGX_PutStr(res->headers, (int)res->headerslen, fr->out);
	FCGX_PutStr("\r\n", 2, fr->out);
	if (res->bodylen > 0)
		FCGX_PutStr(res->body, (int)res->bodylen, fr->out);
}

/*
 * Reads what is left of the input (the empty record that ends it) so
 * that the connection can be closed at once: libfcgi otherwise shuts
 * down its side and waits for the web server to close first, keeping
 * the worker from the next request for as long as that takes.  A body
 * left unread (over max_body) keeps that slower, careful close.
 */
static void
finish_input(FCGX_Request *fr, const struct request *r)
{
	char	 buf[512];

	if (r->too_large || r->role != ROLE_RESPONDER)
		return;
	while (FCGX_GetStr(buf, sizeof(buf), fr->in) > 0)
		;
	if (FCGX_HasSeenEOF(fr->in))
		FCGX_Detach(fr);
}

static long
elapsed_us(const struct timespec *t0)
{
	struct timespec	 t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000000L +
	    (t1.tv_nsec - t0->tv_nsec) / 1000;
}

/*
 * The access line of an admin call: who did what, how it ended, in
 * logfmt; names are escaped, and no token or secret is in it.
 */
static void
access_line(struct request *r, int status, long us)
{
	char	 actor[128], key[128], addr[64];

	log_info("access route=%s status=%d us=%ld actor=\"%s\" "
	    "actor_key=%s remote_addr=%s resmsgid=%s", r->route_id, status, us,
	    r->actor != NULL ? log_escape(actor, sizeof(actor), r->actor,
	    strlen(r->actor)) : "", r->actor_key != NULL ? log_escape(key,
	    sizeof(key), r->actor_key, strlen(r->actor_key)) : "-",
	    r->remote_addr != NULL ? log_escape(addr, sizeof(addr),
	    r->remote_addr, strlen(r->remote_addr)) : "-",
	    r->resmsgid[0] != '\0' ? r->resmsgid : "-");
}

/*
 * An answer this long or shorter is written whole into a new
 * connection's empty send buffer (4,608 bytes at the least on Linux,
 * 208 KB by default): its write cannot wait on the peer.
 */
#define QUICK_ANSWER_MAX	 4096

/*
 * Before a longer answer on a connection without timeouts (send_ms > 0,
 * see quick_serve in worker.c), the peer's send timeout: a web server
 * that does not read holds the worker send_ms at most.
 */
static void
send_timeout(FCGX_Request *fr, const struct response *res, long long ms)
{
	struct timeval	 tv = { (time_t)(ms / 1000), 0 };

	/* The status line and headers (256), the records' own headers. */
	if (ms <= 0 || 256 + res->headerslen + res->bodylen + 64 <=
	    QUICK_ANSWER_MAX)
		return;
	if (setsockopt(fr->ipcFd, SOL_SOCKET, SO_SNDTIMEO, &tv,
	    sizeof(tv)) == -1)
		log_warn("SO_SNDTIMEO: %s", strerror(errno));
}

void
fcgi_serve(struct app *a, FCGX_Request *fr, long long send_ms)
{
	struct request	 r;
	struct response	 res;
	struct timespec	 t0;
	const char	*cl;
	char		 path[256];

	clock_gettime(CLOCK_MONOTONIC, &t0);
	request_init(&r);
	response_init(&res);
	/*
	 * An AUTHORIZER is asked about a request without its body (its
	 * CONTENT_LENGTH is the client's): nothing is read, nor drained.
	 */
	if (request_params(fr, &r, &cl) == -1 ||
	    (r.role == ROLE_RESPONDER &&
	    request_body(fr, &r, cl, a->cfg->max_body) == -1)) {
		res.status = 500;
		log_warn("cannot read the request");
	} else
		app_handle(a, &r, &res);
	send_timeout(fr, &res, send_ms);
	respond(fr, &res);
	finish_input(fr, &r);
	metrics_request(r.route, res.status, elapsed_us(&t0));
	if (r.route_id != NULL)
		access_line(&r, res.status, elapsed_us(&t0));
	if (res.status >= 500)
		log_warn("%s -> %d", r.path == NULL ? "-" : log_escape(path,
		    sizeof(path), r.path, strlen(r.path)), res.status);
	else if (log_enabled(LOG_LVL_DEBUG))
		log_debug("%s -> %d in %ld us", r.path == NULL ? "-" :
		    log_escape(path, sizeof(path), r.path, strlen(r.path)),
		    res.status, elapsed_us(&t0));
	response_free(&res);
	request_free(&r);
}
