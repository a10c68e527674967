/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

#include "build.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <ucontext.h>
#include <unistd.h>

#include <seccomp.h>

#include "core/log.h"
#include "proc/sandbox.h"

/*
 * What every child may do.  Each group is there for a reason below;
 * the calls with arguments worth checking are in rule_args.  Not on the
 * list, so never made once the filter is in: execve and execveat, fork
 * and vfork (clone without CLONE_THREAD), ptrace, kill of another
 * process, bind and listen, mount, chmod and chown, setuid and its
 * kin, sockets of any family but local and IP, and in a worker a file
 * opened to be truncated, or to be read and written.  Which paths a
 * child opens cannot be checked here (seccomp does not read memory):
 * the unit's ProtectSystem and ReadWritePaths bound them.
 */
static const int common[] = {
	/* Memory: malloc, the ASan shadow, libmariadb's plugins (dlopen). */
	SCMP_SYS(brk), SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mremap),
	SCMP_SYS(mprotect), SCMP_SYS(madvise),
	/* Time, and the waits between tries. */
	SCMP_SYS(clock_gettime), SCMP_SYS(clock_getres),
	SCMP_SYS(gettimeofday), SCMP_SYS(time), SCMP_SYS(nanosleep),
	SCMP_SYS(clock_nanosleep),
	/* Signals: TERM, USR1 and the waits that let them in. */
	SCMP_SYS(rt_sigaction), SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(rt_sigreturn), SCMP_SYS(sigaltstack),
	/* A call cut by a stop (SIGSTOP, a debugger) and continued. */
	SCMP_SYS(restart_syscall),
	/* Who we are: logs, libmariadb's connect attributes. */
	SCMP_SYS(getpid), SCMP_SYS(gettid), SCMP_SYS(getppid),
	SCMP_SYS(getuid), SCMP_SYS(geteuid), SCMP_SYS(getgid),
	SCMP_SYS(getegid), SCMP_SYS(uname),
	/* Locks and the C library's per-thread state. */
	SCMP_SYS(futex), SCMP_SYS(sched_yield), SCMP_SYS(set_robust_list),
	SCMP_SYS(rseq), SCMP_SYS(sched_getaffinity),
	/* OpenSSL's random: HMAC keys, secrets, nonces. */
	SCMP_SYS(getrandom),
	/* Files, opened as rule_args says. */
	SCMP_SYS(close), SCMP_SYS(read), SCMP_SYS(write),
	SCMP_SYS(readv), SCMP_SYS(writev), SCMP_SYS(pread64),
	SCMP_SYS(lseek), SCMP_SYS(fstat), SCMP_SYS(newfstatat),
	SCMP_SYS(statx), SCMP_SYS(fcntl), SCMP_SYS(readlink),
	SCMP_SYS(access), SCMP_SYS(faccessat), SCMP_SYS(faccessat2),
	/*
	 * Sockets: FastCGI connections (accept), the database and its
	 * reconnects (connect; TCP or the local socket; name lookups over
	 * UDP).
	 */
	SCMP_SYS(accept), SCMP_SYS(accept4), SCMP_SYS(connect),
	SCMP_SYS(getsockopt), SCMP_SYS(setsockopt), SCMP_SYS(getsockname),
	SCMP_SYS(getpeername), SCMP_SYS(shutdown), SCMP_SYS(sendto),
	SCMP_SYS(recvfrom), SCMP_SYS(sendmsg), SCMP_SYS(recvmsg),
	SCMP_SYS(sendmmsg),
	/* Waiting on them. */
	SCMP_SYS(poll), SCMP_SYS(ppoll), SCMP_SYS(select),
	SCMP_SYS(pselect6), SCMP_SYS(epoll_create1), SCMP_SYS(epoll_ctl),
	SCMP_SYS(epoll_wait), SCMP_SYS(epoll_pwait),
	/* The end. */
	SCMP_SYS(exit), SCMP_SYS(exit_group),
};

/*
 * The sender's own: its mail files (written, synced, renamed into
 * mail_dir; the temporary one removed on failure) and libcurl, whose
 * name lookups run in a thread of their own and wake it by a pipe.
 */
static const int sender[] = {
	SCMP_SYS(fsync), SCMP_SYS(rename), SCMP_SYS(renameat),
	SCMP_SYS(renameat2), SCMP_SYS(unlink), SCMP_SYS(unlinkat),
	SCMP_SYS(pipe2), SCMP_SYS(socketpair), SCMP_SYS(eventfd2),
	SCMP_SYS(prlimit64),
};

static int
allow(scmp_filter_ctx ctx, const int *sys, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, sys[i], 0) != 0)
			return -1;
	return 0;
}

/* The bits of open's flags that say what it may do to a file. */
#define OPEN_MODE	 (O_ACCMODE | O_APPEND | O_CREAT | O_TRUNC)

/* The calls allowed only with some arguments. */
static int
rule_args(scmp_filter_ctx ctx, enum sandbox_role role)
{
	static const int	 families[] = { AF_UNIX, AF_INET, AF_INET6 };
	static const unsigned long ioctls[] = { FIONBIO, FIONREAD, TCGETS };
	size_t			 i;
	int			 rc = 0;

	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket),
		    1, SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)families[i]));
	/* Non-blocking sockets, bytes waiting, isatty() of stdio. */
	for (i = 0; i < sizeof(ioctls) / sizeof(ioctls[0]); i++)
		rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl),
		    1, SCMP_A1(SCMP_CMP_EQ, (scmp_datum_t)ioctls[i]));
	/*
	 * Files: read (the C library's name service files and libmariadb's
	 * plugins when the database is reached again), or appended to (the
	 * log opened again after logrotate); the sender also writes its
	 * mail files whole.  Never truncated in a worker, nor read and
	 * written at once.
	 */
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(openat), 1,
	    SCMP_A2(SCMP_CMP_MASKED_EQ, OPEN_MODE, O_RDONLY));
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(openat), 1,
	    SCMP_A2(SCMP_CMP_MASKED_EQ, OPEN_MODE, O_WRONLY | O_APPEND |
	    O_CREAT));
	if (role == SANDBOX_SENDER)
		rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(openat),
		    1, SCMP_A2(SCMP_CMP_MASKED_EQ, OPEN_MODE, O_WRONLY |
		    O_CREAT | O_TRUNC));
	/* abort() and raise() signal this process only. */
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
	    SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid()));
	/*
	 * Threads, not processes (libcurl's resolver).  clone3 passes its
	 * flags in memory, out of the filter's sight: it is refused with
	 * ENOSYS, and the C library falls back to clone.
	 */
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3),
	    0);
	if (role == SANDBOX_SENDER)
		rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
		    SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD));
	return rc == 0 ? 0 : -1;
}

/*
 * Log mode: the handler notes the call's number, for sandbox_report to
 * name later, outside the signal, and makes the call return -ENOSYS
 * (the kernel leaves the call's number where its result goes).
 */
#if defined(__x86_64__)
#define SET_RESULT(uc, v)	((uc)->uc_mcontext.gregs[REG_RAX] = (v))
#elif defined(__aarch64__)
#define SET_RESULT(uc, v)	((uc)->uc_mcontext.regs[0] = (unsigned long)(v))
#endif
#define REFUSED_MAX	 16
static volatile sig_atomic_t	 refused[REFUSED_MAX];
static volatile sig_atomic_t	 nrefused;

#ifdef SET_RESULT
static void
on_sys(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t	*uc = ctx;
	int		 saved = errno;

	(void)sig;
	SET_RESULT(uc, -ENOSYS);
	if (nrefused < REFUSED_MAX)
		refused[nrefused] = si->si_syscall;
	if (nrefused < REFUSED_MAX + 1)
		nrefused++;
	errno = saved;
}
#endif

int
sandbox_enter(const char *mode, enum sandbox_role role, char *err,
    size_t errsz)
{
	struct sigaction sa;
	scmp_filter_ctx	 ctx;
	uint32_t	 deny;
	int		 rc;

	if (strcmp(mode, "off") == 0)
		return 0;
	if (strcmp(mode, "log") == 0) {
#ifndef SET_RESULT
		snprintf(err, errsz, "sandbox = log: not on this architecture");
		return -1;
#else
		memset(&sa, 0, sizeof(sa));
		sigemptyset(&sa.sa_mask);
		sa.sa_sigaction = on_sys;
		sa.sa_flags = SA_SIGINFO;
		sigaction(SIGSYS, &sa, NULL);
		/* A blocked SIGSYS would kill: it must get through. */
		sigemptyset(&sa.sa_mask);
		sigaddset(&sa.sa_mask, SIGSYS);
		sigprocmask(SIG_UNBLOCK, &sa.sa_mask, NULL);
		deny = SCMP_ACT_TRAP;
#endif
	} else
		deny = SCMP_ACT_KILL_PROCESS;
	if ((ctx = seccomp_init(deny)) == NULL) {
		snprintf(err, errsz, "sandbox: cannot make the filter");
		return -1;
	}
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, deny);
	/* Every thread, should a library have started one. */
	if (rc == 0)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	if (rc == 0 && (allow(ctx, common, sizeof(common) /
	    sizeof(common[0])) == -1 || (role == SANDBOX_SENDER && allow(ctx,
	    sender, sizeof(sender) / sizeof(sender[0])) == -1) ||
	    rule_args(ctx, role) == -1))
		rc = -EINVAL;
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc != 0) {
		snprintf(err, errsz, "sandbox: cannot load the filter: %s",
		    strerror(-rc));
		return -1;
	}
	return 0;
}

void
sandbox_report(void)
{
	int		 nums[REFUSED_MAX];
	char		*name;
	int		 i, n, lost;

	if (nrefused == 0)
		return;
	n = nrefused < REFUSED_MAX ? nrefused : REFUSED_MAX;
	lost = nrefused > REFUSED_MAX;
	for (i = 0; i < n; i++)
		nums[i] = refused[i];
	nrefused = 0;		/* a call refused meanwhile may be lost */
	for (i = 0; i < n; i++) {
		name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE,
		    nums[i]);
		log_warn("sandbox: system call %s (%d) refused with ENOSYS "
		    "(sandbox = log)", name != NULL ? name : "?", nums[i]);
		free(name);
	}
	if (lost)
		log_warn("sandbox: more calls were refused than noted");
}
