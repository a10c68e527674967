/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The sandbox of the master's children: once started, a worker or the
 * sender may make only the system calls on its list (a seccomp filter,
 * built with libseccomp).  What they need and why is written beside
 * each call in sandbox.c.  The master stays outside: it binds, forks
 * and reads the configuration again on SIGHUP.
 *
 * Modes (config "sandbox"):
 *   kill  a call off the list kills the process (SIGSYS); the master
 *         logs it and starts another.  The default.
 *   log   the call fails with ENOSYS instead and the process goes on;
 *         the violation is logged by name (sandbox_report).  For
 *         finding what a new library version needs, not for serving.
 *   off   no filter.
 */
#ifndef ADMINUTIL_SANDBOX_H
#define ADMINUTIL_SANDBOX_H

#include <stddef.h>

enum sandbox_role {
	SANDBOX_WORKER,		/* FastCGI requests and the database */
	SANDBOX_SENDER		/* the outbox: the database, SMTP, mail_dir */
};

/*
 * Enters the sandbox for role; no way out.  -1 with err set if the
 * filter cannot be loaded (the caller must not go on without it).
 */
int	sandbox_enter(const char *mode, enum sandbox_role role, char *err,
	    size_t errsz);
/*
 * Logs, by name, the calls refused in log mode since the last call:
 * called by the children where they wait (child_logs).
 */
void	sandbox_report(void);

#endif
