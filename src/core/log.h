/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * Logging to standard error, one line per event, prefixed with the
 * process id and a level.  Every byte that came from outside is escaped
 * (log_escape) before it is written, so a line can never be forged.
 */
#ifndef ADMINUTIL_LOG_H
#define ADMINUTIL_LOG_H

#include <stddef.h>

enum log_level {
	LOG_LVL_ERROR,
	LOG_LVL_WARN,
	LOG_LVL_INFO,
	LOG_LVL_DEBUG
};

void	log_set_level(enum log_level);
/*
 * Where lines go: "stderr" (the default), "syslog" (the daemon
 * facility), or "file:PATH" (appended, made 0640).  log_target_ok()
 * checks the text; log_open() switches to it (-1 with err set on
 * failure: the old target stays).  log_reopen() opens the file again
 * (after logrotate moved it); safe to call anywhere but a signal
 * handler.
 */
int	log_target_ok(const char *target);
/*
 * Looks at fd 2 once, at start: when it goes nowhere (/dev/null, as
 * spawn-fcgi or an init script may leave it) an error line written
 * there is sent to syslog too, so that a refused start is seen.
 */
void	log_init(void);
/*
 * An operator's command: its error, warning and info lines go to the
 * terminal (fd 2, plain "adminutil: error: ..." lines) whatever the
 * target, and to the target too when it is a file or syslog.
 */
void	log_terminal(int on);
int	log_open(const char *target, char *err, size_t errsz);
void	log_reopen(void);
/* 1 if lines of level l are written: for work done only to log them. */
int	log_enabled(enum log_level l);
int	log_level_parse(const char *, enum log_level *);

void	log_error(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));

/*
 * Writes src (len bytes, may hold NUL) into dst of dstsz bytes as
 * printable ASCII: backslash, quote, controls and bytes >= 0x7f become
 * C-style escapes.  Output is cut to fit and always NUL-terminated.
 * Returns dst.
 */
char	*log_escape(char *dst, size_t dstsz, const char *src, size_t len);

#endif
