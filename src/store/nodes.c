/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

#include "build.h"

#include <stdio.h>
#include <string.h>

#include "core/strlist.h"
#include "core/validate.h"
#include "store/nodes.h"

/* One entry "host:port" or "[v6]:port" of len bytes into nd.  0 or -1. */
static int
node_parse(struct node *nd, const char *s, size_t len)
{
	const char	*colon, *host = s;
	size_t		 hlen;
	char		 port[8];
	long long	 v;

	for (colon = s + len; colon > s && colon[-1] != ':'; colon--)
		;
	if (colon == s)
		return -1;
	hlen = (size_t)(colon - 1 - s);
	/* A v6 address in brackets: the brackets are not the host's. */
	if (hlen >= 2 && s[0] == '[' && s[hlen - 1] == ']') {
		host++;
		hlen -= 2;
	} else if (memchr(s, ':', hlen) != NULL || memchr(s, '[', hlen) !=
	    NULL)
		return -1;
	if (hlen == 0 || hlen > NODES_HOST_MAX ||
	    (size_t)(s + len - colon) >= sizeof(port))
		return -1;
	memcpy(port, colon, (size_t)(s + len - colon));
	port[s + len - colon] = '\0';
	if (validate_number(port, 10, 1, 65535, &v) == -1)
		return -1;
	memcpy(nd->host, host, hlen);
	nd->host[hlen] = '\0';
	nd->port = (unsigned)v;
	return 0;
}

int
nodes_parse(struct nodes *ns, const char *list, const char *key, char *err,
    size_t errsz)
{
	const char	*p;
	size_t		 len;

	memset(ns, 0, sizeof(*ns));
	while ((p = words_next(&list, &len)) != NULL) {
		if (ns->n == NODES_MAX) {
			snprintf(err, errsz, "%s: more than %d entries", key,
			    NODES_MAX);
			return -1;
		}
		if (node_parse(&ns->node[ns->n], p, len) == -1) {
			snprintf(err, errsz, "%s: \"%.*s\" is not host:port "
			    "(a port in 1..65535)", key, (int)(len > 300 ? 300 :
			    len), p);
			return -1;
		}
		ns->n++;
	}
	if (ns->n == 0) {
		snprintf(err, errsz, "%s: no host:port in the list", key);
		return -1;
	}
	ns->cur = ns->last = ns->n;
	ns->probe_ms = NODES_PROBE_MS;
	return 0;
}

void
nodes_one(struct nodes *ns, const char *host, unsigned port)
{
	memset(ns, 0, sizeof(*ns));
	snprintf(ns->node[0].host, sizeof(ns->node[0].host), "%s", host);
	ns->node[0].port = port;
	ns->n = 1;
	ns->cur = ns->last = 1;
	ns->probe_ms = NODES_PROBE_MS;
}

void
nodes_where(const struct node *nd, char *buf, size_t sz)
{
	if (nd->port == 0)
		snprintf(buf, sz, "%s", nd->host);
	else if (strchr(nd->host, ':') != NULL)
		snprintf(buf, sz, "[%s]:%u", nd->host, nd->port);
	else
		snprintf(buf, sz, "%s:%u", nd->host, nd->port);
}

size_t
nodes_next(const struct nodes *ns, size_t from, long long now)
{
	size_t	 i;

	for (i = from; i < ns->n; i++)
		if (now >= ns->node[i].hold_until)
			break;
	return i;
}

int
nodes_failed(struct nodes *ns, size_t i, long long waited, long long now)
{
	struct node	*nd = &ns->node[i];
	int		 was_ok = !nd->failed;

	nd->failed = 1;
	if (ns->cur == i)
		ns->cur = ns->n;
	if (waited >= NODES_STALL_MS) {
		nd->hold_ms = nd->hold_ms == 0 ? NODES_HOLD_MIN_MS :
		    nd->hold_ms * 2 > NODES_HOLD_MAX_MS ? NODES_HOLD_MAX_MS :
		    nd->hold_ms * 2;
		nd->hold_until = now + nd->hold_ms;
	} else if (ns->n > 1) {
		/* The others are there: no need to ask it per statement. */
		nd->hold_until = now + NODES_PROBE_MS;
	}
	return was_ok;
}

int
nodes_use(struct nodes *ns, size_t i, long long now)
{
	int	 moved = ns->last != ns->n && ns->last != i;

	ns->node[i].failed = 0;
	ns->node[i].hold_until = 0;
	ns->node[i].hold_ms = 0;
	ns->cur = ns->last = i;
	ns->probe_ms = NODES_PROBE_MS;
	ns->probe_at = now + ns->probe_ms;
	if (moved)
		ns->moves++;
	return moved;
}

void
nodes_lost(struct nodes *ns)
{
	ns->cur = ns->n;
}

int
nodes_probe_due(const struct nodes *ns, long long now)
{
	return ns->cur != ns->n && ns->cur > 0 && now >= ns->probe_at &&
	    nodes_next(ns, 0, now) < ns->cur;
}

void
nodes_probe_failed(struct nodes *ns, int stalled, long long now)
{
	if (stalled)
		ns->probe_ms = ns->probe_ms * 2 > NODES_PROBE_MAX_MS ?
		    NODES_PROBE_MAX_MS : ns->probe_ms * 2;
	else
		ns->probe_ms = NODES_PROBE_MS;
	ns->probe_at = now + ns->probe_ms;
}
