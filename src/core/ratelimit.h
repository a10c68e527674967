/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * Rate limits: counters of passes in fixed windows aligned to the clock
 * (a window of w seconds runs from a multiple of w since the epoch, UTC,
 * as Kong's rate-limiting counted), one per (rule, identifier, window),
 * shared by every worker of one master.  Memory the master maps before
 * it forks; the counters outlive a reload (the workers are new, the
 * mapping is the master's).  Identifiers are hashed with SipHash
 * (OpenSSL's EVP_MAC) keyed with random bytes drawn at the master's
 * start, so attacker-chosen identifiers cannot be made to share a
 * counter or to crowd one bucket.
 *
 * A take is atomic: no two workers both pass the last unit of a limit,
 * and a request counted against several limits is counted against all
 * or none.
 */
#ifndef ADMINUTIL_RATELIMIT_H
#define ADMINUTIL_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum rl_window {
	RL_SECOND,
	RL_MINUTE,
	RL_HOUR,
	RL_DAY,
	RL_NWINDOWS
};

/* What a rule counts by. */
enum rl_by {
	RL_BY_CREDENTIAL,	/* the token's key (else the address) */
	RL_BY_CONSUMER,		/* its consumer (else the address) */
	RL_BY_IP		/* the client's address */
};

/* A window's length in seconds, and its names ("hour", "Hour"). */
long		 rl_window_secs(enum rl_window);
const char	*rl_window_name(enum rl_window);
const char	*rl_window_title(enum rl_window);
const char	*rl_by_name(enum rl_by);

/* The counter's name: a keyed hash of rule, window, by and identifier. */
struct rl_key {
	uint64_t	 h[2];
};

/* One limit a request is counted against. */
struct rl_take {
	struct rl_key	 key;
	enum rl_window	 window;
	uint64_t	 limit;		/* > 0 */
	/* Out: */
	uint64_t	 remaining;	/* after this request (0 when refused) */
	long long	 reset_ms;	/* the end of the current window */
};

/* Master: maps a table of slots counters (0: no limits).  0, or -1. */
int	ratelimit_init(size_t slots);
/* 1 if the table is mapped. */
int	ratelimit_on(void);

/*
 * The key of the counter of rule (its stable id: the same rule after a
 * reload has the same id), window, by and the identifier (len bytes).
 */
void	ratelimit_key(struct rl_key *, uint64_t rule, enum rl_window,
	    enum rl_by, const char *ident, size_t len);

/*
 * Counts one request at now_ms against each of t[0..n): 1 when every
 * limit had room (all are counted), 0 when one had none (none is
 * counted; the full ones have remaining 0).  remaining and reset_ms
 * are set in every t[i] either way.  Without a table, 1 and nothing
 * counted (remaining = limit).
 */
int	ratelimit_take(struct rl_take *t, size_t n, long long now_ms);

/*
 * Master: worker pid is gone; the bucket it held, if it was killed in
 * one, is free again.
 */
void	ratelimit_reap(pid_t pid);

/* What the table did since the master mapped it, for /metrics. */
struct rl_stats {
	uint64_t	 slots;
	uint64_t	 used;		/* slots of a current window */
	uint64_t	 evicted;	/* live counters given up for a newcomer */
	uint64_t	 held;		/* buckets a worker holds right now */
};
/* The figures at now_ms (what "current" means for used). */
void	ratelimit_stats(struct rl_stats *, long long now_ms);

#endif
