/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

#include "build.h"

#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "store/access.h"
#include "store/notice.h"
#include "store/store_int.h"

enum stmt {
	Q_ACCESS_INSERT,
	Q_ACCESS_LOCK,
	Q_ACCESS_DECIDE,
	Q_ACCESS_LIST,
	Q_ACCESS_LIST_DECIDED,
	Q_ACCESS_APPROVED,
	Q_ACCESS_REVOKE,
	Q_WITHDRAWN_OF,
	Q_WITHDRAW,
	Q_WITHDRAW_CLEAR,
	Q_OWNED_IDS,
	Q_PORTAL_OWNER_ADD,
	Q_ACCESS_PENDING,
	Q__MAX
};

const char *const store_access_sql[Q__MAX] = {
#define ACCESS_COLS \
	    "SELECT id, requester, email, group_names, notes, state, reason, " \
	    "note, decided_by, created_at, COALESCE(decided_at, 0), " \
	    "revoked_by, COALESCE(revoked_at, 0) FROM access_requests "
	[Q_ACCESS_INSERT] =
	    "INSERT INTO access_requests (requester, email, group_names, "
	    "notes, created_at) VALUES (?, NULLIF(?, ''), ?, ?, ?)",
	[Q_ACCESS_LOCK] = ACCESS_COLS "WHERE id = ? FOR UPDATE",
	[Q_ACCESS_DECIDE] =
	    "UPDATE access_requests SET state = ?, reason = NULLIF(?, ''), "
	    "note = NULLIF(?, ''), decided_by = ?, decided_at = ? WHERE id = ?",
	[Q_ACCESS_LIST] = ACCESS_COLS
	    "WHERE (? = '' OR requester = ?) AND (? = '' OR state = ?) "
	    "ORDER BY id DESC LIMIT 1000",
	[Q_ACCESS_LIST_DECIDED] = ACCESS_COLS
	    "WHERE state <> 'pending' ORDER BY id DESC LIMIT 1000",
	[Q_ACCESS_APPROVED] =
	    "SELECT group_names FROM access_requests WHERE requester = ? AND "
	    "state = 'approved' ORDER BY id",
	[Q_ACCESS_REVOKE] =
	    "UPDATE access_requests SET state = 'revoked', reason = ?, "
	    "revoked_by = ?, revoked_at = ? WHERE id = ?",
	[Q_WITHDRAWN_OF] =
	    "SELECT group_name FROM access_withdrawn WHERE owner = ?",
	[Q_WITHDRAW] =
	    "INSERT INTO access_withdrawn (owner, group_name, at) "
	    "VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE at = VALUES(at)",
	[Q_WITHDRAW_CLEAR] =
	    "DELETE FROM access_withdrawn WHERE owner = ? AND group_name = ?",
	[Q_OWNED_IDS] =
	    "SELECT id, username FROM consumers WHERE owner = ? ORDER BY id "
	    "FOR UPDATE",
	[Q_PORTAL_OWNER_ADD] =
	    "INSERT IGNORE INTO portal_owners (owner) VALUES (?)",
	[Q_ACCESS_PENDING] =
	    "SELECT COUNT(*) FROM access_requests WHERE state = 'pending' "
	    "AND requester <> ?",
#undef ACCESS_COLS
};
const size_t store_access_sql_n = Q__MAX;

#define run(s, q, a, n, fn, arg, aff) \
	store_run((s), SD_ACCESS, (q), (a), (n), (fn), (arg), (aff))

/* what an admin takes */

enum db_rc
withdraw_taken(struct store *s, long long id, const struct strlist *before,
    const struct strlist *after, json_object **w)
{
	struct strlist	 taken = { 0 };
	struct db_arg	 a[3];
	enum db_rc	 rc;
	char		 owner[STORE_KEY_MAX + 1];
	size_t		 i;

	*w = NULL;
	if ((rc = owner_of(s, id, owner)) != DB_OK || owner[0] == '\0')
		return rc;
	/* What the owner is entitled to may change: its generations wait. */
	if ((rc = owner_turn(s, owner)) != DB_OK)
		return rc;
	for (i = 0; i < before->n; i++)
		if ((after == NULL || !strlist_has(after, before->v[i],
		    before->len[i])) && strlist_add(&taken, before->v[i],
		    before->len[i]) == -1) {
			strlist_free(&taken);
			return DB_ERR;
		}
	a[0] = DB_CSTR(owner);
	a[2] = DB_INT(clock_wall_ms());
	for (i = 0, rc = DB_OK; i < taken.n && rc == DB_OK; i++) {
		a[1] = DB_STR(taken.v[i], taken.len[i]);
		rc = run(s, Q_WITHDRAW, a, 3, NULL, NULL, NULL);
	}
	if (rc == DB_OK && taken.n > 0 && (*w = change_of("owner",
	    json_object_new_string(owner), "groups", strlist_json(&taken),
	    (char *)NULL)) == NULL)
		rc = DB_ERR;
	strlist_free(&taken);
	return rc;
}

/* requests */

/* The JSON text of a list of groups; NULL on no memory. */
static char *
groups_text(const struct strlist *l)
{
	json_object	*a;
	const char	*t;
	char		*s;

	if ((a = strlist_json(l)) == NULL)
		return NULL;
	t = json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
	s = t != NULL ? strdup(t) : NULL;
	json_object_put(a);
	return s;
}

/* Appends the groups of a JSON array text to l, skipping those in it. */
static int
groups_parse(const char *text, struct strlist *l)
{
	json_object	*a, *g;
	size_t		 i, n;
	int		 rc = 0;

	if ((a = json_tokener_parse(text)) == NULL ||
	    !json_object_is_type(a, json_type_array)) {
		json_object_put(a);
		return -1;
	}
	n = json_object_array_length(a);
	for (i = 0; i < n && rc == 0; i++) {
		g = json_object_array_get_idx(a, i);
		if (!json_object_is_type(g, json_type_string))
			continue;
		if (!strlist_has(l, json_object_get_string(g),
		    (size_t)json_object_get_string_len(g)))
			rc = strlist_add(l, json_object_get_string(g),
			    (size_t)json_object_get_string_len(g));
	}
	json_object_put(a);
	return rc;
}

/* What a portal user is entitled to: approved and not withdrawn. */
struct entitle_ctx {
	int			(*allowed)(void *, const char *, size_t);
	void			*arg;
	struct strlist		 withdrawn;
	struct strlist		*out;
	int			 bad;
};

static int
row_withdrawn(void *arg, const struct db_col *c, unsigned n)
{
	struct entitle_ctx	*x = arg;

	(void)n;
	if (strlist_add(&x->withdrawn, c[0].s, c[0].len) == -1)
		x->bad = 1;
	return x->bad;
}

static int
row_approved(void *arg, const struct db_col *c, unsigned n)
{
	struct entitle_ctx	*x = arg;
	struct strlist		 all = { 0 };
	size_t			 i;

	(void)n;
	if (groups_parse(c[0].s, &all) == -1)
		x->bad = 1;
	for (i = 0; i < all.n && !x->bad; i++)
		if ((x->allowed == NULL || x->allowed(x->arg, all.v[i],
		    all.len[i])) && !strlist_has(&x->withdrawn, all.v[i],
		    all.len[i]) && !strlist_has(x->out, all.v[i],
		    all.len[i]) && strlist_add(x->out, all.v[i],
		    all.len[i]) == -1)
			x->bad = 1;
	strlist_free(&all);
	return x->bad;
}

enum db_rc
entitled(struct store *s, const char *owner,
    int (*allowed)(void *, const char *, size_t), void *arg,
    struct strlist *out, int *bad)
{
	struct entitle_ctx	 x;
	struct db_arg		 a = DB_CSTR(owner);
	enum db_rc		 rc;

	memset(&x, 0, sizeof(x));
	x.allowed = allowed;
	x.arg = arg;
	x.out = out;
	strlist_free(out);
	if ((rc = run(s, Q_WITHDRAWN_OF, &a, 1, row_withdrawn, &x,
	    NULL)) == DB_OK && !x.bad)
		rc = run(s, Q_ACCESS_APPROVED, &a, 1, row_approved, &x,
		    NULL);
	strlist_free(&x.withdrawn);
	*bad = x.bad;
	return rc;
}

/* The consumers a portal user made, locked: ids and names. */
struct owned_ids {
	long long	*id;
	struct strlist	 names;
	size_t		 n;
	int		 bad;
};

static int
row_owned_id(void *arg, const struct db_col *c, unsigned n)
{
	struct owned_ids	*x = arg;
	long long		*id;

	(void)n;
	if ((id = reallocarray(x->id, x->n + 1, sizeof(*id))) == NULL ||
	    strlist_add(&x->names, c[1].s, c[1].len) == -1) {
		if (id != NULL)
			x->id = id;
		x->bad = 1;
		return 1;
	}
	x->id = id;
	x->id[x->n++] = db_col_int(&c[0]);
	return 0;
}

/*
 * Request r's approval was revoked: each consumer its requester made
 * loses the groups r gave that no other approval of the requester still
 * gives.  *w: {consumers, groups} for the audit row (NULL: none taken).
 */
static enum db_rc
take_back(struct store *s, const struct access_row *r, json_object **w)
{
	struct owned_ids	 o;
	struct strlist		 keep = { 0 }, gone = { 0 };
	struct db_arg		 a[2];
	enum db_rc		 rc;
	size_t			 i, j;
	int			 bad = 0;

	*w = NULL;
	memset(&o, 0, sizeof(o));
	if ((rc = entitled(s, r->requester, NULL, NULL, &keep, &bad)) !=
	    DB_OK || bad)
		goto out;
	for (i = 0; i < r->groups->n && !bad; i++)
		if (!strlist_has(&keep, r->groups->v[i], r->groups->len[i]) &&
		    strlist_add(&gone, r->groups->v[i], r->groups->len[i]) ==
		    -1)
			bad = 1;
	a[0] = DB_CSTR(r->requester);
	if (bad || gone.n == 0 || (rc = run(s, Q_OWNED_IDS, a, 1,
	    row_owned_id, &o, NULL)) != DB_OK || o.bad || o.n == 0)
		goto out;
	for (i = 0; i < o.n && rc == DB_OK; i++) {
		for (j = 0; j < gone.n && rc == DB_OK; j++)
			rc = group_drop(s, o.id[i], gone.v[j], gone.len[j]);
		if (rc == DB_OK)
			rc = groups_sync(s, o.id[i]);
	}
	if (rc == DB_OK && (*w = change_of("consumers", strlist_json(&o.names),
	    "groups", strlist_json(&gone), (char *)NULL)) == NULL)
		bad = 1;
out:
	if (rc == DB_OK && (bad || o.bad))
		rc = DB_ERR;
	free(o.id);
	strlist_free(&o.names);
	strlist_free(&keep);
	strlist_free(&gone);
	return rc;
}


/* An access request read from a row, with the storage its row needs. */
struct access_buf {
	struct access_row	 row;
	struct strlist		 groups;
	char			*text[8];	/* requester ... revoked_by */
	int			 found, bad;
};

static void
access_buf_free(struct access_buf *b)
{
	size_t	 i;

	strlist_free(&b->groups);
	for (i = 0; i < sizeof(b->text) / sizeof(b->text[0]); i++)
		free(b->text[i]);
	memset(b, 0, sizeof(*b));
}

/* Copies column c (NULL stays NULL) into b->text[i]. */
static const char *
access_keep(struct access_buf *b, size_t i, const struct db_col *c)
{
	if (c->null)
		return NULL;
	if ((b->text[i] = strndup(c->s, c->len)) == NULL)
		b->bad = 1;
	return b->text[i];
}

/* Fills b from the columns of ACCESS_COLS. */
static int
access_read(struct access_buf *b, const struct db_col *c)
{
	access_buf_free(b);
	b->found = 1;
	b->row.id = db_col_int(&c[0]);
	b->row.requester = access_keep(b, 0, &c[1]);
	b->row.email = access_keep(b, 1, &c[2]);
	if (groups_parse(c[3].s, &b->groups) == -1)
		b->bad = 1;
	b->row.groups = &b->groups;
	b->row.notes = access_keep(b, 2, &c[4]);
	b->row.state = access_keep(b, 3, &c[5]);
	b->row.reason = access_keep(b, 4, &c[6]);
	b->row.note = access_keep(b, 5, &c[7]);
	b->row.decided_by = access_keep(b, 6, &c[8]);
	b->row.created_ms = db_col_int(&c[9]);
	b->row.decided_ms = db_col_int(&c[10]);
	b->row.revoked_by = access_keep(b, 7, &c[11]);
	b->row.revoked_ms = db_col_int(&c[12]);
	return b->bad ? -1 : 0;
}

static int
row_access_one(void *arg, const struct db_col *c, unsigned n)
{
	(void)n;
	(void)access_read(arg, c);
	return 1;
}

/*
 * Writes the notices of row (notice.h) into notifications and the
 * outbox, in the transaction under way.
 */
static enum db_rc
notices_write(struct store *s, const struct access_row *row)
{
	struct notices	 l;
	long long	 now = clock_wall_ms();
	enum db_rc	 rc = DB_OK;
	size_t		 i;

	if (notice_of(s->cfg, row, &l) == -1)
		return DB_ERR;
	for (i = 0; i < l.n && rc == DB_OK; i++)
		rc = l.v[i].mail ? outbox_put(s, l.v[i].to, l.v[i].subject,
		    l.v[i].text, now) : inbox_put(s, l.v[i].to, row->id,
		    l.v[i].text, now);
	notice_free(&l);
	return rc;
}

/* The audit change of a request: its id, groups and state. */
static json_object *
access_change(const struct access_row *r, const char *before)
{
	return change_of("request", json_object_new_int64(r->id), "groups",
	    strlist_json(r->groups), "state_before", before != NULL ?
	    json_object_new_string(before) : NULL, "state_after",
	    json_object_new_string(r->state), (char *)NULL);
}

struct access_ctx {
	const struct actor	*act;
	const char		*requester, *email, *notes;
	const struct strlist	*groups;
	long long		 id;
	const char		*state, *decider, *text;
	void			(*fn)(void *, const struct access_row *);
	void			*arg;
};

static enum db_rc
access_create_body(struct store *s, void *arg, enum store_rc *out)
{
	struct access_ctx	*x = arg;
	struct access_row	 row;
	struct db_arg		 a[5];
	enum db_rc		 rc;
	char			*text;

	if ((text = groups_text(x->groups)) == NULL) {
		*out = ST_ERR;
		return DB_OK;
	}
	memset(&row, 0, sizeof(row));
	row.created_ms = clock_wall_ms();
	/* The row its generations will lock. */
	a[0] = DB_CSTR(x->requester);
	if ((rc = run(s, Q_PORTAL_OWNER_ADD, a, 1, NULL, NULL,
	    NULL)) != DB_OK) {
		free(text);
		return rc;
	}
	a[1] = DB_CSTR(x->email != NULL ? x->email : "");
	a[2] = DB_CSTR(text);
	a[3] = DB_CSTR(x->notes);
	a[4] = DB_INT(row.created_ms);
	rc = run(s, Q_ACCESS_INSERT, a, 5, NULL, NULL, NULL);
	free(text);
	if (rc != DB_OK)
		return rc;
	row.id = (long long)db_insert_id(s->db);
	row.requester = x->requester;
	row.email = x->email;
	row.groups = x->groups;
	row.notes = x->notes;
	row.state = "pending";
	if ((rc = notices_write(s, &row)) != DB_OK ||
	    (rc = audit(s, x->act, NULL, 0, NULL, 0, access_change(&row,
	    NULL))) != DB_OK)
		return rc;
	x->fn(x->arg, &row);
	return DB_OK;
}

enum store_rc
store_access_create(struct store *s, const struct actor *act,
    const char *requester, const char *email, const struct strlist *groups,
    const char *notes, void (*fn)(void *, const struct access_row *),
    void *arg)
{
	struct access_ctx	 x;

	memset(&x, 0, sizeof(x));
	x.act = act;
	x.requester = requester;
	x.email = email;
	x.groups = groups;
	x.notes = notes;
	x.fn = fn;
	x.arg = arg;
	return ring(tx(s, access_create_body, &x));
}

/* An approval gives its groups again, should an admin have taken them. */
static enum db_rc
unwithdraw(struct store *s, const struct access_row *r)
{
	struct db_arg	 a[2];
	enum db_rc	 rc = DB_OK;
	size_t		 i;

	a[0] = DB_CSTR(r->requester);
	for (i = 0; i < r->groups->n && rc == DB_OK; i++) {
		a[1] = DB_STR(r->groups->v[i], r->groups->len[i]);
		rc = run(s, Q_WITHDRAW_CLEAR, a, 2, NULL, NULL, NULL);
	}
	return rc;
}

/* Request b->row, approved, is revoked by x->decider, with its reason. */
static enum db_rc
revoke_approval(struct store *s, struct access_ctx *x, struct access_buf *b,
    json_object **taken)
{
	struct db_arg	 a[4];
	enum db_rc	 rc;

	b->row.state = "revoked";
	b->row.reason = x->text;
	b->row.revoked_by = x->decider;
	b->row.revoked_ms = clock_wall_ms();
	a[0] = DB_CSTR(x->text);
	a[1] = DB_CSTR(x->decider);
	a[2] = DB_INT(b->row.revoked_ms);
	a[3] = DB_INT(x->id);
	if ((rc = run(s, Q_ACCESS_REVOKE, a, 4, NULL, NULL, NULL)) !=
	    DB_OK)
		return rc;
	return take_back(s, &b->row, taken);
}

static enum db_rc
access_decide_body(struct store *s, void *arg, enum store_rc *out)
{
	struct access_ctx	*x = arg;
	struct access_buf	 b;
	struct db_arg		 a[6];
	json_object		*change, *taken = NULL;
	const char		*from;
	enum db_rc		 rc;
	int			 withdraw = strcmp(x->state, "withdrawn") == 0;
	int			 revoke = strcmp(x->state, "revoked") == 0;

	memset(&b, 0, sizeof(b));
	a[0] = DB_INT(x->id);
	if ((rc = run(s, Q_ACCESS_LOCK, a, 1, row_access_one, &b,
	    NULL)) != DB_OK)
		goto out;
	if (b.bad) {
		*out = ST_ERR;
		goto out;
	}
	/* Another's request is as absent as one that is not there. */
	if (!b.found || (withdraw && strcmp(b.row.requester, x->decider) !=
	    0)) {
		*out = ST_NOT_FOUND;
		goto out;
	}
	from = revoke ? "approved" : "pending";
	if (strcmp(b.row.state, from) != 0) {
		*out = ST_CONFLICT;
		goto out;
	}
	if (!withdraw && strcmp(b.row.requester, x->decider) == 0) {
		*out = ST_FORBIDDEN;	/* nobody decides their own request */
		goto out;
	}
	/*
	 * What the requester is entitled to changes: its generations, on
	 * any node, are before or after this, not beside it.
	 */
	if ((rc = owner_turn(s, b.row.requester)) != DB_OK)
		goto out;
	if (revoke) {
		if ((rc = revoke_approval(s, x, &b, &taken)) != DB_OK)
			goto out;
	} else {
		b.row.state = x->state;
		b.row.decided_by = x->decider;
		b.row.decided_ms = clock_wall_ms();
		if (strcmp(x->state, "rejected") == 0)
			b.row.reason = x->text;
		else if (strcmp(x->state, "approved") == 0)
			b.row.note = x->text;
		a[0] = DB_CSTR(x->state);
		a[1] = DB_CSTR(b.row.reason != NULL ? b.row.reason : "");
		a[2] = DB_CSTR(b.row.note != NULL ? b.row.note : "");
		a[3] = DB_CSTR(x->decider);
		a[4] = DB_INT(b.row.decided_ms);
		a[5] = DB_INT(x->id);
		if ((rc = run(s, Q_ACCESS_DECIDE, a, 6, NULL, NULL,
		    NULL)) != DB_OK || (strcmp(x->state, "approved") == 0 &&
		    (rc = unwithdraw(s, &b.row)) != DB_OK))
			goto out;
	}
	if ((rc = notices_write(s, &b.row)) != DB_OK)
		goto out;
	/* What the decider was told of it waits no more. */
	if (!withdraw && (rc = inbox_read_request(s, x->decider, x->id)) !=
	    DB_OK)
		goto out;
	if ((change = access_change(&b.row, from)) != NULL && taken != NULL) {
		json_object_object_add(change, "taken", taken);
		taken = NULL;
	}
	if ((rc = audit(s, x->act, NULL, 0, NULL, 0, change)) != DB_OK)
		goto out;
	x->fn(x->arg, &b.row);
out:
	json_object_put(taken);
	access_buf_free(&b);
	return rc;
}

enum store_rc
store_access_decide(struct store *s, const struct actor *act, long long id,
    const char *state, const char *decider, const char *text,
    void (*fn)(void *, const struct access_row *), void *arg)
{
	struct access_ctx	 x;

	memset(&x, 0, sizeof(x));
	x.act = act;
	x.id = id;
	x.state = state;
	x.decider = decider;
	x.text = text;
	x.fn = fn;
	x.arg = arg;
	return ring(tx(s, access_decide_body, &x));
}

struct access_list_ctx {
	void			(*fn)(void *, const struct access_row *);
	void			*arg;
	struct access_buf	 b;
	int			 bad;
};

static int
row_access_each(void *arg, const struct db_col *c, unsigned n)
{
	struct access_list_ctx	*x = arg;

	(void)n;
	if (access_read(&x->b, c) == -1) {
		x->bad = 1;
		return 1;
	}
	x->fn(x->arg, &x->b.row);
	return 0;
}

enum store_rc
store_access_list(struct store *s, const char *requester, const char *state,
    void (*fn)(void *, const struct access_row *), void *arg)
{
	struct access_list_ctx	 x;
	struct db_arg		 a[4];
	enum db_rc		 rc;

	memset(&x, 0, sizeof(x));
	x.fn = fn;
	x.arg = arg;
	a[0] = a[1] = DB_CSTR(requester != NULL ? requester : "");
	a[2] = a[3] = DB_CSTR(state);
	if (requester == NULL && strcmp(state, "decided") == 0)
		rc = run(s, Q_ACCESS_LIST_DECIDED, NULL, 0, row_access_each,
		    &x, NULL);
	else
		rc = run(s, Q_ACCESS_LIST, a, 4, row_access_each, &x, NULL);
	access_buf_free(&x.b);
	return x.bad ? ST_ERR : map(rc);
}

enum store_rc
store_access_pending(struct store *s, const char *but, long long *n)
{
	struct db_arg	 a = DB_CSTR(but);

	*n = 0;
	return map(run(s, Q_ACCESS_PENDING, &a, 1, row_count, n, NULL));
}
