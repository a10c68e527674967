/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

#include "build.h"

#include <string.h>

#include "core/metrics.h"
#include "core/ratelimit.h"
#include "gateway/limit.h"

/* Every window of every rule a request can reach. */
#define MAX_TAKES	 (ACL_READINGS * RL_NWINDOWS)
/* A class of limits, as /metrics tells them apart: by and window. */
#define NBY		 (RL_BY_IP + 1)
#define CLASS(by, w)	 (1u << ((unsigned)(by) * RL_NWINDOWS + \
			    (unsigned)(w)))

/* Whole seconds from now to end, rounded up: at least 1. */
static long
secs_to(long long end_ms, long long now_ms)
{
	long long	 s = (end_ms - now_ms + 999) / 1000;

	return s < 1 ? 1 : (long)s;
}

/*
 * The identifier of who for rule r, and the by it is counted by: the
 * address when there is no token to count by, as on an @public rule.
 */
static enum rl_by
ident(const struct acl_rule *r, const struct limit_who *who,
    const char **id)
{
	if (r->by == RL_BY_IP || r->kind == ACL_PUBLIC || who->key == NULL) {
		*id = who->addr != NULL ? who->addr : "";
		return RL_BY_IP;
	}
	if (r->by == RL_BY_CONSUMER && who->username != NULL) {
		*id = who->username;
		return RL_BY_CONSUMER;
	}
	*id = who->key;
	return RL_BY_CREDENTIAL;
}

int
limit_count(const struct acl_rule *const *rules, size_t n,
    const struct limit_who *who, long long now, struct limit_answer *out)
{
	struct rl_take		 t[MAX_TAKES];
	enum rl_by		 by[MAX_TAKES], rby;
	struct limit_window	*lw;
	const char		*id;
	size_t			 i, nt = 0;
	unsigned		 classes = 0, full = 0;
	int			 w, ok;
	long			 wait;

	memset(out, 0, sizeof(*out));
	if (n == 0 || !ratelimit_on())
		return 1;
	if (n > ACL_READINGS)
		n = ACL_READINGS;	/* policy.c never gives more */
	for (i = 0; i < n; i++) {
		rby = ident(rules[i], who, &id);
		for (w = 0; w < RL_NWINDOWS; w++) {
			if (rules[i]->limit[w] == 0)
				continue;
			ratelimit_key(&t[nt].key, rules[i]->id,
			    (enum rl_window)w, rby, id, strlen(id));
			t[nt].window = (enum rl_window)w;
			t[nt].limit = who->own != NULL && who->own[w] != 0 ?
			    who->own[w] : rules[i]->limit[w];
			by[nt++] = rby;
		}
	}
	if (nt == 0)
		return 1;
	ok = ratelimit_take(t, nt, now);
	out->counted = 1;
	out->refused = !ok;
	for (i = 0; i < nt; i++) {
		lw = &out->w[t[i].window];
		/* The figures of the limit closest to running out. */
		if (lw->limit == 0 || t[i].remaining < lw->remaining ||
		    (t[i].remaining == lw->remaining &&
		    t[i].limit < lw->limit)) {
			lw->limit = t[i].limit;
			lw->remaining = t[i].remaining;
			lw->reset = secs_to(t[i].reset_ms, now);
		}
		classes |= CLASS(by[i], t[i].window);
		if (ok || t[i].remaining > 0)
			continue;
		full |= CLASS(by[i], t[i].window);
		/* Room again when the last of the full windows ends. */
		wait = secs_to(t[i].reset_ms, now);
		if (wait > out->retry_after) {
			out->retry_after = wait;
			out->window = t[i].window;
		}
	}
	/* (Never so: a limit that refused has remaining 0.) */
	if (!ok && out->retry_after == 0)
		out->retry_after = 1;
	for (i = 0; i < NBY * RL_NWINDOWS; i++)
		if ((ok ? classes : full) & (1u << i))
			metrics_ratelimit((enum rl_by)(i / RL_NWINDOWS),
			    (enum rl_window)(i % RL_NWINDOWS), !ok);
	return ok;
}
