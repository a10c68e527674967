/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * A portal user's notifications (inbox.c).
 */
#ifndef ADMINUTIL_STORE_INBOX_H
#define ADMINUTIL_STORE_INBOX_H

#include <stddef.h>

#include "store/store.h"

/* The newest 100 of recipient's notifications, and how many are unread. */
enum store_rc	 store_notifications(struct store *, const char *recipient,
		    void (*fn)(void *, const struct notification_row *),
		    void *arg, long long *unread);
/* How many of recipient's notifications are unread. */
enum store_rc	 store_notifications_unread(struct store *,
		    const char *recipient, long long *unread);
/* Marks recipient's notifications ids read; how many are left unread. */
enum store_rc	 store_notifications_read(struct store *,
		    const char *recipient, const long long *ids, size_t n,
		    long long *unread);

#endif
