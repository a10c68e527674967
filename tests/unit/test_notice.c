/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * Unit tests of what a change of an access request tells people
 * (notice.c) and of the mails the sender writes (sender_message): who
 * is told what, and that no text a user typed can make a header.
 */
#include "build.h"

#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/strlist.h"
#include "proc/sender.h"
#include "store/notice.h"
#include "store/store.h"
#include "unit.h"

static void
test_line(void)
{
	static const struct {
		const char	*in;
		size_t		 max;
		const char	*want;
	} t[] = {
		{ "plain", 100, "plain" },
		{ "two\r\nlines", 100, "two  lines" },
		{ "tab\there\x7f", 100, "tab here " },
		{ "Subject: x\r\nBcc: y", 100, "Subject: x  Bcc: y" },
		{ "abcdef", 3, "abc" },
		/* Cut at a character: not inside "é" (c3 a9). */
		{ "ab\xc3\xa9", 3, "ab" },
		{ "ab\xc3\xa9", 4, "ab\xc3\xa9" },
		{ "", 10, "" },
	};
	size_t	 i;
	char	*got;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		got = notice_line(t[i].in, strlen(t[i].in), t[i].max);
		CU_ASSERT_PTR_NOT_NULL_FATAL(got);
		UNIT_STREQ(got, t[i].want, t[i].in);
		free(got);
	}
}

/* A row of a request for the two groups of g. */
static struct access_row
row_of(struct strlist *g, const char *state, const char *reason)
{
	struct access_row	 r;

	memset(&r, 0, sizeof(r));
	strlist_add(g, "contentCreate", 13);
	strlist_add(g, "contentAdmin", 12);
	r.id = 42;
	r.requester = "dev";
	r.email = "dev@example.test";
	r.groups = g;
	r.notes = "line one\nline two";
	r.state = state;
	r.reason = reason;
	r.decided_by = strcmp(state, "pending") == 0 ? NULL : "ann";
	return r;
}

static const struct notice *
find(const struct notices *l, int mail, const char *to)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].mail == mail && strcmp(l->v[i].to, to) == 0)
			return &l->v[i];
	return NULL;
}

static void
test_new_request(void)
{
	struct config		 cfg;
	struct strlist		 g = { 0 };
	struct access_row	 r;
	struct notices		 l;
	const struct notice	*n;

	config_defaults(&cfg);
	strcpy(cfg.portal_approvers, "ann, bob");
	strcpy(cfg.notify_approvers, "approvals@example.test");
	r = row_of(&g, "pending", NULL);
	CU_ASSERT_EQUAL_FATAL(notice_of(&cfg, &r, &l), 0);
	UNIT_CHECK(l.n == 3, "%zu notices, want 2 notifications and a mail",
	    l.n);
	n = find(&l, 0, "ann");
	UNIT_CHECK(n != NULL && strstr(n->text, "#42") != NULL &&
	    strstr(n->text, "contentCreate, contentAdmin") != NULL,
	    "approver ann is not told of request #42 and its groups");
	UNIT_CHECK(find(&l, 0, "bob") != NULL, "approver bob is not told");
	n = find(&l, 1, "approvals@example.test");
	UNIT_CHECK(n != NULL && strstr(n->subject, "#42") != NULL &&
	    strchr(n->subject, '\n') == NULL, "no mail to notify_approvers, "
	    "or a subject with a line break");
	UNIT_CHECK(n != NULL && strstr(n->text, "line one line two") != NULL,
	    "the notes are not one line in the mail");
	UNIT_CHECK(find(&l, 0, "dev") == NULL, "the requester is told of "
	    "its own request");
	notice_free(&l);
	strlist_free(&g);
}

static void
test_decisions(void)
{
	struct config		 cfg;
	struct strlist		 g = { 0 };
	struct access_row	 r;
	struct notices		 l;
	const struct notice	*n;

	config_defaults(&cfg);
	strcpy(cfg.portal_approvers, "ann");
	strcpy(cfg.notify_approvers, "approvals@example.test");
	r = row_of(&g, "rejected", "not now\r\nBcc: all@example.test");
	CU_ASSERT_EQUAL_FATAL(notice_of(&cfg, &r, &l), 0);
	UNIT_CHECK(l.n == 2, "%zu notices of a rejection, want 2", l.n);
	n = find(&l, 0, "dev");
	UNIT_CHECK(n != NULL && strstr(n->text, "rejected") != NULL &&
	    strstr(n->text, "not now  Bcc: all@example.test") != NULL,
	    "the requester is not told the reason, on one line");
	n = find(&l, 1, "dev@example.test");
	UNIT_CHECK(n != NULL && strstr(n->subject, "rejected") != NULL &&
	    strstr(n->text, "\nBcc:") == NULL, "no mail of the rejection, or "
	    "the reason broke a line");
	UNIT_CHECK(find(&l, 1, "approvals@example.test") == NULL,
	    "notify_approvers are mailed a decision");
	notice_free(&l);
	strlist_free(&g);

	r = row_of(&g, "approved", NULL);
	r.email = NULL;
	CU_ASSERT_EQUAL_FATAL(notice_of(&cfg, &r, &l), 0);
	UNIT_CHECK(l.n == 1 && find(&l, 0, "dev") != NULL &&
	    strstr(l.v[0].text, "approved") != NULL, "an approval without an "
	    "address: not one notification to the requester");
	notice_free(&l);
	strlist_free(&g);

	r = row_of(&g, "withdrawn", NULL);
	CU_ASSERT_EQUAL_FATAL(notice_of(&cfg, &r, &l), 0);
	UNIT_CHECK(l.n == 0, "a withdrawal tells %zu", l.n);
	notice_free(&l);
	strlist_free(&g);
}

/*
 * With portal_url, each mail links to the page it talks about: a new
 * request to #approvals, an approval to #credentials, a rejection or a
 * revocation to #requests; a fragment of the setting is not doubled.
 * Without it, no link.
 */
static void
test_links(void)
{
	static const struct {
		const char	*state, *reason, *rcpt, *anchor;
	} t[] = {
		{ "pending", NULL, "approvals@example.test", "#approvals" },
		{ "approved", NULL, "dev@example.test", "#credentials" },
		{ "rejected", "no", "dev@example.test", "#requests" },
		{ "revoked", "gone", "dev@example.test", "#requests" },
	};
	struct config		 cfg;
	struct strlist		 g = { 0 };
	struct access_row	 r;
	struct notices		 l;
	const struct notice	*n;
	char			 want[128];
	size_t			 i;

	config_defaults(&cfg);
	strcpy(cfg.notify_approvers, "approvals@example.test");
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		strcpy(cfg.portal_url, i % 2 == 0 ? "https://p.example.test/" :
		    "https://p.example.test/#old");
		r = row_of(&g, t[i].state, t[i].reason);
		CU_ASSERT_EQUAL_FATAL(notice_of(&cfg, &r, &l), 0);
		n = find(&l, 1, t[i].rcpt);
		snprintf(want, sizeof(want), "\nhttps://p.example.test/%s\n",
		    t[i].anchor);
		UNIT_CHECK(n != NULL && strstr(n->text, want) != NULL &&
		    strstr(n->text, "#old") == NULL, "%s: the mail has no "
		    "line %s: %s", t[i].state, want, n != NULL ? n->text : "");
		notice_free(&l);
		strlist_free(&g);
		cfg.portal_url[0] = '\0';
		r = row_of(&g, t[i].state, t[i].reason);
		CU_ASSERT_EQUAL_FATAL(notice_of(&cfg, &r, &l), 0);
		n = find(&l, 1, t[i].rcpt);
		UNIT_CHECK(n != NULL && strstr(n->text, "http") == NULL &&
		    strstr(n->text, "page.") != NULL, "%s: without "
		    "portal_url: %s", t[i].state, n != NULL ? n->text : "");
		notice_free(&l);
		strlist_free(&g);
	}
}

static void
test_message(void)
{
	char	*m;
	size_t	 len;
	char	*p;

	m = sender_message("a@x", "b@y", "Hello", "<1@x>", "one\ntwo\r\n",
	    &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	UNIT_CHECK(len == strlen(m), "length %zu of %zu", len, strlen(m));
	UNIT_CHECK(strncmp(m, "Date: ", 6) == 0 && strstr(m, "\r\nFrom: a@x"
	    "\r\nTo: b@y\r\nSubject: Hello\r\nMessage-ID: <1@x>\r\n") != NULL,
	    "headers: %s", m);
	p = strstr(m, "\r\n\r\n");
	UNIT_CHECK(p != NULL && strcmp(p + 4, "one\r\ntwo\r\n") == 0,
	    "the body's lines are not CRLF: %s", p != NULL ? p + 4 : "");
	free(m);
	/* A header value with a line break is no mail. */
	UNIT_CHECK(sender_message("a@x", "b@y\r\nBcc: c@z", "s", "<1@x>", "",
	    &len) == NULL, "a recipient with CRLF made a mail");
	UNIT_CHECK(sender_message("a@x", "b@y", "s\nBcc: c@z", "<1@x>", "",
	    &len) == NULL, "a subject with LF made a mail");
	/* Not ASCII: RFC 2047. */
	m = sender_message("a@x", "b@y", "Caf\xc3\xa9", "<1@x>", "b", &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	UNIT_CHECK(strstr(m, "\r\nSubject: =?UTF-8?B?Q2Fmw6k=?=\r\n") != NULL,
	    "the subject is not encoded: %s", m);
	free(m);
}

/* Lists of names, split by commas and blanks, read one word at a time. */
static void
test_words(void)
{
	static const struct {
		const char	*list;
		const char	*want;	/* the words joined by "|" */
	} t[] = {
		{ "", "" },
		{ " ,\t, ", "" },
		{ "a", "a" },
		{ "a,b c\td", "a|b|c|d" },
		{ ",,a,,  b,", "a|b" },
		{ "alice@example.org, bob", "alice@example.org|bob" },
	};
	char		 got[64];
	const char	*p, *w;
	size_t		 i, len;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		got[0] = '\0';
		p = t[i].list;
		while ((w = words_next(&p, &len)) != NULL)
			snprintf(got + strlen(got), sizeof(got) - strlen(got),
			    "%s%.*s", got[0] != '\0' ? "|" : "", (int)len, w);
		UNIT_STREQ(got, t[i].want, t[i].list);
	}
	CU_ASSERT_TRUE(words_have("x, alice bob", "bob", 3));
	CU_ASSERT_FALSE(words_have("x, alice bob", "bo", 2));
	CU_ASSERT_FALSE(words_have("x, alice bob", "", 0));
}

static const CU_TestInfo tests[] = {
	{ "words_next: a list's words, words_have", test_words },
	{ "notice_line: controls are spaces, cut at a character", test_line },
	{ "a new request: approvers told and mailed", test_new_request },
	{ "portal_url: each mail links to its page", test_links },
	{ "decisions: the requester told, the reason one line",
	    test_decisions },
	{ "sender_message: headers, CRLF, no injection, RFC 2047",
	    test_message },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_main("notice", tests, NULL, NULL);
}
