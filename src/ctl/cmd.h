/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * adminutil-ctl's commands: the command line as main.c reads it, and
 * the table of commands cmd.c runs.
 */

#ifndef CTL_CMD_H
#define CTL_CMD_H

#include "ctl/ctl.h"

/* The options, every command's; each command says which it takes. */
enum opt {
	O_URL, O_TOKEN_FILE, O_CONFIG, O_OUTPUT, O_TIMEOUT,
	O_OFFSET, O_LIMIT, O_PREFIX, O_CONSUMER, O_ACTOR, O_SINCE_ID,
	O_STATE, O_NOTE, O_REASON, O_ALGORITHM, O_PUBLIC_KEY_FILE, O_GRACE,
	O_SECOND, O_MINUTE, O_HOUR, O_DAY, O_CLEAR, O_SHOW_SECRET,
	O_SECRET_FILE, O_MANAGED_BY, O_SECRETS, O_FILE, O_PRUNE, O_ADOPT,
	O_APPLY, O_TAG, O_MAX
};

#define BIT(o)		(1u << (o))
#define GLOBAL		(BIT(O_URL) | BIT(O_TOKEN_FILE) | BIT(O_CONFIG) | \
			 BIT(O_OUTPUT) | BIT(O_TIMEOUT))
#define IMPORT_OPTS	(BIT(O_APPLY) | BIT(O_TAG) | BIT(O_ADOPT))
#define STATE_OPTS	(BIT(O_PRUNE) | BIT(O_ADOPT))
#define SECRET_OUT	(BIT(O_SHOW_SECRET) | BIT(O_SECRET_FILE))

/* The command line, read. */
struct args {
	const char	*noun, *verb;
	const char	*pos[8];
	int		 npos;
	const char	*val[O_MAX];	/* NULL: not given; "" for a flag */
	unsigned	 given;
	int		 help, version;
};

struct cmd;
typedef int	 (*cmd_fn)(struct ctl *, const struct cmd *,
		    const struct args *);

struct cmd {
	const char	*noun, *verb;
	const char	*argnames;	/* the positional arguments, for usage */
	int		 min, max;	/* how many; max -1: any */
	unsigned	 opts;		/* beside GLOBAL */
	cmd_fn		 fn;
	const char	*help;
};

/* An option's name on the command line, and whether it takes a value. */
struct ctl_opt {
	const char	*name;
	int		 arg;
};
extern const struct ctl_opt	 opts[O_MAX];

/* The commands, ended by a NULL noun. */
extern const struct cmd		 cmds[];

/* state.c: dump, diff FILE, apply FILE (noun only: their verb is ""). */
int	c_dump(struct ctl *, const struct cmd *, const struct args *);
int	c_diff(struct ctl *, const struct cmd *, const struct args *);
int	c_apply(struct ctl *, const struct cmd *, const struct args *);
/* import kong URL|DIR, import deck FILE (import.c). */
int	c_import(struct ctl *, const struct cmd *, const struct args *);

/* A usage error: what is wrong, named, and where help is (CTL_USAGE). */
int	usage_err(const struct args *a, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
