/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

#include "build.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"

static enum log_level	 log_max = LOG_LVL_INFO;
static const char *const level_names[] = { "error", "warn", "info", "debug" };
static const int	 syslog_prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO,
			    LOG_DEBUG };

/* The target: fd 2, syslog, or a file of ours (path). */
static int		 log_fd = STDERR_FILENO;
static int		 log_syslog;
static char		 log_path[512];
static int		 log_term;	/* operator: the terminal too */
static int		 log_nowhere;	/* fd 2 is /dev/null or the like */
static int		 log_opened;	/* openlog() done */

void
log_init(void)
{
	struct stat	 st;

	log_nowhere = fstat(STDERR_FILENO, &st) == -1 ||
	    (S_ISCHR(st.st_mode) && !isatty(STDERR_FILENO));
}

void
log_terminal(int on)
{
	log_term = on;
}

static void
log_openlog(void)
{
	if (!log_opened)
		openlog("adminutil", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	log_opened = 1;
}

int
log_target_ok(const char *t)
{
	return strcmp(t, "stderr") == 0 || strcmp(t, "syslog") == 0 ||
	    (strncmp(t, "file:", 5) == 0 && t[5] == '/' &&
	    strlen(t + 5) < sizeof(log_path));
}

static int
open_file(const char *path)
{
	return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
}

int
log_open(const char *t, char *err, size_t errsz)
{
	int	 fd;

	if (!log_target_ok(t)) {
		snprintf(err, errsz, "log_target: expected stderr, syslog or "
		    "file:/path");
		return -1;
	}
	if (strncmp(t, "file:", 5) == 0) {
		if ((fd = open_file(t + 5)) == -1) {
			snprintf(err, errsz, "log_target: %s: %s", t + 5,
			    strerror(errno));
			return -1;
		}
		if (log_fd != STDERR_FILENO)
			close(log_fd);
		log_fd = fd;
		snprintf(log_path, sizeof(log_path), "%s", t + 5);
		log_syslog = 0;
		return 0;
	}
	if (log_fd != STDERR_FILENO)
		close(log_fd);
	log_fd = STDERR_FILENO;
	log_path[0] = '\0';
	if ((log_syslog = strcmp(t, "syslog") == 0))
		log_openlog();
	return 0;
}

void
log_reopen(void)
{
	int	 fd;

	if (log_path[0] == '\0' || (fd = open_file(log_path)) == -1)
		return;			/* the old file stays */
	if (log_fd != STDERR_FILENO)
		close(log_fd);
	log_fd = fd;
}

void
log_set_level(enum log_level l)
{
	log_max = l;
}

int
log_enabled(enum log_level l)
{
	return l <= log_max;
}

int
log_level_parse(const char *s, enum log_level *out)
{
	size_t	 i;

	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (strcmp(s, level_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	return -1;
}

/* The plain line of an operator's command on fd 2. */
static void
log_term_line(enum log_level l, const char *msg)
{
	static const char *const prefix[] = { "error: ", "warning: ", "",
			    "" };

	dprintf(STDERR_FILENO, "adminutil: %s%s\n", prefix[l], msg);
}

static void
log_emit(enum log_level l, const char *fmt, va_list ap)
{
	char		 line[2048];
	struct timespec	 ts;
	struct tm	 tm;
	va_list		 aq;
	int		 n, m;

	if (l > log_max)
		return;
	if (log_term && l <= LOG_LVL_INFO) {
		va_copy(aq, ap);
		vsnprintf(line, sizeof(line), fmt, aq);
		va_end(aq);
		log_term_line(l, line);
		/* The target is that terminal: once is enough. */
		if (!log_syslog && log_fd == STDERR_FILENO)
			return;
	}
	if (log_syslog) {
		vsnprintf(line, sizeof(line), fmt, ap);
		syslog(syslog_prio[l], "%s", line);
		return;
	}
	if (l == LOG_LVL_ERROR && log_nowhere && log_fd == STDERR_FILENO) {
		va_copy(aq, ap);
		vsnprintf(line, sizeof(line), fmt, aq);
		va_end(aq);
		log_openlog();
		syslog(syslog_prio[l], "%s", line);
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = snprintf(line, sizeof(line),
	    "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ adminutil[%ld] %s: ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000L, (long)getpid(),
	    level_names[l]);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	if (m < 0)
		return;
	n += m;
	if ((size_t)n > sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	(void)write(log_fd, line, (size_t)n);
}

#define LOG_FN(name, lvl)				\
void							\
name(const char *fmt, ...)				\
{							\
	va_list	 ap;					\
							\
	va_start(ap, fmt);				\
	log_emit(lvl, fmt, ap);				\
	va_end(ap);					\
}

LOG_FN(log_error, LOG_LVL_ERROR)
LOG_FN(log_warn, LOG_LVL_WARN)
LOG_FN(log_info, LOG_LVL_INFO)
LOG_FN(log_debug, LOG_LVL_DEBUG)

char *
log_escape(char *dst, size_t dstsz, const char *src, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t		 i, o = 0;
	unsigned char	 c;
	char		 esc[4];
	size_t		 elen;

	if (dstsz == 0)
		return dst;
	for (i = 0; i < len; i++) {
		c = (unsigned char)src[i];
		elen = 0;
		switch (c) {
		case '\n': esc[0] = '\\'; esc[1] = 'n'; elen = 2; break;
		case '\r': esc[0] = '\\'; esc[1] = 'r'; elen = 2; break;
		case '\t': esc[0] = '\\'; esc[1] = 't'; elen = 2; break;
		case '\\': esc[0] = '\\'; esc[1] = '\\'; elen = 2; break;
		case '"': esc[0] = '\\'; esc[1] = '"'; elen = 2; break;
		default:
			if (c < 0x20 || c >= 0x7f) {
				esc[0] = '\\';
				esc[1] = 'x';
				esc[2] = hex[c >> 4];
				esc[3] = hex[c & 0xf];
				elen = 4;
			} else {
				esc[0] = (char)c;
				elen = 1;
			}
		}
		if (o + elen >= dstsz)
			break;
		memcpy(dst + o, esc, elen);
		o += elen;
	}
	dst[o] = '\0';
	return dst;
}
