#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""The mails an end-to-end run left in mail_dir (N.eml), read by another
implementation than the one that wrote them: Python's email package with
its strict policy.  Each is CRLF only, no line over 998 octets and no
header line over 78 but one that cannot fold, a single word (RFC 5322
2.1.1), each encoded word at most 75
characters of whole UTF-8 characters (RFC 2047 2, 5), the Subject decodes
without a defect, the body is UTF-8.

With PORTAL_URL, each mail links to the page it talks about: a new
request to PORTAL_URL#approvals, an approval to #credentials, a
rejection or a revocation to #requests, on a line of its own.  With
ANSWERS (the run's E2E_ANSWERS), no mail holds a secret or a token any
answer of the run gave.

Usage: mails.py MAIL_DIR MIN [PORTAL_URL [ANSWERS]].  Exit status: 0 all
passed, 1 a mail failed, 99 fewer than MIN mails (nothing was checked).
"""

import base64
import json
import email
import email.policy
import os
import re
import sys

WORD = re.compile(rb"=\?([^?]+)\?([BbQq])\?([^?]*)\?=")


def fail(name, why):
    print(f"mails: {name}: {why}")
    return 1


# The page each kind of mail sends its reader to, by its Subject.
PAGES = [
    (re.compile(r"^API access request #\d+ from "), "approvals"),
    (re.compile(r"^Your API access request #\d+ was approved$"), "credentials"),
    (re.compile(r"^Your API access request #\d+ was (rejected|revoked)$"),
     "requests"),
]


def secrets_of(path):
    """Every secret and token the run's answers gave (16 bytes or more)."""
    found = set()

    def walk(v):
        if isinstance(v, dict):
            for k, x in v.items():
                if k in ("secret", "token", "client_secret") and \
                        isinstance(x, str) and len(x) >= 16:
                    found.add(x)
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    # Bytes: an answer's body may be an icon, not UTF-8.
    with open(path, "rb") as fh:
        for line in fh:
            try:
                walk(json.loads(json.loads(line)["body"]))
            except (ValueError, KeyError, TypeError):
                continue
    return found


def check_links(name, msg, portal_url):
    """The mail links to its page: 1 if not (printed)."""
    subject = str(msg["Subject"])
    body = msg.get_body().get_content()
    for pat, anchor in PAGES:
        if pat.match(subject):
            want = f"{portal_url}#{anchor}"
            if want not in body.splitlines():
                return fail(name, f"no line {want} in the mail of "
                            f"{subject!r}")
            return 0
    return fail(name, f"a mail of no known kind: {subject!r}")


def check(name, raw, portal_url=None, secrets=()):
    """The failures of one mail, printed; their count."""
    bad = 0
    for s in secrets:
        if s.encode() in raw:
            bad += fail(name, "holds a secret or a token of an answer")
    if re.search(rb"\r(?!\n)|(?<!\r)\n", raw):
        bad += fail(name, "a bare CR or LF")
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        return bad + fail(name, "no blank line after the headers")
    for n, line in enumerate(raw.split(b"\r\n")):
        if len(line) > 998:
            bad += fail(name, f"line {n + 1} is {len(line)} octets")
    for line in head.split(b"\r\n"):
        # Over 78 only where nothing could fold: one word after the name
        # (an address of 254 octets), and never over 998 (above).
        one_word = b" " not in line.partition(b": ")[2].strip()
        if len(line) > 78 and not one_word:
            bad += fail(name, f"a header line of {len(line)}: {line[:40]!r}")
    for m in WORD.finditer(head):
        if len(m.group(0)) > 75:
            bad += fail(name, f"an encoded word of {len(m.group(0))}")
        if m.group(2) in b"Bb":
            try:
                base64.b64decode(m.group(3), validate=True).decode("utf-8")
            except ValueError:
                bad += fail(name, "an encoded word of part of a character")
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        bad += fail(name, "the body is not UTF-8")
    try:
        msg = email.message_from_bytes(raw, policy=email.policy.strict)
        subject = msg["Subject"]
    except Exception as e:  # strict: a defect raises
        return bad + fail(name, f"not parsed: {e}")
    if subject is None or subject.defects or "=?" in str(subject):
        bad += fail(name, f"the Subject does not decode: {subject!r}")
    if msg.defects:
        bad += fail(name, f"defects {msg.defects}")
    if portal_url:
        bad += check_links(name, msg, portal_url)
    return bad


def main():
    folder, least = sys.argv[1], int(sys.argv[2])
    portal_url = sys.argv[3] if len(sys.argv) > 3 else None
    secrets = secrets_of(sys.argv[4]) if len(sys.argv) > 4 else set()
    if len(sys.argv) > 4 and not secrets:
        print(f"mails: no secret in {sys.argv[4]}: nothing to look for")
        return 99
    names = sorted(f for f in os.listdir(folder) if f.endswith(".eml"))
    if len(names) < least:
        print(f"mails: {len(names)} mails in {folder}, want {least} or more")
        return 99
    bad = 0
    for f in names:
        with open(os.path.join(folder, f), "rb") as fh:
            bad += check(f, fh.read(), portal_url, secrets)
    print(f"mails: {len(names)} mails checked"
          f"{', links to ' + portal_url if portal_url else ''}"
          f"{', %d secrets and tokens looked for' % len(secrets) if secrets else ''}"
          f", {bad} failures")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
