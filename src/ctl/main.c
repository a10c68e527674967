/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * adminutil-ctl NOUN VERB [ARG...] [OPTION...]: one command, one call
 * of the admin plane.  The command line is read in full before
 * anything is sent, so a usage error (exit 2) has changed nothing.
 */

#include "build.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl/cmd.h"


const struct ctl_opt opts[O_MAX] = {
	[O_URL] = { "url", 1 },
	[O_TOKEN_FILE] = { "token-file", 1 },
	[O_CONFIG] = { "config", 1 },
	[O_OUTPUT] = { "output", 1 },
	[O_TIMEOUT] = { "timeout", 1 },
	[O_OFFSET] = { "offset", 1 },
	[O_LIMIT] = { "limit", 1 },
	[O_PREFIX] = { "prefix", 1 },
	[O_CONSUMER] = { "consumer", 1 },
	[O_ACTOR] = { "actor", 1 },
	[O_SINCE_ID] = { "since-id", 1 },
	[O_STATE] = { "state", 1 },
	[O_NOTE] = { "note", 1 },
	[O_REASON] = { "reason", 1 },
	[O_ALGORITHM] = { "algorithm", 1 },
	[O_PUBLIC_KEY_FILE] = { "public-key-file", 1 },
	[O_GRACE] = { "grace", 1 },
	[O_SECOND] = { "second", 1 },
	[O_MINUTE] = { "minute", 1 },
	[O_HOUR] = { "hour", 1 },
	[O_DAY] = { "day", 1 },
	[O_CLEAR] = { "clear", 0 },
	[O_SHOW_SECRET] = { "show-secret", 0 },
	[O_SECRET_FILE] = { "secret-file", 1 },
	[O_MANAGED_BY] = { "managed-by", 1 },
	[O_SECRETS] = { "secrets", 0 },
	[O_FILE] = { "file", 1 },
	[O_PRUNE] = { "prune", 0 },
	[O_APPLY] = { "apply", 0 },
	[O_TAG] = { "tag", 1 },
	[O_ADOPT] = { "adopt", 0 },
};

int
usage_err(const struct args *a, const char *fmt, ...)
{
	va_list	 ap;

	fputs("adminutil-ctl: ", stderr);
	if (a != NULL && a->noun != NULL)
		fprintf(stderr, "%s%s%s: ", a->noun, a->verb != NULL ? " " :
		    "", a->verb != NULL ? a->verb : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (adminutil-ctl --help)\n", stderr);
	return CTL_USAGE;
}

static void
usage(FILE *fp)
{
	size_t	 i;

	fputs("usage: adminutil-ctl [--url URL] [--token-file FILE] "
	    "[--config FILE]\n"
	    "                     [--output table|json] [--timeout SECONDS] "
	    "NOUN VERB [ARG...]\n"
	    "       adminutil-ctl --help | --version\n\ncommands:\n", fp);
	for (i = 0; cmds[i].noun != NULL; i++)
		fprintf(fp, "  %s%s%s%s%s\n      %s\n", cmds[i].noun,
		    cmds[i].verb[0] != '\0' ? " " : "", cmds[i].verb,
		    cmds[i].argnames[0] != '\0' ? " " : "",
		    cmds[i].argnames, cmds[i].help);
	fputs("\nThe token comes from --token-file, ADMINUTIL_TOKEN, "
	    "ADMINUTIL_TOKEN_FILE or the\nconfiguration file "
	    "(~/.config/adminutil/ctl.conf, mode 0600), never from an\n"
	    "argument.  Exit: 0 done, 1 refused, 2 usage, 3 unreachable or "
	    "server error,\n4 not found, 5 done but the secret file not "
	    "written, 6 diff: the file would\nchange something.  See "
	    "adminutil-ctl(1).\n", fp);
}

/* Reads argv into a: options anywhere, "--" ends them. */
static int
parse(int argc, char **argv, struct args *a)
{
	const char	*s, *eq;
	size_t		 n;
	int		 i, o, dashdash = 0;

	memset(a, 0, sizeof(*a));
	for (i = 1; i < argc; i++) {
		s = argv[i];
		if (dashdash || s[0] != '-' || s[1] == '\0') {
			if (a->noun == NULL)
				a->noun = s;
			else if (a->verb == NULL)
				a->verb = s;
			else if (a->npos < (int)(sizeof(a->pos) /
			    sizeof(a->pos[0])))
				a->pos[a->npos++] = s;
			else
				return usage_err(a, "too many arguments");
			continue;
		}
		if (strcmp(s, "--") == 0) {
			dashdash = 1;
			continue;
		}
		if (strcmp(s, "-h") == 0 || strcmp(s, "--help") == 0) {
			a->help = 1;
			continue;
		}
		if (strcmp(s, "-V") == 0 || strcmp(s, "--version") == 0) {
			a->version = 1;
			continue;
		}
		if (strcmp(s, "-o") == 0)
			s = "--output";
		if (s[1] != '-')
			return usage_err(a, "unknown option %s", s);
		s += 2;
		n = (eq = strchr(s, '=')) != NULL ? (size_t)(eq - s) :
		    strlen(s);
		for (o = 0; o < O_MAX; o++)
			if (strlen(opts[o].name) == n &&
			    strncmp(opts[o].name, s, n) == 0)
				break;
		if (o == O_MAX) {
			if (strncmp(s, "token", n) == 0 && n == 5)
				return usage_err(a, "there is no --token: a "
				    "token on the command line is seen by "
				    "every user (ps); use --token-file FILE "
				    "or ADMINUTIL_TOKEN");
			return usage_err(a, "unknown option --%.*s", (int)n,
			    s);
		}
		if (a->given & BIT(o))
			return usage_err(a, "--%s given twice", opts[o].name);
		if (!opts[o].arg) {
			if (eq != NULL)
				return usage_err(a, "--%s takes no value",
				    opts[o].name);
			a->val[o] = "";
		} else if (eq != NULL)
			a->val[o] = eq + 1;
		else if (i + 1 < argc)
			a->val[o] = argv[++i];
		else
			return usage_err(a, "--%s needs a value",
			    opts[o].name);
		a->given |= BIT(o);
	}
	return CTL_OK;
}

/* The name of argument i of names ("USERNAME GROUP..."), into buf. */
static const char *
missing(const char *names, int i, char *buf, size_t size)
{
	const char	*p = names;
	size_t		 n;

	for (; i > 0 && (p = strchr(p, ' ')) != NULL; i--)
		p++;
	if (p == NULL)
		p = names;
	n = strcspn(p, " ");
	snprintf(buf, size, "%.*s", (int)n, p);
	return buf;
}

int
main(int argc, char **argv)
{
	struct ctl		 c;
	struct ctl_flags	 f;
	struct args		 a;
	const struct cmd	*k = NULL;
	unsigned		 extra;
	char			 name[64];
	int			 i, rc, noun_known = 0;

	if ((rc = parse(argc, argv, &a)) != CTL_OK)
		return rc;
	if (a.version) {
		printf("adminutil-ctl %s\n", PACKAGE_VERSION);
		return CTL_OK;
	}
	if (a.help) {
		usage(stdout);
		return CTL_OK;
	}
	if (a.noun == NULL) {
		usage(stderr);
		return CTL_USAGE;
	}
	for (i = 0; cmds[i].noun != NULL; i++) {
		if (strcmp(cmds[i].noun, a.noun) != 0)
			continue;
		noun_known = 1;
		/* A command of one word: what followed is its argument. */
		if (cmds[i].verb[0] == '\0') {
			k = &cmds[i];
			if (a.verb != NULL) {
				if (a.npos == (int)(sizeof(a.pos) /
				    sizeof(a.pos[0])))
					return usage_err(&a, "too many "
					    "arguments");
				memmove(&a.pos[1], &a.pos[0], (size_t)a.npos *
				    sizeof(a.pos[0]));
				a.pos[0] = a.verb;
				a.npos++;
				a.verb = NULL;
			}
			break;
		}
		if (a.verb != NULL && strcmp(cmds[i].verb, a.verb) == 0) {
			k = &cmds[i];
			break;
		}
	}
	if (k == NULL) {
		struct args	 n = a;

		if (!noun_known) {
			n.noun = NULL;
			return usage_err(&n, "unknown command \"%s\" (consumer, "
			    "credential, audit, access, token, dump, diff, "
			    "apply, import)", a.noun);
		}
		n.verb = NULL;
		if (a.verb == NULL)
			return usage_err(&n, "a verb is missing");
		return usage_err(&n, "unknown verb \"%s\"", a.verb);
	}
	if (a.npos < k->min)
		return usage_err(&a, "%s is missing (%s)",
		    missing(k->argnames, a.npos, name, sizeof(name)),
		    k->argnames);
	if (k->max >= 0 && a.npos > k->max)
		return usage_err(&a, "unexpected argument \"%s\" (%s%s)",
		    a.pos[k->max], k->max == 0 ? "it takes none" : "takes ",
		    k->argnames);
	for (i = 0; i < a.npos; i++)
		if (a.pos[i][0] == '\0')
			return usage_err(&a, "an empty argument (%s)",
			    k->argnames);
	if ((extra = a.given & ~(GLOBAL | k->opts)) != 0) {
		for (i = 0; i < O_MAX; i++)
			if (extra & BIT(i))
				break;
		return usage_err(&a, "--%s does not apply here", opts[i].name);
	}

	memset(&f, 0, sizeof(f));
	f.config = a.val[O_CONFIG];
	f.url = a.val[O_URL];
	f.token_file = a.val[O_TOKEN_FILE];
	/* dump's output is yaml or json, its own to check. */
	f.output = k->fn == c_dump ? NULL : a.val[O_OUTPUT];
	f.timeout = a.val[O_TIMEOUT];
	if ((rc = conf_load(&c, &f)) != CTL_OK)
		return rc;
	call_global_init();
	rc = k->fn(&c, k, &a);
	call_global_cleanup();
	conf_free(&c);
	if (fflush(stdout) == EOF && rc == CTL_OK) {
		fprintf(stderr, "adminutil-ctl: standard output: %s\n",
		    strerror(errno));
		rc = CTL_UNSAVED;
	}
	return rc;
}
