/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

#include "build.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>
#include <fastcgi.h>

#include "app.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/validate.h"
#include "http/request.h"
#include "proc/fcgi.h"
#include "proc/sandbox.h"
#include "proc/worker.h"

static volatile sig_atomic_t	 stopping;

static void
on_term(int sig)
{
	(void)sig;
	stopping = 1;
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

/*
 * The connections a worker holds between requests: the new ones it has
 * accepted and its kept-alive ones (FCGI_KEEP_CONN), each until it is
 * readable.  Only a readable connection is given to libfcgi, whose
 * reads block: a peer that connects and says nothing, or keeps its
 * connection idle, takes a slot, not the worker, and is closed once
 * silent for peer_timeout; a full set closes its oldest idle one.  A
 * peer that sends half a record, or does not read, holds the worker
 * for peer_timeout per read or write (SO_RCVTIMEO, SO_SNDTIMEO).
 */
#define HELD_MAX	 16
/* At SIGTERM, how long a new connection may take to send its request. */
#define STOP_GRACE_MS	 1000
/* The epoll tag of the listening socket; a held one's is its slot. */
#define TAG_LISTEN	 UINT32_MAX
/*
 * The most connections served at once in one round (held_accept): while
 * others are queued, a worker that has just served one takes the next
 * without going back to its wait, which would cost a system call and,
 * with the queue empty meanwhile, a sleep and a wake-up.  Bounded, so
 * that a held connection's request waits for ACCEPT_BURST at most.
 */
#define ACCEPT_BURST	 8
/* The most of a new connection's request looked at (quick_serve). */
#define PEEK_MAX	 8192

struct held {
	int		 fd;		/* -1: a free slot */
	int		 fresh;		/* accepted, no request read yet */
	long long	 deadline;	/* clock_mono_ms(): closed when silent */
};

struct peers {
	struct held	 held[HELD_MAX];
	int		 ep;		/* epoll: the listener, then the held */
	int		 listen_fd;
	int		 tcp;		/* the listener is TCP: no Nagle */
	long long	 timeout;	/* ms, peer_timeout */
};

static int
peers_init(struct peers *p, int listen_fd, int timeout)
{
	struct epoll_event	 ev;
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss);
	size_t			 i;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < HELD_MAX; i++)
		p->held[i].fd = -1;
	p->listen_fd = listen_fd;
	p->timeout = timeout * 1000LL;
	p->tcp = getsockname(listen_fd, (struct sockaddr *)&ss, &len) == 0 &&
	    ss.ss_family != AF_UNIX;
	/*
	 * New connections are waited for with EPOLLEXCLUSIVE: the kernel
	 * wakes one idle worker per connection, where a poll on the shared
	 * socket woke them all, to lose the accept but one (2.3 to 3.5
	 * context switches a request, against 1.2).  The held connections
	 * are in the same set, and the wait is epoll_pwait's: the kernel
	 * counts a wake-up as the one exclusive wake only for a waiter in
	 * epoll_wait, not for one polling the epoll fd.
	 */
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN | EPOLLEXCLUSIVE;
	ev.data.u32 = TAG_LISTEN;
	if ((p->ep = epoll_create1(EPOLL_CLOEXEC)) == -1 ||
	    epoll_ctl(p->ep, EPOLL_CTL_ADD, listen_fd, &ev) == -1)
		return -1;
	return 0;
}

static int	 hand_over(FCGX_Request *, int);
static void	 request_end(FCGX_Request *, long long);

/* Closes a held connection (epoll forgets it with its last fd). */
static void
held_close(struct held *h)
{
	close(h->fd);
	h->fd = -1;
}

/* ms until the first deadline (at least 0), or -1 when none is held. */
static int
held_wait(const struct peers *p, long long now)
{
	long long	 first = -1;
	size_t		 i;

	for (i = 0; i < HELD_MAX; i++)
		if (p->held[i].fd != -1 && (first == -1 ||
		    p->held[i].deadline < first))
			first = p->held[i].deadline;
	if (first == -1)
		return -1;
	return first <= now ? 0 : (int)(first - now);
}

/* Closes the connections silent past their deadline (not in readable). */
static void
held_expire(struct peers *p, unsigned readable, long long now)
{
	size_t	 i;

	for (i = 0; i < HELD_MAX; i++)
		if (p->held[i].fd != -1 && !(readable & 1u << i) &&
		    p->held[i].deadline <= now) {
			log_debug("a %s connection silent for %lld ms: closed",
			    p->held[i].fresh ? "new" : "kept-alive",
			    p->timeout);
			held_close(&p->held[i]);
		}
}

/*
 * A slot for a new connection: a free one, else the one of the oldest
 * idle connection (not in readable), which the caller closes; -1 when
 * every held connection is readable (they are served first).
 */
static int
held_slot(const struct peers *p, unsigned readable)
{
	int	 i, old = -1;

	for (i = 0; i < HELD_MAX; i++) {
		if (p->held[i].fd == -1)
			return i;
		if (!(readable & 1u << i) && (old == -1 ||
		    p->held[i].deadline < p->held[old].deadline))
			old = i;
	}
	return old;
}

/*
 * Gives a connection the peer's timeouts: a read or a write that waits
 * secs fails (EAGAIN), and libfcgi ends the request with an error.
 */
static int
peer_timeouts(int fd, long long ms)
{
	struct timeval	 tv = { (time_t)(ms / 1000), 0 };

	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == -1)
		return -1;
	return 0;
}

/*
 * 1 when b[0..n) holds a whole request on a connection the web server
 * will not keep: a begin record without FCGI_KEEP_CONN, the parameters
 * to their empty record and, for a responder, its input to its empty
 * record.  Anything else (a management record, a kept connection, a
 * filter, a request not all there yet) is 0.
 */
static int
request_whole(const unsigned char *b, size_t n)
{
	size_t	 at = 0, len;
	int	 role = -1, params = 0, empty;

	while (n - at >= FCGI_HEADER_LEN) {
		empty = b[at + 4] == 0 && b[at + 5] == 0;
		len = (size_t)(b[at + 4] << 8 | b[at + 5]) + b[at + 6];
		if (b[at] != FCGI_VERSION_1 || n - at - FCGI_HEADER_LEN < len)
			return 0;
		switch (b[at + 1]) {
		case FCGI_BEGIN_REQUEST:
			if (role != -1 || len < 8 ||
			    (b[at + 10] & FCGI_KEEP_CONN) != 0)
				return 0;
			role = b[at + 8] << 8 | b[at + 9];
			if (role != FCGI_RESPONDER && role != FCGI_AUTHORIZER)
				return 0;
			break;
		case FCGI_PARAMS:
			if (role == -1 || params)
				return 0;
			/* An authorizer's input is never read. */
			if (empty && role == FCGI_AUTHORIZER)
				return 1;
			params = empty;
			break;
		case FCGI_STDIN:
			if (!params)
				return 0;
			if (empty)
				return 1;
			break;
		default:
			return 0;
		}
		at += FCGI_HEADER_LEN + len;
	}
	return 0;
}

/*
 * Serves the new connection fd at once when its whole request is
 * already there: nginx writes it as it connects, before a worker takes
 * the connection.  None of libfcgi's reads can then wait, so the peer's
 * timeouts are not set, nor is the connection put in the wait set: the
 * look costs one system call and saves three (an answer that might not
 * fit the socket's buffer gets its send timeout first, fcgi_serve).
 * 0 when served (fd closed); -1 when the request is not all there, and
 * fd is held as any other.
 */
static int
quick_serve(struct peers *p, int fd, struct app *a, FCGX_Request *fr)
{
	unsigned char	 b[PEEK_MAX];
	ssize_t		 n;
	int		 one = 1;

	n = recv(fd, b, sizeof(b), MSG_PEEK | MSG_DONTWAIT);
	if (n <= 0 || !request_whole(b, (size_t)n))
		return -1;
	if (p->tcp)
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
		    sizeof(one));
	if (hand_over(fr, fd) == -1)
		return 0;
	fcgi_serve(a, fr, p->timeout);
	request_end(fr, p->timeout);
	/* Not kept (no FCGI_KEEP_CONN): FCGX_Finish_r has closed it. */
	if (fr->ipcFd != -1) {
		close(fr->ipcFd);
		fr->ipcFd = -1;
	}
	return 0;
}

/*
 * Accepts new connections, if another worker did not: each served at
 * once when its request is all there, then the next one queued is
 * taken, up to ACCEPT_BURST, without waiting in between; the first not
 * all there goes into a slot and ends the round.
 */
static void
held_accept(struct peers *p, unsigned readable, long long now,
    struct app *a, FCGX_Request *fr)
{
	struct epoll_event	 ev;
	int			 i, fd, one = 1, burst = 0;

	if ((i = held_slot(p, readable)) == -1)
		return;
	for (;;) {
		/* Blocking (not inherited): reads wait, SO_RCVTIMEO at most. */
		fd = accept4(p->listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR && errno != ECONNABORTED)
				log_warn("accept: %s", strerror(errno));
			return;
		}
		if (quick_serve(p, fd, a, fr) == -1)
			break;		/* not all there: held below */
		if (++burst == ACCEPT_BURST)
			return;
	}
	if (p->held[i].fd != -1) {
		log_debug("%d connections held: the oldest idle one closed",
		    HELD_MAX);
		held_close(&p->held[i]);
	}
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.u32 = (uint32_t)i;
	if (peer_timeouts(fd, p->timeout) == -1 || (p->tcp &&
	    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) ==
	    -1) || epoll_ctl(p->ep, EPOLL_CTL_ADD, fd, &ev) == -1) {
		log_warn("a new connection: %s", strerror(errno));
		close(fd);
		return;
	}
	p->held[i].fd = fd;
	p->held[i].fresh = 1;
	p->held[i].deadline = now + p->timeout;
}

/*
 * Gives the readable connection fd to libfcgi, which reads its begin
 * record and parameters.  keepConnection keeps FCGX_Accept_r's own
 * FCGX_Finish_r from closing fd; detached makes its close after a bad
 * begin record a plain close (not a shutdown and a drain that polls on
 * while the peer trickles); listen_sock -1 makes the accept it then
 * tries fail at once (EBADF) where it would block.  0 when a request
 * was read; -1 when fd is closed.
 */
static int
hand_over(FCGX_Request *fr, int fd)
{
	fr->ipcFd = fd;
	fr->keepConnection = 1;
	fr->detached = 1;
	if (FCGX_Accept_r(fr) < 0) {
		fr->ipcFd = -1;
		return -1;
	}
	FCGX_Attach(fr);
	return 0;
}

/*
 * The first half of a careful close, as libfcgi's, bounded: our side
 * shut, then what the web server still sends (a body left unread) read
 * and dropped until it closes, for ms at most, so that it reads the
 * answer rather than a reset.  libfcgi's own polls on for as long as
 * the peer sends a byte every 2 s.
 */
static void
linger(int fd, long long ms)
{
	struct pollfd	 pfd = { fd, POLLIN, 0 };
	char		 buf[4096];
	long long	 end = clock_mono_ms() + ms, left;

	if (shutdown(fd, SHUT_WR) == -1)
		return;
	while ((left = end - clock_mono_ms()) > 0 &&
	    poll(&pfd, 1, (int)left) == 1 && read(fd, buf, sizeof(buf)) > 0)
		;
}

/*
 * Ends the request: the answer flushed; the connection kept when the
 * web server asked (FCGI_KEEP_CONN) and nothing failed, else closed,
 * carefully unless finish_input() read its input to the end.  As
 * FCGX_Finish_r decides, which then does it.
 */
static void
request_end(FCGX_Request *fr, long long ms)
{
	int	 drop;

	drop = !fr->keepConnection;
	drop |= FCGX_FClose(fr->err) != 0;
	drop |= FCGX_FClose(fr->out) != 0;
	drop |= FCGX_GetError(fr->in) != 0;
	if (drop) {
		if (!fr->detached)
			linger(fr->ipcFd, ms);
		fr->keepConnection = 0;
		fr->detached = 1;
	}
	FCGX_Finish_r(fr);
}

/*
 * Serves the request on held connection i, readable; keeps the
 * connection in its slot when the web server keeps it.
 */
static void
held_serve(struct peers *p, size_t i, struct app *a, FCGX_Request *fr)
{
	struct held	*h = &p->held[i];

	if (hand_over(fr, h->fd) == -1) {
		h->fd = -1;	/* closed: it said nothing valid in time */
		return;
	}
	fcgi_serve(a, fr, 0);
	request_end(fr, p->timeout);
	if (fr->ipcFd == -1)
		h->fd = -1;
	else {
		h->fresh = 0;
		h->deadline = clock_mono_ms() + p->timeout;
		fr->ipcFd = -1;		/* ours again, until readable */
	}
}

/*
 * At SIGTERM, no new connection is taken, and a request the web server
 * has sent is answered: one on a connection readable now, or on a new
 * connection within STOP_GRACE_MS (it connected, its request is on the
 * way).  An idle kept-alive connection is closed: the web server sends
 * its next request on a new one, to the next generation of workers.
 */
static void
peers_stop(struct peers *p, struct app *a, FCGX_Request *fr)
{
	struct epoll_event	 ev[HELD_MAX + 1];
	long long		 end = clock_mono_ms() + STOP_GRACE_MS, left = 0;
	size_t			 i, held;
	int			 n, k;

	epoll_ctl(p->ep, EPOLL_CTL_DEL, p->listen_fd, NULL);
	do {
		n = epoll_wait(p->ep, ev, HELD_MAX + 1, (int)left);
		for (k = 0; k < n; k++) {
			i = ev[k].data.u32;
			if (i < HELD_MAX && p->held[i].fd != -1) {
				held_serve(p, i, a, fr);
				if (p->held[i].fd != -1)
					held_close(&p->held[i]);
			}
		}
		left = end - clock_mono_ms();
		for (i = held = 0; i < HELD_MAX; i++)
			if (p->held[i].fd == -1)
				continue;
			else if (!p->held[i].fresh || left <= 0)
				held_close(&p->held[i]);
			else
				held++;
	} while (held > 0 && n != -1);
}

/*
 * A worker's life in order: started by the master, libfcgi and the
 * application set up, the peers' epoll set, the sandbox entered, then
 * the loop until SIGTERM and the stop.  Each step is a call or two.
 */
void
worker_run(const struct config *cfg, int listen_fd, pid_t master,
    int metrics_slot)
{
	sigset_t	 waitmask;
	FCGX_Request	 fr;
	struct epoll_event ev[HELD_MAX + 1];
	struct peers	 p;
	struct app	 a;
	char		 err[512];
	long long	 now;
	unsigned	 readable;
	int		 n, k, first;

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
	/* No listening socket: libfcgi is given connections, see hand_over. */
	if (FCGX_Init() != 0 || FCGX_InitRequest(&fr, -1, 0) != 0) {
		log_error("cannot initialise libfcgi");
		_exit(WORKER_EXIT_FATAL);
	}
	if (app_init(&a, cfg, err, sizeof(err)) == -1) {
		log_error("%s", err);
		_exit(WORKER_EXIT_FATAL);
	}
	if (peers_init(&p, listen_fd, cfg->peer_timeout) == -1) {
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
		n = epoll_pwait(p.ep, ev, HELD_MAX + 1, held_wait(&p,
		    clock_mono_ms()), &waitmask);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			log_error("epoll_pwait: %s", strerror(errno));
			break;
		}
		readable = 0;
		first = -1;
		for (k = 0; k < n; k++)
			if (ev[k].data.u32 < HELD_MAX) {
				readable |= 1u << ev[k].data.u32;
				if (first == -1)
					first = (int)ev[k].data.u32;
			}
		now = clock_mono_ms();
		held_expire(&p, readable, now);
		/*
		 * One new connection and one request a round: a worker takes
		 * no more connections than it serves while others are idle.
		 */
		for (k = 0; k < n; k++)
			if (ev[k].data.u32 == TAG_LISTEN)
				held_accept(&p, readable, now, &a, &fr);
		if (first != -1)
			held_serve(&p, (size_t)first, &a, &fr);
	}
	peers_stop(&p, &a, &fr);
	close(p.ep);
	FCGX_Free(&fr, 1);
	app_free(&a);
	_exit(0);
}
