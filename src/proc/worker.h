/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * A worker: one process serving FastCGI requests from the shared listen
 * socket, one at a time, until SIGTERM (an idle worker stops at once; a
 * busy one finishes its request first).  Only this file and request.c
 * know about libfcgi.
 */
#ifndef ADMINUTIL_WORKER_H
#define ADMINUTIL_WORKER_H

#include <sys/types.h>

struct config;

/* Exit status that tells the master not to start workers again. */
#define WORKER_EXIT_FATAL	 2

/*
 * The start of every child of the master (a worker, the sender): it
 * dies with the master (and exits at once when master is gone already),
 * can gain no privilege (PR_SET_NO_NEW_PRIVS),
 * term handles TERM and INT, USR1 asks for child_logs(), HUP and PIPE
 * are ignored.
 */
void	child_start(pid_t master, void (*term)(int));
/*
 * Opens the log file again when the master said so (SIGUSR1, after
 * logrotate): called by children where they wait.
 */
void	child_logs(void);

/*
 * Serves on listen_fd (non-blocking) until stopped; then exits.  master
 * is the parent's pid, taken before the fork; metrics_slot the slot of
 * the shared counters this worker writes (-1: none).
 */
void	worker_run(const struct config *cfg, int listen_fd, pid_t master,
	    int metrics_slot)
	    __attribute__((noreturn));

#endif
