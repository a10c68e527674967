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

#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"
#include "http/envelope.h"
#include "proc/sandbox.h"
#include "proc/sender.h"
#include "proc/worker.h"
#include "store/outbox.h"
#include "store/store.h"

#define IDLE_MS		 30000		/* the outbox is read at least so often */
#define BUSY_MS		 5000		/* after a failure, at most */
#define MIN_WAIT_MS	 100		/* between two looks, at least */
#define LEASE_MS	 (5 * 60 * 1000) /* a claim outlives a send */
#define RETRY_MIN_MS	 5000
#define RETRY_MAX_MS	 (60 * 60 * 1000)

static volatile sig_atomic_t	 stopping;

static void
on_term(int sig)
{
	(void)sig;
	stopping = 1;
}

int
sender_wanted(const struct config *cfg)
{
	return (cfg->routes & ROUTES_ADMIN) && (cfg->smtp_url[0] != '\0' ||
	    cfg->mail_dir[0] != '\0');
}

/*
 * The lines of a mail (RFC 5322 2.1.1): at most LINE_HARD octets, and
 * LINE_SOFT where the text allows, CRLF not counted.  An encoded word
 * (RFC 2047 2) is at most WORD_MAX characters, WORD_SHELL of them its
 * "=?UTF-8?B?" and "?=".
 */
#define LINE_SOFT	 78
#define LINE_HARD	 998
#define WORD_MAX	 75
#define WORD_SHELL	 12
#define SUBJECT		 "Subject: "

/* 1 if s holds a CR, an LF or another control character. */
static int
has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/*
 * 1 if s cannot be the value of From, To or Message-ID: a control, or
 * longer than a line (they are written whole: an address has no place
 * to fold).
 */
static int
bad_value(const char *s)
{
	return has_control(s) || strlen(s) > LINE_HARD -
	    strlen("Message-ID: ");
}

/*
 * The longest start of s[0..len), at most max octets, that does not end
 * inside a UTF-8 character.  Bytes that are no character (a sequence
 * cut short) are cut at max, so that each call moves on.
 */
static size_t
utf8_cut(const char *s, size_t len, size_t max)
{
	size_t	 n;

	if (len <= max)
		return len;
	for (n = max; n > 0 && max - n < 4; n--)
		if (((unsigned char)s[n] & 0xc0) != 0x80)
			return n;
	return max;
}

/*
 * 1 if the subject may be written as it is, folded at its spaces:
 * ASCII, nothing a reader would decode ("=?"), no space at either end
 * (lost, or alone on a line, when unfolded), and each word with the
 * spaces before it fits a line.
 */
static int
subject_plain(const char *s)
{
	const char	*p, *e;
	size_t		 col = strlen(SUBJECT);

	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p >= 0x80)
			return 0;
	if (s[0] == ' ' || (p > s && p[-1] == ' ') || strstr(s, "=?") != NULL)
		return 0;
	for (p = s; *p != '\0'; p = e) {
		e = p + strspn(p, " ");
		e += strcspn(e, " ");
		if (col + (size_t)(e - p) > LINE_SOFT)
			return 0;
		col = 0;
	}
	return 1;
}

/* A plain subject (subject_plain), folded before a word's spaces. */
static void
subject_fold(FILE *f, const char *s)
{
	const char	*p, *e;
	size_t		 col = strlen(SUBJECT);

	for (p = s; *p != '\0'; p = e) {
		e = p + strspn(p, " ");
		e += strcspn(e, " ");
		if (p != s && col + (size_t)(e - p) > LINE_SOFT) {
			fputs("\r\n", f);
			col = 0;
		}
		fwrite(p, 1, (size_t)(e - p), f);
		col += (size_t)(e - p);
	}
}

/*
 * Any other subject in RFC 2047's B encoding: as many encoded words as
 * it takes, each of whole UTF-8 characters (2047 5) and on a line of
 * its own, joined by CRLF SP.  A reader drops the space between two
 * encoded words (2047 6.2): the subject comes back exactly.  B rather
 * than Q: a name in CJK or emoji is 4/3 of its bytes in B, up to 3
 * times in Q.
 */
static void
subject_encode(FILE *f, const char *s)
{
	unsigned char	 b64[WORD_MAX];
	const char	*p;
	size_t		 col = strlen(SUBJECT), left = strlen(s), n, room;

	for (p = s; left > 0; p += n, left -= n) {
		room = LINE_SOFT - col < WORD_MAX ? LINE_SOFT - col : WORD_MAX;
		n = utf8_cut(p, left, (room - WORD_SHELL) / 4 * 3);
		EVP_EncodeBlock(b64, (const unsigned char *)p, (int)n);
		fprintf(f, "%s=?UTF-8?B?%s?=", p != s ? "\r\n " : "", b64);
		col = 1;
	}
}

/*
 * 1 if the UTF-8 character at s[0..left) is a CJK ideograph, kana or
 * hangul syllable: text without spaces that may break before each of
 * them (Unicode's line breaking, class ID).  Their punctuation is not
 * one: no line starts with an ideographic full stop.
 */
static int
ideograph(const char *s, size_t left)
{
	const unsigned char	*u = (const unsigned char *)s;
	unsigned long		 c;

	if (left >= 3 && (u[0] & 0xf0) == 0xe0 && (u[1] & 0xc0) == 0x80 &&
	    (u[2] & 0xc0) == 0x80)
		c = (u[0] & 0x0fUL) << 12 | (u[1] & 0x3fUL) << 6 |
		    (u[2] & 0x3fUL);
	else if (left >= 4 && (u[0] & 0xf8) == 0xf0 && (u[1] & 0xc0) == 0x80 &&
	    (u[2] & 0xc0) == 0x80 && (u[3] & 0xc0) == 0x80)
		c = (u[0] & 0x07UL) << 18 | (u[1] & 0x3fUL) << 12 |
		    (u[2] & 0x3fUL) << 6 | (u[3] & 0x3fUL);
	else
		return 0;
	return (c >= 0x3040 && c <= 0x30ff) || (c >= 0x3400 && c <= 0x9fff) ||
	    (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
	    (c >= 0x20000 && c <= 0x3ffff);
}

/*
 * A cut at the space s[i]: before its run of spaces (but after lead,
 * the line's indent), the whole run dropped (*skip), so that no line
 * ends in spaces or is made of them (notes whose line breaks became
 * spaces).
 */
static size_t
spaces_cut(const char *s, size_t i, size_t lead, size_t *skip)
{
	while (i - 1 > lead && s[i - 1] == ' ')
		i--;
	*skip = strspn(s + i, " ");
	return i;
}

/*
 * Where to end the first line of s[0..len), len > LINE_SOFT.  Within
 * LINE_SOFT: at the last space (the spaces dropped, *skip) or before
 * the last ideograph, else after the last comma (names listed without
 * spaces).  Failing those, after the first word however long, within
 * LINE_HARD; a word longer than that is cut at a character.  Spaces and
 * commas are ASCII: no UTF-8 character is cut there.
 */
static size_t
body_cut(const char *s, size_t len, size_t *skip)
{
	size_t	 i, lead = strspn(s, " ");

	*skip = 0;
	for (i = LINE_SOFT; i > lead; i--) {
		if (s[i] == ' ')
			return spaces_cut(s, i, lead, skip);
		if (ideograph(s + i, len - i))
			return i;
	}
	for (i = LINE_SOFT; i > lead; i--)
		if (s[i - 1] == ',')
			return i;
	for (i = LINE_SOFT + 1; i < len && i <= LINE_HARD; i++) {
		if (s[i] == ' ')
			return spaces_cut(s, i, lead, skip);
		if (s[i - 1] == ',')
			return i;
	}
	if (len <= LINE_HARD)
		return len;
	return utf8_cut(s, len, LINE_HARD);
}

/* One line of the body, wrapped (body_cut), each piece ended by CRLF. */
static void
body_line(FILE *f, const char *s, size_t len)
{
	size_t	 n, skip;

	while (len > LINE_SOFT) {
		n = body_cut(s, len, &skip);
		fwrite(s, 1, n, f);
		fputs("\r\n", f);
		s += n + skip;
		len -= n + skip;
		if (len == 0)
			return;
	}
	fwrite(s, 1, len, f);
	fputs("\r\n", f);
}

/*
 * The body, 8bit, each line wrapped rather than the body encoded
 * (quoted-printable would keep the lines whole but shows "=E6=97"
 * to a reader whose client does not decode it).  Lines end in CRLF,
 * whatever they ended in.  A line that starts with "." is left as it
 * is: a file needs nothing, and libcurl doubles the dot for SMTP.
 */
static int
body_write(FILE *f, const char *body)
{
	char	*copy, *p, *q, *e;

	if ((copy = strdup(body)) == NULL)
		return -1;
	for (p = q = copy; *p != '\0'; p++)
		if (*p != '\r')
			*q++ = *p;
	*q = '\0';
	for (p = copy; (e = strchr(p, '\n')) != NULL; p = e + 1)
		body_line(f, p, (size_t)(e - p));
	if (*p != '\0' || p == copy)
		body_line(f, p, strlen(p));
	free(copy);
	return 0;
}

char *
sender_message(const char *from, const char *rcpt, const char *subject,
    const char *message_id, const char *body, size_t *len)
{
	char		 date[64], *out = NULL;
	FILE		*f;
	time_t		 now = time(NULL);
	struct tm	 tm;
	int		 rc;

	*len = 0;
	if (bad_value(from) || bad_value(rcpt) || bad_value(message_id) ||
	    has_control(subject))
		return NULL;
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	if ((f = open_memstream(&out, len)) == NULL)
		return NULL;
	fprintf(f, "Date: %s\r\nFrom: %s\r\nTo: %s\r\n" SUBJECT, date, from,
	    rcpt);
	if (subject_plain(subject))
		subject_fold(f, subject);
	else
		subject_encode(f, subject);
	fprintf(f, "\r\nMessage-ID: %s\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: 8bit\r\n\r\n", message_id);
	rc = body_write(f, body);
	if (fclose(f) != 0 || rc == -1) {
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
	long long	 now = clock_wall_ms(), wait;

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
	int		 bell;

	child_start(master, on_term);
	if ((bell = store_outbox_bell()) == -1)
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
		while (read(bell, buf, sizeof(buf)) > 0)
			;
		x.failed = 0;
		if (store_outbox_claim(x.store, clock_wall_ms(), LEASE_MS,
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
		    (next -= clock_wall_ms()) < ms)
			ms = next > MIN_WAIT_MS ? next : MIN_WAIT_MS;
		ts.tv_sec = ms / 1000;
		ts.tv_nsec = (ms % 1000) * 1000000L;
		FD_ZERO(&rfds);
		FD_SET(bell, &rfds);
		if (!stopping)
			pselect(bell + 1, &rfds, NULL, NULL, &ts, &none);
	}
	store_free(x.store);
	explicit_bzero(&x.login, sizeof(x.login));
	curl_global_cleanup();
	_exit(0);
}
