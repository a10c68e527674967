/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

#include "build.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netdb.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/config.h"
#include "core/validate.h"
#include "proc/listen.h"

/*
 * Gives path to socket_owner ("user" or "user:group"; without a group,
 * the user's own).  0, or -1 with a message in err.
 */
static int
listen_chown(const char *socket_owner, const char *path, char *err,
    size_t errsz)
{
	struct passwd	*pw;
	struct group	*gr;
	char		 owner[64], *colon;

	snprintf(owner, sizeof(owner), "%s", socket_owner);
	if ((colon = strchr(owner, ':')) != NULL)
		*colon++ = '\0';
	if ((pw = getpwnam(owner)) == NULL) {
		snprintf(err, errsz, "socket_owner: no user \"%s\"", owner);
		return -1;
	}
	gr = colon != NULL ? getgrnam(colon) : NULL;
	if (colon != NULL && gr == NULL) {
		snprintf(err, errsz, "socket_owner: no group \"%s\"", colon);
		return -1;
	}
	if (chown(path, pw->pw_uid, gr != NULL ? gr->gr_gid :
	    pw->pw_gid) == -1) {
		snprintf(err, errsz, "chown %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* A unix socket at path, with socket_mode and socket_owner. */
static int
listen_unix(const struct config *cfg, const char *path, char *err,
    size_t errsz)
{
	struct sockaddr_un	 sun;
	struct stat		 st;
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
	if (cfg->socket_owner[0] != '\0' &&
	    listen_chown(cfg->socket_owner, path, err, errsz) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A TCP socket bound to addr (host:port, [v6]:port, :port for any). */
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
listen_open(const struct config *cfg, const char *l, char *err,
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

void
listen_unlink(const char *l)
{
	const char	*path = strncmp(l, "unix:", 5) == 0 ? l + 5 : l;

	if (path[0] == '/' || path[0] == '.')
		unlink(path);
}

int
listen_addr_ok(const char *addr, char *err, size_t errsz, const char *key)
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
