/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The gateway's rate limits: a request that passed every other check is
 * counted against each window of each limited rule its path reaches
 * (policy.c's limited[]), all or none, in the counter table of
 * core/ratelimit.h; and the figures its answer's headers need.
 */
#ifndef ADMINUTIL_LIMIT_H
#define ADMINUTIL_LIMIT_H

#include <stddef.h>
#include <stdint.h>

#include "core/ratelimit.h"
#include "gateway/acl.h"

/* One window, as the headers tell it: its limit closest to running out. */
struct limit_window {
	uint64_t	 limit;		/* 0: none in this window */
	uint64_t	 remaining;	/* after this request */
	long		 reset;		/* s to the window's end, >= 1 */
};

struct limit_answer {
	int			 counted;	/* some limit applied */
	int			 refused;	/* one was full: none counted */
	enum rl_window		 window;	/* which one, when refused */
	long			 retry_after;	/* s, >= 1, when refused */
	struct limit_window	 w[RL_NWINDOWS];
};

/* Who a request is: what the rules count by. */
struct limit_who {
	const char	*key;		/* the credential's key, or NULL */
	const char	*username;	/* its consumer, or NULL */
	const char	*addr;		/* REMOTE_ADDR, or NULL */
	const uint64_t	*own;		/* the consumer's own limits
					   (RL_NWINDOWS, 0: the rule's), or
					   NULL */
};

/*
 * Counts one request at now_ms against rules[0..n).  A rule counts by
 * its by; without a token (who->key NULL) or on an @public rule, by the
 * address.  who->own[w], when set, is the limit of window w on every
 * rule that limits w.  1 when it passes (counted, or nothing to count:
 * no limit, no table), 0 when refused (nothing counted); *out says how
 * it stands either way.  Nothing is allocated.
 */
int	limit_count(const struct acl_rule *const *rules, size_t n,
	    const struct limit_who *who, long long now_ms,
	    struct limit_answer *out);

#endif
