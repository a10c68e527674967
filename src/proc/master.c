/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The master's supervision, in nginx's shape: the signals it answers
 * are blocked but while it sleeps in sigsuspend(), their handlers only
 * set flags in struct master, and the loop of master_run() does the
 * work those flags ask for (master_reap, master_reload, master_stop,
 * master_reopen).  The waits (a back-off, the grace of a stop) are an
 * interval timer's SIGALRM, so that no signal is lost between deciding
 * to sleep and sleeping.
 */

#include "build.h"

#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "core/clock.h"
#include "core/config.h"
#include "core/feed.h"
#include "core/keyfilter.h"
#include "core/ratelimit.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/validate.h"
#include "crypto/seal.h"
#include "gateway/acl.h"
#include "portal/portal.h"
#include "proc/feed.h"
#include "proc/listen.h"
#include "proc/master.h"
#include "proc/sender.h"
#include "proc/worker.h"
#include "store/nodes.h"
#include "store/outbox.h"

#define MAX_CHILDREN	 512	/* two generations of the most workers */
#define YOUNG_MS	 1000	/* a worker dying younger backs off */
#define BACKOFF_MIN_MS	 100
#define BACKOFF_MAX_MS	 10000
#define STOP_GRACE_MS	 30000	/* then SIGKILL */
#define IDLE_MS		 (3600 * 1000)	/* the longest sleep */

/*
 * The pools of workers: the admin pool on listen, answering routes,
 * and, with auth_listen, the gateway's own on that socket, answering
 * /v1/auth and health only, so that no admin work (a change waiting
 * for a row lock, a storm of grants) ever stands between the gateway
 * and its answer.
 */
struct pool {
	int		 fd;
	unsigned	 routes;	/* 0: the config's */
	const int	*n;		/* the config's workers count */
};

/*
 * The pools, the sender of the outbox (sender.h): one child beside the
 * workers, when there is mail to send, and the follower of the change
 * feed (proc/feed.h): one child, when the feed's memory is mapped.
 */
#define POOL_ADMIN	 0
#define POOL_AUTH	 1
#define POOL_SENDER	 2
#define POOL_FEED	 3
#define NPOOLS		 4

static const int	 one = 1;

struct child {
	pid_t		 pid;
	unsigned	 gen;
	int		 pool;
	long long	 started;	/* ms, monotonic */
};

/*
 * The master's state.  A reload starts generation gen + 1 and retires
 * the older ones; only the current generation is refilled.  The flags
 * are set by master_signal() and read and cleared by the loop, with
 * every signal they stand for blocked.
 */
struct master {
	struct config	*cfg;		/* the running one; replaced on HUP */
	const char	*cfgpath;	/* read again on HUP; may be NULL */
	struct pool	 pools[NPOOLS];
	struct child	 kids[MAX_CHILDREN];
	size_t		 nkids;
	unsigned	 gen;
	long long	 backoff;	/* ms; 0: none */
	long long	 spawn_at;	/* no spawn before (ms, monotonic) */
	long long	 stop_at;	/* SIGKILL at (ms, monotonic) */
	int		 stopping;
	int		 fatal;		/* a worker exited WORKER_EXIT_FATAL */
	int		 ready;		/* READY=1 told for this generation */
	int		 rc;		/* master_run's exit status */
	sigset_t	 waitmask;	/* the mask while in sigsuspend */
	sigset_t	 childmask;	/* the mask a child starts with */

	volatile sig_atomic_t	 sig_reap;	/* SIGCHLD */
	volatile sig_atomic_t	 sig_stop;	/* SIGTERM, SIGINT, SIGQUIT */
	volatile sig_atomic_t	 sig_reload;	/* SIGHUP */
	volatile sig_atomic_t	 sig_reopen;	/* SIGUSR1 */
	volatile sig_atomic_t	 sig_alarm;	/* SIGALRM: a wait is over */
};

/* The signals the master answers. */
static const int	 master_sigs[] = {
	SIGCHLD, SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGALRM
};
#define NSIGS	 (sizeof(master_sigs) / sizeof(master_sigs[0]))

/* The master whose flags master_signal sets. */
static struct master	*running;

/* 1 if a follower of an older generation still runs. */
static int
old_follower(const struct master *m)
{
	size_t	 i;

	for (i = 0; i < m->nkids; i++)
		if (m->kids[i].pool == POOL_FEED && m->kids[i].gen != m->gen)
			return 1;
	return 0;
}

/*
 * 1 if pool p should have children now.  The feed has one writer: a
 * reload's follower starts once the one it replaces is gone (reaped),
 * never beside it.
 */
static int
pool_on(const struct master *m, int p)
{
	if (p == POOL_SENDER)
		return sender_wanted(m->cfg);
	if (p == POOL_FEED)
		return feed_on() && !old_follower(m);
	return m->pools[p].fd != -1;
}

/* Sets the flag of sig; the loop of master_run does the rest. */
static void
master_signal(int sig)
{
	switch (sig) {
	case SIGCHLD:
		running->sig_reap = 1;
		break;
	case SIGTERM:
	case SIGINT:
	case SIGQUIT:
		running->sig_stop = 1;
		break;
	case SIGHUP:
		running->sig_reload = 1;
		break;
	case SIGUSR1:
		running->sig_reopen = 1;
		break;
	case SIGALRM:
		running->sig_alarm = 1;
		break;
	}
}

/*
 * Blocks the master's signals and gives them master_signal (handler
 * non-NULL), or gives them back their default (handler NULL: in a new
 * child, and once the master is done).
 */
static void
master_signals(struct master *m, void (*handler)(int))
{
	struct sigaction	 sa;
	sigset_t		 set, old;
	size_t			 i;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = handler != NULL ? handler : SIG_DFL;
	if (handler == NULL) {
		for (i = 0; i < NSIGS; i++)
			sigaction(master_sigs[i], &sa, NULL);
		return;
	}
	sigemptyset(&set);
	for (i = 0; i < NSIGS; i++)
		sigaddset(&set, master_sigs[i]);
	sigprocmask(SIG_BLOCK, &set, &old);
	/* A child starts as before: all but SIGALRM blocked. */
	m->childmask = old;
	for (i = 0; i < NSIGS; i++)
		if (master_sigs[i] != SIGALRM)
			sigaddset(&m->childmask, master_sigs[i]);
	m->waitmask = old;
	for (i = 0; i < NSIGS; i++)
		sigdelset(&m->waitmask, master_sigs[i]);
	running = m;
	for (i = 0; i < NSIGS; i++)
		sigaction(master_sigs[i], &sa, NULL);
}

static int
spawn(struct master *m, int pool)
{
	const struct config	*cfg = m->cfg;
	const struct pool	*pools = m->pools;
	struct config		 own;
	struct child		*k;
	pid_t			 pid, self = getpid();
	int			 slot, p;

	if (m->nkids == MAX_CHILDREN)
		return -1;
	slot = metrics_claim();
	if ((pid = fork()) == -1) {
		log_error("fork: %s", strerror(errno));
		metrics_bind(slot, 0);
		return -1;
	}
	if (pid == 0) {
		master_signals(m, NULL);
		sigprocmask(SIG_SETMASK, &m->childmask, NULL);
		own = *cfg;
		if (pools[pool].routes != 0)
			own.routes = pools[pool].routes;
		/* The gateway's pool waits for no slow database. */
		if (pool == POOL_AUTH) {
			own.db_rw_timeout = cfg->auth_db_timeout;
			if (own.db_connect_timeout > cfg->auth_db_timeout)
				own.db_connect_timeout = cfg->auth_db_timeout;
		}
		for (p = 0; p < NPOOLS; p++)
			if (p != pool && pools[p].fd != -1)
				close(pools[p].fd);
		if (pool == POOL_SENDER)
			sender_run(&own, self);
		if (pool == POOL_FEED)
			feed_run(&own, self);
		worker_run(&own, pools[pool].fd, self, slot);
	}
	metrics_bind(slot, pid);
	k = &m->kids[m->nkids++];
	k->pid = pid;
	k->gen = m->gen;
	k->pool = pool;
	k->started = clock_mono_ms();
	return 0;
}

/* Sends sig to every child of a generation older than below_gen. */
static void
signal_all(const struct master *m, int sig, unsigned below_gen)
{
	size_t	 i;

	for (i = 0; i < m->nkids; i++)
		if (m->kids[i].gen < below_gen)
			kill(m->kids[i].pid, sig);
}

static size_t
count_gen(const struct master *m, unsigned gen, int pool)
{
	size_t	 i, n = 0;

	for (i = 0; i < m->nkids; i++)
		if (m->kids[i].gen == gen && m->kids[i].pool == pool)
			n++;
	return n;
}

/* 1 if a pool of the current generation has fewer workers than it should. */
static int
short_of(const struct master *m)
{
	int	 p;

	for (p = 0; p < NPOOLS; p++)
		if (pool_on(m, p) &&
		    count_gen(m, m->gen, p) < (size_t)*m->pools[p].n)
			return 1;
	return 0;
}

/* 1 if path ("" for none) names a file this process can read. */
static int
readable(const char *path, const char *key, char *err, size_t errsz)
{
	if (path[0] == '\0' || access(path, R_OK) == 0)
		return 1;
	snprintf(err, errsz, "%s: %s: %s", key, path, strerror(errno));
	return 0;
}

/* 1 if each file of the seal_key_file list, read as seal_load reads it, is. */
static int
seal_files_readable(const char *list, char *err, size_t errsz)
{
	const char	*p;
	char		 file[CONFIG_STR_MAX];
	size_t		 len;

	while ((p = seal_file_next(&list, &len)) != NULL) {
		snprintf(file, sizeof(file), "%.*s", (int)len, p);
		if (!readable(file, "seal_key_file", err, errsz))
			return 0;
	}
	return 1;
}

/* 1 if list (the value of key) is empty or a list of host:port. */
static int
nodes_ok(const char *list, const char *key, char *err, size_t errsz)
{
	struct nodes	 ns;

	return list[0] == '\0' || nodes_parse(&ns, list, key, err, errsz) == 0;
}

int
master_config_check(const struct config *cfg, char *err, size_t errsz)
{
	json_object	*descs;

	if (!log_target_ok(cfg->log_target)) {
		snprintf(err, errsz, "log_target: expected stderr, syslog or "
		    "file:/path");
		return -1;
	}
	if (!listen_addr_ok(cfg->listen, err, errsz, "listen") ||
	    !listen_addr_ok(cfg->auth_listen, err, errsz, "auth_listen") ||
	    !readable(cfg->acl_file, "acl_file", err, errsz) ||
	    !seal_files_readable(cfg->seal_key_file, err, errsz) ||
	    !readable(cfg->smtp_auth_file, "smtp_auth_file", err, errsz) ||
	    !nodes_ok(cfg->db_hosts, "db_hosts", err, errsz) ||
	    !nodes_ok(cfg->db_read_hosts, "db_read_hosts", err, errsz))
		return -1;
	if (cfg->user[0] != '\0' && getpwnam(cfg->user) == NULL) {
		snprintf(err, errsz, "user: no such user \"%s\"", cfg->user);
		return -1;
	}
	if (acl_check_file(cfg->acl_file, err, errsz) == -1)
		return -1;
	if (portal_descriptions_load(cfg->group_descriptions, &descs, err,
	    errsz) == -1)
		return -1;
	json_object_put(descs);
	if (validate_group_str(cfg->default_group,
	    strlen(cfg->default_group)) != NULL) {
		snprintf(err, errsz, "default_group: not a valid group name");
		return -1;
	}
	if ((cfg->routes & ROUTES_AUTH) && cfg->acl_file[0] == '\0' &&
	    strcmp(cfg->acl_default, "deny") == 0)
		log_warn("no acl_file and acl_default = deny: the gateway will "
		    "refuse every API that needs a token (403)");
	if ((cfg->routes & ROUTES_ADMIN) && strcmp(cfg->admin_auth, "none")
	    == 0)
		log_warn("admin_auth = none: the admin routes answer whoever "
		    "reaches %s, without a token", cfg->listen[0] != '\0' ?
		    cfg->listen : "the socket");
	return 0;
}
int
master_listen(const struct config *cfg, const char *addr, char *err,
    size_t errsz)
{
	return listen_open(cfg, addr, err, errsz);
}

/* Fills every pool of the current generation, unless backing off. */
static void
master_fill(struct master *m)
{
	long long	 t = clock_mono_ms();
	int		 p;

	for (p = 0; !m->stopping && t >= m->spawn_at && p < NPOOLS; p++)
		while (pool_on(m, p) && count_gen(m, m->gen, p) <
		    (size_t)*m->pools[p].n)
			if (spawn(m, p) == -1) {
				m->spawn_at = t + BACKOFF_MAX_MS;
				break;
			}
}

/*
 * Sleeps until a signal: at most until the grace of a stop is over, or
 * until the back-off lets a short pool be filled, or IDLE_MS.
 */
static void
master_sleep(struct master *m)
{
	struct itimerval	 it;
	long long		 t = clock_mono_ms(), wait_ms;

	if (m->stopping)
		wait_ms = m->stop_at - t;
	else if (short_of(m))
		wait_ms = m->spawn_at - t;
	else
		wait_ms = IDLE_MS;
	if (wait_ms < 1)
		wait_ms = 1;
	memset(&it, 0, sizeof(it));
	it.it_value.tv_sec = wait_ms / 1000;
	it.it_value.tv_usec = (wait_ms % 1000) * 1000;
	setitimer(ITIMER_REAL, &it, NULL);
	sigsuspend(&m->waitmask);
	m->sig_alarm = 0;
}

/*
 * Logs how worker pid ended (status from waitpid).  1 if it failed
 * fatally: no other will do better, the master stops.
 */
static int
reap_log(pid_t pid, int status)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) == WORKER_EXIT_FATAL) {
		log_error("worker %ld failed fatally; stopping", (long)pid);
		return 1;
	}
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS)
		log_warn("worker %ld killed by the sandbox (SIGSYS: a system "
		    "call off its list); starting another", (long)pid);
	else if (WIFSIGNALED(status))
		log_warn("worker %ld killed by signal %d; starting another",
		    (long)pid, WTERMSIG(status));
	else
		log_warn("worker %ld exited with %d; starting another",
		    (long)pid, WEXITSTATUS(status));
	return 0;
}

/*
 * Reaps whatever has died.  A child of the current generation, outside
 * a stop, is logged and replaced by master_fill; one that died young
 * backs the replacing off, doubling from BACKOFF_MIN_MS to
 * BACKOFF_MAX_MS, and one that lived resets the back-off.
 */
static void
master_reap(struct master *m)
{
	struct child	*k;
	long long	 t;
	pid_t		 pid;
	size_t		 i;
	int		 status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (i = 0; i < m->nkids && m->kids[i].pid != pid; i++)
			;
		if (i == m->nkids)
			continue;
		k = &m->kids[i];
		t = clock_mono_ms();
		if (k->gen == m->gen && !m->stopping) {
			if (reap_log(pid, status))
				m->fatal = 1;
			if (t - k->started < YOUNG_MS) {
				m->backoff = m->backoff == 0 ? BACKOFF_MIN_MS :
				    m->backoff * 2;
				if (m->backoff > BACKOFF_MAX_MS)
					m->backoff = BACKOFF_MAX_MS;
				m->spawn_at = t + m->backoff;
			} else
				m->backoff = 0;
		}
		metrics_release(pid);
		ratelimit_reap(pid);
		*k = m->kids[--m->nkids];
	}
}

/*
 * SIGHUP: reads the configuration again; if it loads and passes the
 * checks, it replaces the running one (but for the listen addresses,
 * which need a restart), and a new generation of workers replaces the
 * old, which finish what they serve.  Otherwise nothing changes.
 */
static void
master_reload(struct master *m)
{
	struct config	*cfg = m->cfg;
	struct config	 next;
	char		 err[512];

	if (m->stopping)
		return;
	if (config_load(&next, m->cfgpath, err, sizeof(err)) == -1 ||
	    master_config_check(&next, err, sizeof(err)) == -1) {
		log_error("reload refused, keeping the running configuration: "
		    "%s", err);
		return;
	}
	if ((cfg->listen[0] != '\0' || cfg->auth_listen[0] != '\0') &&
	    (strcmp(next.listen, cfg->listen) != 0 ||
	    strcmp(next.auth_listen, cfg->auth_listen) != 0))
		log_warn("reload: a new listen or auth_listen address needs a "
		    "restart; keeping them");
	snprintf(next.listen, sizeof(next.listen), "%s", cfg->listen);
	snprintf(next.auth_listen, sizeof(next.auth_listen), "%s",
	    cfg->auth_listen);
	if (log_open(next.log_target, err, sizeof(err)) == -1)
		log_error("reload: %s; logging as before", err);
	*cfg = next;
	explicit_bzero(&next, sizeof(next));
	log_info("reloaded: replacing workers");
	sd_notify(0, "RELOADING=1");
	m->ready = 0;
	m->gen++;
	signal_all(m, SIGTERM, m->gen);
	m->spawn_at = 0;
	m->backoff = 0;
}

/* Stops every child (they finish what they serve), SIGKILL after the grace. */
static void
master_halt(struct master *m)
{
	m->stopping = 1;
	m->stop_at = clock_mono_ms() + STOP_GRACE_MS;
	signal_all(m, SIGTERM, m->gen + 1);
}

/* SIGTERM, SIGINT, SIGQUIT: stops, once. */
static void
master_stop(struct master *m)
{
	if (m->stopping)
		return;
	sd_notify(0, "STOPPING=1");
	log_info("stopping: waiting for %zu workers", m->nkids);
	master_halt(m);
}

/* In a stop, once the grace is over: kills what is left, every grace. */
static void
master_grace(struct master *m)
{
	if (!m->stopping || clock_mono_ms() < m->stop_at)
		return;
	log_warn("workers still busy after %d ms: killing them",
	    STOP_GRACE_MS);
	signal_all(m, SIGKILL, m->gen + 1);
	m->stop_at = clock_mono_ms() + STOP_GRACE_MS;
}

/* SIGUSR1: logrotate moved the file: everyone opens it again. */
static void
master_reopen(struct master *m)
{
	log_reopen();
	signal_all(m, SIGUSR1, m->gen + 1);
	log_info("log file opened again");
}

/* systemd (Type=notify): up once every pool has its workers. */
static void
master_ready(struct master *m)
{
	if (m->ready || m->stopping || short_of(m))
		return;
	sd_notifyf(0, "READY=1\nSTATUS=%d workers, %d in the gateway's pool",
	    m->cfg->workers, m->pools[POOL_AUTH].fd != -1 ?
	    m->cfg->auth_workers : 0);
	m->ready = 1;
}

/* Once every child is gone: the sockets closed, their files removed. */
static void
master_close(struct master *m)
{
	struct itimerval	 none;

	memset(&none, 0, sizeof(none));
	setitimer(ITIMER_REAL, &none, NULL);
	master_signals(m, NULL);
	running = NULL;
	if (m->cfg->listen[0] != '\0')
		listen_unlink(m->cfg->listen);
	close(m->pools[POOL_ADMIN].fd);
	if (m->pools[POOL_AUTH].fd != -1) {
		listen_unlink(m->cfg->auth_listen);
		close(m->pools[POOL_AUTH].fd);
	}
}

/*
 * The state of a master about to start its workers on fd and afd: its
 * signals blocked and handled, /metrics' shared memory, the outbox's
 * bell.  0, or -1 (logged) if it cannot run.
 */
static int
master_start(struct master *m, struct config *cfg, const char *cfgpath,
    int fd, int afd)
{
	memset(m, 0, sizeof(*m));
	m->cfg = cfg;
	m->cfgpath = cfgpath;
	m->pools[POOL_ADMIN] = (struct pool){ fd, 0, &cfg->workers };
	m->pools[POOL_AUTH] = (struct pool){ afd, ROUTES_AUTH | ROUTES_HEALTH,
	    &cfg->auth_workers };
	m->pools[POOL_SENDER] = (struct pool){ -1, 0, &one };
	m->pools[POOL_FEED] = (struct pool){ -1, 0, &one };
	m->gen = 1;
	master_signals(m, master_signal);
	signal(SIGPIPE, SIG_IGN);

	if (metrics_init(MAX_CHILDREN) == -1)
		log_warn("no shared memory for /metrics: it will be empty");
	if (feed_init() == -1)
		log_warn("no shared memory for the change feed: a change is "
		    "seen within cache_ttl");
	else if (keyfilter_init((size_t)cfg->key_filter_max) == -1)
		log_warn("no shared memory for the key filter of %d keys: every "
		    "unknown key goes to the database", cfg->key_filter_max);
	if (ratelimit_init((size_t)cfg->rate_limit_slots) == -1)
		log_warn("no shared memory for %d rate-limit counters: no "
		    "limit is enforced", cfg->rate_limit_slots);
	if (store_outbox_bell_open() == -1) {
		log_error("pipe: %s", strerror(errno));
		return -1;
	}
	log_info("master started: %d workers on %s", cfg->workers,
	    cfg->listen[0] != '\0' ? cfg->listen : "fd 0");
	if (afd != -1)
		log_info("the gateway's pool: %d workers on %s",
		    cfg->auth_workers, cfg->auth_listen);
	return 0;
}

/*
 * Does what woke the master asks: the end of the grace, then reload,
 * stop, reopen, and the reaping last, so that a child's death is judged
 * by what came before it (one that dies in a stop is not replaced).
 */
static void
master_dispatch(struct master *m)
{
	master_grace(m);
	if (m->sig_reload) {
		m->sig_reload = 0;
		master_reload(m);
	}
	if (m->sig_stop) {
		m->sig_stop = 0;
		master_stop(m);
	}
	if (m->sig_reopen) {
		m->sig_reopen = 0;
		master_reopen(m);
	}
	if (m->sig_reap) {
		m->sig_reap = 0;
		master_reap(m);
	}
	if (m->fatal && !m->stopping) {
		m->rc = 1;
		master_halt(m);
	}
}

int
master_run(struct config *cfg, const char *cfgpath, int fd, int afd)
{
	static struct master	 m;	/* static: the handlers reach it */

	if (master_start(&m, cfg, cfgpath, fd, afd) == -1)
		return 1;
	for (;;) {
		master_fill(&m);
		if (m.stopping && m.nkids == 0)
			break;
		master_ready(&m);
		master_sleep(&m);
		master_dispatch(&m);
	}
	master_close(&m);
	log_info("stopped");
	return m.rc;
}
