/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

#include "build.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>
#include <fastcgi.h>

#include "app.h"
#include "config.h"
#include "log.h"
#include "metrics.h"
#include "request.h"
#include "sandbox.h"
#include "validate.h"
#include "worker.h"

static volatile sig_atomic_t	 stopping;

static void
on_term(int sig)
{
	(void)sig;
	stopping = 1;
}

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
 * -1 on no memory.
 */
static int
request_params(FCGX_Request *fr, struct request *r)
{
	const char	*v[P__MAX] = { NULL }, *uri;
	char		**e;
	size_t		 len, i;

	for (e = fr->envp; *e != NULL; e++)
		for (i = 0; i < P__MAX; i++)
			if (strncmp(*e, params[i].name, params[i].len) == 0) {
				if (i == P_AUTHORIZATION)
					r->nauthorization++;
				if (v[i] == NULL)
					v[i] = *e + params[i].len;
				break;
			}
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
 * Reads the body: at most max bytes; more sets too_large (and the rest
 * is not read).  -1 on a read error or no memory.
 */
static int
request_body(FCGX_Request *fr, struct request *r, size_t max)
{
	const char	*cl = FCGX_GetParam("CONTENT_LENGTH", fr->envp);
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

static void
serve(struct app *a, FCGX_Request *fr)
{
	struct request	 r;
	struct response	 res;
	struct timespec	 t0;
	char		 path[256];

	clock_gettime(CLOCK_MONOTONIC, &t0);
	request_init(&r);
	response_init(&res);
	/*
	 * An AUTHORIZER is asked about a request without its body (its
	 * CONTENT_LENGTH is the client's): nothing is read, nor drained.
	 */
	if (request_params(fr, &r) == -1 || (r.role == ROLE_RESPONDER &&
	    request_body(fr, &r, a->cfg->max_body) == -1)) {
		res.status = 500;
		log_warn("cannot read the request");
	} else
		app_handle(a, &r, &res);
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

static volatile sig_atomic_t	 reopen;

static void
on_usr1(int sig)
{
	(void)sig;
	reopen = 1;
}

void
child_logs(void)
{
	if (reopen) {
		reopen = 0;
		log_reopen();
	}
	sandbox_report();
}

void
child_start(pid_t master, void (*term)(int))
{
	struct sigaction sa;

	/* Die with the master, whatever kills it (even before this). */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != master)
		_exit(0);
	/* No exec of ours gains privileges: the first rule of a sandbox. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1) {
		log_error("PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
		_exit(WORKER_EXIT_FATAL);
	}
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);
}

void
worker_run(const struct config *cfg, int listen_fd, pid_t master,
    int metrics_slot)
{
	sigset_t	 waitmask;
	FCGX_Request	 fr;
	struct pollfd	 pfd;
	struct epoll_event ev;
	struct app	 a;
	char		 err[512];
	int		 ep, rc;

	child_start(master, on_term);

	/*
	 * Signals stay blocked (as the master left them) but while waiting
	 * for a connection: a TERM then interrupts the wait, and a TERM
	 * during a request is seen when it is done.
	 */
	sigprocmask(SIG_SETMASK, NULL, &waitmask);
	sigdelset(&waitmask, SIGTERM);
	sigdelset(&waitmask, SIGINT);
	sigdelset(&waitmask, SIGUSR1);

	metrics_attach(metrics_slot);
	if (FCGX_Init() != 0 || FCGX_InitRequest(&fr, listen_fd, 0) != 0) {
		log_error("cannot initialise libfcgi");
		_exit(WORKER_EXIT_FATAL);
	}
	if (app_init(&a, cfg, err, sizeof(err)) == -1) {
		log_error("%s", err);
		_exit(WORKER_EXIT_FATAL);
	}
	/*
	 * New connections are waited for with EPOLLEXCLUSIVE: the kernel
	 * wakes one idle worker per connection, where a poll on the shared
	 * socket woke them all, to lose the accept but one (2.3 to 3.5
	 * context switches a request, against 1.2).
	 */
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN | EPOLLEXCLUSIVE;
	if ((ep = epoll_create1(EPOLL_CLOEXEC)) == -1 ||
	    epoll_ctl(ep, EPOLL_CTL_ADD, listen_fd, &ev) == -1) {
		log_error("epoll: %s", strerror(errno));
		_exit(WORKER_EXIT_FATAL);
	}
	if (sandbox_enter(cfg->sandbox, SANDBOX_WORKER, err, sizeof(err)) ==
	    -1) {
		log_error("%s", err);
		_exit(WORKER_EXIT_FATAL);
	}
	log_debug("worker ready");
	while (!stopping) {
		child_logs();
		/* A kept-alive connection is read before new ones. */
		if (fr.ipcFd >= 0) {
			pfd.fd = fr.ipcFd;
			pfd.events = POLLIN;
			rc = ppoll(&pfd, 1, NULL, &waitmask);
		} else
			rc = epoll_pwait(ep, &ev, 1, -1, &waitmask);
		if (rc == -1) {
			if (errno == EINTR)
				continue;
			log_error("poll: %s", strerror(errno));
			break;
		}
		if (FCGX_Accept_r(&fr) < 0)
			continue;	/* another worker took it */
		serve(&a, &fr);
		FCGX_Finish_r(&fr);
	}
	close(ep);
	FCGX_Free(&fr, 1);
	app_free(&a);
	_exit(0);
}
