/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * Where the admin plane is and the token to call it with: flags, then
 * the environment, then ~/.config/adminutil/ctl.conf.  A token never
 * comes from the command line (any user sees it there, in ps) and
 * never from a file that another user may read.
 */

#include "build.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl/ctl.h"

/* A configuration file: longer lines are refused, not cut. */
#define LINE_MAX_CTL	4096

/* What the configuration file said (NULL: not said). */
struct file_conf {
	char	*url;
	char	*token;
	char	*token_file;
	char	*output;
	char	*timeout;
};

static void
file_conf_free(struct file_conf *fc)
{
	free(fc->url);
	if (fc->token != NULL) {
		explicit_bzero(fc->token, strlen(fc->token));
		free(fc->token);
	}
	free(fc->token_file);
	free(fc->output);
	free(fc->timeout);
}

/* Refuses a file of secrets that is not ours alone: mode 0600 or less. */
static int
private_file(int fd, const char *path, const char *what)
{
	struct stat	 st;

	if (fstat(fd, &st) == -1) {
		fprintf(stderr, "adminutil-ctl: %s %s: %s\n", what, path,
		    strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		fprintf(stderr, "adminutil-ctl: %s %s: not a regular file\n",
		    what, path);
		return -1;
	}
	if (st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
		fprintf(stderr, "adminutil-ctl: %s %s: mode %04o, owner %lu: "
		    "a token is read only from a file of its user's alone "
		    "(chmod 600 %s)\n", what, path,
		    (unsigned)(st.st_mode & 07777), (unsigned long)st.st_uid,
		    path);
		return -1;
	}
	return 0;
}

char *
conf_read_secret_file(const char *path, const char *what)
{
	char	 buf[LINE_MAX_CTL + 2], *s;
	ssize_t	 n;
	size_t	 len = 0;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		fprintf(stderr, "adminutil-ctl: %s %s: %s\n", what, path,
		    strerror(errno));
		return NULL;
	}
	if (private_file(fd, path, what) == -1) {
		close(fd);
		return NULL;
	}
	while (len < sizeof(buf) - 1 &&
	    (n = read(fd, buf + len, sizeof(buf) - 1 - len)) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "adminutil-ctl: %s %s: %s\n", what,
			    path, strerror(errno));
			close(fd);
			explicit_bzero(buf, sizeof(buf));
			return NULL;
		}
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	/* The first line, without its end and trailing blanks. */
	buf[strcspn(buf, "\r\n")] = '\0';
	len = strlen(buf);
	while (len > 0 && (buf[len - 1] == ' ' || buf[len - 1] == '\t'))
		buf[--len] = '\0';
	if (len == 0 || len > LINE_MAX_CTL) {
		fprintf(stderr, "adminutil-ctl: %s %s: %s\n", what, path,
		    len == 0 ? "empty" : "first line too long");
		explicit_bzero(buf, sizeof(buf));
		return NULL;
	}
	s = strdup(buf);
	explicit_bzero(buf, sizeof(buf));
	if (s == NULL)
		fprintf(stderr, "adminutil-ctl: out of memory\n");
	return s;
}

/* Strips blanks at both ends of s, in place. */
static char *
trim(char *s)
{
	size_t	 n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

/*
 * Reads the configuration file: "key = value" lines, "#" comments, the
 * daemon's syntax.  An unknown key is an error (a misspelt one would
 * otherwise be ignored).  must: the file was named, so it must exist.
 */
static int
file_load(const char *path, int must, struct file_conf *fc)
{
	FILE		*fp;
	char		 line[LINE_MAX_CTL + 2], *k, *v, *eq, **slot;
	unsigned	 lineno = 0;
	int		 fd, rc = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		if (errno == ENOENT && !must)
			return 0;
		fprintf(stderr, "adminutil-ctl: configuration %s: %s\n", path,
		    strerror(errno));
		return -1;
	}
	if ((fp = fdopen(fd, "r")) == NULL) {
		fprintf(stderr, "adminutil-ctl: configuration %s: %s\n", path,
		    strerror(errno));
		close(fd);
		return -1;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(fp)) {
			fprintf(stderr, "adminutil-ctl: %s:%u: line too long\n",
			    path, lineno);
			rc = -1;
			break;
		}
		k = trim(line);
		if (*k == '\0' || *k == '#')
			continue;
		if ((eq = strchr(k, '=')) == NULL) {
			fprintf(stderr, "adminutil-ctl: %s:%u: not "
			    "\"key = value\"\n", path, lineno);
			rc = -1;
			break;
		}
		*eq = '\0';
		k = trim(k);
		v = trim(eq + 1);
		if (strcmp(k, "url") == 0)
			slot = &fc->url;
		else if (strcmp(k, "token") == 0)
			slot = &fc->token;
		else if (strcmp(k, "token_file") == 0)
			slot = &fc->token_file;
		else if (strcmp(k, "output") == 0)
			slot = &fc->output;
		else if (strcmp(k, "timeout") == 0)
			slot = &fc->timeout;
		else {
			fprintf(stderr, "adminutil-ctl: %s:%u: unknown key "
			    "\"%s\" (url, token, token_file, output, "
			    "timeout)\n", path, lineno, k);
			rc = -1;
			break;
		}
		free(*slot);
		if ((*slot = strdup(v)) == NULL) {
			fprintf(stderr, "adminutil-ctl: out of memory\n");
			rc = -1;
			break;
		}
	}
	if (rc == 0 && ferror(fp)) {
		fprintf(stderr, "adminutil-ctl: configuration %s: read error\n",
		    path);
		rc = -1;
	}
	/* A token in the file: the file must be as private as one. */
	if (rc == 0 && fc->token != NULL &&
	    private_file(fileno(fp), path, "configuration") == -1)
		rc = -1;
	explicit_bzero(line, sizeof(line));
	fclose(fp);
	return rc;
}

/* The default file: $XDG_CONFIG_HOME or ~/.config, adminutil/ctl.conf. */
static char *
default_path(void)
{
	const char	*base, *home;
	char		*p;

	if ((base = getenv("XDG_CONFIG_HOME")) != NULL && base[0] == '/') {
		if (asprintf(&p, "%s/adminutil/ctl.conf", base) == -1)
			return NULL;
		return p;
	}
	if ((home = getenv("HOME")) == NULL || home[0] != '/')
		return NULL;
	if (asprintf(&p, "%s/.config/adminutil/ctl.conf", home) == -1)
		return NULL;
	return p;
}

/* The first of a, b, c that is set and not empty. */
static const char *
first(const char *a, const char *b, const char *c)
{
	if (a != NULL && a[0] != '\0')
		return a;
	if (b != NULL && b[0] != '\0')
		return b;
	if (c != NULL && c[0] != '\0')
		return c;
	return NULL;
}

int
conf_load(struct ctl *c, const struct ctl_flags *f)
{
	struct file_conf	 fc;
	const char		*path, *url, *out, *tmo, *tf, *tfwhat;
	char			*dpath = NULL, *end;
	long			 n;
	size_t			 len;
	int			 rc = CTL_USAGE;

	memset(&fc, 0, sizeof(fc));
	memset(c, 0, sizeof(*c));
	c->output = OUT_TABLE;
	c->timeout = 30;

	if ((path = first(f->config, getenv("ADMINUTIL_CTL_CONFIG"),
	    NULL)) != NULL) {
		if (file_load(path, 1, &fc) == -1)
			goto done;
	} else if ((dpath = default_path()) != NULL) {
		path = dpath;
		if (file_load(path, 0, &fc) == -1)
			goto done;
	}

	url = first(f->url, getenv("ADMINUTIL_URL"), fc.url);
	if (url == NULL) {
		fprintf(stderr, "adminutil-ctl: no admin URL: give --url, "
		    "ADMINUTIL_URL or \"url =\" in %s\n",
		    path != NULL ? path : "~/.config/adminutil/ctl.conf");
		goto done;
	}
	if (strncmp(url, "http://", 7) != 0 &&
	    strncmp(url, "https://", 8) != 0) {
		fprintf(stderr, "adminutil-ctl: url: \"%s\" is not an "
		    "http:// or https:// URL\n", url);
		goto done;
	}
	if ((c->url = strdup(url)) == NULL)
		goto nomem;
	len = strlen(c->url);
	while (len > 0 && c->url[len - 1] == '/')
		c->url[--len] = '\0';

	out = first(f->output, getenv("ADMINUTIL_CTL_OUTPUT"), fc.output);
	if (out != NULL) {
		if (strcmp(out, "table") == 0)
			c->output = OUT_TABLE;
		else if (strcmp(out, "json") == 0)
			c->output = OUT_JSON;
		else {
			fprintf(stderr, "adminutil-ctl: output: \"%s\" is "
			    "neither table nor json\n", out);
			goto done;
		}
	}

	tmo = first(f->timeout, getenv("ADMINUTIL_CTL_TIMEOUT"), fc.timeout);
	if (tmo != NULL) {
		errno = 0;
		n = strtol(tmo, &end, 10);
		if (errno != 0 || *end != '\0' || end == tmo || n < 1 ||
		    n > 3600) {
			fprintf(stderr, "adminutil-ctl: timeout: \"%s\" is not "
			    "a number of seconds from 1 to 3600\n", tmo);
			goto done;
		}
		c->timeout = n;
	}

	/* The token: --token-file, ADMINUTIL_TOKEN, ADMINUTIL_TOKEN_FILE,
	 * then the file's token, then its token_file. */
	tf = NULL;
	tfwhat = NULL;
	if (f->token_file != NULL) {
		tf = f->token_file;
		tfwhat = "--token-file";
	} else if (first(getenv("ADMINUTIL_TOKEN"), NULL, NULL) != NULL) {
		if ((c->token = strdup(getenv("ADMINUTIL_TOKEN"))) == NULL)
			goto nomem;
	} else if (first(getenv("ADMINUTIL_TOKEN_FILE"), NULL, NULL) != NULL) {
		tf = getenv("ADMINUTIL_TOKEN_FILE");
		tfwhat = "ADMINUTIL_TOKEN_FILE";
	} else if (fc.token != NULL && fc.token[0] != '\0') {
		if ((c->token = strdup(fc.token)) == NULL)
			goto nomem;
	} else if (fc.token_file != NULL && fc.token_file[0] != '\0') {
		tf = fc.token_file;
		tfwhat = "token_file";
	}
	if (tf != NULL && (c->token = conf_read_secret_file(tf,
	    tfwhat)) == NULL)
		goto done;
	if (c->token != NULL && strpbrk(c->token, "\r\n") != NULL) {
		fprintf(stderr, "adminutil-ctl: the token holds a line "
		    "break\n");
		goto done;
	}
	rc = CTL_OK;
	goto done;
nomem:
	fprintf(stderr, "adminutil-ctl: out of memory\n");
done:
	file_conf_free(&fc);
	free(dpath);
	if (rc != CTL_OK)
		conf_free(c);
	return rc;
}

void
conf_free(struct ctl *c)
{
	free(c->url);
	c->url = NULL;
	if (c->token != NULL) {
		explicit_bzero(c->token, strlen(c->token));
		free(c->token);
		c->token = NULL;
	}
}
