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
 * Opens the socket cfg->listen says (or takes fd 0 when it is empty).
 * Returns the fd, or -1 with a message in err.
 */
int	master_listen(const struct config *cfg, char *err, size_t errsz);

/*
 * Supervises workers on fd until told to stop.  cfgpath (may be NULL) is
 * read again on HUP.  Returns the process exit status.
 */
int	master_run(struct config *cfg, const char *cfgpath, int fd);

#endif
