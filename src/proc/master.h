/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The master process: opens the FastCGI socket, starts the workers and
 * supervises them.  TERM/INT: stop (workers finish what they serve);
 * HUP: re-read the configuration and replace the workers; a worker that
 * dies is replaced, with back-off when it dies young.
 */
#ifndef ADMINUTIL_MASTER_H
#define ADMINUTIL_MASTER_H

struct config;

/*
 * The checks of a loaded configuration beyond its keys', the same at
 * start-up and at reload: the ACL file loads, default_group is a group
 * name.  Warns when the admin plane answers anyone (admin_auth = none).
 * 0, or -1 with a message in err.
 */
int	master_config_check(const struct config *cfg, char *err,
	    size_t errsz);

/*
 * Opens the socket addr says (cfg->listen or cfg->auth_listen; "" takes
 * fd 0).  Returns the fd, or -1 with a message in err.
 */
int	master_listen(const struct config *cfg, const char *addr, char *err,
	    size_t errsz);

/*
 * Supervises workers until told to stop: cfg->workers on fd answering
 * cfg->routes, and cfg->auth_workers on afd (-1: none) answering the
 * gateway's check and health only.  cfgpath (may be NULL) is read again
 * on HUP.  Returns the process exit status.
 */
int	master_run(struct config *cfg, const char *cfgpath, int fd, int afd);

#endif
