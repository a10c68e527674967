/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * End-to-end tests of the gateway and its database: down, a table
 * locked, stalled (it fails closed), its own pool behind an admin
 * storm, and secrets sealed at rest (see gateway.c).
 */
#include "build.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mysql.h>

#include "e2e.h"
#include "gateway.h"

/* the database */

static int
auth_works(void *arg)
{
	struct resp	 r;
	const char	*h = arg;
	int		 ok;

	gw_get(&r, gw_url, API, &h, 1);
	ok = r.status == 200;
	resp_free(&r);
	return ok;
}

/*
 * Tokens of credentials made while the database is up and never
 * checked since, so that no worker has cached them, and the key filter
 * knows their keys: only the database can say more of them.  (A key
 * nobody has is refused by the filter, database or not.)
 */
#define NSPARE	 4
static char	*spare[NSPARE];
static size_t	 nspare;

/* Makes spare tokens up to n; 0, or -1 after a failed check. */
static int
spares(size_t n)
{
	char	 u[NAMESZ], *tok;

	while (nspare < n && nspare < NSPARE) {
		if (consumer("gwspare", "{\"groups\":[\"contentAdmin\"]}", u,
		    &tok) == -1)
			return -1;
		spare[nspare++] = tok;
	}
	return 0;
}

/*
 * A key no worker has cached (a spare), as the database is gone, locked
 * or stalled (what names it): the gateway fails closed (nginx 500,
 * lighttpd 503) and, with direct, /v1/auth says 503.
 */
static void
uncached_refused(const char *what, int direct)
{
	struct resp	 r;
	const char	*hdrs[2];
	char		*tok, *h, msg[128];
	long		 want = is_web("lighttpd") ? 503 : 500;

	if (!CHECK(nspare > 0, "%s: no spare credential", what))
		return;
	tok = spare[--nspare];
	h = bearer(tok);

	gw_get(&r, gw_url, API, (const char *const *)&h, 1);
	CHECK(r.status == want, "%s, a credential not cached: HTTP %ld, want "
	    "%ld", what, r.status, want);
	resp_free(&r);
	if (direct) {
		hdrs[0] = h;
		hdrs[1] = "X-Original-URI: " API;
		gw_get(&r, url, routes[RT_AUTH].path, hdrs, 2);
		snprintf(msg, sizeof(msg), "/v1/auth, %s", what);
		expect_err(msg, &r, RT_AUTH, 503, "SERVICE_UNAVAILABLE", NULL);
		resp_free(&r);
	}
	free(h);
	free(tok);
}

/*
 * The database gone (adminutil's account locked, its connections
 * killed): a token whose credential no worker has cached is refused,
 * never let through (nginx answers 500: it fails closed); /v1/auth
 * says 503.  Public APIs still pass.  Then it all comes back.
 */
void
test_gw_db_down(void)
{
	struct tok	 v = { .signer = CR_HS256 };
	struct resp	 r;
	char		*vh, *vtok;
	size_t		 i;

	if (gw_setup() == -1 || spares(4) == -1)
		return;
	vtok = token(&v);
	vh = bearer(vtok);
	if (sql(db, "ALTER USER 'adminutil'@'localhost' ACCOUNT LOCK") == -1)
		goto done;
	kill_connections();
	for (i = 0; i < 4; i++)
		uncached_refused("database down", 1);
	gw_get(&r, gw_url, API_PUBLIC, NULL, 0);
	CHECK(r.status == 200, "database down, a public API: HTTP %ld, want "
	    "200", r.status);
	resp_free(&r);
	gw_get(&r, gw_url, API, NULL, 0);
	CHECK(r.status == 401, "database down, no token: HTTP %ld, want 401",
	    r.status);
	resp_free(&r);
done:
	sql(db, "ALTER USER 'adminutil'@'localhost' ACCOUNT UNLOCK");
	CHECK(vh != NULL && wait_until(auth_works, vh, 5000, 100),
	    "the database back: a valid token did not pass within 5 s");
	free(vh);
	free(vtok);
}

/*
 * A table locked (LOCK TABLES, as an ALTER TABLE waiting for its turn
 * would lock it): a check that needs the database waits
 * db_lock_wait_timeout for it, not db_rw_timeout twice, and fails
 * closed: /v1/auth says 503, the gateway refuses.  An admin read says
 * 503 too.  Unlocked, the valid token passes again.
 */
void
test_gw_db_locked(void)
{
	struct tok	 v = { .signer = CR_HS256 };
	struct resp	 r;
	char		*vh, *vtok;
	MYSQL		*lk;

	if (gw_setup() == -1 || spares(1) == -1)
		return;
	vtok = token(&v);
	vh = bearer(vtok);
	if ((lk = sql_open()) == NULL || sql(lk, "LOCK TABLES credentials "
	    "WRITE, consumers WRITE") == -1)
		goto done;
	uncached_refused("a table locked", 1);
	call(&r, RT_READ, users[C_MAIN], NULL);
	expect_err("an admin read, a table locked", &r, RT_READ, 503,
	    "SERVICE_UNAVAILABLE", NULL);
	resp_free(&r);
done:
	if (lk != NULL) {
		sql(lk, "UNLOCK TABLES");
		mysql_close(lk);
	}
	CHECK(vh != NULL && wait_until(auth_works, vh, 5000, 100),
	    "the table unlocked: a valid token did not pass within 5 s");
	free(vh);
	free(vtok);
}

/* How many times needle is in the adminutil log. */
static int
log_count(const char *needle)
{
	char		*log = au_log();
	const char	*p;
	int		 n = 0;

	for (p = log; p != NULL && (p = strstr(p, needle)) != NULL; p++)
		n++;
	free(log);
	return n;
}

/*
 * The database stalled (SIGSTOP: as a swamped server, or one across a
 * cut network, answers nothing): a check that needs it fails closed,
 * each worker of the gateway's pool waits auth_db_timeout for it once
 * and then leaves it alone for a hold (logged), refusing at once what
 * it has not cached.  Continued, the valid token passes again (once a
 * hold, 4 s at most, is over).
 */
void
test_gw_db_stalled(void)
{
	static const char stall[] = "the database stalled";
	struct tok	 v = { .signer = CR_HS256 };
	char		*vh, *vtok;
	long		 len = -1;
	int		 i, before;

	if (gw_setup() == -1 || spares(4) == -1)
		return;
	vtok = token(&v);
	vh = bearer(vtok);
	before = log_count(stall);
	if (!CHECK(kill(db_pid, SIGSTOP) == 0, "SIGSTOP MariaDB: %s",
	    strerror(errno)))
		goto done;
	for (i = 0; i < 4; i++)
		uncached_refused("database stalled", 0);
	kill(db_pid, SIGCONT);
	CHECK(log_count(stall) > before, "database stalled: no worker of the "
	    "gateway's pool held off (\"%s\" not logged)", stall);
done:
	kill(db_pid, SIGCONT);
	CHECK(vh != NULL && wait_until(auth_works, vh, 10000, 100),
	    "the database continued: a valid token did not pass within "
	    "10 s");
	/* The next test gets workers out of any hold. */
	(void)reconfigure("", &len);
	free(vh);
	free(vtok);
}

/* the gateway's own pool */

/* A grant sent from a thread of its own: no CUnit check in there. */
struct storm {
	pthread_t	 t;
	const char	*user;
	struct resp	 r;
	int		 started;
};

static void *
storm_grant(void *arg)
{
	struct storm	*g = arg;

	grant_unchecked(&g->r, g->user,
	    "{\"groups\":[\"isoA\",\"contentAdmin\"]}");
	return NULL;
}

#define NSTORM		 12	/* grants in the storm: 3 per admin worker */
#define LOCK_HELD_MS	 3000	/* over the instance's lock wait */
#define GW_BOUND_MS	 1000	/* the slowest gateway answer allowed */

/*
 * The gateway's own pool: a row lock held on a consumer, and a storm of
 * grants for it filling every admin worker, while the gateway is asked
 * in a loop with tokens nginx has never seen (so that each reaches
 * adminutil): no gateway answer is a 5xx or slower than GW_BOUND_MS.
 * The grants wait db_lock_wait_timeout, then answer 503 with
 * Retry-After, nothing changed; the consumer's groups are whole.
 */
void
test_gw_isolation(void)
{
	struct storm	 g[NSTORM];
	struct tok	 t = { .signer = CR_HS256 };
	struct gcred	 c;
	struct resp	 r;
	MYSQL		*m = NULL;
	char		 u[NAMESZ], claims[64], ra[16], *tok = NULL, *h;
	const char	*hp;
	long long	 t0, t1, worst = 0, n = 0, bad = 0, busy = 0, ok = 0;
	size_t		 i;

	memset(g, 0, sizeof(g));
	if (gw_setup() == -1 || consumer_as("gwiso",
	    "{\"groups\":[\"contentAdmin\"]}", u, &t, &c, &tok) == -1 ||
	    (m = sql_open()) == NULL)
		goto done;
	if (sql(m, "BEGIN") == -1 || sql(m, "SELECT id FROM consumers "
	    "WHERE username = '%s' FOR UPDATE", u) == -1)
		goto done;
	for (i = 0; i < NSTORM; i++) {
		g[i].user = u;
		g[i].started = pthread_create(&g[i].t, NULL, storm_grant,
		    &g[i]) == 0;
	}
	for (t0 = now_ms(); now_ms() < t0 + LOCK_HELD_MS; n++) {
		snprintf(claims, sizeof(claims), "\"n\":%lld", n);
		t.claims = claims;
		free(tok);
		if ((tok = mint(&t, &c, "HS256", NULL, c.key)) == NULL ||
		    (h = bearer(tok)) == NULL)
			break;
		hp = h;
		t1 = now_ms();
		gw_get(&r, gw_url, API, &hp, 1);
		t1 = now_ms() - t1;
		worst = t1 > worst ? t1 : worst;
		bad += r.status != 200;
		resp_free(&r);
		free(h);
	}
	sql(m, "COMMIT");
	for (i = 0; i < NSTORM; i++) {
		if (!g[i].started)
			continue;
		pthread_join(g[i].t, NULL);
		if (g[i].r.status == 200)
			ok++;
		else if (g[i].r.status == 503 && header(&g[i].r,
		    "Retry-After", ra, sizeof(ra)) == 0) {
			busy++;
			expect_err("a grant that waited too long", &g[i].r,
			    RT_GRANT, 503, "SERVICE_UNAVAILABLE", NULL);
		}
		resp_free(&g[i].r);
	}
	CHECK(n >= 10 && bad == 0 && worst < GW_BOUND_MS, "gateway during "
	    "the storm: %lld requests, %lld not 200, slowest %lld ms (want "
	    "none not 200, all under %d ms)", n, bad, worst, GW_BOUND_MS);
	CHECK(busy >= 1 && busy + ok == NSTORM, "the storm: %lld of %d "
	    "grants answered 503 with Retry-After, %lld 200, want every one "
	    "either, one 503 at least", busy, NSTORM, ok);
	/* Whole: the grant's groups, or the first ones, nothing between. */
	expect_groups("after the storm", RT_READ, u, NULL, ok > 0 ?
	    GROUPS("isoA", "contentAdmin") : GROUPS("contentAdmin"));
done:
	if (m != NULL)
		mysql_close(m);
	free(tok);
}

/* sealed secrets */

/*
 * adminutil --seal-keygen path, its output in out; the key's id it
 * printed into kid.  0, or -1 after a failed check.
 */
static int
run_keygen(const char *path, const char *out, char *kid, size_t sz)
{
	pid_t	 pid;
	int	 st, fd;
	FILE	*f;

	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		if ((fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600)) !=
		    -1)
			dup2(fd, STDOUT_FILENO);
		execl(bin, bin, "--seal-keygen", path, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			return -1;
	kid[0] = '\0';
	if ((f = fopen(out, "r")) != NULL) {
		if (fgets(kid, (int)sz, f) == NULL)
			kid[0] = '\0';
		fclose(f);
	}
	kid[strcspn(kid, "\n")] = '\0';
	return CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0 &&
	    strlen(kid) == 8, "--seal-keygen %s: status %d, id \"%s\"", path,
	    st, kid) ? 0 : -1;
}

/* The whole of a small file, or "" (static). */
static const char *
slurp(const char *path)
{
	static char	 buf[65536];
	FILE		*f;
	size_t		 n = 0;

	buf[0] = '\0';
	if ((f = fopen(path, "r")) != NULL) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

/* 1 if the database dump holds s. */
static int
dump_holds(const char *s)
{
	char	 cmd[1024], line[8192];
	FILE	*p;
	int	 found = 0;

	snprintf(cmd, sizeof(cmd), "mariadb-dump --no-defaults -uroot -S '%s' "
	    "'%s' 2>/dev/null", db_sock, db_name);
	if ((p = popen(cmd, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), p) != NULL)
		if (strstr(line, s) != NULL)
			found = 1;
	return pclose(p) == 0 ? found : -1;
}

/*
 * Secrets at rest: a dump shows none of those issued; each row is sealed
 * under the ring's key (8 hex digits); a plaintext row of before is
 * sealed by --migrate, and its token passes before and after; a reseal
 * under a new key and back keeps every token valid; a row under a key
 * the ring does not hold stops start-up, naming the key.
 */
void
test_gw_sealed(void)
{
	struct tok	 t = { .signer = CR_HS256 };
	struct gcred	 c, p;
	char		 u[NAMESZ], kid[64], nkid[64], tmp[] = "/tmp/e2e-seal.XXXXXX";
	char		 nkey[400], ring[512], ring2[920], log[512], env1[960];
	char		*tok = NULL, *h = NULL, *ptok = NULL, *ph = NULL;
	const char	*envs[3] = { env1, NULL, NULL };
	struct resp	 r;
	long long	 n;
	long		 len;
	int		 rc;

	if (gw_setup() == -1 || consumer_as("gwseal",
	    "{\"groups\":[\"contentAdmin\"]}", u, &t, &c, &tok) == -1 ||
	    (h = bearer(tok)) == NULL || !CHECK(mkdtemp(tmp) != NULL,
	    "mkdtemp: %s", strerror(errno)))
		goto done;
	/* No secret in clear: not in its row, not in a dump. */
	CHECK(sql_num("SELECT COUNT(*) FROM credentials WHERE secret LIKE "
	    "'%%%s%%'", c.secret) == 0, "a secret is in clear in its row");
	CHECK(dump_holds(c.secret) == 0 && dump_holds(creds[CR_HS384].secret)
	    == 0 && dump_holds(creds[CR_DEV].secret) == 0, "a dump of the "
	    "database holds an issued secret");
	CHECK(sql_num("SELECT COUNT(DISTINCT seal_key) FROM credentials "
	    "WHERE secret IS NOT NULL") == 1 && sql_num("SELECT COUNT(*) FROM "
	    "credentials WHERE secret IS NOT NULL AND (seal_key IS NULL OR "
	    "seal_key NOT REGEXP '^[0-9a-f]{8}$')") == 0, "not every secret "
	    "is sealed under one key");
	if (conf_get("seal_key_file", ring, sizeof(ring)) == -1 ||
	    sql_num("SELECT COUNT(*) FROM credentials") < 1)
		goto done;
	/* The ring's key id, as the rows name it. */
	{
		MYSQL		*m = sql_open();
		MYSQL_RES	*res;
		MYSQL_ROW	 row;

		kid[0] = '\0';
		if (m != NULL && mysql_query(m, "SELECT seal_key FROM "
		    "credentials WHERE seal_key IS NOT NULL LIMIT 1") == 0 &&
		    (res = mysql_store_result(m)) != NULL) {
			if ((row = mysql_fetch_row(res)) != NULL)
				snprintf(kid, sizeof(kid), "%s", row[0]);
			mysql_free_result(res);
		}
		if (m != NULL)
			mysql_close(m);
	}
	if (!CHECK(strlen(kid) == 8, "no key id in the rows"))
		goto done;

	/* A plaintext row of before: it passes, --migrate seals it. */
	memset(&p, 0, sizeof(p));
	fresh(p.key, sizeof(p.key), "plainkey");
	snprintf(p.secret, sizeof(p.secret), "0123456789abcdef0123456789abcdef");
	if (sql(db, "INSERT INTO credentials (consumer_id, `key`, secret, "
	    "algorithm) SELECT id, '%s', '%s', 'HS256' FROM consumers WHERE "
	    "username = '%s'", p.key, p.secret, u) == -1 ||
	    (ptok = mint(&t, &p, "HS256", NULL, p.key)) == NULL ||
	    (ph = bearer(ptok)) == NULL)
		goto done;
	/*
	 * Written by hand, not through adminutil: no audit row tells the
	 * key filter of it; a reload's new follower builds it again from
	 * the table, at once.
	 */
	if (reconfigure("", &len) == -1)
		goto done;
	sleep_ms(500);
	expect_everywhere("a plaintext row of before", API, ph, 200, NULL);
	rc = run_adminutil(ARGS("--migrate"), NULL, NULL);
	CHECK(rc == 0, "--migrate: exit %d", rc);
	CHECK(sql_num("SELECT COUNT(*) FROM credentials WHERE `key` = '%s' "
	    "AND seal_key = '%s' AND secret <> '%s'", p.key, kid, p.secret) ==
	    1, "--migrate did not seal the plaintext row");
	sleep_ms(ttl_ms() + 500);
	expect_everywhere("the row sealed by --migrate", API, ph, 200, NULL);

	/* A reseal under a new key, then back: tokens keep passing. */
	snprintf(nkey, sizeof(nkey), "%s/new.key", tmp);
	snprintf(log, sizeof(log), "%s/keygen.out", tmp);
	if (run_keygen(nkey, log, nkid, sizeof(nkid)) == -1)
		goto done;
	snprintf(ring2, sizeof(ring2), "%s,%s", nkey, ring);
	snprintf(env1, sizeof(env1), "ADMINUTIL_SEAL_KEY_FILE=%s", ring2);
	snprintf(log, sizeof(log), "%s/reseal.out", tmp);
	rc = run_adminutil(ARGS("--reseal"), envs, log);
	n = sql_num("SELECT COUNT(*) FROM credentials WHERE secret IS NOT NULL "
	    "AND seal_key <> '%s'", nkid);
	CHECK(rc == 0 && n == 0, "--reseal under the new key: exit %d, %lld "
	    "rows under another; said %.300s", rc, n, slurp(log));
	/* The running ring lacks the new key: start-up refuses, naming it. */
	snprintf(env1, sizeof(env1), "ADMINUTIL_LISTEN=unix:%s/x.sock", tmp);
	envs[1] = "ADMINUTIL_AUTH_LISTEN=";
	snprintf(log, sizeof(log), "%s/start.out", tmp);
	rc = run_adminutil(NULL, envs, log);
	CHECK(rc == 1 && strstr(slurp(log), nkid) != NULL, "start-up with a "
	    "ring without key %s: exit %d, said: %.200s", nkid, rc,
	    slurp(log));
	envs[1] = NULL;
	snprintf(ring2, sizeof(ring2), "%s,%s", ring, nkey);
	snprintf(env1, sizeof(env1), "ADMINUTIL_SEAL_KEY_FILE=%s", ring2);
	rc = run_adminutil(ARGS("--reseal"), envs, NULL);
	n = sql_num("SELECT COUNT(*) FROM credentials WHERE secret IS NOT NULL "
	    "AND seal_key <> '%s'", kid);
	CHECK(rc == 0 && n == 0, "--reseal back: exit %d, %lld rows under "
	    "another", rc, n);
	sleep_ms(ttl_ms() + 500);
	expect_everywhere("after two reseals", API, h, 200, NULL);
	expect_everywhere("after two reseals, the row of before", API, ph, 200,
	    NULL);
	call(&r, RT_READ, u, NULL);
	expect_ok("read after the reseals", &r, RT_READ);
	resp_free(&r);
done:
	if (tmp[strlen(tmp) - 1] != 'X') {
		snprintf(log, sizeof(log), "rm -rf '%s'", tmp);
		(void)system(log);
	}
	free(ph);
	free(ptok);
	free(h);
	free(tok);
}
