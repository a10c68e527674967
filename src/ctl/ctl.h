/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * adminutil-ctl: the admin plane from a terminal.  A client of the
 * HTTP admin plane only: it links libcurl and json-c, never the
 * daemon's store, sandbox or configuration, so it runs on any host
 * that reaches the admin server (docs/ctl.md).
 */

#ifndef CTL_CTL_H
#define CTL_CTL_H

#include <stddef.h>

#include <json-c/json.h>

/* The exit codes, as adminutil-ctl(1) lists them. */
enum ctl_exit {
	CTL_OK = 0,		/* done */
	CTL_REFUSED = 1,	/* the server refused it (4xx but 404) */
	CTL_USAGE = 2,		/* bad command line or configuration */
	CTL_UNREACHABLE = 3,	/* no answer, not adminutil's, or 5xx */
	CTL_NOT_FOUND = 4,	/* 404: no such consumer, key, request */
	CTL_UNSAVED = 5,	/* done, but its secret file not written */
	CTL_CHANGES = 6		/* diff: applying the file would change */
};

enum ctl_output {
	OUT_TABLE,
	OUT_JSON
};

/* Where the admin plane is and how to call it. */
struct ctl {
	char		*url;		/* without a trailing "/" */
	char		*token;		/* NULL: no Authorization header */
	enum ctl_output	 output;
	long		 timeout;	/* seconds, for the whole call */
};

/* What conf_load was given from the command line (NULL: not given). */
struct ctl_flags {
	const char	*config;
	const char	*url;
	const char	*token_file;
	const char	*output;
	const char	*timeout;
};

/*
 * Fills c from the flags, then the environment, then the configuration
 * file (flags win).  Returns CTL_OK, or CTL_USAGE after saying on
 * standard error which flag, variable or line is wrong.  A token is
 * never read from a file that others may read.
 */
int	conf_load(struct ctl *c, const struct ctl_flags *f);
void	conf_free(struct ctl *c);

/* Reads the first line of path (a token) into a new string, or NULL
 * after saying why; what names the source in the message. */
char	*conf_read_secret_file(const char *path, const char *what);

/*
 * POSTs request (taken; NULL for {}) in the envelope to path, or, when
 * form is not NULL, that form body (introspection).  On CTL_OK *result
 * is the answer's result (the caller's to put); otherwise the server's
 * err and errmsg, or why there was no answer, are on standard error.
 */
int	call(const struct ctl *c, const char *route, const char *path,
	    struct json_object *request, const char *form,
	    struct json_object **result);
/* A refusal of the server, kept rather than printed (call_err). */
struct call_err {
	long	 status;	/* 0: no answer (said on standard error) */
	char	 err[64];
	char	 msg[512];
};

/* call() for the envelope, the server's refusal into e, not printed. */
int	call_err(const struct ctl *c, const char *route, const char *path,
	    struct json_object *request, struct json_object **result,
	    struct call_err *e);
/* From now on one connection serves every call (kept alive). */
void	call_keep(void);

/*
 * An answer's body as libcurl hands it over: CURLOPT_WRITEFUNCTION
 * call_body_write, CURLOPT_WRITEDATA the body.  buf is NUL-ended (the
 * caller's to free); over is set, and the transfer stopped, when the
 * server sends more than max bytes.
 */
struct call_body {
	char	*buf;
	size_t	 len, max;
	int	 over;
	size_t	 cap;		/* buf's size; grown by copies, each wiped */
};
size_t	call_body_write(char *, size_t, size_t, void *);
/* Wipes and frees what call_body_write gathered. */
void	call_body_free(struct call_body *);

/* s percent-encoded for one path segment or form value (free it). */
char	*call_escape(const char *s);
void	call_global_init(void);
void	call_global_cleanup(void);

/* Prints result as c->output says, on standard output. */
void	print_result(const struct ctl *c, struct json_object *result);

#endif
