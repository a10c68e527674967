/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

#include "build.h"

#include <string.h>
#include <sys/mman.h>

#include <openssl/rand.h>

#include "core/feed.h"
#include "core/hash.h"

/*
 * A slot of the ring.  Its seq is 0 while the follower rewrites it, and
 * the change's own once written (release): a reader that reads the same
 * seq before and after copying it copied a whole change.
 */
struct slot {
	uint64_t	 seq;
	uint32_t	 kind;
	uint32_t	 len;
	char		 name[FEED_NAME_MAX + 1];
};

struct region {
	uint64_t	 head;		/* the last seq published */
	int64_t		 position;
	int64_t		 last_ok_ms;
	uint64_t	 polls, failures, statements;
	int32_t		 running;
	int32_t		 positioned;	/* position was set */
	uint64_t	 seed;		/* of the stamps' hash */
	uint64_t	 stamps[FEED_STAMPS];	/* audit ids */
	struct slot	 ring[FEED_RING];
};

static struct region	*feed;

#define LOAD(p)		 __atomic_load_n((p), __ATOMIC_RELAXED)
#define STORE(p, v)	 __atomic_store_n((p), (v), __ATOMIC_RELAXED)

int
feed_init(void)
{
	void	*p;

	p = mmap(NULL, sizeof(*feed), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	feed = p;
	if (RAND_bytes((unsigned char *)&feed->seed, sizeof(feed->seed)) != 1)
		feed->seed = (uint64_t)(uintptr_t)p ^ 0x9e3779b97f4a7c15ULL;
	return 0;
}

int
feed_on(void)
{
	return feed != NULL;
}

void
feed_publish(enum feed_kind kind, const char *name, size_t len)
{
	struct slot	*s;
	uint64_t	 seq;

	if (feed == NULL)
		return;
	/* A name too long for a slot: forget everything rather. */
	if (len > FEED_NAME_MAX)
		kind = FEED_ALL;
	if (kind == FEED_ALL)
		len = 0;
	seq = LOAD(&feed->head) + 1;
	s = &feed->ring[seq & (FEED_RING - 1)];
	STORE(&s->seq, 0);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	s->kind = kind;
	s->len = (uint32_t)len;
	if (len > 0)
		memcpy(s->name, name, len);
	s->name[len] = '\0';
	__atomic_store_n(&s->seq, seq, __ATOMIC_RELEASE);
	__atomic_store_n(&feed->head, seq, __ATOMIC_RELEASE);
}

void
feed_set_position(long long id)
{
	if (feed == NULL)
		return;
	STORE(&feed->position, id);
	STORE(&feed->positioned, 1);
}

long long
feed_position(void)
{
	return feed != NULL && LOAD(&feed->positioned) ?
	    LOAD(&feed->position) : -1;
}

void
feed_statement(void)
{
	if (feed != NULL)
		STORE(&feed->statements, LOAD(&feed->statements) + 1);
}

void
feed_poll_done(int ok, long long now_ms)
{
	if (feed == NULL)
		return;
	STORE(&feed->polls, LOAD(&feed->polls) + 1);
	if (!ok) {
		STORE(&feed->failures, LOAD(&feed->failures) + 1);
		return;
	}
	/* After the head: a reader of this time sees what the poll told. */
	__atomic_store_n(&feed->last_ok_ms, now_ms, __ATOMIC_RELEASE);
	STORE(&feed->running, 1);
}

long long
feed_last_ok(void)
{
	return feed != NULL ? __atomic_load_n(&feed->last_ok_ms,
	    __ATOMIC_ACQUIRE) : 0;
}

int
feed_status(struct feed_status *st)
{
	memset(st, 0, sizeof(*st));
	if (feed == NULL)
		return -1;
	st->running = LOAD(&feed->running);
	st->position = LOAD(&feed->position);
	st->last_ok_ms = LOAD(&feed->last_ok_ms);
	st->polls = LOAD(&feed->polls);
	st->failures = LOAD(&feed->failures);
	st->statements = LOAD(&feed->statements);
	return 0;
}

uint64_t
feed_head(void)
{
	return feed != NULL ? __atomic_load_n(&feed->head, __ATOMIC_ACQUIRE) :
	    0;
}

int
feed_next(uint64_t *seen, struct feed_change *c)
{
	struct slot	*s;
	uint64_t	 head, want;
	size_t		 len;

	if (feed == NULL || (head = feed_head()) == *seen)
		return 0;
	want = *seen + 1;
	s = &feed->ring[want & (FEED_RING - 1)];
	if (head < want || head - want >= FEED_RING ||
	    __atomic_load_n(&s->seq, __ATOMIC_ACQUIRE) != want)
		goto behind;
	c->kind = (enum feed_kind)s->kind;
	len = s->len;
	if (len > FEED_NAME_MAX)
		len = FEED_NAME_MAX;
	memcpy(c->name, s->name, len);
	c->name[len] = '\0';
	c->len = len;
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	if (LOAD(&s->seq) != want)
		goto behind;
	*seen = want;
	return 1;
behind:
	*seen = head;
	return -1;
}

unsigned int
feed_stamp_slot(const char *name, size_t len)
{
	if (feed == NULL)
		return 0;
	return (unsigned int)(hash_fnv1a(feed->seed, name, len) >> 32) &
	    (FEED_STAMPS - 1);
}

uint64_t
feed_stamp(unsigned int slot)
{
	return feed != NULL ? __atomic_load_n(&feed->stamps[slot],
	    __ATOMIC_ACQUIRE) : 0;
}

void
feed_stamp_raise(unsigned int slot, uint64_t id)
{
	uint64_t	 v;

	if (feed == NULL)
		return;
	v = __atomic_load_n(&feed->stamps[slot], __ATOMIC_RELAXED);
	while (v < id && !__atomic_compare_exchange_n(&feed->stamps[slot], &v,
	    id, 1, __ATOMIC_RELEASE, __ATOMIC_RELAXED))
		;
}

long long
feed_poll_next(long long pass_keep, long long wall_ms)
{
	long long	 phase, t;

	phase = ((PASS_SLACK_MS + 2 - pass_keep) % 1000 + 1000) % 1000;
	t = wall_ms - wall_ms % 1000 + phase;
	return t > wall_ms ? t : t + 1000;
}
