/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

#include "build.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/log.h"
#include "store/db.h"
#include "store/migrate.h"

#define MIGRATE_MAX	 999
#define MIGRATE_FILE_MAX (1024 * 1024)

enum { M_LOCK, M_UNLOCK, M_APPLIED, M_RECORD, M__MAX };

static const char *const sql[M__MAX] = {
	[M_LOCK] = "SELECT GET_LOCK('adminutil.migrate', 60)",
	[M_UNLOCK] = "SELECT RELEASE_LOCK('adminutil.migrate')",
	[M_APPLIED] = "SELECT version FROM schema_version",
	[M_RECORD] = "INSERT INTO schema_version (version, name) VALUES (?, ?)",
};

static const char version_table[] =
    "CREATE TABLE IF NOT EXISTS schema_version ("
    " version INT UNSIGNED NOT NULL PRIMARY KEY,"
    " name VARCHAR(255) NOT NULL,"
    " applied_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";

static int
row_applied(void *arg, const struct db_col *c, unsigned n)
{
	unsigned char	*applied = arg;
	long long	 v;

	(void)n;
	if ((v = db_col_int(&c[0])) >= 0 && v <= MIGRATE_MAX)
		applied[v] = 1;
	return 0;
}

static int
row_one(void *arg, const struct db_col *c, unsigned n)
{
	int	*ok = arg;

	(void)n;
	*ok = db_col_int(&c[0]) == 1;
	return 1;
}

/* The number of a file named NNN_*.sql, or -1. */
static int
file_version(const char *name)
{
	size_t	 len = strlen(name);
	int	 v;

	if (len < 9 || strcmp(name + len - 4, ".sql") != 0 ||
	    name[0] < '0' || name[0] > '9' || name[1] < '0' || name[1] > '9' ||
	    name[2] < '0' || name[2] > '9' || name[3] != '_')
		return -1;
	v = (name[0] - '0') * 100 + (name[1] - '0') * 10 + (name[2] - '0');
	return v;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE	*f;
	char	*buf;
	size_t	 n;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	if ((buf = malloc(MIGRATE_FILE_MAX + 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, MIGRATE_FILE_MAX + 1, f);
	fclose(f);
	if (n > MIGRATE_FILE_MAX) {
		free(buf);
		errno = EFBIG;
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

static int
apply(struct db *db, const struct config *cfg, unsigned char *applied)
{
	struct dirent	**ents = NULL;
	char		  path[1024], *text;
	size_t		  len;
	int		  n, i, v, rc = 0, done = 0;
	struct db_arg	  a[2];

	if ((n = scandir(cfg->schema_dir, &ents, NULL, alphasort)) < 0) {
		log_error("schema_dir %s: %s", cfg->schema_dir,
		    strerror(errno));
		return -1;
	}
	for (i = 0; i < n && rc == 0; i++) {
		if ((v = file_version(ents[i]->d_name)) < 0 || applied[v])
			continue;
		snprintf(path, sizeof(path), "%s/%s", cfg->schema_dir,
		    ents[i]->d_name);
		if ((text = slurp(path, &len)) == NULL) {
			log_error("%s: %s", path, strerror(errno));
			rc = -1;
			break;
		}
		if (db_run(db, text, len) != DB_OK) {
			log_error("migration %s failed", ents[i]->d_name);
			rc = -1;
		} else {
			a[0] = DB_INT(v);
			a[1] = DB_CSTR(ents[i]->d_name);
			if (db_exec(db, M_RECORD, a, 2, NULL, NULL, NULL) !=
			    DB_OK)
				rc = -1;
			else {
				applied[v] = 1;
				done++;
				log_info("applied migration %s",
				    ents[i]->d_name);
			}
		}
		free(text);
	}
	for (i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	if (rc == 0)
		log_info("schema is current (%d migration%s applied now)",
		    done, done == 1 ? "" : "s");
	return rc;
}

int
migrate_run(const struct config *cfg, int *version)
{
	struct db	*db;
	unsigned char	 applied[MIGRATE_MAX + 1];
	int		 ok = 0, rc = -1;

	memset(applied, 0, sizeof(applied));
	if ((db = db_new(cfg, sql, M__MAX, 1)) == NULL)
		return -1;
	if (db_exec(db, M_LOCK, NULL, 0, row_one, &ok, NULL) != DB_OK ||
	    !ok) {
		log_error("cannot take the migration lock");
		goto out;
	}
	if (db_run(db, version_table, sizeof(version_table) - 1) == DB_OK &&
	    db_exec(db, M_APPLIED, NULL, 0, row_applied, applied, NULL) ==
	    DB_OK)
		rc = apply(db, cfg, applied);
	for (*version = MIGRATE_MAX; *version > 0 && !applied[*version];
	    (*version)--)
		;
	(void)db_exec(db, M_UNLOCK, NULL, 0, NULL, NULL, NULL);
out:
	db_free(db);
	return rc;
}

int
migrate_check(const struct config *cfg, int *version, int *newest)
{
	struct db	*db;
	struct dirent	**ents = NULL;
	unsigned char	 applied[MIGRATE_MAX + 1];
	int		 n, i, v, rc = 0;

	*version = *newest = 0;
	memset(applied, 0, sizeof(applied));
	if ((db = db_new(cfg, sql, M__MAX, 1)) == NULL)
		return -1;
	if (db_exec(db, M_APPLIED, NULL, 0, row_applied, applied, NULL) !=
	    DB_OK) {
		log_error("cannot read schema_version (the database said "
		    "why above; a new database: adminutil --migrate)");
		db_free(db);
		return -1;
	}
	db_free(db);
	for (v = MIGRATE_MAX; v > 0 && !applied[v]; v--)
		;
	*version = v;
	if ((n = scandir(cfg->schema_dir, &ents, NULL, alphasort)) < 0) {
		log_error("schema_dir %s: %s", cfg->schema_dir,
		    strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		if ((v = file_version(ents[i]->d_name)) >= 0) {
			if (v > *newest)
				*newest = v;
			if (!applied[v]) {
				log_error("migration %s is not applied: "
				    "adminutil --migrate", ents[i]->d_name);
				rc = -1;
			}
		}
		free(ents[i]);
	}
	free(ents);
	if (*version > *newest) {
		log_error("the database is at schema version %d, newer than "
		    "this adminutil knows (%d): a newer adminutil migrated it",
		    *version, *newest);
		rc = -1;
	}
	return rc;
}
