/*
 * Which groups an API allows: the ACL file.
 *
 * One rule a line: METHOD PREFIX GROUPS, where METHOD is GET, POST, PUT,
 * PATCH, DELETE, HEAD, OPTIONS or * (any), PREFIX an absolute path, and
 * GROUPS a comma list of group names, or one of the keywords
 *   @public         the API needs no token at all,
 *   @authenticated  any valid token will do.
 * "#" starts a comment.  A path matches the longest PREFIX that equals
 * it or is followed in it by "/"; at equal prefixes a rule for the
 * request's method wins over "*".  Two rules for the same method and
 * prefix are merged (their groups joined).
 */
#ifndef ADMINUTIL_ACL_H
#define ADMINUTIL_ACL_H

#include <stddef.h>

#define ACL_MAX_LINE	 4096

enum acl_kind {
	ACL_GROUPS,		/* groups[] */
	ACL_PUBLIC,		/* no token needed */
	ACL_AUTHENTICATED	/* any valid token */
};

struct acl_rule {
	enum acl_kind	  kind;
	char		**groups;
	size_t		  ngroups;
};

struct acl;

/*
 * Parses len bytes of ACL text.  NULL on error, with "line N: why" in
 * err (or on no memory).
 */
struct acl	*acl_parse(const char *text, size_t len, char *err,
		    size_t errsz);
/* Reads and parses the file at path; as acl_parse. */
struct acl	*acl_load(const char *path, char *err, size_t errsz);
void		 acl_free(struct acl *);
/*
 * Checks that the file at path ("" for none) parses, as start-up and
 * reload must before any worker needs it.  0, or -1 with err set.
 */
int		 acl_check_file(const char *path, char *err, size_t errsz);
size_t		 acl_count(const struct acl *);

/*
 * The rule for method and a normalised path (see acl_normalize), or
 * NULL when none matches.  The rule lives as long as the acl.
 */
const struct acl_rule *acl_lookup(const struct acl *, const char *method,
		    const char *path, size_t len);

/*
 * Normalises a request path in place, as a web server does before it
 * picks a location: cuts the query, decodes %XX, merges "//", resolves
 * "." and "..".  Returns the new length, or -1 when the path is not
 * absolute, has a bad or NUL escape, or climbs above the root.
 */
long		 acl_normalize(char *path);

#endif
