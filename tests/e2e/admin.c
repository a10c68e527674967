/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * End-to-end tests of the admin plane: who may call each admin route,
 * what a refusal leaves in the log, the last-admin guard, the audit
 * trail, admin_auth = none, and the operator commands.  Through the web
 * server, against the instance e2e.c was given.
 */
#include "build.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <libgen.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <curl/curl.h>
#include <json-c/json.h>

#include "e2e.h"

/*
 * POSTs body to path of E2E_URL as the caller auth says: an
 * "Authorization:" header line, or NULL for none.
 */
static void
post_auth(struct resp *r, const char *path, const char *body,
    const char *auth)
{
	const char	*hdrs[] = { "Content-Type: application/json", auth,
	    NULL };

	post_raw(r, url, path, body, strlen(body), hdrs, NULL);
	CHECK(r->error == NULL, "POST %s: %s", path, str(r->error));
}

/* Calls rt for user and key with the envelope of request, as auth. */
static void
call_as(struct resp *r, enum rt rt, const char *user, const char *key,
    const char *request, const char *auth)
{
	char	 path[1024], *body;

	snprintf(path, sizeof(path), routes[rt].path, user, key);
	body = envelope("", request);
	post_auth(r, path, body != NULL ? body : "", auth);
	free(body);
}

static long long
audit_rows(void)
{
	return sql_num("SELECT COUNT(*) FROM audit_log");
}

/* The newest audit id; 0 when there is none. */
static long long
audit_top(void)
{
	return sql_num("SELECT COALESCE(MAX(id), 0) FROM audit_log");
}

/* The 401 of the admin plane: the envelope and WWW-Authenticate. */
static void
expect_401(const char *what, const struct resp *r, enum rt rt)
{
	char	 v[512];

	expect_err(what, r, rt, 401, "UNAUTHORIZED", NULL);
	CHECK(header(r, "WWW-Authenticate", v, sizeof(v)) == 0 &&
	    strncmp(v, "Bearer ", 7) == 0, "%s: no WWW-Authenticate: Bearer",
	    what);
}

/* One admin route of the role matrix. */
struct arow {
	enum rt		 rt;
	int		 write;
	const char	*request;	/* %s: the fresh name or key */
	int		 key;		/* the path has the key too */
};

static const struct arow arows[] = {
	{ RT_CREATE, 1, "{\"username\":\"%s\"}", 0 },
	{ RT_GRANT, 1, "{\"groups\":[\"contentAdmin\"]}", 0 },
	{ RT_READ, 0, NULL, 0 },
	{ RT_REVOKE, 1, "{\"groups\":[\"contentAdmin\"]}", 0 },
	{ RT_CRED_REGISTER, 1, "{\"key\":\"%s\"}", 0 },
	{ RT_CRED_LIST, 0, NULL, 0 },
	{ RT_CRED_REVOKE, 1, NULL, 1 },
	{ RT_LIST, 0, "{\"limit\":1}", 0 },
	{ RT_AUDIT, 0, "{\"limit\":1}", 0 },
	{ RT_LIMITS, 1, "{\"limits\":{\"hour\":10}}", 0 },
	{ RT_DELETE, 1, NULL, 0 },
};

#define NAROWS	 (sizeof(arows) / sizeof(arows[0]))

/* The request of row k: its fresh name for create, key for register. */
static char *
arow_request(const struct arow *k, const char *name, const char *key,
    char *buf, size_t sz)
{
	if (k->request == NULL)
		return NULL;
	snprintf(buf, sz, k->request, k->rt == RT_CREATE ? name : key);
	return buf;
}

/*
 * Every admin route: 401 with no token and with one that does not
 * verify, 403 for a consumer without the group, 403 for a read-only
 * admin on a write and 200 on a read, 200 for the admin; nothing is
 * written by a refused call.
 */
static void
test_admin_roles(void)
{
	char		 target[NAMESZ], newbie[NAMESZ], key[NAMESZ], u[NAMESZ];
	char		 what[256], req[NAMESZ + 64], *tok = NULL;
	char		*plain = NULL, *reader = NULL;
	const char	*callers[4], *names[4] = { "no token", "a forged token",
	    "a consumer without the group", "a read-only admin" };
	struct resp	 r;
	long long	 before;
	size_t		 i, c;

	if (create(fresh(target, sizeof(target), "roles"), NULL, NULL) == -1 ||
	    consumer("plain", "{\"groups\":[\"contentUser\"]}", u, &tok) == -1 ||
	    (plain = bearer(tok)) == NULL)
		goto done;
	free(tok);
	tok = NULL;
	if (consumer("reader", "{\"groups\":[\"adminutilReader\"]}", u,
	    &tok) == -1 || (reader = bearer(tok)) == NULL)
		goto done;
	fresh(newbie, sizeof(newbie), "rolesnew");
	fresh(key, sizeof(key), "roleskey");
	callers[0] = NULL;
	callers[1] = "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9."
	    "eyJpc3MiOiJub2JvZHkifQ.c2lnbmF0dXJl";
	callers[2] = plain;
	callers[3] = reader;
	before = audit_rows();
	for (i = 0; i < NAROWS; i++)
		for (c = 0; c < 4; c++) {
			snprintf(what, sizeof(what), "%s as %s",
			    routes[arows[i].rt].path, names[c]);
			call_as(&r, arows[i].rt, target, key,
			    arow_request(&arows[i], newbie, key, req,
			    sizeof(req)), callers[c]);
			if (c < 2)
				expect_401(what, &r, arows[i].rt);
			else if (c == 2 || arows[i].write)
				expect_err(what, &r, arows[i].rt, 403,
				    "FORBIDDEN", NULL);
			else
				expect_ok(what, &r, arows[i].rt);
			resp_free(&r);
		}
	CHECK(audit_rows() == before, "refused admin calls wrote %lld audit "
	    "rows", audit_rows() - before);
	CHECK(rows("consumers", newbie) == 0, "a refused create made the "
	    "consumer");
	CHECK(sql_num("SELECT COUNT(*) FROM credentials WHERE `key` = '%s'",
	    key) == 0, "a refused register made the credential");
	CHECK(sql_num("SELECT COUNT(*) FROM consumers WHERE username = '%s' "
	    "AND limit_hour IS NULL", target) == 1, "a refused limits call "
	    "set the consumer's limits");
	expect_groups("groups after the refused calls", RT_READ, target, NULL,
	    GROUPS("contentUser"));
	/* The admin: every route, in an order in which each can succeed. */
	for (i = 0; i < NAROWS; i++) {
		snprintf(what, sizeof(what), "%s as the admin",
		    routes[arows[i].rt].path);
		call_as(&r, arows[i].rt, target, key, arow_request(&arows[i],
		    newbie, key, req, sizeof(req)), admin_auth);
		expect_ok(what, &r, arows[i].rt);
		resp_free(&r);
	}
	CHECK(rows("consumers", newbie) == 1 && rows("consumers", target) == 0,
	    "the admin's create and delete were not made");
done:
	free(tok);
	free(plain);
	free(reader);
}

char *
au_log(void)
{
	char	 dir[1024], path[1100], *text = NULL;
	FILE	*f;
	size_t	 n = 0;

	snprintf(dir, sizeof(dir), "%s", conf_path);
	snprintf(path, sizeof(path), "%s/au.log", dirname(dir));
	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	if (getdelim(&text, &n, '\0', f) == -1) {
		free(text);
		text = NULL;
	}
	fclose(f);
	return text;
}

/* The log line that holds needle, in a new string; NULL. */
static char *
log_line(const char *log, const char *needle)
{
	const char	*p, *s, *e;

	if (log == NULL || (p = strstr(log, needle)) == NULL)
		return NULL;
	for (s = p; s > log && s[-1] != '\n'; s--)
		;
	e = strchr(p, '\n');
	return strndup(s, e != NULL ? (size_t)(e - s) : strlen(s));
}

/*
 * A refused admin call leaves a logfmt line: the route, the remote
 * address, the status and the reason, with the answer's resmsgid; the
 * token is in no line.
 */
static void
test_admin_refusals_logged(void)
{
	char		 u[NAMESZ], *tok = NULL, *plain = NULL, *log, *line;
	char		 forged[256], rid[2][64], mark[64];
	struct resp	 r;
	size_t		 i;

	if (consumer("logged", "{\"groups\":[\"contentUser\"]}", u,
	    &tok) == -1 || (plain = bearer(tok)) == NULL)
		goto done;
	snprintf(forged, sizeof(forged), "Authorization: Bearer %s.e30.c2ln",
	    fresh(mark, sizeof(mark), "forged"));
	for (i = 0; i < 2; i++) {
		call_as(&r, RT_CREATE, NULL, NULL, "{\"username\":\"x\"}",
		    i == 0 ? forged : plain);
		snprintf(rid[i], sizeof(rid[i]), "resmsgid=%s",
		    str(jstr(r.json, "params.resmsgid")));
		CHECK(r.status == (i == 0 ? 401 : 403), "create as %s: HTTP "
		    "%ld", i == 0 ? "a forged token" : "a consumer", r.status);
		resp_free(&r);
	}
	log = au_log();
	for (i = 0; i < 2; i++) {
		line = log_line(log, rid[i]);
		CHECK(line != NULL && strstr(line, "admin call refused") !=
		    NULL && strstr(line, "route=" ID("consumer.create")) !=
		    NULL && strstr(line, "remote_addr=127.0.0.1") != NULL &&
		    strstr(line, i == 0 ? "status=401" : "status=403") !=
		    NULL && strstr(line, "reason=\"") != NULL, "refusal %zu: "
		    "no logfmt line with route, remote_addr, status and reason "
		    "(%s)", i + 1, str(line));
		free(line);
	}
	CHECK(log != NULL && strstr(log, mark) == NULL && strstr(log, tok) ==
	    NULL, "a refused caller's token is in the log");
	free(log);
done:
	free(tok);
	free(plain);
}

/* The first credential key of user, as the caller auth; 0 or -1. */
static int
first_key(const char *user, const char *auth, char *key, size_t sz)
{
	struct resp	 r;
	json_object	*res, *arr;
	int		 ok;

	call_as(&r, RT_CRED_LIST, user, NULL, NULL, auth);
	res = expect_ok("credential list", &r, RT_CRED_LIST);
	ok = res != NULL && json_object_object_get_ex(res, "credentials",
	    &arr) && json_object_array_length(arr) > 0;
	if (ok)
		snprintf(key, sz, "%s", str(jstr(json_object_array_get_idx(arr,
		    0), "key")));
	resp_free(&r);
	return ok ? 0 : -1;
}

/* One of two admins deleting the other at once. */
struct duel {
	const char	*other, *auth;
	struct resp	 r;
};

static void *
duel_run(void *arg)
{
	struct duel	*d = arg;

	call_as(&d->r, RT_DELETE, d->other, NULL, NULL, d->auth);
	return NULL;
}

/*
 * A new admin made by the admin auth: a consumer named after tag, into
 * name, granted e2eGuard; a bearer token of its credential into *bearer
 * when bearer is not NULL.  0, or -1 after a failed check.
 */
static int
guard_admin(char name[NAMESZ], const char *tag, const char *auth,
    char **bearer)
{
	char		 req[NAMESZ + 64], key[HEX32 + 1], secret[HEX32 + 1];
	struct resp	 r;
	int		 ok;

	snprintf(req, sizeof(req), "{\"username\":\"%s\"}",
	    fresh(name, NAMESZ, tag));
	call_as(&r, RT_CREATE, NULL, NULL, req, auth);
	ok = expect_ok("a new admin", &r, RT_CREATE) != NULL;
	snprintf(key, sizeof(key), "%s", str(jstr(r.json, "result.key")));
	snprintf(secret, sizeof(secret), "%s", str(jstr(r.json,
	    "result.secret")));
	resp_free(&r);
	call_as(&r, RT_GRANT, name, NULL, "{\"groups\":[\"e2eGuard\"]}",
	    auth);
	ok = expect_ok("a new admin's grant", &r, RT_GRANT) != NULL && ok;
	resp_free(&r);
	if (ok && bearer != NULL && (*bearer = hs256_bearer(key, secret)) ==
	    NULL)
		ok = 0;
	return ok ? 0 : -1;
}

/*
 * The last two admins delete each other at once: one of them wins, the
 * other is refused (409, or 401 when its own consumer is gone by the
 * time its token is checked), and an admin is left.
 */
static void
last_two(const char *g1, const char *auth1)
{
	char		 g2[NAMESZ], *auth2 = NULL;
	struct duel	 d[2];
	struct resp	 r;
	pthread_t	 t[2];
	int		 i, ok = 0, conflict = 0;

	if (guard_admin(g2, "duel", auth1, &auth2) == -1)
		goto done;
	call_as(&r, RT_LIST, NULL, NULL, "{\"limit\":1}", auth2);
	expect_ok("the duel's second admin calls", &r, RT_LIST);
	resp_free(&r);
	d[0].other = g2;
	d[0].auth = auth1;
	d[1].other = g1;
	d[1].auth = auth2;
	for (i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, duel_run, &d[i]) != 0) {
			CU_FAIL("pthread_create failed");
			if (i == 1)
				pthread_join(t[0], NULL);
			goto done;
		}
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	/* The loser is refused: no admin would be left, or it is gone. */
	for (i = 0; i < 2; i++) {
		ok += d[i].r.status == 200;
		conflict += (d[i].r.status == 409 && streq(jstr(d[i].r.json,
		    "params.err"), "LAST_ADMIN")) || d[i].r.status == 401;
	}
	CHECK(ok == 1 && conflict == 1, "the last two admins deleting each "
	    "other at once: HTTP %ld %s and %ld %s, want one 200 and one "
	    "409 LAST_ADMIN (or 401: its caller is gone)", d[0].r.status,
	    str(jstr(d[0].r.json, "params.err")), d[1].r.status,
	    str(jstr(d[1].r.json, "params.err")));
	for (i = 0; i < 2; i++)
		resp_free(&d[i].r);
	CHECK(sql_num("SELECT COUNT(*) FROM consumers c JOIN consumer_groups "
	    "g ON g.consumer_id = c.id WHERE g.group_name = 'e2eGuard' AND "
	    "c.username IN ('%s', '%s')", g1, g2) == 1, "not one admin left");
done:
	free(auth2);
}

/*
 * A server thread is waiting for a row lock.  The server refreshes
 * innodb_trx only after 100 ms without a read of it: polled faster, it
 * never changes.
 */
#define LOCK_POLL_MS	150

static int
lock_waiting(void *arg)
{
	(void)arg;
	return sql_num("SELECT COUNT(*) FROM information_schema.innodb_trx "
	    "WHERE trx_state = 'LOCK WAIT'") > 0;
}

/*
 * A change that loses a deadlock is run again, and answers.  Here the
 * delete of a second admin waits in its admin check (a locking read)
 * for the first admin's rows, which this test's transaction has
 * deleted, until this test reads the rows the delete took.  The server
 * rolls the delete back (this test's transaction, with 500 rows of
 * ballast, is the heavier one); adminutil runs it again, on the
 * statement that failed mid-result, and it passes once this test rolls
 * back.
 */
static void
deadlock_retry(const char *g1, const char *auth)
{
	char		 g3[NAMESZ];
	struct duel	 d = { g3, auth, { 0 } };
	pthread_t	 t;
	MYSQL		*tx = NULL;
	long long	 id1, id3;
	int		 locked;

	if (guard_admin(g3, "loser", auth, NULL) == -1)
		return;
	id1 = sql_num("SELECT id FROM consumers WHERE username = '%s'", g1);
	id3 = sql_num("SELECT id FROM consumers WHERE username = '%s'", g3);
	if (!CHECK(id1 > 0 && id3 > 0, "the deadlock's consumers") ||
	    sql(db, "CREATE TABLE IF NOT EXISTS e2e_ballast (id INT PRIMARY "
	    "KEY) ENGINE = InnoDB") == -1 || (tx = sql_open()) == NULL ||
	    sql(tx, "SET SESSION TRANSACTION ISOLATION LEVEL READ "
	    "COMMITTED") == -1 || sql(tx, "START TRANSACTION") == -1 ||
	    sql(tx, "INSERT INTO e2e_ballast SELECT seq FROM seq_1_to_500") ==
	    -1 || sql(tx, "DELETE FROM consumer_groups WHERE consumer_id = "
	    "%lld", id1) == -1)
		goto done;
	if (pthread_create(&t, NULL, duel_run, &d) != 0) {
		CU_FAIL("pthread_create failed");
		goto done;
	}
	locked = CHECK(wait_until(lock_waiting, NULL, 10000, LOCK_POLL_MS),
	    "the delete did not wait for the admin rows this test holds");
	/*
	 * Closes the cycle: this read waits for the rows the delete took,
	 * and sees them again once the server has rolled the delete back.
	 */
	if (locked)
		CHECK(sql_num_on(tx, "SELECT COUNT(*) FROM consumer_groups "
		    "WHERE consumer_id = %lld LOCK IN SHARE MODE", id3) == 1,
		    "the deadlock: this test's read of the loser's rows, want "
		    "them back (the delete rolled back): %s", mysql_error(tx));
	sql(tx, "ROLLBACK");
	pthread_join(t, NULL);
	CHECK(d.r.status == 200, "a delete run again after a deadlock: HTTP "
	    "%ld %s, want 200", d.r.status, str(jstr(d.r.json, "params.err")));
	resp_free(&d.r);
	CHECK(rows("consumers", g3) == 0, "the deadlock's loser was not "
	    "deleted when run again");
done:
	if (tx != NULL)
		mysql_close(tx);
}

/*
 * Nobody locks the operators out: the only admin's last credential
 * cannot be revoked, nor the admin deleted, nor its group granted or
 * revoked away (409 LAST_ADMIN, nothing changed, no audit row); with a
 * second admin, the first may delete it.
 */
static void
test_last_admin(void)
{
	char		 g1[NAMESZ], g2[NAMESZ], key[NAMESZ], *tok = NULL;
	char		*auth = NULL, what[128];
	struct resp	 r;
	long		 len = -1;
	long long	 top;
	size_t		 i;
	static const struct {
		enum rt		 rt;
		const char	*request;
	} tries[] = {
		{ RT_CRED_REVOKE, NULL },
		{ RT_DELETE, NULL },
		{ RT_GRANT, "{\"groups\":[\"contentUser\"]}" },
		{ RT_REVOKE, "{\"groups\":[\"e2eGuard\"]}" },
	};

	if (consumer("guard", "{\"groups\":[\"e2eGuard\"]}", g1, &tok) == -1 ||
	    (auth = bearer(tok)) == NULL ||
	    reconfigure("admin_groups = e2eGuard\n", &len) == -1 ||
	    first_key(g1, auth, key, sizeof(key)) == -1)
		goto done;
	top = audit_top();
	for (i = 0; i < sizeof(tries) / sizeof(tries[0]); i++) {
		snprintf(what, sizeof(what), "the last admin: %s",
		    routes[tries[i].rt].path);
		call_as(&r, tries[i].rt, g1, key, tries[i].request, auth);
		expect_err(what, &r, tries[i].rt, 409, "LAST_ADMIN", NULL);
		resp_free(&r);
	}
	CHECK(audit_top() == top, "refused changes wrote audit rows");
	call_as(&r, RT_READ, g1, NULL, NULL, auth);
	if (expect_ok("the last admin, after", &r, RT_READ) != NULL)
		check_strings("the last admin's groups", "groups",
		    jget(r.json, "result.groups"), GROUPS("e2eGuard"));
	resp_free(&r);
	CHECK(sql_num("SELECT COUNT(*) FROM credentials WHERE `key` = '%s' "
	    "AND revoked_at IS NULL", key) == 1, "the last admin's "
	    "credential was revoked");
	/* A second admin, which the first may delete. */
	(void)guard_admin(g2, "guard2", auth, NULL);
	call_as(&r, RT_DELETE, g2, NULL, NULL, auth);
	expect_ok("the first admin deletes the second", &r, RT_DELETE);
	resp_free(&r);
	call_as(&r, RT_CRED_REVOKE, g1, key, NULL, auth);
	expect_err("the last admin again", &r, RT_CRED_REVOKE, 409,
	    "LAST_ADMIN", NULL);
	resp_free(&r);
	deadlock_retry(g1, auth);
	last_two(g1, auth);
done:
	if (len >= 0)
		(void)reconfigure(NULL, &len);
	free(tok);
	free(auth);
}

/* The answer's resmsgid into out. */
static void
resmsgid_of(const struct resp *r, char *out, size_t sz)
{
	snprintf(out, sz, "%s", str(jstr(r->json, "params.resmsgid")));
}

/* audit/list with request, as the admin; the result or NULL. */
static json_object *
audit_list(struct resp *r, const char *request)
{
	call_as(r, RT_AUDIT, NULL, NULL, request, admin_auth);
	return expect_ok("audit list", r, RT_AUDIT);
}

/* The entries' actions, newest first, are want (route ids). */
static void
check_actions(const char *what, json_object *entries,
    const char *const *want)
{
	size_t	 i, n = json_object_array_length(entries);

	for (i = 0; want[i] != NULL && i < n; i++)
		CHECK(streq(jstr(json_object_array_get_idx(entries, i),
		    "action"), want[i]), "%s: entry %zu is %s, want %s", what,
		    i, str(jstr(json_object_array_get_idx(entries, i),
		    "action")), want[i]);
	CHECK(want[i] == NULL && i == n, "%s: %zu entries, want %zu", what, n,
	    i + (want[i] != NULL));
}

/*
 * One audit row per change, newest first: the action, the admin as
 * actor (consumer and key) from 127.0.0.1, the consumer and key, groups
 * before and after, the answer's resmsgid; paging and since_id; no
 * secret anywhere in the trail.
 */
static void
test_audit_trail(void)
{
	char		 u[NAMESZ], k[NAMESZ], secret[HEX32 + 1], req[NAMESZ + 64];
	char		 rid[6][64];
	struct resp	 r;
	json_object	*res, *entries, *e;
	long long	 grant_id = -1, prev = -1, id;
	size_t		 i;
	static const char *const actions[] = { ID("consumer.delete"),
	    ID("credential.revoke"), ID("credential.register"),
	    ID("consumer.revoke"), ID("consumer.grant"),
	    ID("consumer.create"), NULL };

	fresh(u, sizeof(u), "audited");
	fresh(k, sizeof(k), "auditkey");
	snprintf(req, sizeof(req), "{\"username\":\"%s\"}", u);
	call_as(&r, RT_CREATE, NULL, NULL, req, admin_auth);
	if (expect_ok("create", &r, RT_CREATE) == NULL)
		goto fail;
	snprintf(secret, sizeof(secret), "%s", str(jstr(r.json,
	    "result.secret")));
	resmsgid_of(&r, rid[5], sizeof(rid[5]));
	resp_free(&r);
	call_as(&r, RT_GRANT, u, NULL, "{\"groups\":[\"a\",\"b\"]}",
	    admin_auth);
	resmsgid_of(&r, rid[4], sizeof(rid[4]));
	resp_free(&r);
	call_as(&r, RT_REVOKE, u, NULL, "{\"groups\":[\"a\"]}", admin_auth);
	resmsgid_of(&r, rid[3], sizeof(rid[3]));
	resp_free(&r);
	snprintf(req, sizeof(req), "{\"key\":\"%s\"}", k);
	call_as(&r, RT_CRED_REGISTER, u, NULL, req, admin_auth);
	resmsgid_of(&r, rid[2], sizeof(rid[2]));
	resp_free(&r);
	call_as(&r, RT_CRED_REVOKE, u, k, NULL, admin_auth);
	resmsgid_of(&r, rid[1], sizeof(rid[1]));
	resp_free(&r);
	call_as(&r, RT_DELETE, u, NULL, NULL, admin_auth);
	resmsgid_of(&r, rid[0], sizeof(rid[0]));
	resp_free(&r);

	snprintf(req, sizeof(req), "{\"consumer\":\"%s\"}", u);
	if ((res = audit_list(&r, req)) == NULL)
		goto fail;
	CHECK(json_object_get_int64(jget(res, "count")) == 6, "count %s, "
	    "want 6", jtext(jget(res, "count")));
	entries = jget(res, "entries");
	check_actions("the consumer's trail", entries, actions);
	for (i = 0; i < json_object_array_length(entries) && i < 6; i++) {
		e = json_object_array_get_idx(entries, i);
		id = json_object_get_int64(jget(e, "id"));
		CHECK(prev < 0 || id < prev, "entry %zu: id %lld after %lld: "
		    "not newest first", i, id, prev);
		prev = id;
		CHECK(streq(jstr(e, "actor_kind"), "consumer") &&
		    streq(jstr(e, "actor"), admin_user) &&
		    streq(jstr(e, "actor_key"), admin_key), "entry %zu: the "
		    "actor is not the admin's consumer and key", i);
		CHECK(streq(jstr(e, "remote_addr"), "127.0.0.1"), "entry %zu: "
		    "remote_addr %s", i, str(jstr(e, "remote_addr")));
		CHECK(streq(jstr(e, "consumer"), u), "entry %zu: consumer %s",
		    i, str(jstr(e, "consumer")));
		CHECK(streq(jstr(e, "resmsgid"), rid[i]), "entry %zu: not the "
		    "resmsgid of the change's answer", i);
		CHECK(json_object_get_int64(jget(e, "at")) > now_ms() - 600000,
		    "entry %zu: at is not epoch milliseconds of now", i);
		if (i == 1 || i == 2)
			CHECK(streq(jstr(e, "key"), k), "entry %zu: key %s, "
			    "want the credential's", i, str(jstr(e, "key")));
		if (i == 4)
			grant_id = id;
	}
	if (json_object_array_length(entries) == 6) {
		e = json_object_array_get_idx(entries, 4);
		check_strings("grant: before", "groups_before",
		    jget(e, "change.groups_before"), GROUPS("contentUser"));
		check_strings("grant: after", "groups_after",
		    jget(e, "change.groups_after"), GROUPS("a", "b"));
		e = json_object_array_get_idx(entries, 3);
		check_strings("revoke: before", "groups_before",
		    jget(e, "change.groups_before"), GROUPS("a", "b"));
		check_strings("revoke: after", "groups_after",
		    jget(e, "change.groups_after"), GROUPS("b"));
		e = json_object_array_get_idx(entries, 5);
		CHECK(json_object_get_boolean(jget(e, "change.created")),
		    "create: change.created is not true");
		e = json_object_array_get_idx(entries, 0);
		CHECK(json_object_array_length(jget(e, "change.credentials"))
		    == 2, "delete: change.credentials does not list both keys");
	}
	CHECK(r.body.p != NULL && strstr(r.body.p, secret) == NULL,
	    "the audit trail shows a consumer's secret");
	resp_free(&r);
	CHECK(sql_num("SELECT COUNT(*) FROM audit_log WHERE "
	    "INSTR(`change`, '%s') > 0", secret) == 0, "an audit row holds "
	    "a secret");

	/* Paging, newest first, and since_id. */
	snprintf(req, sizeof(req), "{\"consumer\":\"%s\",\"limit\":2,"
	    "\"offset\":2}", u);
	if ((res = audit_list(&r, req)) != NULL)
		check_actions("limit 2 offset 2", jget(res, "entries"),
		    (const char *const []){ actions[2], actions[3], NULL });
	resp_free(&r);
	snprintf(req, sizeof(req), "{\"consumer\":\"%s\",\"since_id\":%lld}",
	    u, grant_id);
	if ((res = audit_list(&r, req)) != NULL)
		check_actions("since the grant", jget(res, "entries"),
		    (const char *const []){ actions[0], actions[1],
		    actions[2], actions[3], NULL });
	resp_free(&r);
	snprintf(req, sizeof(req), "{\"actor\":\"%s\",\"since_id\":%lld,"
	    "\"limit\":1000}", admin_user, grant_id - 1);
	if ((res = audit_list(&r, req)) != NULL) {
		entries = jget(res, "entries");
		for (i = 0; i < json_object_array_length(entries); i++)
			CHECK(streq(jstr(json_object_array_get_idx(entries, i),
			    "actor"), admin_user), "actor filter: entry %zu "
			    "is another's", i);
		CHECK(json_object_array_length(entries) >= 5, "actor filter: "
		    "%zu entries", json_object_array_length(entries));
	}
	resp_free(&r);
	call_as(&r, RT_AUDIT, NULL, NULL, "{\"limit\":1001}", admin_auth);
	expect_err("audit list, limit 1001", &r, RT_AUDIT, 400, "BAD_REQUEST",
	    NULL);
	resp_free(&r);
	call_as(&r, RT_AUDIT, NULL, NULL, "{\"consumer\":7}", admin_auth);
	expect_err("audit list, consumer 7", &r, RT_AUDIT, 400, "BAD_REQUEST",
	    NULL);
fail:
	resp_free(&r);
}

static const char fail_audit_trigger[] =
    "CREATE TRIGGER e2e_fail_audit BEFORE INSERT ON audit_log "
    "FOR EACH ROW BEGIN IF NEW.consumer LIKE 'e2e-noaudit-%' THEN "
    "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'e2e: no audit'; END IF; "
    "END";

/*
 * A change that fails writes no audit row; a change whose audit row
 * cannot be written is not made.
 */
static void
test_audit_failed(void)
{
	char		 u[NAMESZ], v[NAMESZ];
	struct resp	 r;
	long long	 top;

	top = audit_top();
	call_as(&r, RT_GRANT, fresh(u, sizeof(u), "nosuch"), NULL,
	    "{\"groups\":[\"a\"]}", admin_auth);
	expect_err("grant to no consumer", &r, RT_GRANT, 404,
	    "GROUP_ASSIGN_ERROR", NULL);
	resp_free(&r);
	CHECK(audit_top() == top, "a failed grant wrote an audit row");
	if (create(fresh(v, sizeof(v), "noaudit"), NULL, NULL) == -1)
		return;
	top = audit_top();
	sql(db, "DROP TRIGGER IF EXISTS e2e_fail_audit");
	if (sql(db, "%s", fail_audit_trigger) == -1)
		return;
	call_as(&r, RT_GRANT, v, NULL, "{\"groups\":[\"x\",\"y\"]}",
	    admin_auth);
	expect_err("grant, its audit row failing", &r, RT_GRANT, 500,
	    "INTERNAL_ERROR", NULL);
	resp_free(&r);
	call_as(&r, RT_DELETE, v, NULL, NULL, admin_auth);
	expect_err("delete, its audit row failing", &r, RT_DELETE, 500,
	    "INTERNAL_ERROR", NULL);
	resp_free(&r);
	sql(db, "DROP TRIGGER IF EXISTS e2e_fail_audit");
	CHECK(audit_top() == top, "failed changes wrote audit rows");
	CHECK(rows("consumers", v) == 1, "a delete without its audit row "
	    "was made");
	expect_groups("groups after", RT_READ, v, NULL,
	    GROUPS("contentUser"));
}

/*
 * admin_auth = none: the original network-only model.  No token is
 * needed, the change's actor is "anonymous" with its address, and a
 * warning is logged when the configuration is read.
 */
static void
test_admin_none(void)
{
	char		 u[NAMESZ], req[NAMESZ + 64], *log, *line;
	struct resp	 r;
	json_object	*res;
	long		 len = -1;
	size_t		 before;

	log = au_log();
	before = log != NULL ? strlen(log) : 0;
	free(log);
	if (reconfigure("admin_auth = none\n", &len) == -1)
		goto done;
	snprintf(req, sizeof(req), "{\"username\":\"%s\"}",
	    fresh(u, sizeof(u), "anon"));
	call_as(&r, RT_CREATE, NULL, NULL, req, NULL);
	expect_ok("create without a token, admin_auth = none", &r, RT_CREATE);
	resp_free(&r);
	snprintf(req, sizeof(req), "{\"consumer\":\"%s\"}", u);
	call_as(&r, RT_AUDIT, NULL, NULL, req, NULL);
	if ((res = expect_ok("audit without a token", &r, RT_AUDIT)) != NULL)
		CHECK(streq(jstr(json_object_array_get_idx(jget(res, "entries"),
		    0), "actor_kind"), "anonymous") &&
		    streq(jstr(json_object_array_get_idx(jget(res, "entries"),
		    0), "remote_addr"), "127.0.0.1"), "admin_auth = none: the "
		    "actor is not anonymous from 127.0.0.1");
	resp_free(&r);
	log = au_log();
	line = log != NULL && strlen(log) > before ? log_line(log + before,
	    "admin_auth = none") : NULL;
	CHECK(line != NULL && strstr(line, "warn") != NULL, "admin_auth = "
	    "none: no warning logged at reload");
	free(line);
	free(log);
done:
	if (len >= 0 && reconfigure(NULL, &len) == 0) {
		call_as(&r, RT_READ, u, NULL, NULL, NULL);
		expect_401("admin_auth = jwt again, no token", &r, RT_READ);
		resp_free(&r);
	}
}

/* The text of file path (its first 64 KiB), in a new string. */
static char *
slurp_file(const char *path)
{
	char	 buf[65536];
	FILE	*f;
	size_t	 n;

	if ((f = fopen(path, "r")) == NULL)
		return strdup("");
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strdup(buf);
}

/*
 * The operator commands: --bootstrap-admin reuses the admin it made,
 * in admin_groups; --mint-token signs exp = iat + ttl with the
 * credential's secret (its token is accepted); unknown keys and bad
 * ttls are refused.
 */
static void
test_operator_commands(void)
{
	char		 dir[] = "/tmp/e2e-op.XXXXXX", out[64], u[NAMESZ];
	char		*text = NULL, *dot = NULL, *dot2 = NULL, hdr[8192];
	json_object	*claims = NULL;
	struct resp	 r;
	int		 rc;

	if (!CHECK(mkdtemp(dir) != NULL, "mkdtemp failed"))
		return;
	snprintf(out, sizeof(out), "%s/out", dir);
	rc = run_adminutil(ARGS("--bootstrap-admin", admin_user), NULL, out);
	text = slurp_file(out);
	CHECK(rc == 0 && strstr(text, admin_key) != NULL, "--bootstrap-admin "
	    "of the admin again: exit %d, not its key", rc);
	free(text);
	rc = run_adminutil(ARGS("--mint-token", admin_key, "--ttl", "120"),
	    NULL, out);
	text = slurp_file(out);
	text[strcspn(text, "\n")] = '\0';
	if (CHECK(rc == 0 && (dot = strchr(text, '.')) != NULL &&
	    (dot2 = strchr(dot + 1, '.')) != NULL, "--mint-token: exit %d, "
	    "no token", rc)) {
		claims = b64url_json(dot + 1, (size_t)(dot2 - dot - 1));
		CHECK(claims != NULL && streq(jstr(claims, "iss"), admin_key) &&
		    json_object_get_int64(jget(claims, "exp")) -
		    json_object_get_int64(jget(claims, "iat")) == 120,
		    "--mint-token --ttl 120: not iss = key, exp = iat + 120");
		snprintf(hdr, sizeof(hdr), "Authorization: Bearer %s", text);
		call_as(&r, RT_LIST, NULL, NULL, "{\"limit\":1}", hdr);
		expect_ok("a minted token calls an admin route", &r, RT_LIST);
		resp_free(&r);
	}
	json_object_put(claims);
	free(text);
	rc = run_adminutil(ARGS("--mint-token", fresh(u, sizeof(u), "nokey")),
	    NULL, out);
	text = slurp_file(out);
	CHECK(rc == 1 && strstr(text, "no active credential") != NULL,
	    "--mint-token of no key: exit %d, said %.200s", rc, text);
	free(text);
	rc = run_adminutil(ARGS("--mint-token", admin_key, "--ttl", "0"),
	    NULL, out);
	CHECK(rc == 1, "--mint-token --ttl 0: exit %d", rc);
	/* 366 days always, max_token_lifetime set or not (here it is not). */
	rc = run_adminutil(ARGS("--mint-token", admin_key, "--ttl",
	    "31622401"), NULL, out);
	text = slurp_file(out);
	CHECK(rc == 1 && strstr(text, "31622400") != NULL && strstr(text,
	    "eyJ") == NULL, "--mint-token --ttl of 366 days + 1 s: exit %d, "
	    "said %.200s", rc, strstr(text, "eyJ") != NULL ? "a token" : text);
	free(text);
	rc = run_adminutil(ARGS("--mint-token", admin_key, "--ttl",
	    "94608000000"), NULL, out);
	CHECK(rc == 1, "--mint-token --ttl of 3,000 years: exit %d", rc);
	rc = run_adminutil(ARGS("--mint-token", admin_key, "--ttl",
	    "31622400"), NULL, out);
	CHECK(rc == 0, "--mint-token --ttl of 366 days: exit %d", rc);
	rc = run_adminutil(ARGS("--bootstrap-admin", "bad name"), NULL, out);
	CHECK(rc == 1, "--bootstrap-admin of a name with a space: exit %d",
	    rc);
	unlink(out);
	rmdir(dir);
}

/*
 * The operator commands answer on the terminal whatever log_target is:
 * the result alone on stdout, what went wrong on stderr (and in the log
 * file too); an unknown option is named; -t refuses a configuration
 * file that is not there, the compiled-in one included.
 */
static void
test_operator_terminal(void)
{
	char		 dir[] = "/tmp/e2e-opt.XXXXXX", out[64], err[64];
	char		 logf[64], target[100], cfgenv[100], none[64];
	char		 u[NAMESZ], *o, *e, *l, *p, *def;
	const char	*file_env[] = { target, NULL };
	const char	*syslog_env[] = { "ADMINUTIL_LOG_TARGET=syslog", NULL };
	const char	*none_env[] = { cfgenv, NULL };
	int		 rc;

	if (!CHECK(mkdtemp(dir) != NULL, "mkdtemp failed"))
		return;
	snprintf(out, sizeof(out), "%s/out", dir);
	snprintf(err, sizeof(err), "%s/err", dir);
	snprintf(logf, sizeof(logf), "%s/au.log", dir);
	snprintf(none, sizeof(none), "%s/none.conf", dir);
	snprintf(target, sizeof(target), "ADMINUTIL_LOG_TARGET=file:%s", logf);
	snprintf(cfgenv, sizeof(cfgenv), "ADMINUTIL_CONFIG=%s", none);

	/* A key nobody has, log_target a file: said on stderr and logged. */
	rc = run_adminutil_split(conf_path, ARGS("--mint-token",
	    fresh(u, sizeof(u), "nokey")), file_env, out, err);
	o = slurp_file(out);
	e = slurp_file(err);
	l = slurp_file(logf);
	CHECK(rc == 1 && o[0] == '\0' && strstr(e, "adminutil: error: "
	    "--mint-token: no active credential") != NULL &&
	    strstr(l, "no active credential") != NULL, "--mint-token of no "
	    "key, log_target = file: exit %d, stdout \"%.100s\", stderr "
	    "\"%.200s\", log \"%.200s\"", rc, o, e, l);
	free(o);
	free(e);
	free(l);

	/* The same with syslog: stderr still says it. */
	rc = run_adminutil_split(conf_path, ARGS("--mint-token", u),
	    syslog_env, out, err);
	e = slurp_file(err);
	CHECK(rc == 1 && strstr(e, "no active credential") != NULL,
	    "--mint-token of no key, log_target = syslog: exit %d, stderr "
	    "\"%.200s\"", rc, e);
	free(e);

	/* A token: on stdout alone, nothing else there. */
	rc = run_adminutil_split(conf_path, ARGS("--mint-token", admin_key,
	    "--ttl", "60"), file_env, out, err);
	o = slurp_file(out);
	CHECK(rc == 0 && strncmp(o, "eyJ", 3) == 0 && strchr(o, '\n') ==
	    o + strlen(o) - 1, "--mint-token, log_target = file: exit %d, "
	    "stdout is not one token line", rc);
	free(o);

	/* An unknown option and a missing value are named. */
	rc = run_adminutil_split(conf_path, ARGS("--frobnicate"), NULL, out,
	    err);
	e = slurp_file(err);
	CHECK(rc == 1 && strstr(e, "--frobnicate: unknown option") != NULL,
	    "an unknown option: exit %d, said \"%.200s\"", rc, e);
	free(e);
	rc = run_adminutil_split(conf_path, ARGS("--ttl"), NULL, out, err);
	e = slurp_file(err);
	CHECK(rc == 1 && strstr(e, "--ttl: needs a value") != NULL,
	    "--ttl without a value: exit %d, said \"%.200s\"", rc, e);
	free(e);

	/* -t with no configuration file: refused, naming it. */
	rc = run_adminutil_split(NULL, ARGS("-t"), none_env, out, err);
	o = slurp_file(out);
	e = slurp_file(err);
	CHECK(rc == 1 && strstr(o, "configuration ok") == NULL &&
	    strstr(e, none) != NULL, "-t with ADMINUTIL_CONFIG naming no "
	    "file: exit %d, said \"%.200s\"", rc, e);
	free(o);
	free(e);

	/* Without -c nor ADMINUTIL_CONFIG: the compiled-in file, which
	 * --help names. */
	unsetenv("ADMINUTIL_CONFIG");
	run_adminutil_split(NULL, ARGS("--help"), NULL, out, err);
	o = slurp_file(out);
	def = NULL;
	if ((p = strstr(o, "else ")) != NULL) {
		p += 5;
		def = strndup(p, strcspn(p, ";\n"));
	}
	if (CHECK(def != NULL && def[0] == '/', "--help names no default "
	    "configuration file: \"%.300s\"", o)) {
		rc = run_adminutil_split(NULL, ARGS("-t"), NULL, out, err);
		e = slurp_file(err);
		if (access(def, F_OK) == -1)
			CHECK(rc == 1 && strstr(e, def) != NULL, "-t without "
			    "-c, %s not there: exit %d, said \"%.200s\"", def,
			    rc, e);
		else
			CHECK(strstr(e, "No such file") == NULL, "-t without "
			    "-c, %s there: said \"%.200s\"", def, e);
		free(e);
	}
	free(def);
	free(o);

	unlink(out);
	unlink(err);
	unlink(logf);
	rmdir(dir);
}

/* Writes text into dir/name; 0, or -1. */
static int
put_file(const char *dir, const char *name, const char *text, char *path,
    size_t sz)
{
	FILE	*f;

	snprintf(path, sz, "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	fputs(text, f);
	return fclose(f) == 0 ? 0 : -1;
}

/*
 * -t --db: passes on the instance, and fails (exit 1, the reason on
 * stderr, no secret shown) with a wrong database password, a seal ring
 * that does not open the rows, none at all, a migration not applied
 * and a database newer than the schema files.
 */
static void
test_check_db(void)
{
	char		 dir[] = "/tmp/e2e-tdb.XXXXXX", out[64], err[64];
	char		 pass[100], key[100], future[64], older[64], junk[100];
	char		 e_pass[200], e_key[200], e_future[200], e_older[200];
	char		*o, *e, secret[128], *p;
	const char	*no_ring[] = { "ADMINUTIL_SEAL_KEY_FILE=", NULL };
	const char	*bad_pass[] = { e_pass, NULL };
	const char	*other_ring[] = { e_key, NULL };
	const char	*ahead[] = { e_future, NULL };
	const char	*behind[] = { e_older, NULL };
	int		 rc;
	size_t		 i;
	const struct {
		const char		*what;
		const char *const	*env;
		const char		*said;
	} bad[] = {
		{ "a wrong database password", bad_pass, "Access denied" },
		{ "another seal ring", other_ring, "cannot open" },
		{ "no seal ring", no_ring, "cannot open" },
		{ "a migration not applied", ahead,
		    "999_future.sql is not applied" },
		{ "a database newer than the schema files", behind,
		    "newer than this adminutil knows" },
	};

	if (!CHECK(mkdtemp(dir) != NULL, "mkdtemp failed"))
		return;
	snprintf(out, sizeof(out), "%s/out", dir);
	snprintf(err, sizeof(err), "%s/err", dir);
	snprintf(future, sizeof(future), "%s/ahead", dir);
	snprintf(older, sizeof(older), "%s/behind", dir);
	snprintf(key, sizeof(key), "%s/other.key", dir);
	if (!CHECK(put_file(dir, "pass", "not-the-password\n", pass,
	    sizeof(pass)) == 0 && mkdir(future, 0700) == 0 &&
	    mkdir(older, 0700) == 0 && put_file(future, "999_future.sql",
	    "", junk, sizeof(junk)) == 0 && put_file(older,
	    "001_initial.sql", "", junk, sizeof(junk)) == 0, "cannot make "
	    "the files of the case"))
		goto out;
	rc = run_adminutil(ARGS("--seal-keygen", key), NULL, out);
	if (!CHECK(rc == 0, "--seal-keygen: exit %d", rc))
		goto out;
	/* The admin's secret, which no answer below may show. */
	rc = run_adminutil_split(conf_path, ARGS("--bootstrap-admin",
	    admin_user), NULL, out, err);
	o = slurp_file(out);
	secret[0] = '\0';
	if ((p = strstr(o, "secret=")) != NULL)
		snprintf(secret, sizeof(secret), "%.*s",
		    (int)strcspn(p + 7, "\n"), p + 7);
	free(o);
	if (!CHECK(rc == 0 && strlen(secret) >= 16, "--bootstrap-admin did "
	    "not show the admin's secret (exit %d)", rc))
		goto out;
	snprintf(e_pass, sizeof(e_pass), "ADMINUTIL_DB_PASSWORD_FILE=%s",
	    pass);
	snprintf(e_key, sizeof(e_key), "ADMINUTIL_SEAL_KEY_FILE=%s", key);
	snprintf(e_future, sizeof(e_future), "ADMINUTIL_SCHEMA_DIR=%s",
	    future);
	snprintf(e_older, sizeof(e_older), "ADMINUTIL_SCHEMA_DIR=%s", older);

	/* Without --db -t passes them all: it does not read the database. */
	rc = run_adminutil_split(conf_path, ARGS("-t"), bad_pass, out, err);
	CHECK(rc == 0, "-t with a wrong password (no --db): exit %d", rc);

	rc = run_adminutil_split(conf_path, ARGS("-t", "--db"), NULL, out,
	    err);
	o = slurp_file(out);
	e = slurp_file(err);
	CHECK(rc == 0 && strstr(o, "database ok: schema version 13") != NULL &&
	    strstr(o, "configuration ok") != NULL, "-t --db on the instance: "
	    "exit %d, stdout \"%.200s\", stderr \"%.300s\"", rc, o, e);
	free(o);
	free(e);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		rc = run_adminutil_split(conf_path, ARGS("-t", "--db"),
		    bad[i].env, out, err);
		o = slurp_file(out);
		e = slurp_file(err);
		CHECK(rc == 1 && strstr(o, "ok") == NULL && strstr(e,
		    bad[i].said) != NULL && strstr(e, secret) == NULL,
		    "-t --db with %s: exit %d, stdout \"%.100s\", stderr "
		    "\"%.300s\", want it to say %s", bad[i].what, rc, o, e,
		    bad[i].said);
		free(o);
		free(e);
	}

	rc = run_adminutil_split(conf_path, ARGS("--db"), NULL, out, err);
	e = slurp_file(err);
	CHECK(rc == 1 && strstr(e, "only with -t") != NULL, "--db alone: "
	    "exit %d, said \"%.200s\"", rc, e);
	free(e);
out:
	unlink(out);
	unlink(err);
	unlink(pass);
	unlink(key);
	snprintf(junk, sizeof(junk), "%s/999_future.sql", future);
	unlink(junk);
	snprintf(junk, sizeof(junk), "%s/001_initial.sql", older);
	unlink(junk);
	rmdir(future);
	rmdir(older);
	rmdir(dir);
}

/* buf is "<the directory of E2E_CONF>/name": the run's directory. */
static char *
run_path(char *buf, size_t sz, const char *name)
{
	char	 conf[1024];

	snprintf(conf, sizeof(conf), "%s", conf_path);
	snprintf(buf, sz, "%s/%s", dirname(conf), name);
	return buf;
}

/* The text of file path, in a new string ("" when it is not there). */
static char *
file_text(const char *path)
{
	FILE	*f;
	char	*t = NULL;
	size_t	 n = 0;

	if ((f = fopen(path, "r")) == NULL || getdelim(&t, &n, '\0', f) ==
	    -1) {
		free(t);
		t = strdup("");
	}
	if (f != NULL)
		fclose(f);
	return t;
}

/* A list call as the admin; the answer's resmsgid into rid. */
static void
listed_call(char *rid, size_t sz)
{
	struct resp	 r;

	call_as(&r, RT_LIST, NULL, NULL, "{\"limit\":1}", admin_auth);
	expect_ok("list", &r, RT_LIST);
	snprintf(rid, sz, "resmsgid=%s", str(jstr(r.json, "params.resmsgid")));
	resp_free(&r);
}

/*
 * Every admin call leaves an access line (route, status, duration,
 * actor, its key, address, resmsgid), never a token; log_target =
 * file:PATH takes the lines, and SIGUSR1 opens the file again after
 * logrotate moved it.
 */
static void
test_admin_logs(void)
{
	char		 path[1200], moved[1300];
	char		 text[1400], rid[64], rid2[64], *log, *line;
	const char	*tok = strrchr(admin_auth, ' ');
	long		 len = -1;

	listed_call(rid, sizeof(rid));
	log = au_log();
	line = log_line(log, rid);
	CHECK(line != NULL && strstr(line, "access route=" ID("consumer.list")
	    " status=200 us=") != NULL && strstr(line, admin_user) != NULL &&
	    strstr(line, admin_key) != NULL && strstr(line,
	    "remote_addr=127.0.0.1") != NULL, "no access line with route, "
	    "status, duration, actor, key and address: %s", str(line));
	CHECK(tok != NULL && strstr(log, tok + 1) == NULL, "the admin's token "
	    "is in the log");
	free(line);
	free(log);
	/* To a file, and again after it was moved. */
	run_path(path, sizeof(path), "au-file.log");
	snprintf(moved, sizeof(moved), "%s.1", path);
	snprintf(text, sizeof(text), "log_target = file:%s\n", path);
	if (reconfigure(text, &len) == -1)
		goto done;
	listed_call(rid, sizeof(rid));
	log = file_text(path);
	CHECK(strstr(log, rid) != NULL, "log_target = file: the access line "
	    "is not in %s", path);
	free(log);
	if (!CHECK(rename(path, moved) == 0, "cannot move the log") ||
	    !CHECK(kill(master, SIGUSR1) == 0, "cannot signal the master"))
		goto done;
	sleep_ms(300);
	listed_call(rid2, sizeof(rid2));
	sleep_ms(100);
	log = file_text(path);
	CHECK(strstr(log, rid2) != NULL, "after SIGUSR1, the new file does not "
	    "get the lines");
	free(log);
	log = file_text(moved);
	CHECK(strstr(log, rid) != NULL && strstr(log, rid2) == NULL, "the "
	    "moved file lost its lines, or got the new ones");
	free(log);
done:
	if (len >= 0)
		(void)reconfigure(NULL, &len);
	unlink(path);
	unlink(moved);
}

/* systemd */

/* A unix socket at path: a listening stream or a bound datagram one. */
static int
unix_socket(const char *path, int type)
{
	struct sockaddr_un	 sun;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		return -1;
	memcpy(sun.sun_path, path, strlen(path));
	unlink(path);
	if ((fd = socket(AF_UNIX, type, 0)) == -1)
		return -1;
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    (type == SOCK_STREAM && listen(fd, 16) == -1)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The next message on the notify socket within ms; "" when none. */
static void
notified(int fd, char *buf, size_t sz, int ms)
{
	struct pollfd	 p = { fd, POLLIN, 0 };
	ssize_t		 n;

	buf[0] = '\0';
	if (poll(&p, 1, ms) == 1 && (n = recv(fd, buf, sz - 1, 0)) > 0)
		buf[n] = '\0';
}

/* Waits for a message holding want; 1 if it came within ms. */
static int
notified_of(int fd, const char *want, int ms)
{
	char		 buf[512];
	long long	 end = now_ms() + ms;

	while (now_ms() < end) {
		notified(fd, buf, sizeof(buf), (int)(end - now_ms()));
		if (strstr(buf, want) != NULL)
			return 1;
	}
	return 0;
}

/* One FastCGI record of type t (1 BEGIN, 4 PARAMS, 5 STDIN) for id 1. */
static void
fcgi_record(FILE *f, int t, const unsigned char *c, size_t n)
{
	unsigned char	 h[8] = { 1, (unsigned char)t, 0, 1,
	    (unsigned char)(n >> 8), (unsigned char)n, 0, 0 };

	fwrite(h, 1, 8, f);
	if (n > 0)
		fwrite(c, 1, n, f);
}

/* A connection to the unix socket at path, or -1. */
static int
unix_connect(const char *path)
{
	struct sockaddr_un	 sun;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		return -1;
	memcpy(sun.sun_path, path, strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Sends GET /health over FastCGI on fd, with the parameter
 * SANDBOX_PROBE = probe unless NULL (tests/e2e/probe.c), and
 * FCGI_KEEP_CONN if keep; 0 or -1.
 */
static int
fcgi_send_health(int fd, const char *probe, int keep)
{
	const unsigned char begin[8] = { 0, 1, keep ? 1 : 0, 0, 0, 0, 0, 0 };
	unsigned char		 params[256], *p = params;
	const char		*kv[] = { "REQUEST_METHOD", "GET", "REQUEST_URI",
	    "/health", "HTTP_HOST", "localhost", "SANDBOX_PROBE", probe };
	char			*msg = NULL;
	size_t			 mlen = 0, i, kl, vl;
	FILE			*f;
	int			 rc;

	for (i = 0; i < (probe != NULL ? 8u : 6u); i += 2) {
		kl = strlen(kv[i]);
		vl = strlen(kv[i + 1]);
		*p++ = (unsigned char)kl;
		*p++ = (unsigned char)vl;
		memcpy(p, kv[i], kl);
		memcpy(p + kl, kv[i + 1], vl);
		p += kl + vl;
	}
	if ((f = open_memstream(&msg, &mlen)) == NULL)
		return -1;
	fcgi_record(f, 1, begin, sizeof(begin));
	fcgi_record(f, 4, params, (size_t)(p - params));
	fcgi_record(f, 4, NULL, 0);
	fcgi_record(f, 5, NULL, 0);
	fclose(f);
	rc = write(fd, msg, mlen) == (ssize_t)mlen ? 0 : -1;
	free(msg);
	return rc;
}

/*
 * Reads the answer on fd until the connection closes, or until its
 * FCGI_END_REQUEST record when keep, waiting ms at most for each read
 * (0: no bound); its text, "" when the connection closed with none,
 * NULL when a read waited ms.
 */
static char *
fcgi_answer(int fd, int keep, long ms)
{
	struct timeval	 tv = { ms / 1000, ms % 1000 * 1000 };
	unsigned char	 buf[4096];
	char		*out = NULL;
	size_t		 olen = 0, at = 0, i;
	ssize_t		 n;
	FILE		*o;
	int		 end = 0;

	if (ms > 0 && setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
	    sizeof(tv)) == -1)
		return NULL;
	if ((o = open_memstream(&out, &olen)) == NULL)
		return NULL;
	while (!end && (n = read(fd, buf, sizeof(buf))) > 0) {
		fwrite(buf, 1, (size_t)n, o);
		fflush(o);
		/* The records so far: an FCGI_END_REQUEST (3) ends a kept one. */
		while (keep && at + 8 <= olen) {
			if ((unsigned char)out[at + 1] == 3)
				end = 1;
			at += 8 + ((size_t)(unsigned char)out[at + 4] << 8 |
			    (unsigned char)out[at + 5]) +
			    (unsigned char)out[at + 6];
		}
	}
	fclose(o);
	if (!end && n == -1) {
		free(out);
		return NULL;
	}
	/* The records' headers hold NULs: text, to be searched. */
	for (i = 0; i < olen; i++)
		if (out[i] == '\0')
			out[i] = ' ';
	return out;
}

/*
 * GET /health over FastCGI on the socket at path, with the parameter
 * SANDBOX_PROBE = probe unless NULL; the answer's text, "" when the
 * connection closed with none.
 */
static char *
fcgi_health(const char *path, const char *probe)
{
	char	*out = NULL;
	int	 fd;

	if ((fd = unix_connect(path)) == -1)
		return NULL;
	if (fcgi_send_health(fd, probe, 0) == 0)
		out = fcgi_answer(fd, 0, 0);
	close(fd);
	return out;
}

/*
 * Under systemd: the socket it passes is the one served (the
 * configuration's listen is not opened, and not removed at the end),
 * READY=1 once the workers run, RELOADING=1 then READY=1 on SIGHUP,
 * STOPPING=1 on SIGTERM.
 */
static void
test_systemd(void)
{
	char		 act[1200], nsock[1200];
	char		 never[1200], pidf[1200], e1[1300], e2[1300], e3[1300];
	char		 e4[1300], *answer;
	pid_t		 pid;
	int		 lfd = -1, nfd = -1, st;

	run_path(act, sizeof(act), "act.sock");
	run_path(nsock, sizeof(nsock), "notify.sock");
	run_path(never, sizeof(never), "never.sock");
	run_path(pidf, sizeof(pidf), "act.pid");
	/* The notify socket, as systemd's: any user may write to it. */
	if (!CHECK((lfd = unix_socket(act, SOCK_STREAM)) != -1 && (nfd =
	    unix_socket(nsock, SOCK_DGRAM)) != -1 && chmod(nsock, 0666) == 0,
	    "cannot make the sockets"))
		goto done;
	snprintf(e1, sizeof(e1), "ADMINUTIL_LISTEN=unix:%s", never);
	snprintf(e2, sizeof(e2), "ADMINUTIL_PID_FILE=%s", pidf);
	snprintf(e3, sizeof(e3), "NOTIFY_SOCKET=%s", nsock);
	snprintf(e4, sizeof(e4), "ADMINUTIL_AUTH_LISTEN=");
	if ((pid = fork()) == -1)
		goto done;
	if (pid == 0) {
		char	 lp[32];

		dup2(lfd, 3);
		snprintf(lp, sizeof(lp), "%ld", (long)getpid());
		setenv("LISTEN_PID", lp, 1);
		setenv("LISTEN_FDS", "1", 1);
		setenv("LISTEN_FDNAMES", "admin", 1);
		putenv(e1);
		putenv(e2);
		putenv(e3);
		putenv(e4);
		execl(bin, bin, "-c", conf_path, (char *)NULL);
		_exit(127);
	}
	CHECK(notified_of(nfd, "READY=1", 10000), "no READY=1 within 10 s");
	answer = fcgi_health(act, NULL);
	CHECK(answer != NULL && strstr(answer, "\"healthy\":true") != NULL,
	    "the passed socket does not answer /health: %.300s",
	    answer != NULL ? answer : "(nothing)");
	free(answer);
	CHECK(access(never, F_OK) == -1, "the configuration's listen was "
	    "opened beside the passed socket");
	kill(pid, SIGHUP);
	CHECK(notified_of(nfd, "RELOADING=1", 5000) &&
	    notified_of(nfd, "READY=1", 5000), "SIGHUP: no RELOADING=1 then "
	    "READY=1");
	kill(pid, SIGTERM);
	CHECK(notified_of(nfd, "STOPPING=1", 5000), "SIGTERM: no STOPPING=1");
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 0, "the instance did not stop cleanly");
	CHECK(access(act, F_OK) == 0, "the passed socket was removed at the "
	    "end: it is systemd's");
done:
	if (lfd != -1)
		close(lfd);
	if (nfd != -1)
		close(nfd);
	unlink(act);
	unlink(nsock);
	unlink(pidf);
}

/* sandbox */

/*
 * An instance of one worker on the socket sock, with the probe library
 * preloaded, sandbox = mode, logging to log; its pid.
 */
static pid_t
probed_instance(const char *sock, const char *pidf, const char *log,
    const char *mode)
{
	const char	*asan = getenv("ASAN_OPTIONS");
	char		 e[6][1300];
	pid_t		 pid;
	int		 i;

	snprintf(e[0], sizeof(e[0]), "ADMINUTIL_LISTEN=unix:%s", sock);
	snprintf(e[1], sizeof(e[1]), "ADMINUTIL_PID_FILE=%s", pidf);
	snprintf(e[2], sizeof(e[2]), "ADMINUTIL_LOG_TARGET=file:%s", log);
	snprintf(e[3], sizeof(e[3]), "ADMINUTIL_SANDBOX=%s", mode);
	snprintf(e[4], sizeof(e[4]), "LD_PRELOAD=%s", probe_lib);
	/* The sanitizers' runtime must come first; here it comes second. */
	snprintf(e[5], sizeof(e[5]), "ASAN_OPTIONS=%s%sverify_asan_link_order=0",
	    asan != NULL ? asan : "", asan != NULL ? ":" : "");
	if ((pid = fork()) != 0)
		return pid;
	for (i = 0; i < 6; i++)
		putenv(e[i]);
	setenv("ADMINUTIL_WORKERS", "1", 1);
	setenv("ADMINUTIL_AUTH_LISTEN", "", 1);
	execl(bin, bin, "-c", conf_path, (char *)NULL);
	_exit(127);
}

/* A file and a text it should come to hold. */
struct holds {
	const char	*path, *text;
};

static int
file_holds(void *arg)
{
	struct holds	*h = arg;
	char		*t = file_text(h->path);
	int		 found = strstr(t, h->text) != NULL;

	free(t);
	return found;
}

/* Whether the file at path holds text within ms. */
static int
file_has(const char *path, const char *text, long ms)
{
	struct holds	 h = { path, text };

	return wait_until(file_holds, &h, ms, 50);
}

static int
healthy(void *sock)
{
	char	*a = fcgi_health(sock, NULL);
	int	 ok = a != NULL && strstr(a, "\"healthy\":true") != NULL;

	free(a);
	return ok;
}

/* Whether /health on sock answers healthy within ms. */
static int
serves(const char *sock, long ms)
{
	return wait_until(healthy, (void *)sock, ms, 50);
}

/*
 * A worker made to call execve: under sandbox = kill the kernel kills
 * it (SIGSYS) before the call runs, the master says so and starts
 * another, which serves; under sandbox = log the call fails, is logged
 * by name, and the request is answered by the same worker.
 */
static void
test_sandbox(void)
{
	static const char *const modes[] = { "kill", "log" };
	char		 name[64], sock[1200], pidf[1200];
	char		 log[1200], *answer, *text;
	size_t		 m;
	pid_t		 pid;
	int		 st;

	if (!CHECK(probe_lib != NULL && access(probe_lib, R_OK) == 0,
	    "E2E_PROBE names no library: %s", str(probe_lib)))
		return;
	run_path(sock, sizeof(sock), "sbx.sock");
	run_path(pidf, sizeof(pidf), "sbx.pid");
	for (m = 0; m < 2; m++) {
		snprintf(name, sizeof(name), "sbx-%s.log", modes[m]);
		run_path(log, sizeof(log), name);
		if (!CHECK((pid = probed_instance(sock, pidf, log, modes[m])) >
		    0, "cannot start the instance"))
			return;
		if (!CHECK(serves(sock, 10000), "sandbox = %s: the instance "
		    "does not serve", modes[m]))
			goto stop;
		answer = fcgi_health(sock, "execve");
		if (m == 0) {
			CHECK(answer != NULL && strstr(answer, "healthy") ==
			    NULL, "sandbox = kill: the worker that called "
			    "execve answered: %.200s", str(answer));
			CHECK(file_has(log, "killed by the sandbox", 5000),
			    "sandbox = kill: the master did not log a worker "
			    "killed by the sandbox");
			CHECK(serves(sock, 5000), "sandbox = kill: no worker "
			    "serves after the kill");
		} else {
			CHECK(answer != NULL && strstr(answer,
			    "\"healthy\":true") != NULL, "sandbox = log: the "
			    "request was not answered: %.200s", str(answer));
			CHECK(file_has(log, "system call execve", 5000),
			    "sandbox = log: the refused execve is not logged");
			text = file_text(log);
			CHECK(strstr(text, "killed") == NULL && strstr(text,
			    "exited") == NULL, "sandbox = log: a worker died");
			free(text);
		}
		free(answer);
stop:
		kill(pid, SIGTERM);
		CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
		    WEXITSTATUS(st) == 0, "sandbox = %s: the instance did not "
		    "stop cleanly", modes[m]);
		unlink(log);
	}
}

/*
 * Root with no user: adminutil refuses to serve (exit 1, a message, no
 * socket made) and -t warns; the operator commands still run.  Not
 * root: the same configuration serves as the user that started it.
 */
static void
test_root_refused(void)
{
	char		 sock[1200], pidf[1200];
	char		 out[1200], e1[1300], e2[1300], *text;
	const char	*env[] = { "ADMINUTIL_USER=", e1, e2,
	    "ADMINUTIL_AUTH_LISTEN=", NULL };
	const char	*test[] = { "-t", NULL };
	int		 rc;

	run_path(sock, sizeof(sock), "root.sock");
	run_path(pidf, sizeof(pidf), "root.pid");
	run_path(out, sizeof(out), "root.out");
	snprintf(e1, sizeof(e1), "ADMINUTIL_LISTEN=unix:%s", sock);
	snprintf(e2, sizeof(e2), "ADMINUTIL_PID_FILE=%s", pidf);
	if (geteuid() != 0) {
		rc = run_adminutil(test, env, out);
		text = file_text(out);
		CHECK(rc == 0 && strstr(text, "warning") == NULL, "not root, "
		    "no user: -t gives %d: %s", rc, text);
		free(text);
		return;
	}
	rc = run_adminutil(NULL, env, out);
	text = file_text(out);
	CHECK(rc == 1 && strstr(text, "refusing to serve as root") != NULL,
	    "root with no user: exit %d, said: %.300s", rc, text);
	free(text);
	CHECK(access(sock, F_OK) == -1 && access(pidf, F_OK) == -1, "root "
	    "with no user: the socket or the pid file was made");
	rc = run_adminutil(test, env, out);
	text = file_text(out);
	CHECK(rc == 0 && strstr(text, "would refuse to serve") != NULL,
	    "root with no user: -t gives %d without the warning: %.300s", rc,
	    text);
	free(text);
	unlink(sock);
	unlink(pidf);
	unlink(out);
}

/* peers */

/* Whether fd is closed by the other end within ms. */
static int
closed_within(int fd, long ms)
{
	struct pollfd	 p = { fd, POLLIN, 0 };
	char		 c;

	return poll(&p, 1, ms > 0 ? (int)ms : 0) == 1 && read(fd, &c, 1) <= 0;
}

static size_t
discard(void *p, size_t sz, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return sz * n;
}

/* The HTTP status of GET base+path, or 0 when none came within ms. */
static long
status_within(const char *base, const char *path, long ms)
{
	char	 u[1024];
	CURL	*h;
	long	 code = 0;

	snprintf(u, sizeof(u), "%s%s", base, path);
	if ((h = curl_easy_init()) == NULL)
		return 0;
	curl_easy_setopt(h, CURLOPT_URL, u);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, ms);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	if (curl_easy_perform(h) == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(h);
	return code;
}

/* Whether a new connection to sock answers /health within ms. */
static int
healthy_within(const char *sock, long ms)
{
	char	*a = NULL;
	int	 fd, ok;

	if ((fd = unix_connect(sock)) != -1 && fcgi_send_health(fd, NULL,
	    0) == 0)
		a = fcgi_answer(fd, 0, ms);
	ok = a != NULL && strstr(a, "\"healthy\":true") != NULL;
	free(a);
	if (fd != -1)
		close(fd);
	return ok;
}

#define PEERS_MAX	 64

/*
 * Peers that take no worker, on the socket of one pool of nw workers:
 * nw + 2 that connect and say nothing, nw + 2 kept alive (a request
 * with FCGI_KEEP_CONN, answered, then nothing), and one that sends half
 * a record header.  A new connection is answered meanwhile, directly,
 * and through the web server (base+path, want), each within half of
 * peer_timeout (t ms); the half record is closed after t, the silent
 * and idle ones too.
 */
static void
peers_on(const char *pool, const char *sock, size_t nw, long t,
    const char *base, const char *path, long want)
{
	int		 silent[PEERS_MAX], kept[PEERS_MAX], half;
	char		*a;
	long		 code;
	long long	 t0;
	size_t		 i, n = nw + 2, nsilent = 0, nkept = 0, nclosed = 0;

	if (!CHECK(n <= PEERS_MAX, "%s: %zu workers", pool, nw))
		return;
	for (i = 0; i < n; i++)
		if ((silent[nsilent] = unix_connect(sock)) != -1)
			nsilent++;
	for (i = 0; i < n; i++) {
		if ((kept[nkept] = unix_connect(sock)) == -1)
			continue;
		a = fcgi_send_health(kept[nkept], NULL, 1) == 0 ?
		    fcgi_answer(kept[nkept], 1, t / 2) : NULL;
		CHECK(a != NULL && strstr(a, "\"healthy\":true") != NULL,
		    "%s: kept-alive peer %zu of %zu (%zu silent): no answer "
		    "within %ld ms", pool, i + 1, n, nsilent, t / 2);
		free(a);
		nkept++;
	}
	CHECK(nsilent == n && nkept == n, "%s: cannot connect", pool);
	/* Half the header of a record, and then nothing. */
	half = unix_connect(sock);
	CHECK(half != -1 && write(half, "\1\1\0", 3) == 3, "%s: cannot send "
	    "half a record", pool);
	sleep_ms(100);
	for (i = 0; i < 3; i++)
		CHECK(healthy_within(sock, t / 2), "%s: with %zu silent and %zu "
		    "idle kept-alive peers and a half record held, /health "
		    "directly got no answer within %ld ms (try %zu)", pool,
		    nsilent, nkept, t / 2, i + 1);
	code = status_within(base, path, t / 2);
	CHECK(code == want, "%s: with the peers held, %s through %s got %ld "
	    "within %ld ms, want %ld", pool, path, web, code, t / 2, want);
	/* Every peer is dropped about t after it fell silent. */
	t0 = now_ms();
	if (half != -1) {
		CHECK(closed_within(half, t + 2000), "%s: the half record's "
		    "connection is open %ld ms after it", pool, t + 2000);
		CHECK(now_ms() - t0 >= t / 2, "%s: the half record's connection "
		    "closed after %lld ms, before the timeout (%ld ms)", pool,
		    now_ms() - t0, t);
		close(half);
	}
	for (i = 0; i < nsilent; i++) {
		nclosed += closed_within(silent[i], t + 2000 - (now_ms() - t0));
		close(silent[i]);
	}
	for (i = 0; i < nkept; i++) {
		nclosed += closed_within(kept[i], t + 2000 - (now_ms() - t0));
		close(kept[i]);
	}
	CHECK(nclosed == nsilent + nkept, "%s: %zu of %zu silent or idle "
	    "peers still open %ld ms after", pool, nsilent + nkept - nclosed,
	    nsilent + nkept, t + 2000);
}

/*
 * Silent or idle FastCGI peers (local users of the socket's group) take
 * no worker, on the admin pool's socket and on the gateway's, and the
 * workers that served meanwhile are the same: none died.
 */
static void
test_silent_peers(void)
{
	char	 sock[1200], v[64];
	pid_t	 before[64], after[64];
	size_t	 nb, na, i, j, same = 0, nw, naw;
	long	 t = 0;

	if (!CHECK(conf_get("peer_timeout", v, sizeof(v)) == 0 &&
	    (t = strtol(v, NULL, 10) * 1000) >= 2000, "E2E_CONF sets no "
	    "peer_timeout of 2 s or more"))
		return;
	nw = conf_get("workers", v, sizeof(v)) == 0 ? strtoul(v, NULL, 10) :
	    4;
	naw = conf_get("auth_workers", v, sizeof(v)) == 0 ? strtoul(v, NULL,
	    10) : 2;
	nb = children(master, before, 64);
	if (CHECK(conf_get("listen", sock, sizeof(sock)) == 0 &&
	    strncmp(sock, "unix:", 5) == 0, "the admin socket is no unix one"))
		peers_on("admin pool", sock + 5, nw, t, url, "/health", 200);
	/* The gateway's check: a request without a token, 401. */
	if (CHECK(conf_get("auth_listen", sock, sizeof(sock)) == 0 &&
	    strncmp(sock, "unix:", 5) == 0, "no gateway socket") &&
	    CHECK(gw_url != NULL, "no gateway (E2E_GW_URL)"))
		peers_on("gateway pool", sock + 5, naw, t, gw_url,
		    "/content/v1/flag/accept", 401);
	na = children(master, after, 64);
	for (i = 0; i < na && i < 64; i++)
		for (j = 0; j < nb && j < 64; j++)
			same += after[i] == before[j];
	CHECK(nb == conf_workers() && na == nb && same == nb, "the workers "
	    "changed: %zu before, %zu after, %zu the same", nb, na, same);
}

/* Whether o is the JSON of text want. */
static int
json_is(json_object *o, const char *want)
{
	json_object	*w = json_tokener_parse(want);
	int		 eq;

	eq = w != NULL && json_object_equal(o, w);
	json_object_put(w);
	return eq;
}

/* The consumer.limits audit rows of user. */
static long long
limits_rows(const char *user)
{
	return sql_num("SELECT COUNT(*) FROM audit_log WHERE consumer = '%s' "
	    "AND action = '%s'", user, ID("consumer.limits"));
}

/* user's limits as stored: "second,minute,hour,day", NULL as "-". */
static int
stored_limits(const char *user, const char *want)
{
	return sql_num("SELECT COUNT(*) FROM consumers WHERE username = '%s' "
	    "AND CONCAT_WS(',', COALESCE(limit_second, '-'), "
	    "COALESCE(limit_minute, '-'), COALESCE(limit_hour, '-'), "
	    "COALESCE(limit_day, '-')) = '%s'", user, want) == 1;
}

/* The newest audit row of user: its action and change's limits. */
static void
check_limits_audit(const char *what, const char *user, const char *before,
    const char *after)
{
	struct resp	 r;
	json_object	*res, *e;
	char		 req[NAMESZ + 64];

	snprintf(req, sizeof(req), "{\"consumer\":\"%s\",\"limit\":1}", user);
	if ((res = audit_list(&r, req)) != NULL &&
	    CHECK(json_object_array_length(jget(res, "entries")) == 1,
	    "%s: no audit row", what)) {
		e = json_object_array_get_idx(jget(res, "entries"), 0);
		CHECK(streq(jstr(e, "action"), ID("consumer.limits")),
		    "%s: the newest row is %s", what, str(jstr(e, "action")));
		CHECK(json_is(jget(e, "change.limits_before"), before) &&
		    json_is(jget(e, "change.limits_after"), after), "%s: "
		    "change %s, want limits %s then %s", what,
		    jtext(jget(e, "change")), before, after);
	}
	resp_free(&r);
}

/*
 * A consumer's own limits: set, read back (read, list), replaced,
 * cleared, each an audit row naming the consumer with the limits before
 * and after; every bad body a 400 with the envelope that changes
 * nothing; an unknown consumer 404.  The gateway's lookup reads them in
 * its one statement: a credential of a consumer with limits verifies.
 */
static void
test_consumer_limits(void)
{
	static const struct {
		const char	*what, *body;
	} bad[] = {
		{ "no request", "{}" },
		{ "no limits", "{\"request\":{}}" },
		{ "limits null", "{\"request\":{\"limits\":null}}" },
		{ "limits an array", "{\"request\":{\"limits\":[]}}" },
		{ "limits a string", "{\"request\":{\"limits\":\"5000/h\"}}" },
		{ "an unknown window", "{\"request\":{\"limits\":{\"week\":1}}}" },
		{ "a window in capitals",
		    "{\"request\":{\"limits\":{\"Hour\":1}}}" },
		{ "a float", "{\"request\":{\"limits\":{\"hour\":1.5}}}" },
		{ "a whole float", "{\"request\":{\"limits\":{\"hour\":5.0}}}" },
		{ "an exponent", "{\"request\":{\"limits\":{\"hour\":1e3}}}" },
		{ "a string", "{\"request\":{\"limits\":{\"hour\":\"5\"}}}" },
		{ "a boolean", "{\"request\":{\"limits\":{\"hour\":true}}}" },
		{ "a null", "{\"request\":{\"limits\":{\"hour\":null}}}" },
		{ "zero", "{\"request\":{\"limits\":{\"hour\":0}}}" },
		{ "negative", "{\"request\":{\"limits\":{\"hour\":-1}}}" },
		{ "over 10^12",
		    "{\"request\":{\"limits\":{\"hour\":1000000000001}}}" },
		{ "a window twice",
		    "{\"request\":{\"limits\":{\"hour\":1,\"hour\":50000}}}" },
		{ "limits twice", "{\"request\":{\"limits\":{\"hour\":1},"
		    "\"limits\":{}}}" },
		{ "a good window and a bad one",
		    "{\"request\":{\"limits\":{\"day\":5,\"month\":1}}}" },
	};
	char		 u[NAMESZ], v[NAMESZ], ghost[NAMESZ], path[NAMESZ + 64];
	char		 what[256], req[NAMESZ + 64], *tok = NULL, *reader = NULL;
	const char	*set = "{\"hour\":50000,\"minute\":1000}";
	struct resp	 r;
	json_object	*res;
	long long	 n;
	size_t		 i;

	if (create(fresh(u, sizeof(u), "limits"), NULL, NULL) == -1)
		return;
	call_as(&r, RT_READ, u, NULL, NULL, admin_auth);
	if ((res = expect_ok("read, none set", &r, RT_READ)) != NULL)
		CHECK(json_is(jget(res, "limits"), "{}"), "read, none set: "
		    "limits %s, want {}", jtext(jget(res, "limits")));
	resp_free(&r);

	/* Set. */
	n = limits_rows(u);
	snprintf(req, sizeof(req), "{\"limits\":%s}", set);
	call_as(&r, RT_LIMITS, u, NULL, req, admin_auth);
	if ((res = expect_ok("set", &r, RT_LIMITS)) != NULL) {
		check_keys("set", "result", res,
		    (const char *const []){ "username", "limits", NULL });
		CHECK(streq(jstr(res, "username"), u) &&
		    json_is(jget(res, "limits"), set), "set: result %s",
		    jtext(res));
	}
	resp_free(&r);
	CHECK(stored_limits(u, "-,1000,50000,-"), "set: not stored as asked");
	CHECK(limits_rows(u) == n + 1, "set: %lld audit rows, want 1",
	    limits_rows(u) - n);
	check_limits_audit("set", u, "{}", set);

	/* Read back, and listed. */
	call_as(&r, RT_READ, u, NULL, NULL, admin_auth);
	if ((res = expect_ok("read", &r, RT_READ)) != NULL)
		CHECK(json_is(jget(res, "limits"), set), "read: limits %s, "
		    "want %s", jtext(jget(res, "limits")), set);
	resp_free(&r);
	snprintf(req, sizeof(req), "{\"prefix\":\"%s\"}", u);
	call_as(&r, RT_LIST, NULL, NULL, req, admin_auth);
	if ((res = expect_ok("list", &r, RT_LIST)) != NULL)
		CHECK(json_object_array_length(jget(res, "consumers")) == 1 &&
		    json_is(jget(json_object_array_get_idx(jget(res,
		    "consumers"), 0), "limits"), set), "list: %s, want the "
		    "consumer with limits %s", jtext(res), set);
	resp_free(&r);

	/* Each bad body: 400, the envelope, nothing changed or audited. */
	n = limits_rows(u);
	snprintf(path, sizeof(path), "/v1/consumer/%s/limits", u);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(what, sizeof(what), "limits, %s", bad[i].what);
		post_auth(&r, path, bad[i].body, admin_auth);
		expect_err(what, &r, RT_LIMITS, 400, "BAD_REQUEST", NULL);
		resp_free(&r);
		CHECK(stored_limits(u, "-,1000,50000,-"), "%s: the stored "
		    "limits changed", what);
	}
	CHECK(limits_rows(u) == n, "bad bodies wrote %lld audit rows",
	    limits_rows(u) - n);

	/* Replaced whole; an unknown member of request is let by. */
	post_auth(&r, path, "{\"request\":{\"limits\":{\"second\":7,"
	    "\"day\":9},\"note\":\"premium plan\"}}", admin_auth);
	if ((res = expect_ok("replace", &r, RT_LIMITS)) != NULL)
		CHECK(json_is(jget(res, "limits"), "{\"second\":7,\"day\":9}"),
		    "replace: limits %s", jtext(jget(res, "limits")));
	resp_free(&r);
	CHECK(stored_limits(u, "7,-,-,9"), "replace: the set is not the new "
	    "one alone");
	check_limits_audit("replace", u, set, "{\"second\":7,\"day\":9}");

	/* An unknown consumer: 404, nothing made or audited. */
	fresh(ghost, sizeof(ghost), "limitsghost");
	call_as(&r, RT_LIMITS, ghost, NULL, "{\"limits\":{\"hour\":5}}",
	    admin_auth);
	expect_err("an unknown consumer", &r, RT_LIMITS, 404,
	    "CONSUMER_NOT_FOUND", NULL);
	resp_free(&r);
	CHECK(rows("consumers", ghost) == 0 && limits_rows(ghost) == 0,
	    "an unknown consumer: made or audited");

	/*
	 * The lookup that verifies a token reads the limits with the
	 * credential: a reader whose consumer has limits is let in (its
	 * credential read again after the change, the feed told).
	 */
	if (consumer("limitsreader", "{\"groups\":[\"adminutilReader\"]}", v,
	    &tok) == 0 && (reader = bearer(tok)) != NULL) {
		call_as(&r, RT_LIMITS, v, NULL,
		    "{\"limits\":{\"second\":3,\"minute\":4,\"hour\":5,"
		    "\"day\":1000000000000}}", admin_auth);
		expect_ok("a reader's limits", &r, RT_LIMITS);
		resp_free(&r);
		CHECK(stored_limits(v, "3,4,5,1000000000000"), "a reader's "
		    "limits: not stored");
		call_as(&r, RT_READ, u, NULL, NULL, reader);
		expect_ok("read as a reader with limits", &r, RT_READ);
		resp_free(&r);
	}

	/* Cleared. */
	call_as(&r, RT_LIMITS, u, NULL, "{\"limits\":{}}", admin_auth);
	if ((res = expect_ok("clear", &r, RT_LIMITS)) != NULL)
		CHECK(json_is(jget(res, "limits"), "{}"), "clear: limits %s",
		    jtext(jget(res, "limits")));
	resp_free(&r);
	CHECK(stored_limits(u, "-,-,-,-"), "clear: limits left");
	check_limits_audit("clear", u, "{\"second\":7,\"day\":9}", "{}");
	call_as(&r, RT_READ, u, NULL, NULL, admin_auth);
	if ((res = expect_ok("read, cleared", &r, RT_READ)) != NULL)
		CHECK(json_is(jget(res, "limits"), "{}"), "read, cleared: "
		    "limits %s", jtext(jget(res, "limits")));
	resp_free(&r);
	free(tok);
	free(reader);
}

const struct e2e_test admin_tests[] = {
	{ "admin plane: 401 without a token, 403 without the group or on a "
	    "write for a reader, 200 as the admin", test_admin_roles,
	    FULL | SMOKE },
	{ "admin plane: a refusal is logged, never its token",
	    test_admin_refusals_logged, FULL },
	{ "admin plane: the last admin cannot be locked out (409)",
	    test_last_admin, FULL },
	{ "audit: one row per change, its actor, groups, resmsgid; paging",
	    test_audit_trail, FULL },
	{ "audit: a failed change writes none, a change without its row is "
	    "not made", test_audit_failed, FULL },
	{ "limits: a consumer's own set, read, listed, cleared, audited; a "
	    "bad body 400 and nothing changed; 404", test_consumer_limits,
	    FULL },
	{ "admin_auth = none: no token, anonymous actor, a warning",
	    test_admin_none, FULL },
	{ "operator commands: --bootstrap-admin, --mint-token --ttl",
	    test_operator_commands, FULL },
	{ "operator commands: the result on stdout, errors on stderr "
	    "whatever log_target, an unknown option named, -t without a "
	    "file refused", test_operator_terminal, FULL },
	{ "-t --db: the database's schema and every sealed secret checked, "
	    "each failure said", test_check_db, FULL },
	{ "logs: an access line per admin call, log_target = file, SIGUSR1",
	    test_admin_logs, FULL },
	{ "systemd: the passed socket served, READY, RELOADING, STOPPING",
	    test_systemd, FULL },
	{ "sandbox: a worker's execve kills it (kill) and another serves, or "
	    "fails and is logged (log)", test_sandbox, FULL },
	{ "root with no user: refused, -t warns", test_root_refused, FULL },
	{ "peers: silent and idle kept-alive FastCGI connections take no "
	    "worker of either pool; half a record is dropped after "
	    "peer_timeout", test_silent_peers, FULL },
};

const size_t admin_ntests = sizeof(admin_tests) / sizeof(admin_tests[0]);
