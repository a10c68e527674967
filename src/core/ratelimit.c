/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The table: buckets of BUCKET_SLOTS counters, a counter's bucket
 * chosen by its key.  A bucket is changed under its lock, a word that
 * holds the pid of the worker in it; the code under a lock makes no
 * system call and cannot fail, so only a worker killed from outside
 * dies holding one, and the master, reaping it, frees what it held
 * (ratelimit_reap).  A take locks the buckets of all its counters in
 * the order of their addresses (no two takes wait on each other), then
 * checks them all, then counts them all or none: the check and the
 * count are one step, so there is no overshoot.
 *
 * A counter's slot is free again when its window has ended.  A key
 * with no slot takes a free one of its bucket, else the live counter of
 * the bucket with the smallest count (counted in stats.evicted): memory
 * is bounded, the heavy counters stay, and the identifier given up may
 * pass at most its count again in that window, when it comes back.
 */
#include "build.h"

#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "core/ratelimit.h"

#define BUCKET_SLOTS	 8
#define SIPKEY_LEN	 16
#define TAKES_MAX	 64	/* limits one request is counted against */
#define SPINS		 128	/* before yielding the CPU */

struct slot {
	uint64_t	 k0, k1;	/* the key; 0, 0: never used */
	uint64_t	 end;		/* the window's end, epoch seconds */
	uint64_t	 count;		/* passes counted in it */
};

struct bucket {
	uint32_t	 lock;		/* the holder's pid, or 0 */
	uint32_t	 pad[7];
	struct slot	 s[BUCKET_SLOTS];
};

struct region {
	uint64_t	 mask;		/* buckets, less one */
	uint64_t	 evicted;
	size_t		 size;		/* of the mapping */
	unsigned char	 sipkey[SIPKEY_LEN];
	struct bucket	 b[];
};

static struct region	*rl;
static EVP_MAC_CTX	*mac;		/* this process's */

static const long	 secs[RL_NWINDOWS] = { 1, 60, 3600, 86400 };
static const char *const names[RL_NWINDOWS] = {
	"second", "minute", "hour", "day"
};
static const char *const titles[RL_NWINDOWS] = {
	"Second", "Minute", "Hour", "Day"
};
static const char *const bys[] = { "credential", "consumer", "ip" };

long
rl_window_secs(enum rl_window w)
{
	return secs[w];
}

const char *
rl_window_name(enum rl_window w)
{
	return names[w];
}

const char *
rl_window_title(enum rl_window w)
{
	return titles[w];
}

const char *
rl_by_name(enum rl_by by)
{
	return bys[by];
}

int
ratelimit_init(size_t slots)
{
	struct region	*r;
	size_t		 n = 1, size;
	void		*p;

	if (slots == 0)
		return 0;
	while (n * BUCKET_SLOTS < slots)
		n <<= 1;
	size = sizeof(*r) + n * sizeof(r->b[0]);
	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	r = p;
	if (RAND_bytes(r->sipkey, sizeof(r->sipkey)) != 1) {
		munmap(p, size);
		return -1;
	}
	r->mask = n - 1;
	r->size = size;
	rl = r;
	return 0;
}

int
ratelimit_on(void)
{
	return rl != NULL;
}

void
ratelimit_key(struct rl_key *k, uint64_t rule, enum rl_window w,
    enum rl_by by, const char *ident, size_t len)
{
	OSSL_PARAM	 params[2];
	EVP_MAC		*m;
	unsigned char	 head[10], out[16];
	size_t		 size = sizeof(out), outl = 0;
	int		 i;

	memset(k, 0, sizeof(*k));
	if (rl == NULL)
		return;
	if (mac == NULL) {
		if ((m = EVP_MAC_fetch(NULL, "SIPHASH", NULL)) == NULL)
			return;
		mac = EVP_MAC_CTX_new(m);
		EVP_MAC_free(m);
		if (mac == NULL)
			return;
	}
	/* Fixed-size fields first: no two inputs read alike. */
	for (i = 0; i < 8; i++)
		head[i] = (unsigned char)(rule >> (8 * i));
	head[8] = (unsigned char)w;
	head[9] = (unsigned char)by;
	params[0] = OSSL_PARAM_construct_size_t(OSSL_MAC_PARAM_SIZE, &size);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_MAC_init(mac, rl->sipkey, sizeof(rl->sipkey), params) != 1 ||
	    EVP_MAC_update(mac, head, sizeof(head)) != 1 ||
	    EVP_MAC_update(mac, (const unsigned char *)ident, len) != 1 ||
	    EVP_MAC_final(mac, out, &outl, sizeof(out)) != 1 ||
	    outl != sizeof(out))
		return;
	memcpy(&k->h[0], out, 8);
	memcpy(&k->h[1], out + 8, 8);
	if (k->h[0] == 0 && k->h[1] == 0)
		k->h[1] = 1;		/* 0, 0 marks a slot never used */
}

static void
lock(struct bucket *b, uint32_t me)
{
	uint32_t	 free;
	int		 spins = 0;

	for (;;) {
		free = 0;
		if (__atomic_compare_exchange_n(&b->lock, &free, me, 0,
		    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return;
		if (++spins == SPINS) {
			spins = 0;
			sched_yield();
		}
	}
}

static void
unlock(struct bucket *b)
{
	__atomic_store_n(&b->lock, 0, __ATOMIC_RELEASE);
}

/*
 * The slot of key k in b for a window ending at end (locked): its own,
 * else a free one, else the smallest live one, never one of taken[] (the
 * slots of this take's other keys).  A slot whose window has ended
 * starts again at 0.
 */
static struct slot *
find(struct bucket *b, const struct rl_key *k, uint64_t end, uint64_t now,
    struct slot *const *taken, size_t ntaken)
{
	struct slot	*s, *freed = NULL, *least = NULL;
	size_t		 i, j;

	for (i = 0; i < BUCKET_SLOTS; i++) {
		s = &b->s[i];
		if (s->k0 == k->h[0] && s->k1 == k->h[1]) {
			/* (A clock set back keeps the later window.) */
			if (s->end < end) {
				s->end = end;
				s->count = 0;
			}
			return s;
		}
		/* Not one this take holds already. */
		for (j = 0; j < ntaken && taken[j] != s; j++)
			;
		if (j < ntaken)
			continue;
		if (s->end <= now) {
			if (freed == NULL)
				freed = s;
		} else if (least == NULL || s->count < least->count)
			least = s;
	}
	if ((s = freed) == NULL) {
		/* More of this take's keys than the bucket has slots. */
		if ((s = least) == NULL)
			return NULL;
		__atomic_add_fetch(&rl->evicted, 1, __ATOMIC_RELAXED);
	}
	s->k0 = k->h[0];
	s->k1 = k->h[1];
	s->end = end;
	s->count = 0;
	return s;
}

static struct bucket *
bucket_of(const struct rl_key *k)
{
	return &rl->b[k->h[0] & rl->mask];
}

int
ratelimit_take(struct rl_take *t, size_t n, long long now_ms)
{
	struct bucket	*order[TAKES_MAX], *b;
	struct slot	*slot[TAKES_MAX];
	uint64_t	 now = now_ms > 0 ? (uint64_t)now_ms / 1000 : 0, end;
	uint32_t	 me;
	size_t		 i, j, nb = 0;
	int		 ok = 1;

	for (i = 0; i < n; i++) {
		end = now - now % (uint64_t)secs[t[i].window] +
		    (uint64_t)secs[t[i].window];
		t[i].reset_ms = (long long)end * 1000;
		t[i].remaining = t[i].limit;
	}
	if (rl == NULL || n == 0)
		return 1;
	if (n > TAKES_MAX)
		n = TAKES_MAX;	/* the caller's bound is far lower */

	/* The buckets, each once, in the order of their addresses. */
	for (i = 0; i < n; i++) {
		b = bucket_of(&t[i].key);
		for (j = nb; j > 0 && order[j - 1] > b; j--)
			;
		if (j > 0 && order[j - 1] == b)
			continue;
		memmove(&order[j + 1], &order[j], (nb - j) * sizeof(order[0]));
		order[j] = b;
		nb++;
	}
	me = (uint32_t)getpid();
	for (j = 0; j < nb; j++)
		lock(order[j], me);

	for (i = 0; i < n; i++) {
		slot[i] = find(bucket_of(&t[i].key), &t[i].key,
		    (uint64_t)t[i].reset_ms / 1000, now, slot, i);
		if (slot[i] != NULL && slot[i]->count >= t[i].limit)
			ok = 0;
	}
	/*
	 * A limit with no slot (nine keys of one take in one bucket: not
	 * seen with fewer than nine limits) is not counted.  Two limits of
	 * one key (never made so) would share a slot.
	 */
	for (i = 0; i < n; i++) {
		if (slot[i] == NULL)
			continue;
		if (ok)
			slot[i]->count++;
		t[i].remaining = slot[i]->count >= t[i].limit ? 0 :
		    t[i].limit - slot[i]->count;
	}

	for (j = nb; j > 0; j--)
		unlock(order[j - 1]);
	return ok;
}

void
ratelimit_reap(pid_t pid)
{
	uint64_t	 i;
	uint32_t	 held;

	if (rl == NULL || pid <= 0)
		return;
	for (i = 0; i <= rl->mask; i++) {
		held = (uint32_t)pid;
		__atomic_compare_exchange_n(&rl->b[i].lock, &held, 0, 0,
		    __ATOMIC_RELEASE, __ATOMIC_RELAXED);
	}
}

void
ratelimit_stats(struct rl_stats *st, long long now_ms)
{
	uint64_t	 i, now = now_ms > 0 ? (uint64_t)now_ms / 1000 : 0;
	size_t		 k;

	memset(st, 0, sizeof(*st));
	if (rl == NULL)
		return;
	st->slots = (rl->mask + 1) * BUCKET_SLOTS;
	st->evicted = __atomic_load_n(&rl->evicted, __ATOMIC_RELAXED);
	/* Read without the locks: a figure for /metrics, not a decision. */
	for (i = 0; i <= rl->mask; i++) {
		st->held += __atomic_load_n(&rl->b[i].lock,
		    __ATOMIC_RELAXED) != 0;
		for (k = 0; k < BUCKET_SLOTS; k++)
			if (__atomic_load_n(&rl->b[i].s[k].end,
			    __ATOMIC_RELAXED) > now)
				st->used++;
	}
}
