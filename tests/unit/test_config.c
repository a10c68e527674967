/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * Unit tests of config.c: defaults, the key = value file, typed and
 * bounded values, the environment over the file, the password file, and
 * error messages that name the key but never a secret.
 */
#include "build.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"
#include "proc/master.h"
#include "unit.h"

extern char	**environ;

/* Temporary files of the test, removed by suite cleanup. */
#define MAX_TMP	 64
static char	 tmpfiles[MAX_TMP][64];
static size_t	 ntmp;

/* Writes content to a new temporary file; its path or NULL. */
static const char *
tmpfile_with(const char *content)
{
	const char	*dir;
	char		*path;
	size_t		 len = strlen(content);
	int		 fd;

	if (ntmp == MAX_TMP)
		return NULL;
	path = tmpfiles[ntmp];
	if ((dir = getenv("TMPDIR")) == NULL || strlen(dir) > 40)
		dir = "/tmp";
	snprintf(path, sizeof(tmpfiles[0]), "%s/adminutil-cfg.XXXXXX", dir);
	if ((fd = mkstemp(path)) == -1)
		return NULL;
	if (write(fd, content, len) != (ssize_t)len) {
		close(fd);
		unlink(path);
		return NULL;
	}
	close(fd);
	ntmp++;
	return path;
}

/* Unsets every ADMINUTIL_* variable so the caller's shell cannot leak in. */
static int
suite_init(void)
{
	char	 name[128], *eq;
	size_t	 i;

	for (i = 0; environ[i] != NULL; ) {
		if (strncmp(environ[i], "ADMINUTIL_", 10) != 0 ||
		    (eq = strchr(environ[i], '=')) == NULL ||
		    (size_t)(eq - environ[i]) >= sizeof(name)) {
			i++;
			continue;
		}
		memcpy(name, environ[i], (size_t)(eq - environ[i]));
		name[eq - environ[i]] = '\0';
		if (unsetenv(name) == -1)
			return -1;
		/* environ changed under us: start over. */
		i = 0;
	}
	return 0;
}

static int
suite_clean(void)
{
	size_t	 i;

	for (i = 0; i < ntmp; i++)
		unlink(tmpfiles[i]);
	ntmp = 0;
	return 0;
}

static void
check_defaults(const struct config *c)
{
	CU_ASSERT_STRING_EQUAL(c->listen, "");
	CU_ASSERT_EQUAL(c->socket_mode, 0660);
	CU_ASSERT_STRING_EQUAL(c->socket_owner, "");
	CU_ASSERT_EQUAL(c->backlog, 1024);
	CU_ASSERT_EQUAL(c->workers, 4);
	CU_ASSERT_STRING_EQUAL(c->user, "");
	CU_ASSERT_STRING_EQUAL(c->log_level, "info");
	CU_ASSERT_STRING_EQUAL(c->db_host, "localhost");
	CU_ASSERT_EQUAL(c->db_port, 3306);
	CU_ASSERT_STRING_EQUAL(c->db_user, "adminutil");
	CU_ASSERT_STRING_EQUAL(c->db_password, "");
	CU_ASSERT_STRING_EQUAL(c->db_password_file, "");
	CU_ASSERT_STRING_EQUAL(c->db_name, "adminutil");
	CU_ASSERT_EQUAL(c->db_connect_timeout, 3);
	CU_ASSERT_EQUAL(c->db_rw_timeout, 30);
	CU_ASSERT_EQUAL(c->peer_timeout, 10);
	CU_ASSERT_STRING_EQUAL(c->schema_dir, SCHEMA_DIR);
	CU_ASSERT_STRING_EQUAL(c->default_group, "contentUser");
	CU_ASSERT_EQUAL(c->max_body, 128 * 1024);
	CU_ASSERT_EQUAL(c->routes, ROUTES_ADMIN | ROUTES_AUTH | ROUTES_HEALTH);
}

static void
test_defaults(void)
{
	struct config	 c;
	char		 err[256] = "";

	memset(&c, 0x5a, sizeof(c));
	config_defaults(&c);
	check_defaults(&c);
	memset(&c, 0x5a, sizeof(c));
	CU_ASSERT_EQUAL(config_load(&c, NULL, err, sizeof(err)), 0);
	check_defaults(&c);
}

static void
test_file(void)
{
	struct config	 c;
	char		 err[512] = "";
	const char	*path;

	path = tmpfile_with(
	    "# adminutil test configuration\n"
	    "\n"
	    "   \n"
	    "workers = 8\n"
	    "backlog=16\n"
	    "  db_host   =   db.example.org   \n"
	    "\tdb_port\t=\t3307\t\n"
	    "log_level = debug   # a trailing comment\n"
	    "    # an indented comment\n"
	    "socket_mode = 0600\n"
	    "listen = /run/adminutil/adminutil.sock\n"
	    "default_group = readers\n"
	    "max_body = 1m\n"
	    "routes = admin,health\n"
	    "db_user =\n"
	    "db_name = a=b\n"
	    "db_rw_timeout = 10");		/* no final newline */
	CU_ASSERT_PTR_NOT_NULL_FATAL(path);
	UNIT_CHECK(config_load(&c, path, err, sizeof(err)) == 0,
	    "config_load: %s", err);
	CU_ASSERT_EQUAL(c.workers, 8);
	CU_ASSERT_EQUAL(c.backlog, 16);
	CU_ASSERT_STRING_EQUAL(c.db_host, "db.example.org");
	CU_ASSERT_EQUAL(c.db_port, 3307);
	CU_ASSERT_STRING_EQUAL(c.log_level, "debug");
	CU_ASSERT_EQUAL(c.socket_mode, 0600);
	CU_ASSERT_STRING_EQUAL(c.listen, "/run/adminutil/adminutil.sock");
	CU_ASSERT_STRING_EQUAL(c.default_group, "readers");
	CU_ASSERT_EQUAL(c.max_body, 1024 * 1024);
	CU_ASSERT_EQUAL(c.routes, ROUTES_ADMIN | ROUTES_HEALTH);
	CU_ASSERT_STRING_EQUAL(c.db_user, "");
	CU_ASSERT_STRING_EQUAL(c.db_name, "a=b");
	CU_ASSERT_EQUAL(c.db_rw_timeout, 10);
	/* Keys not in the file keep their defaults. */
	CU_ASSERT_EQUAL(c.db_connect_timeout, 3);
	CU_ASSERT_STRING_EQUAL(c.schema_dir, SCHEMA_DIR);
}

/* A file's error: names path, line number and what is wrong. */
static void
check_file_error(const char *content, int lineno, const char *needle,
    const char *secret)
{
	struct config	 c;
	char		 err[512] = "", prefix[128];
	const char	*path;

	path = tmpfile_with(content);
	CU_ASSERT_PTR_NOT_NULL_FATAL(path);
	UNIT_CHECK(config_load(&c, path, err, sizeof(err)) == -1,
	    "accepted: %s", content);
	snprintf(prefix, sizeof(prefix), "%s:%d: ", path, lineno);
	UNIT_CHECK(strncmp(err, prefix, strlen(prefix)) == 0,
	    "error \"%s\" does not start \"%s\"", err, prefix);
	UNIT_CHECK(strstr(err, needle) != NULL, "error \"%s\" lacks \"%s\"",
	    err, needle);
	if (secret != NULL)
		UNIT_CHECK(strstr(err, secret) == NULL,
		    "error \"%s\" shows the secret", err);
}

static void
test_file_errors(void)
{
	struct config	 c;
	char		 err[512] = "", line[1100];

	check_file_error("workers = 4\nbogus_key = 1\n", 2, "bogus_key",
	    NULL);
	check_file_error("# comment\n\nworkers 4\n", 3, "expected key = value",
	    NULL);
	check_file_error("just-a-word\n", 1, "expected key = value", NULL);
	check_file_error("workers = 0\n", 1, "workers", NULL);
	check_file_error("\n\n\n\nworkers = many\n", 5, "workers", NULL);
	check_file_error(" = 4\n", 1, "unknown configuration key", NULL);
	check_file_error("socket_mode = 0999\n", 1, "socket_mode", NULL);
	check_file_error("routes = bogus\n", 1, "routes", NULL);
	check_file_error("workers = 4\n# x\nworkers = 8\n", 3,
	    "workers is set again (first at line 1)", NULL);
	check_file_error("db_password = s3cr3t-a\ndb_password = s3cr3t-b\n",
	    2, "db_password is set again", "s3cr3t");

	/* A line over the reader's buffer. */
	memset(line, 'x', sizeof(line));
	memcpy(line, "listen = ", 9);
	line[sizeof(line) - 2] = '\n';
	line[sizeof(line) - 1] = '\0';
	check_file_error(line, 1, "line too long", NULL);

	/* A missing file. */
	CU_ASSERT_EQUAL(config_load(&c, "/nonexistent/adminutil.conf", err,
	    sizeof(err)), -1);
	CU_ASSERT(strstr(err, "/nonexistent/adminutil.conf") != NULL);
}

/* config_set: one key, its text, and whether it must be accepted. */
static void
test_set_table(void)
{
	static const struct {
		const char	*key, *val;
		int		 ok;
	} t[] = {
		{ "workers", "1", 1 },
		{ "workers", "256", 1 },
		{ "workers", "0", 0 },
		{ "workers", "257", 0 },
		{ "workers", "-1", 0 },
		{ "workers", "", 0 },
		{ "workers", "4x", 0 },
		{ "workers", "x4", 0 },
		{ "workers", " 4", 0 },
		{ "workers", "4 ", 0 },
		{ "workers", "4.0", 0 },
		{ "workers", "+4", 0 },
		{ "workers", "0x4", 0 },
		{ "workers", "99999999999999999999999", 0 },
		{ "backlog", "65535", 1 },
		{ "backlog", "65536", 0 },
		{ "db_port", "0", 1 },
		{ "db_port", "65535", 1 },
		{ "db_port", "65536", 0 },
		{ "db_connect_timeout", "3600", 1 },
		{ "db_connect_timeout", "3601", 0 },
		{ "db_rw_timeout", "0", 0 },
		{ "peer_timeout", "1", 1 },
		{ "peer_timeout", "300", 1 },
		{ "peer_timeout", "0", 0 },
		{ "peer_timeout", "301", 0 },
		{ "socket_mode", "0660", 1 },
		{ "socket_mode", "0777", 1 },
		{ "socket_mode", "0", 1 },
		{ "socket_mode", "01000", 0 },
		{ "socket_mode", "0999", 0 },
		{ "socket_mode", "0668", 0 },
		{ "socket_mode", "rw", 0 },
		{ "socket_mode", "", 0 },
		{ "max_body", "16", 1 },
		{ "max_body", "15", 0 },
		{ "max_body", "16m", 1 },
		{ "max_body", "16M", 1 },
		{ "max_body", "17m", 0 },
		{ "max_body", "16777216", 1 },
		{ "max_body", "16777217", 0 },
		{ "max_body", "0k", 0 },
		{ "max_body", "k", 0 },
		{ "max_body", "", 0 },
		{ "max_body", "1g", 0 },
		{ "max_body", "1kk", 0 },
		{ "max_body", "-1k", 0 },
		{ "routes", "admin", 1 },
		{ "routes", "auth,health", 1 },
		{ "routes", "bogus", 0 },
		{ "routes", "admin,bogus", 0 },
		{ "routes", "", 0 },
		{ "routes", ",", 0 },
		{ "routes", "Admin", 0 },
		{ "log_level", "error", 1 },
		{ "log_level", "warn", 1 },
		{ "log_level", "info", 1 },
		{ "log_level", "debug", 1 },
		{ "log_level", "loud", 0 },
		{ "log_level", "", 0 },
		{ "db_host", "", 1 },
		{ "WORKERS", "4", 0 },
		{ "worker", "4", 0 },
		{ "", "4", 0 },
	};
	struct config	 c;
	char		 err[256];
	size_t		 i;
	int		 rc;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		config_defaults(&c);
		err[0] = '\0';
		rc = config_set(&c, t[i].key, t[i].val, err, sizeof(err));
		UNIT_CHECK(rc == (t[i].ok ? 0 : -1), "%s = \"%s\": rc %d (%s)",
		    t[i].key, t[i].val, rc, err);
		if (!t[i].ok)
			UNIT_CHECK(t[i].key[0] == '\0' ||
			    strstr(err, t[i].key) != NULL,
			    "%s = \"%s\": error \"%s\" does not name the key",
			    t[i].key, t[i].val, err);
	}
}

/* Values that are accepted land in the struct as the type says. */
static void
test_set_values(void)
{
	static const struct {
		const char	*val;
		size_t		 want;
	} sizes[] = {
		{ "16", 16 },
		{ "64k", 64 * 1024 },
		{ "64K", 64 * 1024 },
		{ "1m", 1024 * 1024 },
		{ "2M", 2 * 1024 * 1024 },
		{ "16m", 16 * 1024 * 1024 },
		{ "100000", 100000 },
	};
	static const struct {
		const char	*val;
		unsigned	 want;
	} modes[] = {
		{ "0660", 0660 },
		{ "660", 0660 },
		{ "0600", 0600 },
		{ "0777", 0777 },
		{ "0", 0 },
	};
	static const struct {
		const char	*val;
		unsigned	 want;
	} routes[] = {
		{ "admin", ROUTES_ADMIN },
		{ "auth", ROUTES_AUTH },
		{ "health", ROUTES_HEALTH },
		{ "admin,health", ROUTES_ADMIN | ROUTES_HEALTH },
		{ "admin, auth", ROUTES_ADMIN | ROUTES_AUTH },
		{ "auth,auth", ROUTES_AUTH },
		{ "admin,auth,health",
		    ROUTES_ADMIN | ROUTES_AUTH | ROUTES_HEALTH },
	};
	struct config	 c;
	char		 err[256];
	size_t		 i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		config_defaults(&c);
		UNIT_CHECK(config_set(&c, "max_body", sizes[i].val, err,
		    sizeof(err)) == 0 && c.max_body == sizes[i].want,
		    "max_body = %s: %zu", sizes[i].val, c.max_body);
	}
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		config_defaults(&c);
		UNIT_CHECK(config_set(&c, "socket_mode", modes[i].val, err,
		    sizeof(err)) == 0 && c.socket_mode == modes[i].want,
		    "socket_mode = %s: %o", modes[i].val, c.socket_mode);
	}
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		config_defaults(&c);
		UNIT_CHECK(config_set(&c, "routes", routes[i].val, err,
		    sizeof(err)) == 0 && c.routes == routes[i].want,
		    "routes = %s: %#x", routes[i].val, c.routes);
	}

	/* A refused value leaves the old one. */
	config_defaults(&c);
	CU_ASSERT_EQUAL(config_set(&c, "routes", "admin,bogus", err,
	    sizeof(err)), -1);
	CU_ASSERT_EQUAL(c.routes, ROUTES_ADMIN | ROUTES_AUTH | ROUTES_HEALTH);
	CU_ASSERT_EQUAL(config_set(&c, "workers", "257", err, sizeof(err)),
	    -1);
	CU_ASSERT_EQUAL(c.workers, 4);
	CU_ASSERT_EQUAL(config_set(&c, "socket_mode", "0999", err,
	    sizeof(err)), -1);
	CU_ASSERT_EQUAL(c.socket_mode, 0660);
}

static void
test_unknown_key(void)
{
	struct config	 c;
	char		 err[256] = "";

	config_defaults(&c);
	CU_ASSERT_EQUAL(config_set(&c, "no_such_key", "1", err, sizeof(err)),
	    -1);
	UNIT_CHECK(strstr(err, "no_such_key") != NULL, "error: %s", err);
	UNIT_CHECK(strstr(err, "unknown") != NULL, "error: %s", err);
}

/* Strings: up to their buffer less the NUL. */
static void
test_string_bounds(void)
{
	struct config	 c;
	char		 err[256], val[CONFIG_STR_MAX + 1];

	config_defaults(&c);
	memset(val, 'p', sizeof(val));
	val[CONFIG_STR_MAX - 1] = '\0';
	CU_ASSERT_EQUAL(config_set(&c, "listen", val, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(strlen(c.listen), CONFIG_STR_MAX - 1);
	val[CONFIG_STR_MAX - 1] = 'p';
	val[CONFIG_STR_MAX] = '\0';
	CU_ASSERT_EQUAL(config_set(&c, "listen", val, err, sizeof(err)), -1);
	UNIT_CHECK(strstr(err, "listen") != NULL, "error: %s", err);
	CU_ASSERT_EQUAL(strlen(c.listen), CONFIG_STR_MAX - 1);

	val[sizeof(c.user)] = '\0';
	CU_ASSERT_EQUAL(config_set(&c, "user", val, err, sizeof(err)), -1);
	val[sizeof(c.user) - 1] = '\0';
	CU_ASSERT_EQUAL(config_set(&c, "user", val, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(strlen(c.user), sizeof(c.user) - 1);
}

static void
test_env_overrides(void)
{
	struct config	 c;
	char		 err[512] = "";
	const char	*path;

	path = tmpfile_with("workers = 8\ndb_host = filehost\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(path);

	CU_ASSERT_EQUAL_FATAL(setenv("ADMINUTIL_WORKERS", "12", 1), 0);
	UNIT_CHECK(config_load(&c, path, err, sizeof(err)) == 0, "load: %s",
	    err);
	CU_ASSERT_EQUAL(c.workers, 12);
	CU_ASSERT_STRING_EQUAL(c.db_host, "filehost");

	/* Without a file, too. */
	CU_ASSERT_EQUAL(config_load(&c, NULL, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.workers, 12);

	/* Other keys, upper-cased. */
	CU_ASSERT_EQUAL(setenv("ADMINUTIL_DB_HOST", "envhost", 1), 0);
	CU_ASSERT_EQUAL(setenv("ADMINUTIL_ROUTES", "auth", 1), 0);
	CU_ASSERT_EQUAL(config_load(&c, path, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(c.db_host, "envhost");
	CU_ASSERT_EQUAL(c.routes, ROUTES_AUTH);
	unsetenv("ADMINUTIL_DB_HOST");
	unsetenv("ADMINUTIL_ROUTES");

	/* A bad value in the environment is an error naming it. */
	CU_ASSERT_EQUAL(setenv("ADMINUTIL_WORKERS", "0", 1), 0);
	CU_ASSERT_EQUAL(config_load(&c, path, err, sizeof(err)), -1);
	UNIT_CHECK(strstr(err, "ADMINUTIL_WORKERS") != NULL, "error: %s", err);

	/* Gone again: the file decides. */
	CU_ASSERT_EQUAL(unsetenv("ADMINUTIL_WORKERS"), 0);
	CU_ASSERT_EQUAL(config_load(&c, path, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.workers, 8);
	CU_ASSERT_STRING_EQUAL(c.db_host, "filehost");
}

static void
test_password_file(void)
{
	static const struct {
		const char	*content;
		const char	*want;
	} t[] = {
		{ "s3cret\n", "s3cret" },
		{ "s3cret", "s3cret" },
		{ "s3cret\r\n", "s3cret" },
		{ "s3cret\n\n", "s3cret" },
		{ "with space # and hash\n", "with space # and hash" },
		{ "", "" },
	};
	struct config	 c;
	char		 err[512], conf[256];
	const char	*pw, *path;
	size_t		 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		pw = tmpfile_with(t[i].content);
		CU_ASSERT_PTR_NOT_NULL_FATAL(pw);
		snprintf(conf, sizeof(conf), "db_password = fromconf\n"
		    "db_password_file = %s\n", pw);
		path = tmpfile_with(conf);
		CU_ASSERT_PTR_NOT_NULL_FATAL(path);
		err[0] = '\0';
		UNIT_CHECK(config_load(&c, path, err, sizeof(err)) == 0,
		    "load: %s", err);
		UNIT_STREQ(c.db_password, t[i].want, t[i].content);
		CU_ASSERT_STRING_EQUAL(c.db_password_file, pw);
	}

	/* A missing password file is an error. */
	CU_ASSERT_EQUAL(setenv("ADMINUTIL_DB_PASSWORD_FILE",
	    "/nonexistent/pw", 1), 0);
	CU_ASSERT_EQUAL(config_load(&c, NULL, err, sizeof(err)), -1);
	UNIT_CHECK(strstr(err, "db_password_file") != NULL, "error: %s", err);
	CU_ASSERT_EQUAL(unsetenv("ADMINUTIL_DB_PASSWORD_FILE"), 0);
}

/*
 * The longest password a file may hold is 255 bytes before its newline
 * (regression: a 255-byte password with its newline was refused).
 */
static void
test_password_file_length(void)
{
	static const struct {
		size_t		 len;
		const char	*nl;
		int		 ok;
	} t[] = {
		{ 255, "\n", 1 },
		{ 255, "\r\n", 1 },
		{ 255, "", 1 },
		{ 254, "\n", 1 },
		{ 256, "\n", 0 },
		{ 256, "", 0 },
		{ 256, "\r\n", 0 },
		{ 300, "\n", 0 },
	};
	struct config	 c;
	char		 err[512], conf[256], content[400];
	const char	*pw, *path;
	size_t		 i;
	int		 rc;

	CU_ASSERT_FATAL(sizeof(c.db_password) == 256);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(content, 'p', t[i].len);
		snprintf(content + t[i].len, sizeof(content) - t[i].len, "%s",
		    t[i].nl);
		pw = tmpfile_with(content);
		CU_ASSERT_PTR_NOT_NULL_FATAL(pw);
		snprintf(conf, sizeof(conf), "db_password_file = %s\n", pw);
		path = tmpfile_with(conf);
		CU_ASSERT_PTR_NOT_NULL_FATAL(path);
		err[0] = '\0';
		rc = config_load(&c, path, err, sizeof(err));
		if (t[i].ok) {
			UNIT_CHECK(rc == 0, "%zu bytes + %zu: %s", t[i].len,
			    strlen(t[i].nl), err);
			UNIT_CHECK(rc == 0 && strlen(c.db_password) ==
			    t[i].len && strspn(c.db_password, "p") ==
			    t[i].len, "%zu bytes + %zu: password of %zu",
			    t[i].len, strlen(t[i].nl), strlen(c.db_password));
		} else {
			UNIT_CHECK(rc == -1, "%zu bytes + %zu accepted",
			    t[i].len, strlen(t[i].nl));
			UNIT_CHECK(strstr(err, "db_password_file") != NULL &&
			    strstr(err, "ppp") == NULL, "error: %s", err);
		}
	}
}

/* No error text ever shows a db_password. */
static void
test_password_never_shown(void)
{
	static const char	 secret[] = "Hunter2SecretValue";
	struct config		 c;
	char			 err[512] = "", big[400], conf[600];
	const char		*path;
	size_t			 i;

	/* Longer than its buffer, from config_set... */
	for (i = 0; i + sizeof(secret) - 1 < sizeof(big) - 1;
	    i += sizeof(secret) - 1)
		memcpy(big + i, secret, sizeof(secret) - 1);
	big[i] = '\0';
	config_defaults(&c);
	CU_ASSERT_EQUAL(config_set(&c, "db_password", big, err, sizeof(err)),
	    -1);
	UNIT_CHECK(strstr(err, "db_password") != NULL, "error: %s", err);
	UNIT_CHECK(strstr(err, secret) == NULL, "secret shown: %s", err);

	/* ...from a file... */
	snprintf(conf, sizeof(conf), "db_password = %s\n", big);
	check_file_error(conf, 1, "db_password", secret);

	/* ...from the environment... */
	CU_ASSERT_EQUAL(setenv("ADMINUTIL_DB_PASSWORD", big, 1), 0);
	CU_ASSERT_EQUAL(config_load(&c, NULL, err, sizeof(err)), -1);
	UNIT_CHECK(strstr(err, secret) == NULL, "secret shown: %s", err);
	CU_ASSERT_EQUAL(unsetenv("ADMINUTIL_DB_PASSWORD"), 0);

	/* ...from a password file too long for the buffer. */
	path = tmpfile_with(big);
	CU_ASSERT_PTR_NOT_NULL_FATAL(path);
	snprintf(conf, sizeof(conf), "db_password_file = %s\n", path);
	path = tmpfile_with(conf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(path);
	CU_ASSERT_EQUAL(config_load(&c, path, err, sizeof(err)), -1);
	UNIT_CHECK(strstr(err, secret) == NULL, "secret shown: %s", err);
	CU_ASSERT_STRING_EQUAL(c.db_password, "");

	/* A good one is kept but not in any later error. */
	snprintf(conf, sizeof(conf), "db_password = %s\nworkers = 0\n",
	    secret);
	check_file_error(conf, 2, "workers", secret);
}

static void
test_default_group_empty(void)
{
	struct config	 c;
	char		 err[512] = "";
	const char	*path;

	path = tmpfile_with("default_group =\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(path);
	CU_ASSERT_EQUAL(config_load(&c, path, err, sizeof(err)), -1);
	UNIT_CHECK(strstr(err, "default_group") != NULL, "error: %s", err);
}

/* The checks beyond the keys', shared by -t, start-up and reload. */
static void
test_config_check(void)
{
	static const struct {
		const char	*key, *value;
		const char	*needle;	/* of the error; NULL: accepted */
	} t[] = {
		{ "listen", "127.0.0.1:4000", NULL },
		{ "listen", "unix:/run/adminutil/a.sock", NULL },
		{ "listen", "[::1]:9000", NULL },
		{ "listen", "127.0.0.1:99999", "listen: port \"99999\"" },
		{ "listen", "127.0.0.1:0", "listen: port" },
		{ "listen", "127.0.0.1:80x", "listen: port" },
		{ "listen", "127.0.0.1:", "listen: expected" },
		{ "listen", "localhost", "listen: expected" },
		{ "auth_listen", "h:-1", "auth_listen: port" },
		{ "listen", "unix:/tmp/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		    "aaaaa.sock", "too long" },
		{ "user", "root", NULL },
		{ "user", "no-such-user-e2e", "user: no such user" },
		{ "acl_file", "/nonexistent/acl", "acl_file: /nonexistent/acl" },
		{ "seal_key_file", "/nonexistent/a.key", "seal_key_file" },
		{ "smtp_auth_file", "/nonexistent/auth", "smtp_auth_file" },
	};
	struct config	 c;
	char		 err[512], msg[512];
	size_t		 i;
	int		 rc;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		config_defaults(&c);
		err[0] = '\0';
		CU_ASSERT_EQUAL_FATAL(config_set(&c, t[i].key, t[i].value, msg,
		    sizeof(msg)), 0);
		rc = master_config_check(&c, err, sizeof(err));
		if (t[i].needle == NULL)
			UNIT_CHECK(rc == 0, "%s = %s refused: %s", t[i].key,
			    t[i].value, err);
		else
			UNIT_CHECK(rc == -1 && strstr(err, t[i].needle) != NULL,
			    "%s = %s: rc %d, error \"%s\", want \"%s\"",
			    t[i].key, t[i].value, rc, err, t[i].needle);
	}
}

static const CU_TestInfo tests[] = {
	{ "defaults", test_defaults },
	{ "file: comments, blanks, spaces, key = value", test_file },
	{ "file: errors name path, line and key", test_file_errors },
	{ "config_set: accepted and refused values", test_set_table },
	{ "config_set: typed values land in the struct", test_set_values },
	{ "unknown key is named", test_unknown_key },
	{ "string values up to their buffer", test_string_bounds },
	{ "ADMINUTIL_* environment over the file", test_env_overrides },
	{ "db_password_file, trailing newline stripped", test_password_file },
	{ "db_password_file 255 bytes + newline, not 256",
	    test_password_file_length },
	{ "errors never show db_password", test_password_never_shown },
	{ "empty default_group refused", test_default_group_empty },
	{ "listen ports, user, readable files: one check",
	    test_config_check },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_main("config", tests, suite_init, suite_clean);
}
