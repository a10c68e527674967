/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * End-to-end tests of the portal's mails, as files in mail_dir and
 * through an SMTP relay, and of the largest texts each route takes,
 * kept whole in notifications and mails (see portal.c).
 */
#include "build.h"

#include <sys/socket.h>

#include <netinet/in.h>

#include <dirent.h>
#include <libgen.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <json-c/json.h>

#include "e2e.h"
#include "portal.h"

/*
 * A small SMTP sink on loopback: it takes every mail it is given (the
 * whole DATA) and keeps it, until it is stopped.  One thread, one
 * client at a time, as the sender talks.
 */
#define SINK_MAX	 64

static struct {
	pthread_mutex_t	 lock;
	pthread_t	 thread;
	int		 fd, running;
	char		*mail[SINK_MAX];
	size_t		 n;
} sink = { PTHREAD_MUTEX_INITIALIZER, 0, -1, 0, { NULL }, 0 };

/* Reads one line (CRLF ended) from fd into buf; its length or -1. */
static ssize_t
sink_line(int fd, char *buf, size_t sz)
{
	size_t	 n = 0;
	char	 c;

	while (n + 1 < sz) {
		if (read(fd, &c, 1) != 1)
			return -1;
		buf[n++] = c;
		if (c == '\n')
			break;
	}
	buf[n] = '\0';
	return (ssize_t)n;
}

static void
sink_say(int fd, const char *s)
{
	ssize_t	 n = write(fd, s, strlen(s));

	(void)n;
}

static void
sink_session(int fd)
{
	char	 line[2048], *mail = NULL;
	size_t	 len = 0;
	FILE	*f;

	sink_say(fd, "220 e2e sink\r\n");
	while (sink_line(fd, line, sizeof(line)) > 0) {
		if (strncasecmp(line, "EHLO", 4) == 0)
			sink_say(fd, "250-e2e sink\r\n250 8BITMIME\r\n");
		else if (strncasecmp(line, "HELO", 4) == 0 ||
		    strncasecmp(line, "MAIL", 4) == 0 ||
		    strncasecmp(line, "RCPT", 4) == 0 ||
		    strncasecmp(line, "RSET", 4) == 0 ||
		    strncasecmp(line, "NOOP", 4) == 0)
			sink_say(fd, "250 OK\r\n");
		else if (strncasecmp(line, "DATA", 4) == 0) {
			sink_say(fd, "354 go on\r\n");
			if ((f = open_memstream(&mail, &len)) == NULL)
				break;
			while (sink_line(fd, line, sizeof(line)) > 0 &&
			    strcmp(line, ".\r\n") != 0)
				fputs(line, f);
			fclose(f);
			pthread_mutex_lock(&sink.lock);
			if (sink.n < SINK_MAX)
				sink.mail[sink.n++] = mail;
			else
				free(mail);
			pthread_mutex_unlock(&sink.lock);
			mail = NULL;
			sink_say(fd, "250 kept\r\n");
		} else if (strncasecmp(line, "QUIT", 4) == 0) {
			sink_say(fd, "221 bye\r\n");
			break;
		} else
			sink_say(fd, "502 no\r\n");
	}
	close(fd);
}

static void *
sink_run(void *arg)
{
	int	 c;

	(void)arg;
	while ((c = accept(sink.fd, NULL, NULL)) != -1)
		sink_session(c);
	return NULL;
}

/* Starts the sink on port (0: any); its port, or -1. */
static int
sink_start(int port)
{
	struct sockaddr_in	 sa;
	socklen_t		 len = sizeof(sa);
	int			 on = 1;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((unsigned short)port);
	if ((sink.fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	setsockopt(sink.fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (bind(sink.fd, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    listen(sink.fd, 8) == -1 || getsockname(sink.fd,
	    (struct sockaddr *)&sa, &len) == -1 ||
	    pthread_create(&sink.thread, NULL, sink_run, NULL) != 0) {
		close(sink.fd);
		sink.fd = -1;
		return -1;
	}
	sink.running = 1;
	return ntohs(sa.sin_port);
}

static void
sink_stop(void)
{
	if (!sink.running)
		return;
	shutdown(sink.fd, SHUT_RDWR);
	close(sink.fd);
	pthread_join(sink.thread, NULL);
	sink.fd = -1;
	sink.running = 0;
}

/* How many kept mails hold text. */
static size_t
sink_count(const char *text)
{
	size_t	 i, n = 0;

	pthread_mutex_lock(&sink.lock);
	for (i = 0; i < sink.n; i++)
		n += strstr(sink.mail[i], text) != NULL;
	pthread_mutex_unlock(&sink.lock);
	return n;
}

struct sink_wait {
	const char	*text;
};

static int
sink_has(void *arg)
{
	return sink_count(((struct sink_wait *)arg)->text) > 0;
}

/* The outbox row of request id's mail to rcpt: sent, and how often tried. */
static long long
mail_sent(const char *rcpt, const char *mark)
{
	return sql_num("SELECT COUNT(*) FROM outbox WHERE rcpt = '%s' AND "
	    "INSTR(subject, '%s') > 0 AND sent_at IS NOT NULL", rcpt, mark);
}

struct sent_wait {
	const char	*rcpt, *mark;
};

static int
is_sent(void *arg)
{
	struct sent_wait	*w = arg;

	return mail_sent(w->rcpt, w->mark) == 1;
}

/* The text of the mail file that holds mark in mail_dir; NULL. */
static char *
mail_file(const char *mark)
{
	char		 conf[1024], dir[1100], path[1400], *text = NULL;
	DIR		*d;
	struct dirent	*e;
	FILE		*f;
	size_t		 n = 0;

	snprintf(conf, sizeof(conf), "%s", conf_path);
	snprintf(dir, sizeof(dir), "%s/mail", dirname(conf));
	if ((d = opendir(dir)) == NULL)
		return NULL;
	while (text == NULL && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		if (getdelim(&text, &n, '\0', f) == -1 || strstr(text, mark) ==
		    NULL) {
			free(text);
			text = NULL;
			n = 0;
		}
		fclose(f);
	}
	closedir(d);
	return text;
}

int
file_there(void *arg)
{
	char	*t = mail_file(((struct file_wait *)arg)->mark);

	free(t);
	return t != NULL;
}

/*
 * The outbox's mails go out, once each: as files in mail_dir (RFC 5322,
 * CRLF, the outbox's Message-ID), then through an SMTP relay; with the
 * relay down a mail waits in the outbox, and goes once it is back.
 */
void
test_portal_mail(void)
{
	struct file_wait fw;
	struct sink_wait sw;
	struct sent_wait tw;
	char		 mark[64], mark2[64], text[128], *mail, *mid;
	long long	 id, id2;
	long		 len = -1;
	int		 port;

	if (ready() == -1 || (id = request_access("developer",
	    "[\"contentCreate\"]", "mail")) < 0)
		return;
	snprintf(mark, sizeof(mark), "request #%lld ", id);
	fw.mark = mark;
	CHECK(wait_until(file_there, &fw, 10000, 100), "no mail file of "
	    "request %lld in mail_dir within 10 s", id);
	if ((mail = mail_file(mark)) != NULL) {
		CHECK(strstr(mail, "\r\nTo: approvals@example.test\r\n") !=
		    NULL && strstr(mail, "\r\nFrom: ") != NULL &&
		    strstr(mail, "\r\nMessage-ID: <") != NULL &&
		    strstr(mail, "\r\n\r\n") != NULL, "the mail file is not "
		    "RFC 5322 with CRLF, To, From and a Message-ID");
		if ((mid = strstr(mail, "\r\nMessage-ID: ")) != NULL) {
			mid += strlen("\r\nMessage-ID: ");
			mid[strcspn(mid, "\r")] = '\0';
			CHECK(strspn(mid, "<>@.-abcdefghijklmnopqrstuvwxyz"
			    "0123456789") == strlen(mid) && sql_num("SELECT "
			    "COUNT(*) FROM outbox WHERE message_id = '%s' AND "
			    "sent_at IS NOT NULL", mid) == 1, "the file's "
			    "Message-ID is not its sent outbox row's");
		}
		free(mail);
	}
	/* Through a relay: up, then down, then up again. */
	if (!CHECK((port = sink_start(0)) > 0, "cannot start the SMTP sink"))
		return;
	snprintf(text, sizeof(text), "smtp_url = smtp://127.0.0.1:%d\n",
	    port);
	if (reconfigure(text, &len) == -1)
		goto done;
	/* Wrapped, the notes start lines with ".": SMTP doubles the dot. */
	if ((id = request_access("developer", "[\"contentCreate\"]",
	    ".dot .dot .dot .dot .dot .dot .dot .dot .dot .dot .dot .dot .dot "
	    ".dot .dot .dot .dot .dot .dot .dot .dot .dot .dot .dot")) < 0)
		goto done;
	snprintf(mark, sizeof(mark), "request #%lld ", id);
	sw.text = mark;
	CHECK(wait_until(sink_has, &sw, 10000, 100), "the relay did not get "
	    "the mail of request %lld within 10 s", id);
	CHECK(sink_count("\r\n..dot") == 1 && sink_count("\r\n.dot") == 0,
	    "a line that starts with \".\" reached the relay without its dot "
	    "doubled");
	sink_stop();
	if ((id2 = request_access("developer", "[\"contentCreate\"]",
	    "down")) < 0)
		goto done;
	snprintf(mark2, sizeof(mark2), "#%lld", id2);
	sleep_ms(1500);
	CHECK(sql_num("SELECT COUNT(*) FROM outbox WHERE INSTR(subject, '%s') "
	    "> 0 AND sent_at IS NULL AND attempts >= 1 AND last_error IS NOT "
	    "NULL", mark2) == 1, "with the relay down, the mail of request "
	    "%lld does not wait in the outbox, tried", id2);
	if (!CHECK(sink_start(port) == port, "cannot start the sink again"))
		goto done;
	snprintf(mark2, sizeof(mark2), "request #%lld ", id2);
	sw.text = mark2;
	tw.rcpt = "approvals@example.test";
	tw.mark = mark2;
	CHECK(wait_until(sink_has, &sw, 20000, 200) && wait_until(is_sent,
	    &tw, 5000, 100), "the relay back, the waiting mail of request "
	    "%lld did not go within 20 s", id2);
	sleep_ms(1000);
	CHECK(sink_count(mark) == 1 && sink_count(mark2) == 1, "mails went "
	    "%zu and %zu times, want once each", sink_count(mark),
	    sink_count(mark2));
done:
	sink_stop();
	if (len >= 0)
		(void)reconfigure(NULL, &len);
}

/* The longest portal user name: 255 bytes (lib-e2e.sh's E2E_LONG_USER). */
static void
long_user(char out[256])
{
	memcpy(out, "longuser", 8);
	memset(out + 8, 'x', 247);
	out[255] = '\0';
}

/* n bytes of text (3-byte characters, then ASCII), in a new string. */
static char *
text_of(size_t n)
{
	char	*s;
	size_t	 i;

	if ((s = malloc(n + 1)) == NULL)
		return NULL;
	for (i = 0; i + 3 <= n; i += 3)
		memcpy(s + i, "\xe2\x82\xac", 3);	/* U+20AC */
	for (; i < n; i++)
		s[i] = 'x';
	s[n] = '\0';
	return s;
}

/* {"name": text} (and more pairs, NULL-ended) as a JSON text to free. */
static char *
members(const char *name, ...)
{
	json_object	*o = json_object_new_object();
	const char	*v;
	char		*out;
	va_list		 ap;

	va_start(ap, name);
	for (; name != NULL; name = va_arg(ap, const char *)) {
		v = va_arg(ap, const char *);
		json_object_object_add(o, name, v[0] == '[' ?
		    json_tokener_parse(v) : json_object_new_string(v));
	}
	va_end(ap);
	out = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return out;
}

/*
 * Every text a person types, at the most each route takes, through
 * every route that stores or mails it, answered without a 500 and kept
 * whole; one byte more is a 400 where it is typed.  Before: every group
 * offered overflowed the notification, a 1,024-byte reason on 91
 * groups too, and a portal user of 227 to 255 bytes the mail's subject.
 */
void
test_portal_largest(void)
{
	struct resp	 r;
	json_object	*res, *arr;
	char		 lu[256], user[NAMESZ], path[128], all[16384];
	char		*note = NULL, *more = NULL, *mail = NULL, *body = NULL;
	long long	 id = -1, id2 = -1, id3 = -1;
	size_t		 n = 0;

	if (ready() == -1)
		return;
	long_user(lu);
	/* Every group the portal offers. */
	portal(&r, lu, "/v1/portal/groups", NULL);
	all[0] = '[';
	all[1] = '\0';
	if ((res = ok("groups, as the longest name", &r, ID("portal.groups")))
	    != NULL) {
		arr = jget(res, "groups");
		for (n = 0; n < json_object_array_length(arr); n++)
			snprintf(all + strlen(all), sizeof(all) - strlen(all),
			    "%s\"%s\"", n > 0 ? "," : "", str(jstr(
			    json_object_array_get_idx(arr, n), "name")));
	}
	strcat(all, "]");
	resp_free(&r);
	CHECK(n >= 100, "the portal offers %zu groups, want the ACL file's "
	    "(over 100)", n);
	if ((note = text_of(1024)) == NULL || (more = text_of(1025)) == NULL ||
	    (mail = malloc(256)) == NULL)
		goto done;
	memset(mail, 'm', 254 - 13);
	memcpy(mail + 254 - 13, "@example.test", 14);	/* 254 bytes */

	/* One byte more, where it is typed: 400. */
	body = members("groups", "[\"contentAdmin\"]", "notes", more, NULL);
	portal(&r, lu, "/v1/portal/access/request", body);
	refused("notes of 1,025 bytes", &r, 400, "BAD_REQUEST");
	resp_free(&r);
	free(body);
	mail[254] = 'x';
	mail[255] = '\0';
	body = members("groups", "[\"contentAdmin\"]", "email", mail, NULL);
	portal(&r, lu, "/v1/portal/access/request", body);
	refused("a mail address of 255 bytes", &r, 400, "BAD_REQUEST");
	resp_free(&r);
	free(body);
	memcpy(mail + 254 - 13, "@example.test", 14);

	/* The most of each: a request, rejected with the longest reason. */
	body = members("groups", all, "notes", note, "email", mail, NULL);
	portal(&r, lu, "/v1/portal/access/request", body);
	if ((res = ok("a request of every group, the longest notes, name and "
	    "mail", &r, ID("portal.access.request"))) != NULL)
		id = json_object_get_int64(jget(res, "request.id"));
	resp_free(&r);
	free(body);
	body = members("reason", note, NULL);
	snprintf(path, sizeof(path), "/v1/access/%lld/reject", id);
	portal(&r, "approver", path, body);
	ok("reject it with a reason of 1,024 bytes", &r, ID("access.reject"));
	resp_free(&r);
	snprintf(path, sizeof(path), "/v1/access/%lld/reject", id);
	free(body);
	body = members("reason", more, NULL);
	portal(&r, "approver", path, body);
	refused("a reason of 1,025 bytes", &r, 400, "BAD_REQUEST");
	resp_free(&r);
	free(body);

	/* Approved with the longest note, generated, taken back. */
	body = members("groups", all, "notes", note, "email", mail, NULL);
	portal(&r, lu, "/v1/portal/access/request", body);
	if ((res = ok("a second request of every group", &r,
	    ID("portal.access.request"))) != NULL)
		id2 = json_object_get_int64(jget(res, "request.id"));
	resp_free(&r);
	free(body);
	body = members("note", note, NULL);
	snprintf(path, sizeof(path), "/v1/access/%lld/approve", id2);
	portal(&r, "approver", path, body);
	ok("approve it with a note of 1,024 bytes", &r, ID("access.approve"));
	resp_free(&r);
	free(body);
	memset(user, 'u', 255);
	user[255] = '\0';
	memcpy(user, "largest", 7);
	snprintf(user + 240, 16, "%015lld", now_ms());
	body = members("username", user, "notes", note, NULL);
	portal(&r, lu, "/v1/portal/credential/generate", body);
	ok("generate with a name of 255 bytes and notes of 1,024", &r,
	    ID("portal.credential.generate"));
	resp_free(&r);
	free(body);
	body = members("reason", note, NULL);
	snprintf(path, sizeof(path), "/v1/access/%lld/revoke", id2);
	portal(&r, "approver", path, body);
	ok("revoke the approval with a reason of 1,024 bytes", &r,
	    ID("access.revoke"));
	resp_free(&r);
	free(body);
	/* And one withdrawn. */
	body = members("groups", all, "notes", note, NULL);
	portal(&r, lu, "/v1/portal/access/request", body);
	if ((res = ok("a third request", &r, ID("portal.access.request"))) !=
	    NULL)
		id3 = json_object_get_int64(jget(res, "request.id"));
	resp_free(&r);
	free(body);
	snprintf(path, sizeof(path), "/v1/portal/access/%lld/withdraw", id3);
	portal(&r, lu, path, NULL);
	ok("withdraw it", &r, ID("portal.access.withdraw"));
	resp_free(&r);

	/* Kept whole: notifications, mails, the request itself. */
	portal(&r, lu, "/v1/portal/notification/list", NULL);
	ok("the longest name's notifications", &r,
	    ID("portal.notification.list"));
	resp_free(&r);
	portal(&r, lu, "/v1/portal/access/list", NULL);
	ok("the longest name's requests", &r, ID("portal.access.list"));
	resp_free(&r);
	/* Each ends with the whole reason: 341 euro signs and an x. */
	CHECK(sql_num("SELECT COUNT(*) FROM notifications WHERE recipient = "
	    "'%s' AND INSTR(message, '%s') > 0 AND HEX(RIGHT(message, 343)) = "
	    "CONCAT('20', REPEAT('E282AC', 341), '78')", lu, OTHER_GROUP) == 2,
	    "the notifications of the rejection "
	    "and the revocation are not kept whole (every group, the whole "
	    "reason)");
	CHECK(sql_num("SELECT COUNT(*) FROM notifications WHERE INSTR(message, "
	    "'%s') > 0 AND INSTR(message, 'request #%lld') > 0", lu, id) >= 1,
	    "the approver's notification of the request does not name the "
	    "longest name whole");
	CHECK(sql_num("SELECT COUNT(*) FROM outbox WHERE INSTR(subject, '%s') "
	    "> 0", lu) >= 2 && sql_num("SELECT COUNT(*) FROM outbox WHERE "
	    "rcpt = '%s'", mail) == 3, "the mails of the longest name and "
	    "address are not all in the outbox");
	CHECK(sql_num("SELECT COUNT(*) FROM access_requests WHERE id IN "
	    "(%lld, %lld) AND LENGTH(notes) = 1024 AND LENGTH(reason) = 1024",
	    id, id2) == 2, "the notes or reasons are not kept whole");
done:
	free(note);
	free(more);
	free(mail);
}

/*
 * 1 if every line of mail is CRLF ended and at most 78 octets (what
 * the tests write allows it), 998 for sure (RFC 5322 2.1.1).
 */
static int
mail_lines_fit(const char *mail, size_t *longest)
{
	const char	*p, *e;

	*longest = 0;
	for (p = mail; (e = strstr(p, "\r\n")) != NULL; p = e + 2) {
		if (memchr(p, '\n', (size_t)(e - p)) != NULL)
			return 0;
		if ((size_t)(e - p) > *longest)
			*longest = (size_t)(e - p);
	}
	return *p == '\0' && *longest <= 78;
}

/* Text of n octets or fewer: unit again and again. */
static void
repeat(char *buf, size_t n, const char *unit)
{
	size_t	 u = strlen(unit), i;

	for (i = 0; i + u < n; i += u)
		memcpy(buf + i, unit, u);
	buf[i] = '\0';
}

/*
 * Notes and a reason of 1000 octets, in CJK, emoji and accents: the
 * mails in mail_dir keep their lines within 78 octets, and a parser
 * reads them (tests/e2e/mails.py, over every mail of the run).
 */
void
test_portal_mail_lines(void)
{
	struct file_wait fw;
	struct resp	 r;
	json_object	*o;
	char		 notes[1001], reason[1001], req[1200], mark[96], *mail;
	long long	 id;
	size_t		 longest;
	int		 fit;

	if (ready() == -1)
		return;
	repeat(notes, sizeof(notes), "\xe6\x97\xa5\xe6\x9c\xac\xf0\x9f\x98\x80"
	    "\xc3\xa9x");
	if ((id = request_access("developer", "[\"contentCreate\"]", notes)) <
	    0)
		return;
	snprintf(mark, sizeof(mark), "request #%lld ", id);
	fw.mark = mark;
	CHECK(wait_until(file_there, &fw, 10000, 100), "no mail of request "
	    "%lld in mail_dir within 10 s", id);
	if ((mail = mail_file(mark)) != NULL) {
		fit = mail_lines_fit(mail, &longest);
		CHECK(fit, "the mail of 1000 octets of notes has a line of %zu "
		    "octets", longest);
	}
	free(mail);
	repeat(reason, sizeof(reason), "r\xc3\xa9sum\xc3\xa9 \xe3\x81\x82 ");
	o = json_object_new_object();
	json_object_object_add(o, "reason", json_object_new_string(reason));
	snprintf(req, sizeof(req), "%s", json_object_to_json_string(o));
	json_object_put(o);
	decide(&r, "approver", id, "reject", req);
	ok("reject with 1000 octets of reason", &r, ID("access.reject"));
	resp_free(&r);
	snprintf(mark, sizeof(mark), "request #%lld was rejected", id);
	CHECK(wait_until(file_there, &fw, 10000, 100), "no mail of the "
	    "rejection of request %lld in mail_dir within 10 s", id);
	if ((mail = mail_file(mark)) != NULL) {
		fit = mail_lines_fit(mail, &longest);
		CHECK(fit, "the mail of 1000 octets of reason has a line of %zu "
		    "octets", longest);
	}
	free(mail);
}
