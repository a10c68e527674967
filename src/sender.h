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

/*
 * The sender sleeps until a worker says mail waits, or for a while (a
 * mail to try again, one another host wrote).  sender_pipe_open(): the
 * master's, before it forks the children (0, or -1).  sender_wake():
 * a worker's, after a change that wrote mail; it never blocks.
 */
int	sender_pipe_open(void);
void	sender_wake(void);

/* 1 if cfg has somewhere to send mail (smtp_url or mail_dir). */
int	sender_wanted(const struct config *);

/* Runs the sender until SIGTERM; never returns. */
void	sender_run(const struct config *, pid_t master) __attribute__((noreturn));

/*
 * The RFC 5322 text of one mail: headers (Date now, From, To, Subject
 * encoded as RFC 2047 when it is not ASCII, Message-ID, MIME) and the
 * body, every line ended by CRLF.  A new string (its length in *len);
 * NULL on no memory or when a header value holds a line break.
 */
char	*sender_message(const char *from, const char *rcpt,
	    const char *subject, const char *message_id, const char *body,
	    size_t *len);

#endif
