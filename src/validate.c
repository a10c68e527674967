#include "build.h"

#include <stddef.h>
#include <string.h>

#include "validate.h"

/* The messages of one kind of name; NULL where a rule does not apply. */
struct vrules {
	const char	*mandatory;
	const char	*type;
	const char	*toolong;
	const char	*utf8;
	const char	*space;
	const char	*comma;
	const char	*control;
	const char	*uuid;
};

static const struct vrules username_rules = {
	"USERNAME IS MANDATORY",
	"USERNAME MUST BE A STRING",
	"USERNAME MUST NOT BE LONGER THAN 255 BYTES",
	"USERNAME MUST BE VALID UTF-8",
	"USERNAME MUST NOT HAVE SPACE",
	NULL,
	"USERNAME MUST NOT HAVE CONTROL CHARACTERS",
	"USERNAME MUST NOT BE A UUID",
};

static const struct vrules key_rules = {
	"KEY IS MANDATORY",
	"KEY MUST BE A STRING",
	"KEY MUST NOT BE LONGER THAN 255 BYTES",
	"KEY MUST BE VALID UTF-8",
	"KEY MUST NOT HAVE SPACE",
	NULL,
	"KEY MUST NOT HAVE CONTROL CHARACTERS",
	"KEY MUST NOT BE A UUID",
};

static const struct vrules group_rules = {
	"GROUP NAME MUST NOT BE EMPTY",
	"GROUPS MUST BE AN ARRAY OF STRINGS",
	"GROUP NAME MUST NOT BE LONGER THAN 255 BYTES",
	"GROUP NAME MUST BE VALID UTF-8",
	"GROUP NAME MUST NOT HAVE SPACE OR COMMA",
	"GROUP NAME MUST NOT HAVE SPACE OR COMMA",
	"GROUP NAME MUST NOT HAVE CONTROL CHARACTERS",
	NULL,
};

int
validate_utf8(const char *str, size_t len)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 i = 0, n, k;
	unsigned		 cp, min;

	while (i < len) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0) {
			n = 1; cp = s[i] & 0x1f; min = 0x80;
		} else if ((s[i] & 0xf0) == 0xe0) {
			n = 2; cp = s[i] & 0x0f; min = 0x800;
		} else if ((s[i] & 0xf8) == 0xf0) {
			n = 3; cp = s[i] & 0x07; min = 0x10000;
		} else
			return 0;
		if (len - i - 1 < n)
			return 0;
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += n + 1;
	}
	return 1;
}

int
validate_is_uuid(const char *s, size_t len)
{
	size_t	 i;

	if (len != 36)
		return 0;
	for (i = 0; i < len; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f') ||
		    (s[i] >= 'A' && s[i] <= 'F')))
			return 0;
	}
	return 1;
}

/*
 * White space as JavaScript's \s knows it, given valid UTF-8: ASCII
 * space, \t \n \v \f \r, and the Unicode spaces U+00A0, U+1680,
 * U+2000..U+200A, U+2028, U+2029, U+202F, U+205F, U+3000, U+FEFF.
 * Returns the length of the space at s, or 0.
 */
static size_t
space_at(const unsigned char *s, size_t left)
{
	if (*s == ' ' || (*s >= '\t' && *s <= '\r'))
		return 1;
	if (left >= 2 && s[0] == 0xc2 && s[1] == 0xa0)
		return 2;
	if (left < 3)
		return 0;
	if (s[0] == 0xe1 && s[1] == 0x9a && s[2] == 0x80)
		return 3;
	if (s[0] == 0xe2 && s[1] == 0x80 &&
	    (s[2] <= 0x8a || s[2] == 0xa8 || s[2] == 0xa9 || s[2] == 0xaf))
		return 3;
	if (s[0] == 0xe2 && s[1] == 0x81 && s[2] == 0x9f)
		return 3;
	if (s[0] == 0xe3 && s[1] == 0x80 && s[2] == 0x80)
		return 3;
	if (s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf)
		return 3;
	return 0;
}

/* C0 controls, DEL, and the C1 controls U+0080..U+009F. */
static int
control_at(const unsigned char *s, size_t left)
{
	if (*s < 0x20 || *s == 0x7f)
		return 1;
	return left >= 2 && s[0] == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f;
}

static const char *
check_str(const struct vrules *r, const char *str, size_t len)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 i;
	int			 space = 0, comma = 0, control = 0;

	if (len == 0)
		return r->mandatory;
	if (len > VALIDATE_MAX_LEN)
		return r->toolong;
	if (!validate_utf8(str, len))
		return r->utf8;
	for (i = 0; i < len; i++) {
		if (space_at(s + i, len - i) > 0)
			space = 1;
		else if (control_at(s + i, len - i))
			control = 1;
		else if (s[i] == ',')
			comma = 1;
	}
	if (space)
		return r->space;
	if (comma && r->comma != NULL)
		return r->comma;
	if (control)
		return r->control;
	if (r->uuid != NULL && validate_is_uuid(str, len))
		return r->uuid;
	return NULL;
}

static const char *
check_json(const struct vrules *r, json_object *v)
{
	if (v == NULL)
		return r->mandatory;
	if (!json_object_is_type(v, json_type_string))
		return r->type;
	return check_str(r, json_object_get_string(v),
	    (size_t)json_object_get_string_len(v));
}

const char *
validate_username(json_object *v)
{
	return check_json(&username_rules, v);
}

const char *
validate_username_str(const char *s, size_t len)
{
	return check_str(&username_rules, s, len);
}

const char *
validate_key(json_object *v)
{
	return check_json(&key_rules, v);
}

const char *
validate_key_str(const char *s, size_t len)
{
	return check_str(&key_rules, s, len);
}

const char *
validate_group_str(const char *s, size_t len)
{
	return check_str(&group_rules, s, len);
}

const char *
validate_groups(json_object *v)
{
	size_t		 i, n;
	const char	*msg;

	if (v == NULL)
		return "GROUPS ARE MANDATORY";
	if (!json_object_is_type(v, json_type_array))
		return "GROUPS MUST BE AN ARRAY OF STRINGS";
	if ((n = json_object_array_length(v)) == 0)
		return "GROUPS ARE MANDATORY";
	if (n > VALIDATE_MAX_GROUPS)
		return "TOO MANY GROUPS: AT MOST 256";
	for (i = 0; i < n; i++) {
		json_object	*g = json_object_array_get_idx(v, i);

		if (!json_object_is_type(g, json_type_string))
			return group_rules.type;
		if ((msg = check_json(&group_rules, g)) != NULL)
			return msg;
	}
	return NULL;
}
