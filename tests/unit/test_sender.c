/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * Unit tests of the lines of a mail (sender_message): whatever users
 * typed (long names, notes, reasons, group lists, in any script), every
 * line is at most 998 octets and 78 where the text allows (RFC 5322
 * 2.1.1), every encoded word at most 75 characters and of whole UTF-8
 * characters (RFC 2047 2, 5), and the subject and the body's words come
 * back as they were.
 */
#include "build.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "proc/sender.h"
#include "unit.h"

#define LINE_SOFT	 78
#define LINE_HARD	 998
#define WORD_MAX	 75

/* A new string: unit repeated to n octets, then tail. */
static char *
rep(const char *head, const char *unit, size_t n, const char *tail)
{
	size_t	 h = strlen(head), u = strlen(unit), t = strlen(tail), i;
	char	*s;

	if ((s = malloc(h + n + t + 1)) == NULL)
		return NULL;
	memcpy(s, head, h);
	for (i = 0; u > 0 && i + u <= n; i += u)
		memcpy(s + h + i, unit, u);
	memcpy(s + h + i, tail, t + 1);
	return s;
}

/* The groups name0, name1... (each of len octets) joined by sep to n. */
static char *
groups(size_t len, const char *sep, size_t n)
{
	char	*s, *p;
	size_t	 i, sl = strlen(sep);

	if ((s = p = malloc(n + len + sl + 128)) == NULL)
		return NULL;
	p += sprintf(p, "developer asks for access to the API groups: ");
	for (i = 0; (size_t)(p - s) < n; i++) {
		if (i > 0)
			p += sprintf(p, "%s", sep);
		p += sprintf(p, "g%zu", i);
		memset(p, 'a' + (int)(i % 26), len - 1);
		p += len - 1;
	}
	strcpy(p, ".\nRequest #7 waits.\n");
	return s;
}

/* 1 if s is ASCII. */
static int
is_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

/* The length of the UTF-8 character at s[0..n), or 0 if none. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	size_t	 len, i;

	if (s[0] < 0x80)
		return 1;
	len = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc0 ? 2 : 0;
	if (len == 0 || len > n)
		return 0;
	for (i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

/* 1 if s[0..n) is whole UTF-8 characters. */
static int
utf8_whole(const unsigned char *s, size_t n)
{
	size_t	 c;

	for (; n > 0; s += c, n -= c)
		if ((c = utf8_len(s, n)) == 0)
			return 0;
	return 1;
}

struct mail {
	const char	*name;
	char		*subject, *body;
	int		 soft;		/* every line fits LINE_SOFT */
	int		 valid;		/* the subject is UTF-8 */
};

/*
 * The Subject: the unfolded value, its encoded words each checked and
 * decoded; 0 when it came back as it went.
 */
static int
subject_back(const struct mail *t, const char *hdr, size_t len)
{
	unsigned char	 dec[WORD_MAX];
	char		*v, *p, *w, *out, *o;
	size_t		 i, n, pad;
	int		 d, rc = -1;

	if ((v = malloc(len + 1)) == NULL || (out = malloc(len + 1)) == NULL)
		goto fail;
	/* Unfolding (RFC 5322 2.2.3) drops each CRLF before a space. */
	for (i = 0, n = 0; i < len; i++)
		if (!(hdr[i] == '\r' && i + 2 < len && hdr[i + 1] == '\n' &&
		    hdr[i + 2] == ' '))
			v[n++] = hdr[i];
		else
			i++;
	v[n] = '\0';
	p = v + strlen("Subject: ");
	if (strncmp(p, "=?", 2) != 0) {
		rc = strcmp(p, t->subject) == 0 && strstr(p, "=?") == NULL ?
		    0 : -1;
		UNIT_CHECK(rc == 0, "%s: plain subject \"%s\"", t->name, p);
		goto fail;
	}
	o = out;
	for (w = strtok(p, " "); w != NULL; w = strtok(NULL, " ")) {
		n = strlen(w);
		if (!UNIT_CHECK(n <= WORD_MAX && n > 12 &&
		    strncmp(w, "=?UTF-8?B?", 10) == 0 &&
		    strcmp(w + n - 2, "?=") == 0 && (n - 12) % 4 == 0,
		    "%s: encoded word %zu long: %s", t->name, n, w))
			goto fail;
		w[n - 2] = '\0';
		pad = (w[n - 3] == '=') + (w[n - 4] == '=');
		if (!UNIT_CHECK((d = EVP_DecodeBlock(dec,
		    (unsigned char *)w + 10, (int)(n - 12))) >= 0, "%s: not "
		    "base64: %s", t->name, w + 10))
			goto fail;
		d -= (int)pad;
		if (t->valid && !UNIT_CHECK(utf8_whole(dec, (size_t)d), "%s: "
		    "an encoded word holds part of a character", t->name))
			goto fail;
		memcpy(o, dec, (size_t)d);
		o += d;
	}
	*o = '\0';
	rc = strcmp(out, t->subject) == 0 ? 0 : -1;
	UNIT_CHECK(rc == 0, "%s: the subject decodes to \"%s\"", t->name, out);
fail:
	free(v);
	free(out);
	return rc;
}

/* 1 if a body line over LINE_SOFT had no place to break: one word. */
static int
one_word(const char *s, size_t n)
{
	size_t	 i = strspn(s, " ");

	for (; i < n; i++)
		if (s[i] == ' ' || (s[i] == ',' && i + 1 < n))
			return 0;
	return 1;
}

/* The body's words, each space-free ASCII one whole and in order. */
static void
body_back(const struct mail *t, const char *body)
{
	char	*flat, *in, *w, *p;
	size_t	 i, n = 0;
	int	 whole = 1;

	flat = malloc(strlen(body) + 1);
	in = strdup(t->body);
	CU_ASSERT_PTR_NOT_NULL_FATAL(flat);
	CU_ASSERT_PTR_NOT_NULL_FATAL(in);
	/* Only spaces and line ends may differ. */
	for (i = 0; body[i] != '\0'; i++)
		if (body[i] != '\r' && body[i] != '\n' && body[i] != ' ')
			flat[n++] = body[i];
	flat[n] = '\0';
	for (i = 0, n = 0, p = in; p[i] != '\0'; i++)
		if (p[i] != '\r' && p[i] != '\n' && p[i] != ' ')
			in[n++] = p[i];
	in[n] = '\0';
	UNIT_CHECK(strcmp(flat, in) == 0, "%s: the body's text changed",
	    t->name);
	free(in);
	/* A word no line need break is not broken. */
	in = strdup(t->body);
	CU_ASSERT_PTR_NOT_NULL_FATAL(in);
	p = (char *)body;
	for (w = strtok(in, " \r\n"); w != NULL; w = strtok(NULL, " \r\n")) {
		if (strlen(w) > LINE_HARD || strchr(w, ',') != NULL ||
		    !is_ascii(w))
			continue;
		if ((p = strstr(p, w)) == NULL) {
			whole = 0;
			break;
		}
		p += strlen(w);
	}
	UNIT_CHECK(whole, "%s: the word \"%.40s\" is broken or out of order",
	    t->name, w != NULL ? w : "");
	free(in);
	free(flat);
}

/* Every check of one mail's text m. */
static void
check_mail(const struct mail *t, const char *m, size_t len)
{
	const char	*p, *e, *subj = NULL, *body = NULL;
	size_t		 n, over = 0, longest = 0;
	int		 header = 1;

	UNIT_CHECK(len == strlen(m) && len >= 2 && strcmp(m + len - 2,
	    "\r\n") == 0, "%s: the mail does not end in CRLF", t->name);
	for (p = m; *p != '\0'; p = e + 2) {
		if ((e = strstr(p, "\r\n")) == NULL)
			e = p + strlen(p);
		n = (size_t)(e - p);
		if (!UNIT_CHECK(memchr(p, '\r', n) == NULL && memchr(p, '\n',
		    n) == NULL, "%s: a bare CR or LF", t->name))
			return;
		longest = n > longest ? n : longest;
		if (header && n == 0) {
			header = 0;
			body = e + 2;
		} else if (header) {
			UNIT_CHECK(n <= LINE_SOFT, "%s: a header line of %zu",
			    t->name, n);
			if (strncmp(p, "Subject: ", 9) == 0)
				subj = p;
			if (p[0] == ' ' && strspn(p, " ") == n)
				UNIT_CHECK(0, "%s: a header line of spaces",
				    t->name);
		} else if (!UNIT_CHECK(utf8_whole((const unsigned char *)p, n),
		    "%s: a body line ends or starts inside a character",
		    t->name))
			return;
		else if (n > LINE_SOFT) {
			over++;
			UNIT_CHECK(one_word(p, n), "%s: a body line of %zu "
			    "with a place to break: %.80s", t->name, n, p);
		}
		if (*e == '\0')
			break;
	}
	UNIT_CHECK(longest <= LINE_HARD, "%s: a line of %zu octets", t->name,
	    longest);
	UNIT_CHECK(!t->soft || over == 0, "%s: %zu body lines over %d",
	    t->name, over, LINE_SOFT);
	if (!UNIT_CHECK(subj != NULL && body != NULL, "%s: no Subject or no "
	    "body", t->name))
		return;
	/* The Subject's lines: itself and those that start with a space. */
	for (e = strstr(subj, "\r\n"); e[2] == ' '; e = strstr(e + 2, "\r\n"))
		;
	subject_back(t, subj, (size_t)(e - subj));
	body_back(t, body);
}

static void
test_lines(void)
{
	static const char	*mixed[] = { "a", "\xc3\xa9", "\xe6\x97\xa5",
	    "\xf0\x9f\x98\x80" };
	struct mail		 t[64];
	char			 name[64][64], *m;
	size_t			 n = 0, i, k, len;

	memset(t, 0, sizeof(t));
	/* Subjects. */
	t[n++] = (struct mail){ "ASCII subject, long, words",
	    rep("Your API access request #1234567 from ", "somebody ", 300,
	    "was approved"), strdup("b\n"), 1, 1 };
	t[n++] = (struct mail){ "ASCII requester name of 255 bytes",
	    rep("API access request #7 from ", "x", 255, ""), strdup("b"), 1,
	    1 };
	t[n++] = (struct mail){ "CJK requester name of 255 bytes",
	    rep("API access request #7 from ", "\xe6\x97\xa5", 255, ""),
	    strdup("b"), 1, 1 };
	t[n++] = (struct mail){ "emoji requester name of 255 bytes",
	    rep("API access request #7 from ", "\xf0\x9f\x98\x80", 255, "ab"),
	    strdup("b"), 1, 1 };
	t[n++] = (struct mail){ "an encoded word typed in ASCII",
	    strdup("API access request #7 from =?UTF-8?B?QWRtaW4=?="),
	    strdup("b"), 1, 1 };
	t[n++] = (struct mail){ "spaces at both ends and doubled",
	    strdup("  two  spaces  "), strdup("b"), 1, 1 };
	t[n++] = (struct mail){ "empty subject and body", strdup(""),
	    strdup(""), 1, 1 };
	t[n++] = (struct mail){ "bytes that are no UTF-8",
	    rep("from ", "\x80", 300, "\xe6\x97"), strdup("b"), 1, 0 };
	/* Multi-byte characters at every fold position. */
	for (k = 0; k < 8; k++) {
		snprintf(name[k], sizeof(name[k]), "mixed characters, shift "
		    "%zu", k);
		t[n] = (struct mail){ name[k], rep("", "a", k, ""), NULL, 1, 1 };
		for (i = 0; i < 120; i++) {
			m = t[n].subject;
			t[n].subject = rep(m, mixed[(i + k) % 4],
			    strlen(mixed[(i + k) % 4]), "");
			free(m);
		}
		t[n].body = rep("Notes: ", "", 0, t[n].subject);
		n++;
	}
	/* Bodies. */
	t[n++] = (struct mail){ "a word of 2000 bytes", strdup("s"),
	    rep("Notes: see ", "y", 2000, " and more\n"), 0, 1 };
	t[n++] = (struct mail){ "a word of 2000 bytes of 2-byte characters",
	    strdup("s"), rep("Notes: ", "\xc3\xa9", 2000, "\n"), 0, 1 };
	t[n++] = (struct mail){ "a word of 2000 bytes of emoji", strdup("s"),
	    rep("Notes: ", "\xf0\x9f\x98\x80", 2000, "\n"), 0, 1 };
	t[n++] = (struct mail){ "notes of 1 KiB of CJK, no space",
	    strdup("s"), rep("Notes: ", "\xe6\x97\xa5\xe6\x9c\xac", 1024,
	    "\n"), 1, 1 };
	t[n++] = (struct mail){ "notes of 1 KiB of prose", strdup("s"),
	    rep("Notes: ", "the quick brown fox ", 1024, "\n"), 1, 1 };
	t[n++] = (struct mail){ "a reason of 1 KiB of accents", strdup("s"),
	    rep("Reason: ", "\xc3\xa9t\xc3\xa9 ", 1024, "\n"), 1, 1 };
	t[n++] = (struct mail){ "8 KiB of short groups, \", \"",
	    strdup("s"), groups(20, ", ", 8192), 1, 1 };
	t[n++] = (struct mail){ "8 KiB of short groups, \",\"",
	    strdup("s"), groups(20, ",", 8192), 1, 1 };
	t[n++] = (struct mail){ "8 KiB of groups of 255 bytes, \", \"",
	    strdup("s"), groups(255, ", ", 8192), 0, 1 };
	t[n++] = (struct mail){ "8 KiB of groups of 255 bytes, \",\"",
	    strdup("s"), groups(255, ",", 8192), 0, 1 };
	t[n++] = (struct mail){ "notes of 1000 line breaks made spaces",
	    strdup("s"), rep("Notes: ", " ", 1000, "\n"), 1, 1 };
	t[n++] = (struct mail){ "500 spaces between two words", strdup("s"),
	    rep("Notes: a", " ", 500, "b\n"), 1, 1 };
	t[n++] = (struct mail){ "an indented line", strdup("s"),
	    rep("    Reason:", " one two", 400, "\n"), 1, 1 };
	t[n++] = (struct mail){ "lines of dots", strdup("s"),
	    rep(".\n", ". ", 400, "\n.\n"), 1, 1 };
	for (i = 0; i < n; i++) {
		CU_ASSERT_PTR_NOT_NULL_FATAL(t[i].subject);
		CU_ASSERT_PTR_NOT_NULL_FATAL(t[i].body);
		m = sender_message("a@x", "b@y", t[i].subject, "<1@x>",
		    t[i].body, &len);
		if (UNIT_CHECK(m != NULL, "%s: no mail", t[i].name))
			check_mail(&t[i], m, len);
		free(m);
		free(t[i].subject);
		free(t[i].body);
	}
}

/* An address or a Message-ID longer than a line makes no mail. */
static void
test_long_value(void)
{
	char	*a, *m;
	size_t	 len;

	a = rep("", "a", 990, "@x");
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	m = sender_message("a@x", a, "s", "<1@x>", "b", &len);
	UNIT_CHECK(m == NULL, "a recipient of %zu octets made a mail",
	    strlen(a));
	free(m);
	m = sender_message("a@x", "b@y", "s", a, "b", &len);
	UNIT_CHECK(m == NULL, "a Message-ID of %zu octets made a mail",
	    strlen(a));
	free(m);
	free(a);
}

static const CU_TestInfo tests[] = {
	{ "sender_message: lines <= 998 (78), encoded words <= 75, whole "
	    "characters, subject and words back", test_lines },
	{ "sender_message: a header value longer than a line", test_long_value },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_main("sender", tests, NULL, NULL);
}
