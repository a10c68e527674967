/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The rate-limit table (core/ratelimit.c): windows aligned to the clock
 * that roll over at their end; a limit passes exactly its count; a take
 * of several limits counts all or none; a full bucket gives up its
 * smallest live counter, an ended one first; processes sharing the
 * table never pass more than the limit together; a worker killed
 * holding a bucket does not wedge it once the master has reaped it.
 */
#include "build.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/ratelimit.h"
#include "unit.h"

#define T0	 (1700000000LL * 1000)	/* a whole day, hour and minute */

static void
key(struct rl_take *t, const char *ident, enum rl_window w, uint64_t limit)
{
	memset(t, 0, sizeof(*t));
	ratelimit_key(&t->key, 42, w, RL_BY_CREDENTIAL, ident, strlen(ident));
	t->window = w;
	t->limit = limit;
}

static int
take1(const char *ident, enum rl_window w, uint64_t limit, long long now,
    uint64_t *remaining)
{
	struct rl_take	 t;
	int		 ok;

	key(&t, ident, w, limit);
	ok = ratelimit_take(&t, 1, now);
	if (remaining != NULL)
		*remaining = t.remaining;
	return ok;
}

static void
test_names(void)
{
	CU_ASSERT_EQUAL(rl_window_secs(RL_SECOND), 1);
	CU_ASSERT_EQUAL(rl_window_secs(RL_DAY), 86400);
	CU_ASSERT_STRING_EQUAL(rl_window_name(RL_HOUR), "hour");
	CU_ASSERT_STRING_EQUAL(rl_window_title(RL_MINUTE), "Minute");
	CU_ASSERT_STRING_EQUAL(rl_by_name(RL_BY_IP), "ip");
}

static void
test_keys(void)
{
	struct rl_key	 a, b;

	ratelimit_key(&a, 1, RL_HOUR, RL_BY_CREDENTIAL, "k", 1);
	ratelimit_key(&b, 1, RL_HOUR, RL_BY_CREDENTIAL, "k", 1);
	CU_ASSERT(memcmp(&a, &b, sizeof(a)) == 0);
	/* Each field apart makes another counter. */
	ratelimit_key(&b, 2, RL_HOUR, RL_BY_CREDENTIAL, "k", 1);
	CU_ASSERT(memcmp(&a, &b, sizeof(a)) != 0);
	ratelimit_key(&b, 1, RL_DAY, RL_BY_CREDENTIAL, "k", 1);
	CU_ASSERT(memcmp(&a, &b, sizeof(a)) != 0);
	ratelimit_key(&b, 1, RL_HOUR, RL_BY_CONSUMER, "k", 1);
	CU_ASSERT(memcmp(&a, &b, sizeof(a)) != 0);
	ratelimit_key(&b, 1, RL_HOUR, RL_BY_CREDENTIAL, "k\0", 2);
	CU_ASSERT(memcmp(&a, &b, sizeof(a)) != 0);
}

static void
test_exact(void)
{
	uint64_t	 rem = 99;
	int		 i;

	for (i = 1; i <= 5; i++) {
		UNIT_CHECK(take1("exact", RL_HOUR, 5, T0 + i, &rem) == 1 &&
		    rem == (uint64_t)(5 - i), "pass %d of 5: remaining %llu",
		    i, (unsigned long long)rem);
	}
	CU_ASSERT_EQUAL(take1("exact", RL_HOUR, 5, T0 + 10, &rem), 0);
	CU_ASSERT_EQUAL(rem, 0);
	/* Another identifier has its own count. */
	CU_ASSERT_EQUAL(take1("exact2", RL_HOUR, 5, T0 + 10, &rem), 1);
	CU_ASSERT_EQUAL(rem, 4);
	/* A limit lowered under a running count refuses at once. */
	CU_ASSERT_EQUAL(take1("exact2", RL_HOUR, 1, T0 + 11, &rem), 0);
}

static void
test_windows(void)
{
	struct rl_take	 t;
	uint64_t	 rem;

	/* Aligned to the clock: the hour ends at the next multiple. */
	key(&t, "win", RL_HOUR, 2);
	CU_ASSERT_EQUAL(ratelimit_take(&t, 1, T0 + 1234), 1);
	CU_ASSERT_EQUAL(t.reset_ms, (T0 / 3600000 + 1) * 3600000);
	key(&t, "win", RL_DAY, 2);
	CU_ASSERT_EQUAL(ratelimit_take(&t, 1, T0 + 5), 1);
	CU_ASSERT_EQUAL(t.reset_ms, (T0 / 86400000 + 1) * 86400000);

	/* The last millisecond of a second, then the next second. */
	CU_ASSERT_EQUAL(take1("roll", RL_SECOND, 1, T0 + 999, NULL), 1);
	CU_ASSERT_EQUAL(take1("roll", RL_SECOND, 1, T0 + 999, NULL), 0);
	CU_ASSERT_EQUAL(take1("roll", RL_SECOND, 1, T0 + 1000, &rem), 1);
	CU_ASSERT_EQUAL(rem, 0);
	/* A clock set back keeps counting in the later window. */
	CU_ASSERT_EQUAL(take1("roll", RL_SECOND, 1, T0 + 999, NULL), 0);
	/* A minute later, long ended: counted from 0. */
	CU_ASSERT_EQUAL(take1("roll", RL_SECOND, 1, T0 + 61000, NULL), 1);
}

static void
test_all_or_none(void)
{
	struct rl_take	 t[2];

	key(&t[0], "both-a", RL_HOUR, 10);
	key(&t[1], "both-b", RL_MINUTE, 2);
	CU_ASSERT_EQUAL(ratelimit_take(t, 2, T0), 1);
	CU_ASSERT_EQUAL(ratelimit_take(t, 2, T0), 1);
	CU_ASSERT_EQUAL(t[0].remaining, 8);
	CU_ASSERT_EQUAL(ratelimit_take(t, 2, T0), 0);
	CU_ASSERT_EQUAL(t[1].remaining, 0);
	/* The refusal spent nothing of the other limit. */
	CU_ASSERT_EQUAL(t[0].remaining, 8);
	CU_ASSERT_EQUAL(ratelimit_take(&t[0], 1, T0), 1);
	CU_ASSERT_EQUAL(t[0].remaining, 7);
}

/* A table of one bucket: every key shares it. */
static void
test_eviction(void)
{
	struct rl_stats	 st;
	struct rl_take	 t[9];
	char		 id[16];
	uint64_t	 rem, before;
	int		 i, j;

	CU_ASSERT_FATAL(ratelimit_init(8) == 0);
	ratelimit_stats(&st, T0);
	CU_ASSERT_EQUAL(st.slots, 8);
	/* k1..k8 taken 1..8 times. */
	for (i = 1; i <= 8; i++) {
		snprintf(id, sizeof(id), "k%d", i);
		for (j = 0; j < i; j++)
			CU_ASSERT_EQUAL(take1(id, RL_HOUR, 100, T0, NULL), 1);
	}
	ratelimit_stats(&st, T0);
	CU_ASSERT_EQUAL(st.used, 8);
	CU_ASSERT_EQUAL(st.evicted, 0);
	before = st.evicted;
	/* A newcomer takes the smallest: k1's. */
	CU_ASSERT_EQUAL(take1("k9", RL_HOUR, 100, T0, &rem), 1);
	CU_ASSERT_EQUAL(rem, 99);
	ratelimit_stats(&st, T0);
	CU_ASSERT_EQUAL(st.evicted, before + 1);
	/* k8 kept its count. */
	CU_ASSERT_EQUAL(take1("k8", RL_HOUR, 100, T0, &rem), 1);
	CU_ASSERT_EQUAL(rem, 91);
	/* k1 comes back from 0: it was given up, k9 (1) goes now. */
	CU_ASSERT_EQUAL(take1("k1", RL_HOUR, 100, T0, &rem), 1);
	CU_ASSERT_EQUAL(rem, 99);
	CU_ASSERT_EQUAL(take1("k2", RL_HOUR, 100, T0, &rem), 1);
	CU_ASSERT_EQUAL(rem, 97);

	/* An hour on, every slot has ended: reused, none evicted. */
	ratelimit_stats(&st, T0);
	before = st.evicted;
	for (i = 10; i < 18; i++) {
		snprintf(id, sizeof(id), "k%d", i);
		CU_ASSERT_EQUAL(take1(id, RL_HOUR, 100, T0 + 3600000, NULL),
		    1);
	}
	ratelimit_stats(&st, T0);
	CU_ASSERT_EQUAL(st.evicted, before);

	/* Nine keys of one take in one bucket of eight: the ninth is
	   not counted, the take passes. */
	for (i = 0; i < 9; i++) {
		snprintf(id, sizeof(id), "n%d", i);
		key(&t[i], id, RL_DAY, 1);
	}
	CU_ASSERT_EQUAL(ratelimit_take(t, 9, T0), 1);
	for (i = 0, j = 0; i < 9; i++)
		j += t[i].remaining == 0;
	CU_ASSERT_EQUAL(j, 8);
}

/* Processes racing for one limit pass it exactly, together. */
static void
race(const char *ident)
{
	enum { KIDS = 8, TRIES = 200000, LIMIT = 1000000 };
	pid_t		 pid[KIDS];
	char		 go;
	int		 fd[2], gate[2], i, k, n, passed, total = 0, status;

	CU_ASSERT_FATAL(pipe(fd) == 0 && pipe(gate) == 0);
	for (k = 0; k < KIDS; k++) {
		if ((pid[k] = fork()) == 0) {
			/* All start together, when the gate closes. */
			close(gate[1]);
			(void)read(gate[0], &go, 1);
			for (passed = 0, i = 0; i < TRIES; i++)
				passed += take1(ident, RL_MINUTE, LIMIT,
				    T0, NULL);
			_exit(write(fd[1], &passed, sizeof(passed)) ==
			    sizeof(passed) ? 0 : 1);
		}
		CU_ASSERT_FATAL(pid[k] > 0);
	}
	close(fd[1]);
	close(gate[0]);
	close(gate[1]);
	for (k = 0; k < KIDS; k++) {
		CU_ASSERT_EQUAL(waitpid(pid[k], &status, 0), pid[k]);
		CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	while ((n = (int)read(fd[0], &passed, sizeof(passed))) ==
	    sizeof(passed))
		total += passed;
	close(fd[0]);
	UNIT_CHECK(total == LIMIT, "%d processes x %d tries on a limit of "
	    "%d: %d passed", KIDS, TRIES, LIMIT, total);
}

/* Three races: a lost update shows in one of them (not in every one). */
static void
test_processes(void)
{
	CU_ASSERT_FATAL(ratelimit_init(1024) == 0);
	race("race-1");
	race("race-2");
	race("race-3");
}

/*
 * A worker killed inside a take: the bucket stays held (stats.held)
 * until the master reaps it, then takes go on.
 */
static void
test_reap(void)
{
	struct rl_stats	 st;
	pid_t		 pid;
	int		 tries, caught = 0, status;

	CU_ASSERT_FATAL(ratelimit_init(8) == 0);
	for (tries = 0; tries < 500 && !caught; tries++) {
		if ((pid = fork()) == 0) {
			for (;;)
				take1("busy", RL_HOUR, 1000000000, T0, NULL);
		}
		CU_ASSERT_FATAL(pid > 0);
		usleep(2000);
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		ratelimit_stats(&st, T0);
		if (st.held > 0)
			caught = 1;
		ratelimit_reap(pid);
	}
	UNIT_CHECK(caught, "no kill landed inside a take in %d tries",
	    tries);
	ratelimit_stats(&st, T0);
	CU_ASSERT_EQUAL(st.held, 0);
	/* Would spin for ever were the bucket still held. */
	alarm(10);
	CU_ASSERT_EQUAL(take1("after", RL_HOUR, 10, T0, NULL), 1);
	alarm(0);
}

static int
map_table(void)
{
	return ratelimit_init(4096);
}

static const CU_TestInfo tests[] = {
	{ "window names and lengths", test_names },
	{ "a key per rule, window, by and identifier", test_keys },
	{ "a limit passes exactly its count", test_exact },
	{ "windows aligned to the clock roll over", test_windows },
	{ "several limits: all or none", test_all_or_none },
	{ "a full bucket gives up its smallest", test_eviction },
	{ "racing processes pass the limit exactly", test_processes },
	{ "a worker killed in a take is reaped", test_reap },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_main("ratelimit", tests, map_table, NULL);
}
