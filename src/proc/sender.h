/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The sender: a child of the master, beside the workers, that delivers
 * the outbox (store.h) so that no request waits for a mail relay.  By
 * SMTP through libcurl (smtp_url: smtp:// with STARTTLS when offered,
 * required when it logs in; smtps://), or, without smtp_url, as RFC
 * 5322 files in mail_dir.  A mail that fails is tried again later, the
 * wait doubling from 5 s to an hour.
 */
#ifndef ADMINUTIL_SENDER_H
#define ADMINUTIL_SENDER_H

#include <stddef.h>
#include <sys/types.h>

struct config;

/* 1 if cfg has somewhere to send mail (smtp_url or mail_dir). */
int	sender_wanted(const struct config *);

/* Runs the sender until SIGTERM; never returns. */
void	sender_run(const struct config *, pid_t master) __attribute__((noreturn));

/*
 * The RFC 5322 text of one mail: headers (Date now, From, To, Subject,
 * Message-ID, MIME: text/plain, UTF-8, 8bit) and the body, every line
 * ended by CRLF, none over 998 octets, none over 78 where the text has
 * a place to break.  The Subject is folded at its spaces; when it is
 * not ASCII (or a word would not fit a line), it is RFC 2047 encoded
 * words (B), each at most 75 characters of whole UTF-8 characters, one
 * a line.  The body's lines are wrapped at a space, else after a comma
 * or before a CJK ideograph; a longer word is a line of its own, cut
 * at 998 octets between two characters.  A new string (its length in
 * *len); NULL on no memory, when a header value holds a line break, or
 * when from, rcpt or message_id is longer than a line.
 */
char	*sender_message(const char *from, const char *rcpt,
	    const char *subject, const char *message_id, const char *body,
	    size_t *len);

#endif
