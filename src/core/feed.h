/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The change feed's shared memory: what the follower (proc/feed.c) read
 * from the audit trail, told to the workers of one master.  The master
 * maps it before it forks; the follower is its only writer, every
 * worker a reader.
 *
 * A ring of changes, each numbered (seq, from 1) and naming what a
 * worker must forget: a credential by key, every credential of a
 * consumer, or everything.  The follower writes a change into its slot,
 * then publishes the head (the last seq) with a release store; a worker
 * compares the head with its own (one acquire load, nothing more when
 * they are equal) and reads what is new.  A slot is rewritten once the
 * ring has gone round: a worker that finds its next slot holds another
 * seq fell behind, and forgets everything.  A follower that starts (or
 * finds a gap in the trail) publishes FEED_ALL.
 */
#ifndef ADMINUTIL_FEED_H
#define ADMINUTIL_FEED_H

#include <stddef.h>
#include <stdint.h>

#define FEED_RING	 4096		/* changes, a power of two */
#define FEED_NAME_MAX	 255		/* a key's or a username's bytes */
/*
 * While the feed is blind (feed_last_ok()), a worker keeps what it read
 * this long at most (cache_ttl when shorter): a change is then seen as
 * it was without the feed.
 */
#define FEED_BLIND_TTL_S 5
#define FEED_STAMPS	 4096		/* refusal stamps, a power of two */
/*
 * How much later than ours nginx's clock may read: a pass that must
 * end by end_ms is kept to the end of the last whole second that ends
 * PASS_SLACK_MS before it (pass_until, gateway/routes.c).
 */
#define PASS_SLACK_MS	 100

enum feed_kind {
	FEED_KEY = 1,		/* the credential of name */
	FEED_CONSUMER,		/* every credential of consumer name */
	FEED_ALL		/* everything */
};

/* One change as a worker reads it. */
struct feed_change {
	enum feed_kind	 kind;
	size_t		 len;
	char		 name[FEED_NAME_MAX + 1];	/* NUL-terminated */
};

/* The follower's own state, for /health and /metrics. */
struct feed_status {
	int		 running;	/* a follower has polled once */
	long long	 position;	/* the last audit id read */
	long long	 last_ok_ms;	/* wall clock of the last good poll */
	unsigned long long polls, failures;
	unsigned long long statements;	/* the follower ran */
};

/* Master: maps the region.  0, or -1 (then the feed is off). */
int	feed_init(void);
/* 1 if the region is mapped: a master runs this process. */
int	feed_on(void);

/* Follower: publishes one change (name ignored for FEED_ALL). */
void	feed_publish(enum feed_kind, const char *name, size_t len);
/*
 * Follower: where it is and how its polls go; a statement it ran.
 * feed_position() is where the last follower was (it outlives one: a
 * new follower goes on from there), -1 before any was.
 */
void	feed_set_position(long long id);
long long feed_position(void);
void	feed_statement(void);
void	feed_poll_done(int ok, long long now_ms);

/*
 * Worker: the wall-clock start (ms) of the follower's last good poll, 0
 * when none: every change committed before it is in the head read after
 * this call.  The feed is blind when it is 0 or older than 2 *
 * feed_interval + 1 s (a poll that waits for the database).
 */
long long feed_last_ok(void);

/* Anyone: the follower's state into *st; 0, or -1 without a region. */
int	feed_status(struct feed_status *st);

/*
 * Worker: the seq of the last change published (0 when none, or
 * without a region): where a reader starts.
 */
uint64_t feed_head(void);
/*
 * Worker: the change after *seen into *c, and *seen moved on: 1, or 0
 * when there is none.  -1 when the ring went round past it: *seen is
 * moved to the head, and the reader must forget everything.
 */
int	feed_next(uint64_t *seen, struct feed_change *c);

/*
 * Refusal stamps: a key or a username reaches one by a hash seeded per
 * master (a client cannot aim at another's), which holds the highest
 * audit id a refusal of that name read.  A worker whose own store read
 * refused a token while the store held a change the feed had not told
 * yet raises the stamps of its names to the trail's last id it read;
 * every worker reads again what it cached of a name whose stamp is past
 * the trail's id read with it.  A refusal is then seen by every worker
 * at once, not a feed's poll later; workers that refuse from reads of
 * the same id raise nothing more, and do not make each other read again
 * and again.
 * Without a region, every name has slot 0, whose stamp stays 0.
 */
unsigned int feed_stamp_slot(const char *name, size_t len);
/* One acquire load. */
uint64_t feed_stamp(unsigned int slot);
/* The stamp raised to id when it is lower (release). */
void	feed_stamp_raise(unsigned int slot, uint64_t id);

/*
 * The wall time (epoch ms, after wall_ms) of the next poll that lets
 * nginx keep the passes of the rest of a second.  nginx keeps passes to
 * whole seconds, and a pass made in second T may be kept to its end
 * only if the feed's last read began at T + 1 s - pass_keep +
 * PASS_SLACK_MS or later (pass_until), so the follower polls at that
 * point of every second (when it polls once a second or more),
 * whatever its interval's phase: with pass_keep
 * 1 s, 102 ms into each second (2 ms for the two clocks it reads in
 * turn), and the requests of the first 102 ms and of the poll's own
 * time go to the workers, where polls every 250 ms at a free phase left
 * up to 350 ms of each second to them (17 % of bench/run's (4)).
 */
long long	 feed_poll_next(long long pass_keep, long long wall_ms);

#endif
