/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * adminutil-ctl's commands, each one call of the admin plane: the
 * request made from the command line, the result printed.
 */

#include "build.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl/cmd.h"

#define ID(x)	"ekstep.api.am.adminutil." x

/* An option's value as an integer from min to max, or usage error. */
static int
opt_int(const struct args *a, enum opt o, long long min, long long max,
    long long *out)
{
	const char	*s = a->val[o];
	char		*end;
	long long	 n;

	errno = 0;
	n = strtoll(s, &end, 10);
	if (s[0] == '\0' || *end != '\0' || errno != 0 || n < min || n > max ||
	    (s[0] == '+' || s[0] == ' '))
		return usage_err(a, "--%s: \"%s\" is not an integer from %lld "
		    "to %lld", opts[o].name, s, min, max);
	*out = n;
	return CTL_OK;
}

/* Adds the integer option o as member name, when given. */
static int
add_int(struct json_object *req, const struct args *a, enum opt o,
    const char *name, long long min, long long max)
{
	long long	 n = 0;
	int		 rc;

	if (a->val[o] == NULL)
		return CTL_OK;
	if ((rc = opt_int(a, o, min, max, &n)) != CTL_OK)
		return rc;
	json_object_object_add(req, name, json_object_new_int64(n));
	return CTL_OK;
}

static void
add_str(struct json_object *req, const struct args *a, enum opt o,
    const char *name)
{
	if (a->val[o] != NULL)
		json_object_object_add(req, name,
		    json_object_new_string(a->val[o]));
}

/* A path of segments, each percent-encoded: "/v1/consumer/" u "/read". */
static char *
path_of(const char *before, const char *seg1, const char *mid,
    const char *seg2, const char *after)
{
	char	*e1 = NULL, *e2 = NULL, *p = NULL;

	if ((e1 = call_escape(seg1)) == NULL ||
	    (seg2 != NULL && (e2 = call_escape(seg2)) == NULL))
		goto done;
	if (asprintf(&p, "%s%s%s%s%s", before, e1, mid != NULL ? mid : "",
	    e2 != NULL ? e2 : "", after != NULL ? after : "") == -1)
		p = NULL;
done:
	if (p == NULL)
		fprintf(stderr, "adminutil-ctl: out of memory\n");
	free(e1);
	free(e2);
	return p;
}

/* One call, its result printed. */
static int
run(struct ctl *c, const char *route, char *path, struct json_object *req)
{
	struct json_object	*res;
	int			 rc;

	if (path == NULL) {
		json_object_put(req);
		return CTL_UNREACHABLE;
	}
	rc = call(c, route, path, req, NULL, &res);
	free(path);
	if (rc == CTL_OK)
		print_result(c, res);
	json_object_put(res);
	return rc;
}

/*
 * One call of a route named after its command: "/v1/NOUN/ID/VERB",
 * its id "...NOUN.VERB" (the consumer's and the access request's
 * verbs).  req is taken.
 */
static int
run_verb(struct ctl *c, const struct cmd *k, const char *id,
    struct json_object *req)
{
	char	 route[128], before[64], after[64];

	snprintf(route, sizeof(route), ID("%s.%s"), k->noun, k->verb);
	snprintf(before, sizeof(before), "/v1/%s/", k->noun);
	snprintf(after, sizeof(after), "/%s", k->verb);
	return run(c, route, path_of(before, id, NULL, NULL, after), req);
}

/* The groups of grant and revoke: the arguments after the username. */
static struct json_object *
groups_of(const struct args *a)
{
	struct json_object	*g;
	int			 i;

	if ((g = json_object_new_array()) == NULL)
		return NULL;
	for (i = 1; i < a->npos; i++)
		json_object_array_add(g, json_object_new_string(a->pos[i]));
	return g;
}

static int
c_consumer_plain(struct ctl *c, const struct cmd *k, const struct args *a)
{
	return run_verb(c, k, a->pos[0], NULL);
}

static int
c_consumer_groups(struct ctl *c, const struct cmd *k, const struct args *a)
{
	struct json_object	*req = json_object_new_object();

	json_object_object_add(req, "groups", groups_of(a));
	return run_verb(c, k, a->pos[0], req);
}

/* A member of a list's request: option o, a whole number or a text. */
struct member {
	enum opt	 o;
	const char	*name;
	int		 number;	/* 0 to LLONG_MAX */
};

/*
 * The list of k's noun, "/v1/NOUN/list": --offset and --limit, then
 * the members of more (ended by a NULL name), each only when given;
 * a command that does not take an option never has it given.
 */
static int
run_list(struct ctl *c, const struct cmd *k, const struct args *a,
    const struct member *more)
{
	struct json_object	*req = json_object_new_object();
	char			 route[128], path[64];
	int			 rc;

	if ((rc = add_int(req, a, O_OFFSET, "offset", 0, LLONG_MAX)) !=
	    CTL_OK || (rc = add_int(req, a, O_LIMIT, "limit", 1,
	    LLONG_MAX)) != CTL_OK)
		goto fail;
	for (; more->name != NULL; more++) {
		if (!more->number)
			add_str(req, a, more->o, more->name);
		else if ((rc = add_int(req, a, more->o, more->name, 0,
		    LLONG_MAX)) != CTL_OK)
			goto fail;
	}
	snprintf(route, sizeof(route), ID("%s.list"), k->noun);
	snprintf(path, sizeof(path), "/v1/%s/list", k->noun);
	return run(c, route, strdup(path), req);
fail:
	json_object_put(req);
	return rc;
}

static int
c_consumer_list(struct ctl *c, const struct cmd *k, const struct args *a)
{
	static const struct member	 more[] = { { O_PREFIX, "prefix", 0 },
	    { 0, NULL, 0 } };

	return run_list(c, k, a, more);
}

static int
c_consumer_limits(struct ctl *c, const struct cmd *k, const struct args *a)
{
	static const struct {
		enum opt	 o;
		const char	*name;
	} w[] = { { O_SECOND, "second" }, { O_MINUTE, "minute" },
	    { O_HOUR, "hour" }, { O_DAY, "day" } };
	struct json_object	*req, *lim;
	size_t			 i;
	int			 any = 0, rc;

	(void)k;
	for (i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		any |= a->val[w[i].o] != NULL;
	if (!any && a->val[O_CLEAR] == NULL)
		return usage_err(a, "give --second, --minute, --hour or --day "
		    "N, or --clear to take every limit of the consumer off");
	if (any && a->val[O_CLEAR] != NULL)
		return usage_err(a, "--clear with a window: choose one");
	req = json_object_new_object();
	lim = json_object_new_object();
	json_object_object_add(req, "limits", lim);
	for (i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		if ((rc = add_int(lim, a, w[i].o, w[i].name, 1,
		    1000000000000LL)) != CTL_OK) {
			json_object_put(req);
			return rc;
		}
	return run(c, ID("consumer.limits"), path_of("/v1/consumer/",
	    a->pos[0], NULL, NULL, "/limits"), req);
}

/* Reads a PEM file into the request as public_key. */
static int
add_file(struct json_object *req, const struct args *a, enum opt o,
    const char *name)
{
	FILE	*fp;
	char	*buf = NULL;
	size_t	 len = 0, n;
	char	 chunk[4096];

	if (a->val[o] == NULL)
		return CTL_OK;
	if ((fp = fopen(a->val[o], "r")) == NULL)
		return usage_err(a, "--%s %s: %s", opts[o].name, a->val[o],
		    strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		char *nb;

		if (len + n > 1024 * 1024) {
			fclose(fp);
			free(buf);
			return usage_err(a, "--%s %s: larger than 1 MiB",
			    opts[o].name, a->val[o]);
		}
		if ((nb = realloc(buf, len + n + 1)) == NULL) {
			fclose(fp);
			free(buf);
			return CTL_UNREACHABLE;
		}
		buf = nb;
		memcpy(buf + len, chunk, n);
		len += n;
	}
	if (ferror(fp) || len == 0) {
		fclose(fp);
		free(buf);
		return usage_err(a, "--%s %s: %s", opts[o].name, a->val[o],
		    len == 0 ? "empty" : "read error");
	}
	fclose(fp);
	buf[len] = '\0';
	json_object_object_add(req, name, json_object_new_string_len(buf,
	    (int)len));
	free(buf);
	return CTL_OK;
}

/*
 * The secret file, made before the call (so a file that cannot be made
 * stops the command before anything changes): new, 0600, never over
 * another file or through a link.
 */
static int
secret_file_open(const struct args *a, int *fd)
{
	*fd = -1;
	if (a->val[O_SECRET_FILE] == NULL)
		return CTL_OK;
	if (a->val[O_SHOW_SECRET] != NULL)
		return usage_err(a, "--show-secret with --secret-file: "
		    "choose one");
	*fd = open(a->val[O_SECRET_FILE], O_WRONLY | O_CREAT | O_EXCL |
	    O_NOFOLLOW | O_CLOEXEC, 0600);
	if (*fd == -1)
		return usage_err(a, "--secret-file %s: %s%s",
		    a->val[O_SECRET_FILE], strerror(errno), errno == EEXIST ?
		    " (a secret file is never overwritten)" : "");
	return CTL_OK;
}

/*
 * An answer that holds a secret: the secret and the token made with it
 * go to the secret file, or to the terminal with --show-secret, or
 * nowhere; the rest is printed.
 */
static int
run_secret(struct ctl *c, const struct args *a, const char *route,
    char *path, struct json_object *req, int fd)
{
	struct json_object	*res, *v;
	const char		*secret = NULL;
	int			 rc, saved = 1;
	ssize_t			 w;
	size_t			 len, off;

	if (path == NULL) {
		json_object_put(req);
		if (fd != -1) {
			close(fd);
			unlink(a->val[O_SECRET_FILE]);
		}
		return CTL_UNREACHABLE;
	}
	rc = call(c, route, path, req, NULL, &res);
	free(path);
	if (rc != CTL_OK) {
		if (fd != -1) {
			close(fd);
			unlink(a->val[O_SECRET_FILE]);
		}
		return rc;
	}
	/* A public key's credential answers "" or null: no secret. */
	if (json_object_object_get_ex(res, "secret", &v) &&
	    json_object_is_type(v, json_type_string) &&
	    json_object_get_string_len(v) > 0)
		secret = json_object_get_string(v);
	if (fd != -1) {
		if (secret == NULL) {
			fprintf(stderr, "adminutil-ctl: the answer holds no "
			    "secret (a public key's credential, or "
			    "secret_readback = no): %s not written\n",
			    a->val[O_SECRET_FILE]);
			unlink(a->val[O_SECRET_FILE]);
		} else {
			len = strlen(secret);
			for (off = 0; off < len + 1; off += (size_t)w) {
				w = off < len ? write(fd, secret + off,
				    len - off) : write(fd, "\n", 1);
				if (w == -1 && errno == EINTR) {
					w = 0;
					continue;
				}
				if (w <= 0) {
					saved = 0;
					break;
				}
			}
			if (fsync(fd) == -1)
				saved = 0;
		}
		if (close(fd) == -1)
			saved = 0;
		if (!saved)
			fprintf(stderr, "adminutil-ctl: --secret-file %s: "
			    "%s: the change is made, its secret not saved\n",
			    a->val[O_SECRET_FILE], strerror(errno));
	}
	if (a->val[O_SHOW_SECRET] == NULL) {
		/* Taken out of what is printed, both forms. */
		if (json_object_object_get_ex(res, "secret", &v) &&
		    json_object_is_type(v, json_type_string))
			json_object_object_del(res, "secret");
		if (json_object_object_get_ex(res, "token", &v) &&
		    json_object_is_type(v, json_type_string))
			json_object_object_del(res, "token");
	}
	print_result(c, res);
	if (a->val[O_SHOW_SECRET] == NULL && secret != NULL && fd == -1 &&
	    c->output == OUT_TABLE)
		fprintf(stderr, "adminutil-ctl: the secret and its token are "
		    "not shown (--show-secret or --secret-file FILE)\n");
	json_object_put(res);
	return saved ? CTL_OK : CTL_UNSAVED;
}

static int
c_consumer_create(struct ctl *c, const struct cmd *k, const struct args *a)
{
	struct json_object	*req;
	char			*p;
	int			 fd, rc;

	(void)k;
	if ((rc = secret_file_open(a, &fd)) != CTL_OK)
		return rc;
	req = json_object_new_object();
	json_object_object_add(req, "username",
	    json_object_new_string(a->pos[0]));
	p = strdup("/v1/consumer/create");
	return run_secret(c, a, ID("consumer.create"), p, req, fd);
}

static int
c_credential_register(struct ctl *c, const struct cmd *k,
    const struct args *a)
{
	struct json_object	*req = json_object_new_object();
	int			 fd, rc;

	(void)k;
	json_object_object_add(req, "key", json_object_new_string(a->pos[1]));
	add_str(req, a, O_ALGORITHM, "algorithm");
	if ((rc = add_file(req, a, O_PUBLIC_KEY_FILE, "public_key")) !=
	    CTL_OK || (rc = secret_file_open(a, &fd)) != CTL_OK) {
		json_object_put(req);
		return rc;
	}
	return run_secret(c, a, ID("credential.register"),
	    path_of("/v1/consumer/", a->pos[0], NULL, NULL,
	    "/credential/register"), req, fd);
}

static int
c_credential_rotate(struct ctl *c, const struct cmd *k, const struct args *a)
{
	struct json_object	*req = json_object_new_object();
	int			 fd, rc;

	(void)k;
	if ((rc = add_int(req, a, O_GRACE, "grace_seconds", 0, 604800)) !=
	    CTL_OK || (rc = add_file(req, a, O_PUBLIC_KEY_FILE,
	    "public_key")) != CTL_OK ||
	    (rc = secret_file_open(a, &fd)) != CTL_OK) {
		json_object_put(req);
		return rc;
	}
	return run_secret(c, a, ID("credential.rotate"),
	    path_of("/v1/consumer/", a->pos[0], "/credential/", a->pos[1],
	    "/rotate"), req, fd);
}

static int
c_credential_list(struct ctl *c, const struct cmd *k, const struct args *a)
{
	(void)k;
	return run(c, ID("credential.list"), path_of("/v1/consumer/",
	    a->pos[0], NULL, NULL, "/credential/list"), NULL);
}

static int
c_credential_revoke(struct ctl *c, const struct cmd *k, const struct args *a)
{
	(void)k;
	return run(c, ID("credential.revoke"), path_of("/v1/consumer/",
	    a->pos[0], "/credential/", a->pos[1], "/revoke"), NULL);
}

static int
c_audit_list(struct ctl *c, const struct cmd *k, const struct args *a)
{
	static const struct member	 more[] = {
	    { O_SINCE_ID, "since_id", 1 }, { O_CONSUMER, "consumer", 0 },
	    { O_ACTOR, "actor", 0 }, { 0, NULL, 0 } };

	return run_list(c, k, a, more);
}

static int
c_access_list(struct ctl *c, const struct cmd *k, const struct args *a)
{
	static const struct member	 more[] = { { O_STATE, "state", 0 },
	    { 0, NULL, 0 } };

	return run_list(c, k, a, more);
}

static int
c_access_decide(struct ctl *c, const struct cmd *k, const struct args *a)
{
	struct json_object	*req = json_object_new_object();

	if (strcmp(k->verb, "approve") == 0)
		add_str(req, a, O_NOTE, "note");
	else if (a->val[O_REASON] == NULL || a->val[O_REASON][0] == '\0') {
		json_object_put(req);
		return usage_err(a, "--reason is mandatory: the requester is "
		    "told it");
	} else
		add_str(req, a, O_REASON, "reason");
	return run_verb(c, k, a->pos[0], req);
}

/*
 * The token to introspect comes from a file or standard input, never
 * from an argument: it is a bearer credential, and ps shows argv.
 */
static int
c_token_introspect(struct ctl *c, const struct cmd *k, const struct args *a)
{
	struct json_object	*res;
	const char		*src = a->npos > 0 ? a->pos[0] : "-";
	char			 buf[16384], *form = NULL, *esc;
	size_t			 len = 0, n;
	FILE			*fp;
	int			 rc;

	(void)k;
	if (strcmp(src, "-") == 0)
		fp = stdin;
	else if ((fp = fopen(src, "r")) == NULL)
		return usage_err(a, "FILE %s: %s", src, strerror(errno));
	while (len < sizeof(buf) - 1 &&
	    (n = fread(buf + len, 1, sizeof(buf) - 1 - len, fp)) > 0)
		len += n;
	if (fp != stdin)
		fclose(fp);
	buf[len] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	while ((len = strlen(buf)) > 0 && (buf[len - 1] == ' ' ||
	    buf[len - 1] == '\t'))
		buf[len - 1] = '\0';
	if (buf[0] == '\0') {
		explicit_bzero(buf, sizeof(buf));
		return usage_err(a, "no token in %s", strcmp(src, "-") == 0 ?
		    "standard input" : src);
	}
	esc = call_escape(buf);
	explicit_bzero(buf, sizeof(buf));
	if (esc == NULL || asprintf(&form, "token=%s", esc) == -1) {
		if (esc != NULL)
			explicit_bzero(esc, strlen(esc));
		free(esc);
		return CTL_UNREACHABLE;
	}
	explicit_bzero(esc, strlen(esc));
	free(esc);
	rc = call(c, ID("token.introspect"), "/v1/token/introspect", NULL,
	    form, &res);
	explicit_bzero(form, strlen(form));
	free(form);
	if (rc == CTL_OK)
		print_result(c, res);
	json_object_put(res);
	return rc;
}

const struct cmd cmds[] = {
	{ "consumer", "create", "USERNAME", 1, 1, SECRET_OUT,
	    c_consumer_create, "create (or reuse) a consumer; its secret "
	    "only with --show-secret or --secret-file FILE" },
	{ "consumer", "grant", "USERNAME GROUP...", 2, -1, 0,
	    c_consumer_groups, "set the consumer's groups to exactly these" },
	{ "consumer", "read", "USERNAME", 1, 1, 0, c_consumer_plain,
	    "its groups and limits" },
	{ "consumer", "list", "", 0, 0,
	    BIT(O_OFFSET) | BIT(O_LIMIT) | BIT(O_PREFIX), c_consumer_list,
	    "consumers [--offset N] [--limit N] [--prefix TEXT]" },
	{ "consumer", "revoke", "USERNAME GROUP...", 2, -1, 0,
	    c_consumer_groups, "take these groups from the consumer" },
	{ "consumer", "delete", "USERNAME", 1, 1, 0, c_consumer_plain,
	    "delete the consumer and its credentials" },
	{ "consumer", "limits", "USERNAME", 1, 1, BIT(O_SECOND) |
	    BIT(O_MINUTE) | BIT(O_HOUR) | BIT(O_DAY) | BIT(O_CLEAR),
	    c_consumer_limits, "replace its own rate limits: [--second N] "
	    "[--minute N] [--hour N] [--day N] | --clear" },
	{ "credential", "register", "USERNAME KEY", 2, 2, BIT(O_ALGORITHM) |
	    BIT(O_PUBLIC_KEY_FILE) | SECRET_OUT, c_credential_register,
	    "add a credential [--algorithm ALG] [--public-key-file PEM]" },
	{ "credential", "list", "USERNAME", 1, 1, 0, c_credential_list,
	    "its credentials (never a secret)" },
	{ "credential", "rotate", "USERNAME KEY", 2, 2, BIT(O_GRACE) |
	    BIT(O_PUBLIC_KEY_FILE) | SECRET_OUT, c_credential_rotate,
	    "a new secret or key [--grace SECONDS] [--public-key-file PEM]" },
	{ "credential", "revoke", "USERNAME KEY", 2, 2, 0,
	    c_credential_revoke, "revoke the credential" },
	{ "audit", "list", "", 0, 0, BIT(O_OFFSET) | BIT(O_LIMIT) |
	    BIT(O_CONSUMER) | BIT(O_ACTOR) | BIT(O_SINCE_ID), c_audit_list,
	    "the audit trail, newest first [--consumer U] [--actor U] "
	    "[--since-id N] [--offset N] [--limit N]" },
	{ "access", "list", "", 0, 0, BIT(O_STATE), c_access_list,
	    "access requests [--state pending|decided|all|approved|rejected|"
	    "withdrawn|revoked]" },
	{ "access", "approve", "ID", 1, 1, BIT(O_NOTE), c_access_decide,
	    "approve a pending request [--note TEXT]" },
	{ "access", "reject", "ID", 1, 1, BIT(O_REASON), c_access_decide,
	    "reject a pending request --reason TEXT" },
	{ "access", "revoke", "ID", 1, 1, BIT(O_REASON), c_access_decide,
	    "take an approval back --reason TEXT" },
	{ "token", "introspect", "[FILE]", 0, 1, 0, c_token_introspect,
	    "RFC 7662 introspection of the token in FILE or on standard "
	    "input" },
	{ "dump", "", "", 0, 0, BIT(O_MANAGED_BY) | BIT(O_SECRETS) |
	    BIT(O_FILE), c_dump, "every consumer's state as a declarative "
	    "file, YAML (-o json: JSON) [--managed-by TAG] [--secrets --file "
	    "NEWFILE]" },
	{ "diff", "", "FILE", 1, 1, STATE_OPTS, c_diff,
	    "what apply FILE would change, nothing changed (exit 6: "
	    "something would) [--prune] [--adopt]" },
	{ "apply", "", "FILE", 1, 1, STATE_OPTS | BIT(O_SECRET_FILE),
	    c_apply, "set each consumer of FILE as it "
	    "says, one transaction each [--prune] [--adopt] [--secret-file "
	    "NEWFILE]" },
	{ "import", "kong", "URL|DIR", 1, 1, IMPORT_OPTS, c_import,
	    "Kong 0.14's consumers, JWT credentials, groups and limits, from "
	    "its Admin API or its saved pages; a dry run unless --apply "
	    "[--tag T] [--adopt]" },
	{ "import", "deck", "FILE", 1, 1, IMPORT_OPTS, c_import,
	    "the same from a decK file (_format_version 1.1, 2.1, 3.0)" },
	{ NULL, NULL, NULL, 0, 0, 0, NULL, NULL }
};

