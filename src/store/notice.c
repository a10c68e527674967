/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

#include "build.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/strlist.h"
#include "store/notice.h"
#include "store/store.h"

#define LINE_MAX_BYTES	 1024

char *
notice_line(const char *src, size_t len, size_t max)
{
	char	*out;
	size_t	 i, n = len < max ? len : max;

	/* Cut at a character: not inside a UTF-8 sequence. */
	while (n > 0 && n < len && ((unsigned char)src[n] & 0xc0) == 0x80)
		n--;
	if ((out = malloc(n + 1)) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		out[i] = (unsigned char)src[i] < 0x20 || src[i] == 0x7f ? ' ' :
		    src[i];
	out[n] = '\0';
	return out;
}

/* The groups comma-joined, each a line's worth. */
static char *
joined(const struct strlist *l)
{
	char	*s, *p;
	size_t	 i, len = 1;

	for (i = 0; i < l->n; i++)
		len += l->len[i] + 2;
	if ((s = p = malloc(len)) == NULL)
		return NULL;
	*p = '\0';
	for (i = 0; i < l->n; i++) {
		if (i > 0) {
			memcpy(p, ", ", 2);
			p += 2;
		}
		memcpy(p, l->v[i], l->len[i]);
		p += l->len[i];
		*p = '\0';
	}
	return s;
}

/*
 * Where a mail sends its reader: what, then portal_url's page anchor
 * (approvals, requests, credentials) on a line of its own, or what
 * alone when portal_url is unset.  A new string; NULL on no
 * memory.
 */
static char *
page_line(const struct config *cfg, const char *what, const char *anchor)
{
	char	*s;
	int	 n;

	n = (int)strcspn(cfg->portal_url, "#");
	if ((n == 0 ? asprintf(&s, "%s.", what) : asprintf(&s, "%s:\n%.*s#%s",
	    what, n, cfg->portal_url, anchor)) == -1)
		return NULL;
	return s;
}

/* Adds one notice, its text formatted.  -1 on no memory or no room. */
static int
add(struct notices *out, int mail, const char *to, size_t tolen,
    const char *subject, const char *fmt, ...)
{
	struct notice	*n;
	va_list		 ap;
	int		 rc;

	if (out->n == NOTICE_MAX)
		return 0;		/* the first NOTICE_MAX are told */
	n = &out->v[out->n];
	memset(n, 0, sizeof(*n));
	n->mail = mail;
	va_start(ap, fmt);
	rc = vasprintf(&n->text, fmt, ap);
	va_end(ap);
	if (rc == -1) {
		n->text = NULL;
		return -1;
	}
	/* A portal user's whole name (255 bytes), or a mail address (254). */
	if ((n->to = notice_line(to, tolen, 255)) == NULL ||
	    (subject != NULL && (n->subject = strdup(subject)) == NULL)) {
		free(n->text);
		free(n->to);
		return -1;
	}
	out->n++;
	return 0;
}

/* Calls add() for each name of the list (commas or blanks). */
static int
each(struct notices *out, const char *list, int mail, const char *subject,
    const char *text)
{
	const char	*p;
	size_t		 len;

	while ((p = words_next(&list, &len)) != NULL)
		if (add(out, mail, p, len, subject, "%s", text) == -1)
			return -1;
	return 0;
}

static int
made(const struct config *cfg, const struct access_row *r,
    const char *groups, const char *notes, struct notices *out)
{
	char	 subject[512], *text = NULL, *body = NULL, *page;
	int	 rc = -1;

	if ((page = page_line(cfg, "Decide it on the portal's Approvals page",
	    "approvals")) == NULL)
		return -1;
	snprintf(subject, sizeof(subject), "API access request #%lld from %s",
	    r->id, r->requester);
	if (asprintf(&text, "New API access request #%lld from %s for %s.",
	    r->id, r->requester, groups) == -1) {
		text = NULL;
		goto out;
	}
	if (asprintf(&body, "%s asks for access to the API groups: %s.\n"
	    "Notes: %s\n\nRequest #%lld waits for a decision. %s\n",
	    r->requester, groups, notes[0] != '\0' ? notes : "(none)", r->id,
	    page) == -1) {
		body = NULL;
		goto out;
	}
	if (each(out, cfg->portal_approvers, 0, NULL, text) == -1 ||
	    each(out, cfg->notify_approvers, 1, subject, body) == -1)
		goto out;
	rc = 0;
out:
	free(page);
	free(text);
	free(body);
	return rc;
}

static int
decided(const struct config *cfg, const struct access_row *r,
    const char *groups, struct notices *out)
{
	char	 subject[512], *why = NULL, *text = NULL, *body = NULL;
	char	*page = NULL;
	const char *what = r->state;
	const char *by = r->revoked_by != NULL ? r->revoked_by :
	    r->decided_by;
	int	 rc = -1;

	if (strcmp(r->state, "withdrawn") == 0)
		return 0;		/* the requester did it */
	if (r->reason != NULL && (why = notice_line(r->reason,
	    strlen(r->reason), LINE_MAX_BYTES)) == NULL)
		goto out;
	/* An approval's next step is to generate; else to read why. */
	if ((page = strcmp(what, "approved") == 0 ? page_line(cfg,
	    "Generate your credentials on the portal's Manage Credentials page",
	    "credentials") : page_line(cfg, "Your requests are on the "
	    "portal's Manage Credentials page", "requests")) == NULL)
		goto out;
	snprintf(subject, sizeof(subject), "Your API access request #%lld "
	    "was %s", r->id, what);
	if (asprintf(&text, "Your API access request #%lld for %s was %s%s%s",
	    r->id, groups, what, why != NULL ? ": " : ".", why != NULL ? why :
	    "") == -1) {
		text = NULL;
		goto out;
	}
	if (asprintf(&body, "Your request #%lld for access to the API groups "
	    "%s was %s%s%s.\n%s%s%s%s\n", r->id, groups, what,
	    by != NULL ? " by " : "", by != NULL ? by : "",
	    why != NULL ? "Reason: " : "", why != NULL ? why : "",
	    why != NULL ? "\n\n" : "", page) == -1) {
		body = NULL;
		goto out;
	}
	if (add(out, 0, r->requester, strlen(r->requester), NULL, "%s",
	    text) == -1 || (r->email != NULL && add(out, 1, r->email,
	    strlen(r->email), subject, "%s", body) == -1))
		goto out;
	rc = 0;
out:
	free(page);
	free(why);
	free(text);
	free(body);
	return rc;
}

int
notice_of(const struct config *cfg, const struct access_row *r,
    struct notices *out)
{
	char	*groups, *notes;
	int	 rc;

	memset(out, 0, sizeof(*out));
	if ((groups = joined(r->groups)) == NULL)
		return -1;
	if ((notes = notice_line(r->notes, strlen(r->notes), LINE_MAX_BYTES))
	    == NULL) {
		free(groups);
		return -1;
	}
	rc = strcmp(r->state, "pending") == 0 ? made(cfg, r, groups, notes,
	    out) : decided(cfg, r, groups, out);
	free(groups);
	free(notes);
	if (rc == -1)
		notice_free(out);
	return rc;
}

void
notice_free(struct notices *l)
{
	size_t	 i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].to);
		free(l->v[i].subject);
		free(l->v[i].text);
	}
	memset(l, 0, sizeof(*l));
}
