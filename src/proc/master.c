/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

#include "build.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netdb.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/validate.h"
#include "gateway/acl.h"
#include "proc/master.h"
#include "proc/sender.h"
#include "proc/worker.h"
#include "store/outbox.h"

#define MAX_CHILDREN	 512	/* two generations of the most workers */
#define YOUNG_MS	 1000	/* a worker dying younger backs off */
#define BACKOFF_MIN_MS	 100
#define BACKOFF_MAX_MS	 10000
#define STOP_GRACE_MS	 30000	/* then SIGKILL */

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
 * The pools, and the sender of the outbox (sender.h): one child beside
 * the workers, when there is mail to send.
 */
#define POOL_ADMIN	 0
#define POOL_AUTH	 1
#define POOL_SENDER	 2
#define NPOOLS		 3

static const int	 one = 1;

/* 1 if pool p should have children now. */
static int
pool_on(const struct config *cfg, const struct pool *pools, int p)
{
	return p == POOL_SENDER ? sender_wanted(cfg) : pools[p].fd != -1;
}

struct child {
	pid_t		 pid;
	unsigned	 gen;
	int		 pool;
	long long	 started;	/* ms, monotonic */
};

static struct child	 kids[MAX_CHILDREN];
static size_t		 nkids;

static int
listen_unix(const struct config *cfg, const char *path, char *err,
    size_t errsz)
{
	struct sockaddr_un	 sun;
	struct passwd		*pw;
	struct group		*gr;
	struct stat		 st;
	char			 owner[64], *colon;
	mode_t			 old;
	int			 fd, probe;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errsz, "listen: socket path longer than %zu "
		    "bytes", sizeof(sun.sun_path) - 1);
		return -1;
	}
	strcpy(sun.sun_path, path);
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, errsz, "listen: %s exists and is not a "
			    "socket", path);
			return -1;
		}
		/* A live socket belongs to a running instance: keep it. */
		if ((probe = socket(AF_UNIX, SOCK_STREAM, 0)) != -1) {
			if (connect(probe, (struct sockaddr *)&sun,
			    sizeof(sun)) == 0) {
				close(probe);
				snprintf(err, errsz, "listen: %s is in use",
				    path);
				return -1;
			}
			close(probe);
		}
		unlink(path);
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		snprintf(err, errsz, "socket: %s", strerror(errno));
		return -1;
	}
	old = umask(0177);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		umask(old);
		snprintf(err, errsz, "bind %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	umask(old);
	if (chmod(path, cfg->socket_mode) == -1) {
		snprintf(err, errsz, "chmod %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (cfg->socket_owner[0] != '\0') {
		snprintf(owner, sizeof(owner), "%s", cfg->socket_owner);
		if ((colon = strchr(owner, ':')) != NULL)
			*colon++ = '\0';
		if ((pw = getpwnam(owner)) == NULL) {
			snprintf(err, errsz, "socket_owner: no user \"%s\"",
			    owner);
			close(fd);
			return -1;
		}
		gr = colon != NULL ? getgrnam(colon) : NULL;
		if (colon != NULL && gr == NULL) {
			snprintf(err, errsz, "socket_owner: no group \"%s\"",
			    colon);
			close(fd);
			return -1;
		}
		if (chown(path, pw->pw_uid, gr != NULL ? gr->gr_gid :
		    pw->pw_gid) == -1) {
			snprintf(err, errsz, "chown %s: %s", path,
			    strerror(errno));
			close(fd);
			return -1;
		}
	}
	return fd;
}

static int
listen_tcp(const char *addr, char *err, size_t errsz)
{
	struct addrinfo	 hints, *res, *ai;
	char		 host[256], *port;
	int		 fd = -1, on = 1, rc;

	if (strlen(addr) >= sizeof(host)) {
		snprintf(err, errsz, "listen: address too long");
		return -1;
	}
	strcpy(host, addr);
	if ((port = strrchr(host, ':')) == NULL) {
		snprintf(err, errsz, "listen: expected unix:/path, /path or "
		    "host:port, got \"%s\"", addr);
		return -1;
	}
	*port++ = '\0';
	if (host[0] == '[' && port[-2] == ']') {	/* [v6]:port */
		port[-2] = '\0';
		memmove(host, host + 1, strlen(host));
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((rc = getaddrinfo(host[0] != '\0' ? host : NULL, port, &hints,
	    &res)) != 0) {
		snprintf(err, errsz, "listen %s: %s", addr, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd == -1)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		snprintf(err, errsz, "bind %s: %s", addr, strerror(errno));
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

int
master_listen(const struct config *cfg, const char *l, char *err,
    size_t errsz)
{
	int		 fd, acc = 0;
	socklen_t	 len = sizeof(acc);

	if (l[0] == '\0') {
		/* Started by spawn-fcgi or systemd: the socket is fd 0. */
		if (getsockopt(0, SOL_SOCKET, SO_ACCEPTCONN, &acc, &len) ==
		    -1 || !acc) {
			snprintf(err, errsz, "listen is not set and fd 0 is "
			    "not a listening socket");
			return -1;
		}
		fd = 0;
	} else {
		if (strncmp(l, "unix:", 5) == 0)
			fd = listen_unix(cfg, l + 5, err, errsz);
		else if (l[0] == '/' || l[0] == '.')
			fd = listen_unix(cfg, l, err, errsz);
		else
			fd = listen_tcp(l, err, errsz);
		if (fd == -1)
			return -1;
		if (listen(fd, cfg->backlog) == -1) {
			snprintf(err, errsz, "listen: %s", strerror(errno));
			close(fd);
			return -1;
		}
	}
	/* Workers poll, then accept: a lost race must not block. */
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == -1) {
		snprintf(err, errsz, "fcntl: %s", strerror(errno));
		return -1;
	}
	return fd;
}

static int
spawn(const struct config *cfg, const struct pool *pools, int pool,
    unsigned gen)
{
	struct config	 own;
	pid_t		 pid, self = getpid();
	int		 slot, p;

	if (nkids == MAX_CHILDREN)
		return -1;
	slot = metrics_claim();
	if ((pid = fork()) == -1) {
		log_error("fork: %s", strerror(errno));
		metrics_bind(slot, 0);
		return -1;
	}
	if (pid == 0) {
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
		worker_run(&own, pools[pool].fd, self, slot);
	}
	metrics_bind(slot, pid);
	kids[nkids].pid = pid;
	kids[nkids].gen = gen;
	kids[nkids].pool = pool;
	kids[nkids].started = clock_mono_ms();
	nkids++;
	return 0;
}

static void
signal_all(int sig, unsigned below_gen)
{
	size_t	 i;

	for (i = 0; i < nkids; i++)
		if (kids[i].gen < below_gen)
			kill(kids[i].pid, sig);
}

static size_t
count_gen(unsigned gen, int pool)
{
	size_t	 i, n = 0;

	for (i = 0; i < nkids; i++)
		if (kids[i].gen == gen && kids[i].pool == pool)
			n++;
	return n;
}

/* 1 if a pool of generation gen has fewer workers than it should. */
static int
short_of(const struct config *cfg, const struct pool *pools, unsigned gen)
{
	int	 p;

	for (p = 0; p < NPOOLS; p++)
		if (pool_on(cfg, pools, p) &&
		    count_gen(gen, p) < (size_t)*pools[p].n)
			return 1;
	return 0;
}

static void
unlink_socket(const char *l)
{
	const char	*path = strncmp(l, "unix:", 5) == 0 ? l + 5 : l;

	if (path[0] == '/' || path[0] == '.')
		unlink(path);
}

/*
 * 1 if addr is a listen address this process can take: "" (fd 0), a
 * unix socket path that fits, or host:port with a port in 1..65535.
 */
static int
listen_ok(const char *addr, char *err, size_t errsz, const char *key)
{
	const char	*path = strncmp(addr, "unix:", 5) == 0 ? addr + 5 : addr;
	const char	*colon;
	long long	 port;

	if (addr[0] == '\0')
		return 1;
	if (path[0] == '/' || path[0] == '.') {
		if (strlen(path) < sizeof(((struct sockaddr_un *)0)->sun_path))
			return 1;
		snprintf(err, errsz, "%s: the socket path is too long", key);
		return 0;
	}
	if ((colon = strrchr(addr, ':')) == NULL || colon == addr ||
	    colon[1] == '\0') {
		snprintf(err, errsz, "%s: expected unix:/path or host:port",
		    key);
		return 0;
	}
	if (validate_number(colon + 1, 10, 1, 65535, &port) == -1) {
		snprintf(err, errsz, "%s: port \"%s\" is not in 1..65535", key,
		    colon + 1);
		return 0;
	}
	return 1;
}

/* 1 if path ("" for none) names a file this process can read. */
static int
readable(const char *path, const char *key, char *err, size_t errsz)
{
	const char	*p, *e;
	char		 file[CONFIG_STR_MAX];

	/* seal_key_file is a list: each of its files. */
	for (p = path; *p != '\0'; p = e) {
		p += strspn(p, ", \t");
		if (*p == '\0')
			break;
		e = p + strcspn(p, ", \t");
		snprintf(file, sizeof(file), "%.*s", (int)(e - p), p);
		if (access(file, R_OK) == -1) {
			snprintf(err, errsz, "%s: %s: %s", key, file,
			    strerror(errno));
			return 0;
		}
	}
	return 1;
}

int
master_config_check(const struct config *cfg, char *err, size_t errsz)
{
	if (!log_target_ok(cfg->log_target)) {
		snprintf(err, errsz, "log_target: expected stderr, syslog or "
		    "file:/path");
		return -1;
	}
	if (!listen_ok(cfg->listen, err, errsz, "listen") ||
	    !listen_ok(cfg->auth_listen, err, errsz, "auth_listen") ||
	    !readable(cfg->acl_file, "acl_file", err, errsz) ||
	    !readable(cfg->seal_key_file, "seal_key_file", err, errsz) ||
	    !readable(cfg->smtp_auth_file, "smtp_auth_file", err, errsz))
		return -1;
	if (cfg->user[0] != '\0' && getpwnam(cfg->user) == NULL) {
		snprintf(err, errsz, "user: no such user \"%s\"", cfg->user);
		return -1;
	}
	if (acl_check_file(cfg->acl_file, err, errsz) == -1)
		return -1;
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
master_run(struct config *cfg, const char *cfgpath, int fd, int afd)
{
	struct pool	 pools[NPOOLS] = {
		{ fd, 0, &cfg->workers },
		{ afd, ROUTES_AUTH | ROUTES_HEALTH, &cfg->auth_workers },
		{ -1, 0, &one },
	};
	sigset_t	 set;
	siginfo_t	 si;
	struct timespec	 ts;
	struct config	 next;
	char		 err[512];
	unsigned	 gen = 1;
	long long	 backoff = 0, spawn_at = 0, stop_at = 0, wait_ms, t;
	int		 stopping = 0, status, sig, fatal = 0, rc = 0, p;
	int		 ready = 0;
	pid_t		 pid;
	size_t		 i;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGQUIT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (metrics_init(MAX_CHILDREN) == -1)
		log_warn("no shared memory for /metrics: it will be empty");
	if (store_outbox_bell_open() == -1) {
		log_error("pipe: %s", strerror(errno));
		return 1;
	}
	log_info("master started: %d workers on %s", cfg->workers,
	    cfg->listen[0] != '\0' ? cfg->listen : "fd 0");
	if (afd != -1)
		log_info("the gateway's pool: %d workers on %s",
		    cfg->auth_workers, cfg->auth_listen);
	for (;;) {
		t = clock_mono_ms();
		for (p = 0; !stopping && t >= spawn_at && p < NPOOLS; p++)
			while (pool_on(cfg, pools, p) && count_gen(gen, p) <
			    (size_t)*pools[p].n)
				if (spawn(cfg, pools, p, gen) == -1) {
					spawn_at = t + BACKOFF_MAX_MS;
					break;
				}
		if (stopping && nkids == 0)
			break;
		/* systemd (Type=notify): up once every pool has its workers. */
		if (!ready && !stopping && !short_of(cfg, pools, gen)) {
			sd_notifyf(0, "READY=1\nSTATUS=%d workers, %d in the "
			    "gateway's pool", cfg->workers, afd != -1 ?
			    cfg->auth_workers : 0);
			ready = 1;
		}
		if (stopping)
			wait_ms = stop_at - t;
		else if (short_of(cfg, pools, gen))
			wait_ms = spawn_at - t;
		else
			wait_ms = 3600 * 1000;
		if (wait_ms < 1)
			wait_ms = 1;
		ts.tv_sec = wait_ms / 1000;
		ts.tv_nsec = (wait_ms % 1000) * 1000000L;
		sig = sigtimedwait(&set, &si, &ts);
		if (sig == -1 && errno == EAGAIN && stopping &&
		    clock_mono_ms() >= stop_at) {
			log_warn("workers still busy after %d ms: killing them",
			    STOP_GRACE_MS);
			signal_all(SIGKILL, gen + 1);
			stop_at = clock_mono_ms() + STOP_GRACE_MS;
		}
		switch (sig) {
		case SIGTERM:
		case SIGINT:
		case SIGQUIT:
			if (!stopping) {
				sd_notify(0, "STOPPING=1");
				log_info("stopping: waiting for %zu workers",
				    nkids);
				stopping = 1;
				stop_at = clock_mono_ms() + STOP_GRACE_MS;
				signal_all(SIGTERM, gen + 1);
			}
			break;
		case SIGUSR1:
			/* logrotate moved the file: everyone opens it again. */
			log_reopen();
			signal_all(SIGUSR1, gen + 1);
			log_info("log file opened again");
			break;
		case SIGHUP:
			if (stopping)
				break;
			if (config_load(&next, cfgpath, err, sizeof(err)) ==
			    -1 || master_config_check(&next, err,
			    sizeof(err)) == -1) {
				log_error("reload refused, keeping the running "
				    "configuration: %s", err);
				break;
			}
			if ((cfg->listen[0] != '\0' || cfg->auth_listen[0] !=
			    '\0') && (strcmp(next.listen, cfg->listen) != 0 ||
			    strcmp(next.auth_listen, cfg->auth_listen) != 0))
				log_warn("reload: a new listen or auth_listen "
				    "address needs a restart; keeping them");
			snprintf(next.listen, sizeof(next.listen), "%s",
			    cfg->listen);
			snprintf(next.auth_listen, sizeof(next.auth_listen),
			    "%s", cfg->auth_listen);
			if (log_open(next.log_target, err, sizeof(err)) == -1)
				log_error("reload: %s; logging as before", err);
			*cfg = next;
			explicit_bzero(&next, sizeof(next));
			log_info("reloaded: replacing workers");
			sd_notify(0, "RELOADING=1");
			ready = 0;
			gen++;
			signal_all(SIGTERM, gen);
			spawn_at = 0;
			backoff = 0;
			break;
		}
		/* Reap whatever has died, whichever signal woke us. */
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			for (i = 0; i < nkids && kids[i].pid != pid; i++)
				;
			if (i == nkids)
				continue;
			t = clock_mono_ms();
			if (kids[i].gen == gen && !stopping) {
				if (WIFEXITED(status) &&
				    WEXITSTATUS(status) == WORKER_EXIT_FATAL) {
					log_error("worker %ld failed fatally; "
					    "stopping", (long)pid);
					fatal = 1;
				} else if (WIFSIGNALED(status) &&
				    WTERMSIG(status) == SIGSYS)
					log_warn("worker %ld killed by the "
					    "sandbox (SIGSYS: a system call "
					    "off its list); starting another",
					    (long)pid);
				else if (WIFSIGNALED(status))
					log_warn("worker %ld killed by signal "
					    "%d; starting another", (long)pid,
					    WTERMSIG(status));
				else
					log_warn("worker %ld exited with %d; "
					    "starting another", (long)pid,
					    WEXITSTATUS(status));
				if (t - kids[i].started < YOUNG_MS) {
					backoff = backoff == 0 ?
					    BACKOFF_MIN_MS : backoff * 2;
					if (backoff > BACKOFF_MAX_MS)
						backoff = BACKOFF_MAX_MS;
					spawn_at = t + backoff;
				} else
					backoff = 0;
			}
			metrics_release(pid);
			kids[i] = kids[--nkids];
		}
		if (fatal && !stopping) {
			stopping = 1;
			rc = 1;
			stop_at = clock_mono_ms() + STOP_GRACE_MS;
			signal_all(SIGTERM, gen + 1);
		}
	}
	if (cfg->listen[0] != '\0')
		unlink_socket(cfg->listen);
	close(fd);
	if (afd != -1) {
		unlink_socket(cfg->auth_listen);
		close(afd);
	}
	log_info("stopped");
	return rc;
}
