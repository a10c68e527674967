/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

#include "build.h"

#include <sys/select.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/evp.h>

#include "config.h"
#include "envelope.h"
#include "log.h"
#include "sandbox.h"
#include "sender.h"
#include "store.h"
#include "worker.h"

#define IDLE_MS		 30000		/* the outbox is read at least so often */
#define BUSY_MS		 5000		/* after a failure, at most */
#define MIN_WAIT_MS	 100		/* between two looks, at least */
#define LEASE_MS	 (5 * 60 * 1000) /* a claim outlives a send */
#define RETRY_MIN_MS	 5000
#define RETRY_MAX_MS	 (60 * 60 * 1000)

static volatile sig_atomic_t	 stopping;
static int			 wake[2] = { -1, -1 };

static void
on_term(int sig)
{
	(void)sig;
	stopping = 1;
}

int
sender_pipe_open(void)
{
	return pipe2(wake, O_NONBLOCK | O_CLOEXEC);
}

void
sender_wake(void)
{
	ssize_t	 n;

	/* A full pipe has a wake-up in it already. */
	if (wake[1] != -1)
		n = write(wake[1], "m", 1);
	(void)n;
}

int
sender_wanted(const struct config *cfg)
{
	return (cfg->routes & ROUTES_ADMIN) && (cfg->smtp_url[0] != '\0' ||
	    cfg->mail_dir[0] != '\0');
}

/* 1 if s holds a CR, an LF or another control character. */
static int
has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/* s as a header value: itself when ASCII, else RFC 2047's B encoding. */
static char *
header_word(const char *s)
{
	size_t		 len = strlen(s), i;
	char		*out;
	int		 ascii = 1;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			ascii = 0;
	if (ascii)
		return strdup(s);
	if ((out = malloc(12 + (len + 2) / 3 * 4 + 3)) == NULL)
		return NULL;
	memcpy(out, "=?UTF-8?B?", 10);
	i = (size_t)EVP_EncodeBlock((unsigned char *)out + 10,
	    (const unsigned char *)s, (int)len);
	memcpy(out + 10 + i, "?=", 3);
	return out;
}

char *
sender_message(const char *from, const char *rcpt, const char *subject,
    const char *message_id, const char *body, size_t *len)
{
	char		 date[64], *subj, *out = NULL;
	const char	*p;
	FILE		*f;
	time_t		 now = time(NULL);
	struct tm	 tm;

	*len = 0;
	if (has_control(from) || has_control(rcpt) || has_control(subject) ||
	    has_control(message_id))
		return NULL;
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	if ((subj = header_word(subject)) == NULL)
		return NULL;
	if ((f = open_memstream(&out, len)) == NULL) {
		free(subj);
		return NULL;
	}
	fprintf(f, "Date: %s\r\nFrom: %s\r\nTo: %s\r\nSubject: %s\r\n"
	    "Message-ID: %s\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: 8bit\r\n\r\n", date, from, rcpt, subj,
	    message_id);
	/* Lines end in CRLF, whatever they ended in. */
	for (p = body; *p != '\0'; p++) {
		if (*p == '\r')
			continue;
		if (*p == '\n')
			fputc('\r', f);
		fputc(*p, f);
	}
	if (p == body || p[-1] != '\n')
		fputs("\r\n", f);
	free(subj);
	if (fclose(f) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

/* The relay's login, "user:password" on the first line of a file. */
struct login {
	char	 user[256];
	char	 password[256];
	int	 set;
};

static int
login_read(const char *path, struct login *l)
{
	char	 line[512], *colon;
	FILE	*f;

	memset(l, 0, sizeof(*l));
	if (path[0] == '\0')
		return 0;
	if ((f = fopen(path, "r")) == NULL) {
		log_error("smtp_auth_file: cannot open it");
		return -1;
	}
	if (fgets(line, sizeof(line), f) == NULL ||
	    (colon = strchr(line, ':')) == NULL) {
		fclose(f);
		explicit_bzero(line, sizeof(line));
		log_error("smtp_auth_file: no \"user:password\" line");
		return -1;
	}
	fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	*colon = '\0';
	snprintf(l->user, sizeof(l->user), "%.*s", (int)sizeof(l->user) - 1,
	    line);
	snprintf(l->password, sizeof(l->password), "%.*s",
	    (int)sizeof(l->password) - 1, colon + 1);
	explicit_bzero(line, sizeof(line));
	l->set = 1;
	return 0;
}

/* What curl reads of a message. */
struct upload {
	const char	*p;
	size_t		 left;
};

static size_t
upload_read(char *buf, size_t size, size_t n, void *arg)
{
	struct upload	*u = arg;
	size_t		 len = size * n < u->left ? size * n : u->left;

	memcpy(buf, u->p, len);
	u->p += len;
	u->left -= len;
	return len;
}

/* Hands the message to the relay; NULL, or what went wrong. */
static const char *
send_smtp(const struct config *cfg, const struct login *l, const char *rcpt,
    const char *msg, size_t len, char *err, size_t errsz)
{
	CURL			*h;
	struct curl_slist	*to = NULL;
	struct upload		 u = { msg, len };
	char			 addr[300], ebuf[CURL_ERROR_SIZE] = "";
	CURLcode		 rc;

	if ((h = curl_easy_init()) == NULL)
		return "no memory";
	snprintf(addr, sizeof(addr), "<%s>", rcpt);
	to = curl_slist_append(NULL, addr);
	snprintf(addr, sizeof(addr), "<%s>", cfg->mail_from);
	curl_easy_setopt(h, CURLOPT_URL, cfg->smtp_url);
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, addr);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, to);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, upload_read);
	curl_easy_setopt(h, CURLOPT_READDATA, &u);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, ebuf);
	/* STARTTLS when the relay offers it; a password never in clear. */
	curl_easy_setopt(h, CURLOPT_USE_SSL, l->set ? (long)CURLUSESSL_ALL :
	    (long)CURLUSESSL_TRY);
	if (l->set) {
		curl_easy_setopt(h, CURLOPT_USERNAME, l->user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, l->password);
	}
	rc = curl_easy_perform(h);
	curl_slist_free_all(to);
	curl_easy_cleanup(h);
	if (rc == CURLE_OK)
		return NULL;
	snprintf(err, errsz, "%s", ebuf[0] != '\0' ? ebuf :
	    curl_easy_strerror(rc));
	return err;
}

/* Writes the message to mail_dir/<id>.eml, whole or not at all. */
static const char *
send_file(const struct config *cfg, long long id, const char *msg,
    size_t len, char *err, size_t errsz)
{
	char	 tmp[CONFIG_STR_MAX + 64], path[CONFIG_STR_MAX + 64];
	int	 fd;
	ssize_t	 n;

	snprintf(tmp, sizeof(tmp), "%s/.%lld.eml.tmp", cfg->mail_dir, id);
	snprintf(path, sizeof(path), "%s/%lld.eml", cfg->mail_dir, id);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640)) ==
	    -1) {
		snprintf(err, errsz, "open in mail_dir: %s", strerror(errno));
		return err;
	}
	n = write(fd, msg, len);
	if (n != (ssize_t)len || fsync(fd) == -1 || close(fd) == -1 ||
	    rename(tmp, path) == -1) {
		snprintf(err, errsz, "write in mail_dir: %s",
		    strerror(errno));
		if (n != (ssize_t)len)
			close(fd);
		unlink(tmp);
		return err;
	}
	return NULL;
}

struct run {
	const struct config	*cfg;
	struct store		*store;
	struct login		 login;
	int			 failed;	/* in the last round */
};

static void
deliver(void *arg, const struct mail_row *m)
{
	struct run	*x = arg;
	char		*msg, err[256];
	const char	*why;
	size_t		 len;
	long long	 now = envelope_now_ms(), wait;

	if ((msg = sender_message(x->cfg->mail_from, m->rcpt, m->subject,
	    m->message_id, m->body, &len)) == NULL)
		why = "the mail cannot be written (a line break in a header?)";
	else if (x->cfg->smtp_url[0] != '\0')
		why = send_smtp(x->cfg, &x->login, m->rcpt, msg, len, err,
		    sizeof(err));
	else
		why = send_file(x->cfg, m->id, msg, len, err, sizeof(err));
	free(msg);
	wait = RETRY_MIN_MS << (m->attempts < 10 ? m->attempts : 10);
	if (wait > RETRY_MAX_MS)
		wait = RETRY_MAX_MS;
	if (why == NULL)
		log_info("mail %lld sent (%s)", m->id, m->message_id);
	else {
		x->failed = 1;
		log_warn("mail %lld not sent, again in %lld s: %s", m->id,
		    wait / 1000, why);
	}
	/*
	 * A mail that went but could not be marked so goes again when the
	 * claim runs out: at least once, with the same Message-ID.
	 */
	if (store_outbox_done(x->store, m->id, now, why, now + wait) != ST_OK)
		log_warn("mail %lld: its state is not written", m->id);
}

void
sender_run(const struct config *cfg, pid_t master)
{
	struct timespec	 ts;
	sigset_t	 none;
	fd_set		 rfds;
	struct run	 x;
	char		 buf[64], err[256];
	long long	 next, ms;

	child_start(master, on_term);
	if (wake[0] == -1)
		_exit(0);
	sigemptyset(&none);
	memset(&x, 0, sizeof(x));
	x.cfg = cfg;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    login_read(cfg->smtp_auth_file, &x.login) == -1 ||
	    (x.store = store_new(cfg)) == NULL) {
		log_error("the sender cannot start");
		_exit(WORKER_EXIT_FATAL);
	}
	if (cfg->smtp_url[0] == '\0' && mkdir(cfg->mail_dir, 0750) == -1 &&
	    errno != EEXIST)
		log_warn("mail_dir %s: %s", cfg->mail_dir, strerror(errno));
	if (sandbox_enter(cfg->sandbox, SANDBOX_SENDER, err, sizeof(err)) ==
	    -1) {
		log_error("%s", err);
		_exit(WORKER_EXIT_FATAL);
	}
	log_debug("sender ready");
	while (!stopping) {
		child_logs();
		while (read(wake[0], buf, sizeof(buf)) > 0)
			;
		x.failed = 0;
		if (store_outbox_claim(x.store, envelope_now_ms(), LEASE_MS,
		    deliver, &x) != ST_OK) {
			log_warn("the outbox cannot be read now");
			x.failed = 1;
		}
		/*
		 * Until the first mail is due, a retry's or another sender's
		 * lease, if that comes before the next look.  Signals are
		 * blocked but while waiting: TERM ends a wait.
		 */
		ms = x.failed ? BUSY_MS : IDLE_MS;
		if (store_outbox_next(x.store, &next) == ST_OK && next >= 0 &&
		    (next -= envelope_now_ms()) < ms)
			ms = next > MIN_WAIT_MS ? next : MIN_WAIT_MS;
		ts.tv_sec = ms / 1000;
		ts.tv_nsec = (ms % 1000) * 1000000L;
		FD_ZERO(&rfds);
		FD_SET(wake[0], &rfds);
		if (!stopping)
			pselect(wake[0] + 1, &rfds, NULL, NULL, &ts, &none);
	}
	store_free(x.store);
	explicit_bzero(&x.login, sizeof(x.login));
	curl_global_cleanup();
	_exit(0);
}
