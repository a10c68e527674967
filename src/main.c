/*
 * adminutil: API consumers, credentials and ACL groups for an nginx
 * gateway, as a pre-forked FastCGI responder.
 *
 * Start-up, in order, each step fatal on failure: standard fds exist;
 * options; configuration; the socket; the pid file; privileges dropped;
 * workers.
 */
#include "build.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acl.h"
#include "config.h"
#include "log.h"
#include "master.h"
#include "migrate.h"
#include "validate.h"

static void
usage(void)
{
	fprintf(stderr, "usage: adminutil [-c config] [-t | --migrate]\n"
	    "  -c file     configuration (default: none; ADMINUTIL_* "
	    "variables apply)\n"
	    "  -t          check the configuration and exit\n"
	    "  --migrate   apply missing schema migrations and exit\n"
	    "  -V          print the version and exit\n");
	exit(1);
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

int
main(int argc, char *argv[])
{
	struct config	 cfg;
	const char	*path = NULL;
	char		 err[1024];
	int		 i, test = 0, migrate = 0, fd, afd = -1, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			path = argv[++i];
		else if (strcmp(argv[i], "-t") == 0)
			test = 1;
		else if (strcmp(argv[i], "--migrate") == 0)
			migrate = 1;
		else if (strcmp(argv[i], "-V") == 0) {
			printf("adminutil %s\n", PACKAGE_VERSION);
			return 0;
		} else
			usage();
	}
	if (path == NULL)
		path = getenv("ADMINUTIL_CONFIG");
	std_fds(1);
	if (config_load(&cfg, path, err, sizeof(err)) == -1 ||
	    acl_check_file(cfg.acl_file, err, sizeof(err)) == -1)
		fatal(err);
	if (validate_group_str(cfg.default_group,
	    strlen(cfg.default_group)) != NULL)
		fatal("default_group: not a valid group name");
	if (test) {
		printf("configuration ok\n");
		return 0;
	}
	if (migrate)
		return migrate_run(&cfg) == 0 ? 0 : 1;
	if ((fd = master_listen(&cfg, cfg.listen, err, sizeof(err))) == -1 ||
	    (cfg.auth_listen[0] != '\0' && (afd = master_listen(&cfg,
	    cfg.auth_listen, err, sizeof(err))) == -1))
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
