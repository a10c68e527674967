/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * Unit tests of sandbox.c: each case runs in a child of its own that
 * enters the sandbox of a role, then does one thing; the parent reads
 * how the child ended.  What a worker or the sender needs must leave it
 * alive (the database reached again over the local socket and TCP, a
 * name looked up, the log reopened, random bytes, libcurl's SMTP with
 * its resolver thread, a mail file); what no child needs must kill it
 * with SIGSYS before the call runs (execve, fork, a raw socket, a
 * signal to another process, ptrace, setuid, bind, a file opened to be
 * overwritten).  Under log the
 * call fails with ENOSYS, and is logged by name.
 */
#include "build.h"

#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <mysql.h>
#include <openssl/rand.h>

#include "core/log.h"
#include "proc/sandbox.h"
#include "unit.h"

static char	 dir[] = "/tmp/test_sandbox.XXXXXX";

/* Each case returns 0 when what it did worked as it should. */

static int
do_memory(void)
{
	char	*p = malloc(64 << 20);

	if (p == NULL)
		return 1;
	memset(p, 1, 64 << 20);
	free(p);
	return 0;
}

/* A database that is not there: the attempt must fail, not kill. */
static int
db_try(const char *host, unsigned port, const char *sock)
{
	MYSQL		*m = mysql_init(NULL);
	unsigned	 t = 2;
	int		 rc;

	if (m == NULL)
		return 1;
	mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &t);
	rc = mysql_real_connect(m, host, "adminutil", "x", "adminutil", port,
	    sock, 0) == NULL && mysql_errno(m) >= 2000 ? 0 : 1;
	mysql_close(m);
	return rc;
}

static int
do_db_socket(void)
{
	char	 path[256];

	snprintf(path, sizeof(path), "%s/no-such-db.sock", dir);
	return db_try("localhost", 0, path);
}

static int
do_db_tcp(void)
{
	return db_try("127.0.0.1", 1, NULL);
}

static int
do_lookup(void)
{
	struct addrinfo	 hints, *res = NULL;
	int		 rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo("localhost", "25", &hints, &res);
	if (res != NULL)
		freeaddrinfo(res);
	return rc == 0 ? 0 : 1;
}

static int
do_log(void)
{
	char	 t[300], err[256];

	snprintf(t, sizeof(t), "file:%s/reopened.log", dir);
	if (log_open(t, err, sizeof(err)) == -1)
		return 1;
	log_reopen();
	log_info("a line");
	return 0;
}

static int
do_random(void)
{
	unsigned char	 b[32];

	return RAND_bytes(b, sizeof(b)) == 1 ? 0 : 1;
}

/* libcurl to a relay that is not there, through its resolver thread. */
static int
do_smtp(void)
{
	CURL		*c = curl_easy_init();
	CURLcode	 rc;

	if (c == NULL)
		return 1;
	curl_easy_setopt(c, CURLOPT_URL, "smtp://localhost:1/");
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 2L);
	rc = curl_easy_perform(c);
	curl_easy_cleanup(c);
	return rc == CURLE_COULDNT_CONNECT ? 0 : 1;
}

static int
do_mail_file(void)
{
	char	 tmp[300], path[300];
	int	 fd;

	snprintf(tmp, sizeof(tmp), "%s/.mail.tmp", dir);
	snprintf(path, sizeof(path), "%s/mail.eml", dir);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0640)) == -1 ||
	    write(fd, "x\r\n", 3) != 3 || fsync(fd) == -1 || close(fd) == -1)
		return 1;
	return rename(tmp, path) == 0 && unlink(path) == 0 ? 0 : 1;
}

/* A file opened to be overwritten, or read and written. */
static int
do_overwrite(void)
{
	char	 path[300];
	int	 fd, fd2;

	snprintf(path, sizeof(path), "%s/reopened.log", dir);
	fd = open(path, O_WRONLY | O_TRUNC);
	fd2 = open(path, O_RDWR);
	return fd == -1 && fd2 == -1 && errno == ENOSYS ? 0 : 1;
}

static int
do_execve(void)
{
	char	*argv[] = { (char *)"/bin/true", NULL };
	char	*envp[] = { NULL };

	return syscall(SYS_execve, argv[0], argv, envp) == -1 &&
	    errno == ENOSYS ? 0 : 1;
}

static int
do_fork(void)
{
	pid_t	 pid = fork();

	if (pid == 0)
		_exit(0);
	return pid == -1 && errno == ENOSYS ? 0 : 1;
}

static void *
nothing(void *arg)
{
	return arg;
}

static int
do_thread(void)
{
	pthread_t	 t;

	if (pthread_create(&t, NULL, nothing, NULL) != 0)
		return 1;
	return pthread_join(t, NULL) == 0 ? 0 : 1;
}

static int
do_raw_socket(void)
{
	return socket(AF_PACKET, SOCK_RAW, 0) == -1 && errno == ENOSYS ? 0 : 1;
}

static int
do_signal_other(void)
{
	return kill(getppid(), 0) == -1 && errno == ENOSYS ? 0 : 1;
}

static int
do_ptrace(void)
{
	return ptrace(PTRACE_TRACEME, 0, NULL, NULL) == -1 && errno == ENOSYS ?
	    0 : 1;
}

static int
do_setuid(void)
{
	return setuid(0) == -1 && errno == ENOSYS ? 0 : 1;
}

static int
do_bind(void)
{
	struct sockaddr_in	 sin;
	int			 fd;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return 1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 &&
	    errno == ENOSYS ? 0 : 1;
}

enum end { LIVES, KILLED };

struct row {
	const char		*what;
	int			(*fn)(void);
	enum sandbox_role	 role;
	enum end		 end;
};

static const struct row rows[] = {
	{ "64 MiB allocated", do_memory, SANDBOX_WORKER, LIVES },
	{ "database again, local socket", do_db_socket, SANDBOX_WORKER, LIVES },
	{ "database again, TCP", do_db_tcp, SANDBOX_WORKER, LIVES },
	{ "sender: database again", do_db_tcp, SANDBOX_SENDER, LIVES },
	{ "localhost looked up", do_lookup, SANDBOX_WORKER, LIVES },
	{ "log reopened", do_log, SANDBOX_WORKER, LIVES },
	{ "random bytes", do_random, SANDBOX_WORKER, LIVES },
	{ "sender: SMTP via libcurl", do_smtp, SANDBOX_SENDER, LIVES },
	{ "sender: a mail file", do_mail_file, SANDBOX_SENDER, LIVES },
	{ "execve", do_execve, SANDBOX_WORKER, KILLED },
	{ "sender: execve", do_execve, SANDBOX_SENDER, KILLED },
	{ "fork", do_fork, SANDBOX_WORKER, KILLED },
	{ "sender: fork", do_fork, SANDBOX_SENDER, KILLED },
	{ "a worker's thread", do_thread, SANDBOX_WORKER, KILLED },
	{ "worker: a mail file", do_mail_file, SANDBOX_WORKER, KILLED },
	{ "a file overwritten", do_overwrite, SANDBOX_WORKER, KILLED },
	{ "a raw socket", do_raw_socket, SANDBOX_WORKER, KILLED },
	{ "sender: a raw socket", do_raw_socket, SANDBOX_SENDER, KILLED },
	{ "a signal to the parent", do_signal_other, SANDBOX_WORKER, KILLED },
	{ "ptrace", do_ptrace, SANDBOX_WORKER, KILLED },
	{ "setuid", do_setuid, SANDBOX_SENDER, KILLED },
	{ "bind", do_bind, SANDBOX_WORKER, KILLED },
};

/* Runs fn in a child sandboxed as role under mode; its wait status. */
static int
run(const char *mode, enum sandbox_role role, int (*fn)(void))
{
	char	 err[256];
	pid_t	 pid;
	int	 st;

	fflush(NULL);
	if ((pid = fork()) == 0) {
		if (sandbox_enter(mode, role, err, sizeof(err)) == -1) {
			fprintf(stderr, "%s\n", err);
			_exit(3);
		}
		st = fn();
		sandbox_report();
		/* _exit: no leak check at exit, whose tracer would be killed. */
		_exit(st);
	}
	if (pid == -1 || waitpid(pid, &st, 0) != pid)
		return -1;
	return st;
}

static void
test_kill(void)
{
	size_t	 i;
	int	 st;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		st = run("kill", rows[i].role, rows[i].fn);
		if (rows[i].end == LIVES)
			UNIT_CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0,
			    "%s: should live and work, status %#x", rows[i].what,
			    (unsigned)st);
		else
			UNIT_CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS,
			    "%s: should be killed by SIGSYS, status %#x",
			    rows[i].what, (unsigned)st);
	}
}

/* Under log, a refused call fails with ENOSYS, is logged, and goes on. */
static void
test_log(void)
{
	char	 t[300], err[256], line[512];
	FILE	*f;
	size_t	 i;
	int	 st, found = 0;

	snprintf(t, sizeof(t), "file:%s/log-mode.log", dir);
	CU_ASSERT_EQUAL_FATAL(log_open(t, err, sizeof(err)), 0);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (rows[i].end == LIVES || rows[i].fn == do_thread ||
		    rows[i].fn == do_mail_file)
			continue;
		st = run("log", rows[i].role, rows[i].fn);
		UNIT_CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		    "%s under log: should fail with ENOSYS and go on, status "
		    "%#x", rows[i].what, (unsigned)st);
	}
	CU_ASSERT_EQUAL(log_open("stderr", err, sizeof(err)), 0);
	if ((f = fopen(t + 5, "r")) != NULL) {
		while (fgets(line, sizeof(line), f) != NULL)
			found |= strstr(line, "sandbox: system call execve") !=
			    NULL;
		fclose(f);
	}
	UNIT_CHECK(found, "under log, the refused execve is not logged by name");
}

/*
 * A worker stopped in a sleep (SIGSTOP, a debugger attaching) and
 * continued: the kernel goes on with restart_syscall, which must pass.
 */
static void
test_stopped(void)
{
	struct timespec	 ts = { 0, 400 * 1000 * 1000 }, pause = { 0, 50000000 };
	char		 err[256];
	pid_t		 pid;
	int		 st = -1;

	fflush(NULL);
	if ((pid = fork()) == 0) {
		if (sandbox_enter("kill", SANDBOX_WORKER, err, sizeof(err)) ==
		    -1)
			_exit(3);
		_exit(nanosleep(&ts, NULL) == 0 ? 0 : 1);
	}
	CU_ASSERT_FATAL(pid > 0);
	nanosleep(&pause, NULL);
	kill(pid, SIGSTOP);
	nanosleep(&pause, NULL);
	kill(pid, SIGCONT);
	waitpid(pid, &st, 0);
	UNIT_CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "stopped and "
	    "continued in a sleep: status %#x", (unsigned)st);
}

/* off: no filter, the call is made. */
static void
test_off(void)
{
	int	 st = run("off", SANDBOX_WORKER, do_signal_other);

	/* kill(parent, 0) succeeds: the case's check of ENOSYS fails. */
	UNIT_CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1, "off: status %#x",
	    (unsigned)st);
}

static int
setup(void)
{
	log_set_level(LOG_LVL_WARN);
	return mkdtemp(dir) == NULL || curl_global_init(CURL_GLOBAL_DEFAULT) !=
	    CURLE_OK;
}

static int
teardown(void)
{
	char	 cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	curl_global_cleanup();
	return system(cmd) == 0 ? 0 : 1;
}

static const CU_TestInfo tests[] = {
	{ "kill: what the children need lives, the rest is SIGSYS", test_kill },
	{ "log: refused with ENOSYS, logged by name", test_log },
	{ "a stop in a sleep, then continued", test_stopped },
	{ "off: no filter", test_off },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_main("sandbox", tests, setup, teardown);
}
