/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * What a change of an access request tells people: notifications in
 * the portal (to portal users) and mails (to addresses, through the
 * outbox).  Text only: the store writes them in the change's own
 * transaction.  None holds a secret or a token.
 */
#ifndef ADMINUTIL_NOTICE_H
#define ADMINUTIL_NOTICE_H

#include <stddef.h>

struct config;
struct access_row;

#define NOTICE_MAX	 64

struct notice {
	int	 mail;		/* 1: a mail to an address, 0: a notification */
	char	*to;		/* the address, or the portal user */
	char	*subject;	/* of a mail */
	char	*text;		/* the notification, or the mail's body */
};

struct notices {
	struct notice	 v[NOTICE_MAX];
	size_t		 n;
};

/*
 * The notices of row's new state: a new request goes to the approvers
 * (portal_approvers in the portal, notify_approvers by mail); a
 * decision to its requester (in the portal, and by mail to the address
 * of the request).  0, or -1 on no memory (out is then freed).
 */
int	notice_of(const struct config *, const struct access_row *row,
	    struct notices *out);
void	notice_free(struct notices *);

/*
 * Text fit for one line of a mail or a notification: src (len bytes,
 * UTF-8) with every control character a space, at most max bytes (cut
 * at a character).  A new string; NULL on no memory.
 */
char	*notice_line(const char *src, size_t len, size_t max);

#endif
