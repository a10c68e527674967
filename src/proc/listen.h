/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The master's listening sockets: a unix socket (with socket_mode and
 * socket_owner), a TCP one, or fd 0 as spawn-fcgi or systemd passes it.
 * Opened before the workers start; the workers inherit them.
 */
#ifndef ADMINUTIL_LISTEN_H
#define ADMINUTIL_LISTEN_H

#include <stddef.h>

struct config;

/*
 * Opens the socket addr says: unix:/path, /path or ./path, host:port or
 * [v6]:port, or "" for fd 0 (which must be a listening socket).  Leaves
 * it non-blocking.  Returns the fd, or -1 with a message in err.
 */
int	listen_open(const struct config *cfg, const char *addr, char *err,
	    size_t errsz);

/* Removes the socket file of addr if it names a unix socket. */
void	listen_unlink(const char *addr);

/*
 * 1 if addr is a listen address this process can take: "" (fd 0), a
 * unix socket path that fits, or host:port with a port in 1..65535.
 * 0 with a message in err, naming the configuration key.
 */
int	listen_addr_ok(const char *addr, char *err, size_t errsz,
	    const char *key);

#endif
