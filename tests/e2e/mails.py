#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""The mails an end-to-end run left in mail_dir (N.eml), read by another
implementation than the one that wrote them: Python's email package with
its strict policy.  Each is CRLF only, no line over 998 octets and no
header line over 78 but one that cannot fold, a single word (RFC 5322
2.1.1), each encoded word at most 75
characters of whole UTF-8 characters (RFC 2047 2, 5), the Subject decodes
without a defect, the body is UTF-8.

Usage: mails.py MAIL_DIR MIN.  Exit status: 0 all passed, 1 a mail
failed, 99 fewer than MIN mails (nothing was checked).
"""

import base64
import email
import email.policy
import os
import re
import sys

WORD = re.compile(rb"=\?([^?]+)\?([BbQq])\?([^?]*)\?=")


def fail(name, why):
    print(f"mails: {name}: {why}")
    return 1


def check(name, raw):
    """The failures of one mail, printed; their count."""
    bad = 0
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
    return bad


def main():
    folder, least = sys.argv[1], int(sys.argv[2])
    names = sorted(f for f in os.listdir(folder) if f.endswith(".eml"))
    if len(names) < least:
        print(f"mails: {len(names)} mails in {folder}, want {least} or more")
        return 99
    bad = 0
    for f in names:
        with open(os.path.join(folder, f), "rb") as fh:
            bad += check(f, fh.read())
    print(f"mails: {len(names)} mails checked, {bad} failures")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
