/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

#include "build.h"

#include <sys/select.h>

#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "core/clock.h"
#include "core/config.h"
#include "core/feed.h"
#include "core/keyfilter.h"
#include "core/log.h"
#include "proc/feed.h"
#include "proc/sandbox.h"
#include "proc/worker.h"
#include "store/feed.h"
#include "store/store.h"

#define ROWS_MAX	 256	/* audit rows read by one statement */
/*
 * How long an audit id that is not there, with a higher one read, is
 * waited for.  Ids are dense (store/feed.h): a missing one is a change
 * the database has not shown yet, and after this a hole in the trail,
 * which every worker answers by forgetting everything.
 */
#define GAP_WAIT_MS	 2000
#define BACKOFF_MAX_MS	 5000	/* between failed polls, at most */
/*
 * The key filter is built KEYS_CHUNK keys a poll (a large table does
 * not hold the feed up), and built again every REBUILD_MS, to shed the
 * keys revoked since, and after a change the feed could not read.
 */
#define KEYS_CHUNK	 5000
#define REBUILD_MS	 (15 * 60 * 1000)

static volatile sig_atomic_t	 stopping;
/* A change told as "everything": the key filter may miss a key too. */
static int			 rebuild_wanted;

static void
on_term(int sig)
{
	(void)sig;
	stopping = 1;
}

struct follower {
	const struct config	*cfg;
	struct store		*store;
	long long		 position;	/* -1: not known yet */
	long long		 gap_since;	/* ms, monotonic; 0: none */
	size_t			 rows;		/* read by this statement */
	int			 wait;		/* a gap: stop, read again */
	int			 failing;	/* the last poll failed */
	int			 building;	/* the key filter */
	long long		 keys_after;	/* its last credential id read */
	long long		 rebuild_at;	/* ms, monotonic */
	int			 full_told;	/* logged once */
};

/* Everything, and the key filter built again. */
static void
tell_all(void)
{
	feed_publish(FEED_ALL, NULL, 0);
	rebuild_wanted = 1;
}

/* The consumers a revoked access request took groups from. */
static int
tell_taken(json_object *change)
{
	json_object	*taken, *users, *u;
	size_t		 i, n;

	if (!json_object_object_get_ex(change, "taken", &taken) ||
	    !json_object_object_get_ex(taken, "consumers", &users) ||
	    !json_object_is_type(users, json_type_array))
		return -1;
	n = json_object_array_length(users);
	for (i = 0; i < n; i++)
		if (!json_object_is_type((u = json_object_array_get_idx(users,
		    i)), json_type_string))
			return -1;
	for (i = 0; i < n; i++) {
		u = json_object_array_get_idx(users, i);
		feed_publish(FEED_CONSUMER, json_object_get_string(u),
		    (size_t)json_object_get_string_len(u));
	}
	return 0;
}

/*
 * The keys a consumer's state set added (its row names the consumer
 * only, its change lists them): a key not known a moment ago is
 * forgotten as unknown, and the key filter has it from now on.
 */
static void
tell_added(const char *text)
{
	json_object	*change, *list, *c, *op, *key;
	size_t		 i, n;

	change = json_tokener_parse(text);
	if (json_object_object_get_ex(change, "changes", &list) &&
	    json_object_is_type(list, json_type_array)) {
		n = json_object_array_length(list);
		for (i = 0; i < n; i++) {
			c = json_object_array_get_idx(list, i);
			if (json_object_object_get_ex(c, "op", &op) &&
			    json_object_object_get_ex(c, "key", &key) &&
			    json_object_is_type(key, json_type_string) &&
			    strcmp(json_object_get_string(op),
			    "credential.add") == 0) {
				feed_publish(FEED_KEY, json_object_get_string(
				    key), (size_t)json_object_get_string_len(
				    key));
				keyfilter_add(json_object_get_string(key),
				    (size_t)json_object_get_string_len(key));
			}
		}
	}
	json_object_put(change);
}

void
feed_tell(const struct feed_row *r)
{
	json_object	*change;
	int		 known;

	/*
	 * A key a row names may be a new credential's: the key filter has
	 * it from now on (a revoked one's too, until the next rebuild).
	 */
	if (r->klen > 0) {
		feed_publish(FEED_KEY, r->key, r->klen);
		keyfilter_add(r->key, r->klen);
	}
	/* Its groups, or its other credentials, may have changed too. */
	if (r->clen > 0)
		feed_publish(FEED_CONSUMER, r->consumer, r->clen);
	if (r->clen > 0 && r->change != NULL)
		tell_added(r->change);
	if (r->klen > 0 || r->clen > 0)
		return;
	change = r->change != NULL ? json_tokener_parse(r->change) : NULL;
	if (!json_object_is_type(change, json_type_object))
		known = 0;
	else if (json_object_object_get_ex(change, "taken", NULL))
		known = tell_taken(change) == 0;
	else
		/*
		 * An access request's own state, secrets sealed anew, or
		 * exported (a read).
		 */
		known = json_object_object_get_ex(change, "state_after",
		    NULL) || json_object_object_get_ex(change, "sealed",
		    NULL) || json_object_object_get_ex(change, "exported",
		    NULL);
	if (!known)
		tell_all();
	json_object_put(change);
}

static int
row(void *arg, const struct feed_row *r)
{
	struct follower	*f = arg;
	long long	 t;

	f->rows++;
	if (r->id != f->position + 1) {
		t = clock_mono_ms();
		if (f->gap_since == 0)
			f->gap_since = t;
		if (t - f->gap_since < GAP_WAIT_MS) {
			f->wait = 1;
			return 1;
		}
		log_warn("feed: audit ids %lld to %lld never came: every "
		    "worker forgets what it keeps", f->position + 1,
		    r->id - 1);
		tell_all();
	}
	f->gap_since = 0;
	feed_tell(r);
	f->position = r->id;
	return 0;
}

/*
 * One poll: the trail from the position on, ROWS_MAX rows a statement.
 * A follower that starts goes on from where the one before it was
 * (the shared memory outlives it): what changed meanwhile is read, the
 * key filter misses no key made meanwhile.  The first of a master takes
 * the last id as its position and tells every worker to forget what it
 * keeps (there is nothing yet; the filter says "maybe" until built).
 */
static int
poll_once(struct follower *f)
{
	long long	 last;

	if (f->position < 0 && (last = feed_position()) >= 0)
		f->position = last;
	if (f->position < 0) {
		feed_statement();
		if (store_feed_last(f->store, &last) != ST_OK || last < 0)
			return -1;
		f->position = last;
		tell_all();
		feed_set_position(f->position);
	}
	do {
		f->rows = 0;
		f->wait = 0;
		feed_statement();
		if (store_feed_rows(f->store, f->position, ROWS_MAX, row, f) !=
		    ST_OK)
			return -1;
		feed_set_position(f->position);
	} while (f->rows == ROWS_MAX && !f->wait && !stopping);
	return 0;
}

static void
key_found(void *arg, const char *key, size_t len)
{
	(void)arg;
	keyfilter_rebuild_add(key, len);
}

/*
 * One step of the key filter's build: begun when wanted (at the start,
 * after a change read as "everything", every REBUILD_MS), KEYS_CHUNK
 * keys a step, then put in use.  The feed's position is taken before
 * the first step: a key committed after it is added by the feed (to
 * both tables) if the build's reads miss it.
 */
static int
keys_step(struct follower *f)
{
	long long	 n, t = clock_mono_ms();

	if (!keyfilter_on() || f->position < 0)
		return 0;
	if (rebuild_wanted || (!f->building && t >= f->rebuild_at)) {
		rebuild_wanted = 0;
		keyfilter_rebuild_begin();
		f->building = 1;
		f->keys_after = 0;
	}
	if (!f->building)
		return 0;
	feed_statement();
	if (store_feed_keys(f->store, &f->keys_after, KEYS_CHUNK, key_found,
	    NULL, &n) != ST_OK)
		return -1;
	if (n == KEYS_CHUNK)
		return 0;
	f->building = 0;
	f->rebuild_at = t + REBUILD_MS;
	if (keyfilter_rebuild_end() == -1 && !f->full_told) {
		log_warn("the key filter is full (key_filter_max %d): tokens "
		    "naming any key go to the database", f->cfg->key_filter_max);
		f->full_told = 1;
	}
	return 0;
}

/* Sleeps until t (ms, monotonic), or a TERM. */
static void
nap_until(long long t)
{
	struct timespec	 ts;
	sigset_t	 none;
	long long	 ms = t - clock_mono_ms();

	if (ms <= 0 || stopping)
		return;
	sigemptyset(&none);
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	pselect(0, NULL, NULL, NULL, &ts, &none);
}

/*
 * When the next poll begins (clock_mono_ms()), the last one having
 * begun at mono t0, wall time wall: wait ms after it, or sooner at the
 * point of the second that lets nginx keep the passes of the rest of
 * it (feed_poll_next).  Not when nginx keeps none, nor when the feed
 * is failing or polls less than once a second (feed_interval over
 * 1000): an operator who chose fewer polls gets no more.
 */
static long long
next_poll(const struct config *cfg, int ok, long long t0, long long wall,
    long long wait)
{
	long long	 aligned;

	if (!ok || cfg->pass_keep <= 0 || wait > 1000)
		return t0 + wait;
	aligned = t0 + feed_poll_next(cfg->pass_keep, wall) - wall;
	return aligned < t0 + wait ? aligned : t0 + wait;
}

void
feed_run(const struct config *cfg, pid_t master)
{
	struct follower	 f;
	char		 err[256];
	long long	 t0, wall, wait = cfg->feed_interval;
	int		 ok;

	child_start(master, on_term);
	memset(&f, 0, sizeof(f));
	f.cfg = cfg;
	f.position = -1;
	if ((f.store = store_new(cfg)) == NULL) {
		log_error("the feed cannot start");
		_exit(WORKER_EXIT_FATAL);
	}
	if (sandbox_enter(cfg->sandbox, SANDBOX_WORKER, err, sizeof(err)) ==
	    -1) {
		log_error("%s", err);
		_exit(WORKER_EXIT_FATAL);
	}
	log_debug("feed ready");
	while (!stopping) {
		child_logs();
		t0 = clock_mono_ms();
		wall = clock_wall_ms();
		ok = poll_once(&f) == 0 && keys_step(&f) == 0;
		/* A poll covers what committed before it began. */
		feed_poll_done(ok, wall);
		if (ok && f.failing)
			log_info("feed: following the audit trail again, from "
			    "id %lld", f.position);
		else if (!ok && !f.failing)
			log_warn("feed: cannot read the audit trail: workers "
			    "keep what they read %d s at most meanwhile",
			    FEED_BLIND_TTL_S);
		f.failing = !ok;
		/*
		 * Failing, the polls back off (to BACKOFF_MAX_MS): each
		 * logs its failed connect, and the workers, blind, keep
		 * what they read FEED_BLIND_TTL_S at most meanwhile.
		 */
		wait = ok ? cfg->feed_interval : wait * 2;
		if (wait > BACKOFF_MAX_MS)
			wait = BACKOFF_MAX_MS;
		nap_until(next_poll(cfg, ok, t0, wall, wait));
	}
	store_free(f.store);
	_exit(0);
}
