/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * adminutil: API consumers, credentials and ACL groups for an nginx
 * gateway, as a pre-forked FastCGI responder.
 *
 * Start-up, in order, each step fatal on failure: standard fds exist;
 * options; configuration; the sealing keys; every sealed secret's key
 * at hand; the socket; the pid file; privileges dropped; workers.
 */
#include "build.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "core/config.h"
#include "core/log.h"
#include "core/validate.h"
#include "crypto/seal.h"
#include "operator.h"
#include "proc/master.h"
#include "store/migrate.h"
#include "store/secrets.h"
#include "store/store.h"

#define SCHEMA_SEALED	 3	/* schema/003_sealed_secrets.sql */

static void
usage(int status)
{
	fprintf(status == 0 ? stdout : stderr,
	    "usage: adminutil [-c config] [-t [--db] | --migrate | "
	    "--reseal]\n"
	    "       adminutil [-c config] --bootstrap-admin username\n"
	    "       adminutil [-c config] --mint-token key [--ttl seconds]\n"
	    "       adminutil --seal-keygen file\n"
	    "  -c file     configuration (default: $ADMINUTIL_CONFIG, else "
	    CONFIG_PATH ";\n"
	    "              ADMINUTIL_* variables apply over it)\n"
	    "  -t          check the configuration and exit\n"
	    "  --db        with -t: and the database (schema, sealed "
	    "secrets)\n"
	    "  --migrate   apply missing schema migrations, seal plaintext "
	    "secrets, exit\n"
	    "  --reseal    seal every secret under the first key of "
	    "seal_key_file, exit\n"
	    "  --bootstrap-admin username\n"
	    "              make username an admin, print its key and secret, "
	    "exit\n"
	    "  --mint-token key\n"
	    "              print a token of the credential key, valid --ttl "
	    "seconds\n"
	    "              (default 3600), exit\n"
	    "  --seal-keygen file\n"
	    "              write a new sealing key (mode 0600), print its "
	    "id, exit\n"
	    "  -V, --version\n"
	    "              print the version and exit\n"
	    "  -h, --help  print this and exit\n");
	exit(status);
}

/* The options that take a value: named when it is missing. */
static int
takes_value(const char *opt)
{
	static const char *const opts[] = { "-c", "--bootstrap-admin",
			    "--mint-token", "--ttl", "--seal-keygen" };
	size_t	 i;

	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (strcmp(opt, opts[i]) == 0)
			return 1;
	return 0;
}

static void
fatal(const char *msg)
{
	log_error("%s", msg);
	exit(1);
}

/* Makes sure fds 1 and 2 (and 0 unless it may be the socket) exist. */
static void
std_fds(int keep0)
{
	int	 fd;

	for (fd = keep0 ? 1 : 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) == -1 && errno == EBADF &&
		    open("/dev/null", O_RDWR) != fd)
			exit(1);
}

static void
drop_privileges(const char *user)
{
	struct passwd	*pw;

	if (user[0] == '\0' || geteuid() != 0)
		return;
	if ((pw = getpwnam(user)) == NULL)
		fatal("user: no such user");
	if (setgroups(1, &pw->pw_gid) == -1 ||
	    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) == -1 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1)
		fatal("cannot drop privileges");
	if (setuid(0) != -1)
		fatal("privileges could be regained after dropping them");
}

/*
 * Every sealed secret must open: a row sealed under a key the ring does
 * not hold stops start-up, naming the key.  A database that cannot be
 * reached now is checked as its rows are read.
 */
static void
seal_check(const struct config *cfg)
{
	struct store	*s;
	char		 kid[SEAL_KID_LEN + 1], msg[256];
	enum store_rc	 rc;

	if (!seal_active())
		log_warn("seal_key_file is not set: new secrets are stored "
		    "in plaintext");
	if ((s = store_new(cfg)) == NULL)
		fatal("out of memory");
	rc = store_seal_check(s, kid);
	store_free(s);
	if (rc != ST_OK) {
		log_warn("cannot check the sealed secrets now (database)");
		return;
	}
	if (kid[0] != '\0') {
		snprintf(msg, sizeof(msg), "secrets are sealed under key %s, "
		    "which seal_key_file does not hold", kid);
		fatal(msg);
	}
}

/*
 * The sockets systemd holds for us (adminutil.socket and
 * adminutil-auth.socket, one name each), passed at start:
 * the one named "auth" is the gateway's pool's, the other the admin
 * pool's.  Then the configuration's addresses are not ours to open,
 * nor to remove at the end.  1 if there were some.
 */
static int
passed_sockets(struct config *cfg, int *fd, int *afd)
{
	char	**names = NULL;
	int	 n, i, f;

	if ((n = sd_listen_fds_with_names(1, &names)) <= 0)
		return 0;
	for (i = 0; i < n; i++) {
		f = SD_LISTEN_FDS_START + i;
		if (names != NULL && strcmp(names[i], "auth") == 0)
			*afd = f;
		else if (*fd == -1)
			*fd = f;
		fcntl(f, F_SETFL, fcntl(f, F_GETFL) | O_NONBLOCK);
	}
	for (i = 0; names != NULL && i < n; i++)
		free(names[i]);
	free(names);
	if (*fd == -1)
		fatal("systemd passed the \"auth\" socket only");
	cfg->listen[0] = '\0';
	cfg->auth_listen[0] = '\0';
	log_info("listening on the %d socket%s systemd passed", n,
	    n == 1 ? "" : "s");
	return 1;
}

static void
write_pid(const char *path)
{
	FILE	*f;

	if (path[0] == '\0')
		return;
	if ((f = fopen(path, "w")) == NULL || fprintf(f, "%ld\n",
	    (long)getpid()) < 0 || fclose(f) != 0)
		fatal("cannot write pid_file");
}

/*
 * The fixed start-up order, one step after the other as slowcgi's and
 * kfcgi's main: options, configuration, the operator commands (which
 * end here), the sockets, the pid file, privileges, then the master.
 * Kept in one piece so that the order is read in one place.
 */
int
main(int argc, char *argv[])
{
	struct config	 cfg;
	const char	*path = NULL, *admin = NULL, *mint = NULL;
	char		 err[1024];
	long long	 ttl = 3600;
	char		 kid[SEAL_KID_LEN + 1];
	int		 version;
	int		 i, test = 0, migrate = 0, reseal = 0, fd, afd = -1, rc;
	int		 operator, dbcheck = 0;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			path = argv[++i];
		else if (strcmp(argv[i], "-t") == 0)
			test = 1;
		else if (strcmp(argv[i], "--db") == 0)
			dbcheck = 1;
		else if (strcmp(argv[i], "--migrate") == 0)
			migrate = 1;
		else if (strcmp(argv[i], "--reseal") == 0)
			reseal = 1;
		else if (strcmp(argv[i], "--bootstrap-admin") == 0 &&
		    i + 1 < argc)
			admin = argv[++i];
		else if (strcmp(argv[i], "--mint-token") == 0 && i + 1 < argc)
			mint = argv[++i];
		else if (strcmp(argv[i], "--ttl") == 0 && i + 1 < argc) {
			if (validate_number(argv[++i], 10, 0, LLONG_MAX,
			    &ttl) == -1)
				usage(1);
		}
		else if (strcmp(argv[i], "--seal-keygen") == 0 && i + 1 < argc) {
			if (seal_keygen(argv[i + 1], kid, err, sizeof(err)) ==
			    -1)
				fatal(err);
			printf("%s\n", kid);
			return 0;
		}
		else if (strcmp(argv[i], "-V") == 0 ||
		    strcmp(argv[i], "--version") == 0) {
			printf("adminutil %s\n", PACKAGE_VERSION);
			return 0;
		} else if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0)
			usage(0);
		else {
			fprintf(stderr, "adminutil: %s: %s\n", argv[i],
			    takes_value(argv[i]) ? "needs a value" :
			    "unknown option");
			usage(1);
		}
	}
	/*
	 * The installed file by default, as nginx's: an operator command
	 * run without -c acts on the service's configuration.  A missing
	 * one is an error; -c /dev/null runs on the environment alone.
	 */
	if (path == NULL)
		path = getenv("ADMINUTIL_CONFIG");
	if (path == NULL)
		path = CONFIG_PATH;
	if (dbcheck && !test) {
		fprintf(stderr, "adminutil: --db: only with -t\n");
		usage(1);
	}
	std_fds(1);
	log_init();
	/*
	 * An operator's command answers on the terminal whatever
	 * log_target says: results on stdout, what went wrong on stderr.
	 */
	operator = test || migrate || reseal || admin != NULL || mint != NULL;
	log_terminal(operator);
	if (config_load(&cfg, path, err, sizeof(err)) == -1 ||
	    master_config_check(&cfg, err, sizeof(err)) == -1)
		fatal(err);
	if (!test && log_open(cfg.log_target, err, sizeof(err)) == -1) {
		if (!operator)
			fatal(err);
		/* Another user than the service's: the terminal is enough. */
		log_warn("%s (this command logs on the terminal only)", err);
	}
	/* Read once, as the user that starts: workers inherit the ring. */
	if (seal_load(cfg.seal_key_file, err, sizeof(err)) == -1)
		fatal(err);
	if (test) {
		if (geteuid() == 0 && cfg.user[0] == '\0')
			log_warn("started as root, it would refuse to serve: "
			    "user is not set");
		if (dbcheck && operator_check_db(&cfg) != 0)
			return 1;
		printf("configuration ok\n");
		return 0;
	}
	/* The plaintext secrets of before are sealed once 003 is there. */
	if (migrate)
		return migrate_run(&cfg, &version) == -1 ? 1 : version <
		    SCHEMA_SEALED ? 0 : operator_seal(&cfg, 0);
	if (reseal)
		return operator_seal(&cfg, 1);
	if (admin != NULL)
		return operator_bootstrap(&cfg, admin);
	if (mint != NULL)
		return operator_mint(&cfg, mint, ttl);
	/*
	 * A worker parses what the network sends: it is never root.  The
	 * operator commands above may run as root; serving may not.
	 */
	if (geteuid() == 0 && cfg.user[0] == '\0')
		fatal("refusing to serve as root: set user (a user of its "
		    "own, adminutil.conf(5))");
	seal_check(&cfg);
	fd = -1;
	if (!passed_sockets(&cfg, &fd, &afd) &&
	    ((fd = master_listen(&cfg, cfg.listen, err, sizeof(err))) == -1 ||
	    (cfg.auth_listen[0] != '\0' && (afd = master_listen(&cfg,
	    cfg.auth_listen, err, sizeof(err))) == -1)))
		fatal(err);
	if (fd != 0)
		std_fds(0);
	write_pid(cfg.pid_file);
	drop_privileges(cfg.user);
	rc = master_run(&cfg, path, fd, afd);
	if (cfg.pid_file[0] != '\0')
		unlink(cfg.pid_file);
	return rc;
}
