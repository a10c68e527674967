/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * Schema migrations: the files NNN_name.sql of a directory, applied in
 * number order, each once; schema_version records what was applied.
 * A named lock keeps two migrators from running at once.
 */
#ifndef ADMINUTIL_MIGRATE_H
#define ADMINUTIL_MIGRATE_H

struct config;

/*
 * Applies what is missing.  0 with the highest version now applied in
 * *version, or -1 with the reason logged.
 */
int	migrate_run(const struct config *cfg, int *version);

/*
 * Applies nothing: 0 when every file of schema_dir is applied and the
 * database has no version newer than the newest of them, else -1 with
 * each reason logged.  The highest version applied into *version, the
 * newest file's into *newest.
 */
int	migrate_check(const struct config *cfg, int *version, int *newest);

#endif
