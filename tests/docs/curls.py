#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Runs the curl examples of Markdown files and compares their answers
with what the files show.

An example is run when it is a fenced block whose first line is a curl
command ("curl ..." or "$ curl ...") to http://localhost:4000, the admin
plane of scripts/run.  What it must answer is shown either in the same
block, after the command, from its "HTTP/1.1 NNN" line on (the status,
headers, a blank line, the body), or, without one, as the next fenced
block (the body; the status is then 200).  The status must be the one
shown; the body's envelope must have the keys shown, at every level
(values aside, the first element of a list standing for all), and the
same params.status and params.err.

usage: curls.py URL DIR FILE...: runs the examples in order in DIR (where
var/admin.token is), http://localhost:4000 replaced by URL.
"""

import json
import re
import subprocess
import sys

ADMIN = "http://localhost:4000"


def blocks(text):
    """The fenced blocks of text, each as its list of lines."""
    out, cur = [], None
    for line in text.split("\n"):
        if line.startswith("```"):
            if cur is None:
                cur = []
            else:
                out.append(cur)
                cur = None
        elif cur is not None:
            cur.append(line)
    return out


def examples(path):
    """(line of the command, command, status, body) of each example."""
    with open(path, encoding="utf-8") as f:
        bs = blocks(f.read())
    for i, b in enumerate(bs):
        if not b or not re.match(r"^(\$ )?curl ", b[0]) or ADMIN not in b[0]:
            continue
        cmd, rest = [], []
        for j, line in enumerate(b):
            if line.startswith("HTTP/"):
                rest = b[j:]
                break
            cmd.append(line)
        cmd[0] = re.sub(r"^\$ ", "", cmd[0])
        if rest:
            status = int(rest[0].split()[1])
            k = rest.index("") if "" in rest else len(rest)
            body = "\n".join(rest[k + 1:])
        else:
            if i + 1 >= len(bs):
                yield (cmd[0], None, None, None)
                continue
            status, body = 200, "\n".join(bs[i + 1])
        yield (cmd[0], "\n".join(cmd), status, body)


def shape(v):
    """The keys of v at every level, values aside."""
    if isinstance(v, dict):
        return {k: shape(x) for k, x in v.items()}
    if isinstance(v, list):
        return [shape(v[0])] if v else []
    return None


def same_shape(want, got, where="body"):
    """The differences of shape between want and got, as texts."""
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return ["%s: an object is shown, not this" % where]
        d = []
        for k in sorted(set(want) - set(got)):
            d.append("%s.%s: shown, not answered" % (where, k))
        for k in sorted(set(got) - set(want)):
            d.append("%s.%s: answered, not shown" % (where, k))
        for k in sorted(set(want) & set(got)):
            d += same_shape(want[k], got[k], where + "." + k)
        return d
    if isinstance(want, list) and want and isinstance(got, list) and got:
        return same_shape(want[0], got[0], where + "[0]")
    return []


def run(url, workdir, cmd):
    """The status and body curl gives for cmd (with -i added)."""
    cmd = cmd.replace(ADMIN, url)
    cmd = re.sub(r"^curl ", "curl -i ", cmd)
    p = subprocess.run(["bash", "-c", cmd], cwd=workdir,
                       capture_output=True, text=True, timeout=30)
    out = p.stdout.replace("\r\n", "\n")
    if p.returncode != 0 or not out.startswith("HTTP/"):
        return None, "curl failed (%d): %s" % (p.returncode, p.stderr)
    head, _, body = out.partition("\n\n")
    return int(head.split()[1]), body


def main():
    url, workdir, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    bad = n = 0
    for path in files:
        for first, cmd, status, body in examples(path):
            where = "%s: %s" % (path, first[:70])
            if cmd is None:
                print("%s: no answer shown after it" % where)
                bad += 1
                continue
            n += 1
            got_status, got_body = run(url, workdir, cmd)
            errs = []
            if got_status != status:
                errs.append("HTTP %s, the doc shows %d" % (got_status,
                                                           status))
            try:
                want = json.loads(body)
                got = json.loads(got_body)
            except ValueError as e:
                errs.append("not JSON (%s): %.300s" % (e, got_body))
            else:
                errs += same_shape(shape(want), shape(got))
                for k in ("status", "err"):
                    w = want.get("params", {}).get(k)
                    g = got.get("params", {}).get(k)
                    if w != g:
                        errs.append("params.%s %r, the doc shows %r"
                                    % (k, g, w))
            for e in errs:
                print("%s: %s" % (where, e))
            if errs:
                print("%s: answered HTTP %s: %.600s" % (where, got_status,
                                                        got_body))
            bad += bool(errs)
    print("curls: %d examples run, %d differ from their doc" % (n, bad))
    if n == 0:
        print("curls: no example found: the convention changed?")
        return 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
