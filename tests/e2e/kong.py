#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""A Kong 0.14.1 Admin API in the shapes of its answers, for
tests/e2e/run-kong.sh, from data generated with a fixed seed:

  kong.py gen DATA TRUTH        generates the data (DATA) and what the
                                importer must make of it (TRUTH)
  kong.py serve PORT DATA [CAP] serves DATA on 127.0.0.1:PORT; with CAP,
                                an old-DAO page holds at most CAP rows
                                whatever its size (as a proxy that caps
                                it would), so no read is ever whole
  kong.py deck VERSION DATA F   the same data as a decK file (1.1, 3.0),
                                YAML when F ends in .yaml, else JSON
  kong.py unordered URL         following "next" with a small size on
                                /acls, /jwts, /plugins does not give
                                every row once (why the importer reads
                                one page of size >= total)
  kong.py report TRUTH FILE     the importer's --output json report
                                (FILE) holds the counts TRUTH expects
  kong.py tokens TRUTH GW       a token minted with PyJWT for every
                                imported credential passes the gateway
  kong.py nosecret TRUTH FILE.. no file holds a secret of TRUTH

GET /consumers pages by keyset, as 0.14's new DAO: ordered by id, size
1 to 1000, "next" the URL of the page after.  GET /jwts, /acls and
/plugins are the old DAO's LIMIT/OFFSET with no ORDER BY: here every
request sees the rows in a new order, as a database without ORDER BY
may give them, so two pages may overlap and miss rows.  Row fields as
0.14 answers them: created_at seconds for consumers, milliseconds for
the others; a field that is null is left out.
"""

import http.client
import http.server
import json
import random
import sys
import time
import urllib.parse
import urllib.request
import uuid

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

SEED = 21
N = 2500
API = "/content/v1/flag/accept"  # contentAdmin, in conf/acl/sunbird.acl
POOL = ["partnerRead", "partnerWrite", "reportViewer", "orgAdmin",
        "contentCreator", "contentReviewer", "publicUser", "bookCreator",
        "courseMentor", "announcementSender", "flagReviewer", "userAdmin"]
BAD_PEM = ("-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5IGF0IGFsbA==\n"
           "-----END PUBLIC KEY-----\n")


def hexid(rng, n=32):
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def pem_pair(alg):
    """A key pair for alg: (public PEM, private PEM)."""
    if alg == "ES256":
        priv = ec.generate_private_key(ec.SECP256R1())
    else:
        priv = rsa.generate_private_key(public_exponent=65537,
                                        key_size=2048)
    pub = priv.public_key().public_bytes(
        serialization.Encoding.PEM,
        serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    pk = priv.private_bytes(serialization.Encoding.PEM,
                            serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    return pub, pk


def generate():
    """Kong's four lists and the truth about them."""
    rng = random.Random(SEED)
    t0 = 1500000000
    consumers, jwts, acls, plugins = [], [], [], []
    truth = {"credentials": [], "secrets": [], "private": []}
    named = {}
    for i in range(N):
        cid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        c = {"id": cid, "created_at": t0 + i}
        if i == N - 1:
            name = None                     # neither: not imported
        elif i % 125 == 7:
            name = "cid-%04d" % i           # custom_id only
            c["custom_id"] = name
        else:
            name = "partner-%04d" % i
            c["username"] = name
            if i % 9 == 0:
                c["custom_id"] = "ext-%04d" % i
        consumers.append(c)
        named[i] = name
        ms = (t0 + i) * 1000

        def acl(group, c=c, ms=ms):
            acls.append({"id": str(uuid.UUID(int=rng.getrandbits(128),
                                             version=4)),
                         "consumer_id": c["id"], "group": group,
                         "created_at": ms})

        if i == 3:
            groups = ["contentAdmin"] + ["team-%03d" % g
                                         for g in range(149)]
            truth["groups150"] = {"username": name, "groups": groups}
        else:
            groups = ["contentAdmin"] + rng.sample(POOL, rng.randint(0, 4))
        for g in groups:
            acl(g)
        if i % 200 == 11:                   # a duplicate row, or two
            acl(groups[-1])
            if i == 11:
                acl(groups[-1])

        def jwt_row(alg, secret=None, pem=None, c=c, ms=ms):
            r = {"id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                 "consumer_id": c["id"], "key": hexid(rng),
                 "created_at": ms}
            if alg is not None:
                r["algorithm"] = alg
            if secret is not None:
                r["secret"] = secret
            if pem is not None:
                r["rsa_public_key"] = pem
            jwts.append(r)
            return r

        creds = []
        hs = [None, "HS256", "HS384", "HS512"][i % 4]
        r = jwt_row(hs, secret=hexid(rng) if i != 131 else
                    hexid(rng, 200))
        creds.append((r["key"], hs or "HS256", r["secret"], None))
        if i % 50 == 5:                     # a second key, same algorithm
            r = jwt_row(hs, secret=hexid(rng))
            creds.append((r["key"], hs or "HS256", r["secret"], None))
        for lo, alg in ((100, "RS256"), (110, "RS512"), (120, "ES256")):
            if lo <= i < lo + 10:
                pub, priv = pem_pair(alg)
                r = jwt_row(alg, pem=pub, secret=hexid(rng))
                creds.append((r["key"], alg, None, priv))
        if i == 130:
            jwt_row("RS256", pem=BAD_PEM)
            truth["bad_key_consumer"] = name
        if i == 131:
            truth["long_secret_consumer"] = name
        for key, alg, secret, priv in creds:
            if secret is not None:
                truth["secrets"].append(secret)
            if priv is not None:
                truth["private"].append(priv)
            if name is not None and i not in (130, 131):
                truth["credentials"].append({
                    "username": name, "key": key, "algorithm": alg,
                    "secret": secret, "private": priv})

        def plugin(config, c=c, ms=ms, name="rate-limiting", **scope):
            p = {"id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                 "name": name, "config": config, "enabled": True,
                 "created_at": ms}
            if c is not None:
                p["consumer_id"] = c["id"]
            p.update(scope)
            plugins.append(p)

        if i % 100 == 20:
            plugin({"minute": 60 + i, "hour": 100000, "limit_by": "consumer",
                    "policy": "cluster", "fault_tolerant": True})
        if i == 140:
            plugin({"month": 10000, "limit_by": "consumer",
                    "policy": "local"})
        if i == 141:
            plugin({"minute": 10, "limit_by": "ip", "policy": "local"})
        if i == 142:
            plugin({"add": {"headers": ["x-partner:1"]}},
                   name="request-transformer")
    rid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    aid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    plugin({"minute": 5, "policy": "local"}, c=None, route_id=rid)
    plugin({"whitelist": ["contentAdmin"]}, c=None, name="acl", api_id=aid)
    plugin({"key_claim_name": "iss"}, c=None, name="jwt", api_id=aid)

    imported = [i for i in range(N)
                if named[i] is not None and i not in (130, 131)]
    algs = {}
    for cr in truth["credentials"]:
        algs[cr["algorithm"]] = algs.get(cr["algorithm"], 0) + 1
    members, distinct = 0, set()
    by_consumer = {}
    for a in acls:
        by_consumer.setdefault(a["consumer_id"], set()).add(a["group"])
    for i in imported:
        gs = by_consumer[consumers[i]["id"]]
        members += len(gs)
        distinct |= gs
    truth["counts"] = {
        "consumers": {"read": N, "named_by_custom_id": 20, "unnamed": 1,
                      "refused": 3},
        "imported": len(imported),
        "credentials": algs,
        "groups": {"memberships": members, "distinct": len(distinct),
                   "duplicates_collapsed": 14},
        "public_keys_refused": 1,
        "limits": {"carried": len([i for i in imported if i % 100 == 20])},
        "plugins": {"not_carried": 6},
    }
    truth["usernames"] = [named[i] for i in imported]
    return {"consumers": consumers, "jwts": jwts, "acls": acls,
            "plugins": plugins}, truth


class Kong(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    data = None
    base = None
    cap = None
    shuffles = random.Random(SEED + 1)

    def log_message(self, *args):
        pass

    def answer(self, status, obj):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        u = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(u.query))
        ep = u.path.strip("/")
        try:
            size = int(q.get("size", "100"))
        except ValueError:
            size = 0
        if ep not in self.data:
            self.answer(404, {"message": "Not found"})
        elif size < 1 or (ep == "consumers" and size > 1000):
            self.answer(400, {"size": "must be an integer between 1 and "
                              "1000" if ep == "consumers" else
                              "must be a positive integer"})
        elif ep == "consumers":
            self.keyset(q.get("offset"), size)
        else:
            self.old_dao(ep, int(q.get("offset", "0") or 0), size)

    def keyset(self, after, size):
        rows = sorted(self.data["consumers"], key=lambda r: r["id"])
        if after:
            rows = [r for r in rows if r["id"] > after]
        page = rows[:size]
        nxt = None
        if len(rows) > size:
            nxt = "%s/consumers?offset=%s&size=%d" % (
                self.base, urllib.parse.quote(page[-1]["id"]), size)
        self.answer(200, {"data": page, "next": nxt})

    def old_dao(self, ep, offset, size):
        rows = list(self.data[ep])
        # No ORDER BY: each query may see the rows in another order.
        self.shuffles.shuffle(rows)
        page = rows[offset:offset + min(size, self.cap or size)]
        out = {"total": len(rows), "data": page}
        if offset + size < len(rows):
            out["next"] = "/%s?offset=%d&size=%d" % (ep, offset + size, size)
            out["offset"] = str(offset + size)
        self.answer(200, out)


def gen(data_path, truth_path):
    data, truth = generate()
    for path, obj in ((data_path, data), (truth_path, truth)):
        with open(path, "w", encoding="utf-8") as f:
            json.dump(obj, f)


def serve(port, data_path, cap=None):
    with open(data_path, encoding="utf-8") as f:
        data = json.load(f)
    Kong.data = data
    Kong.cap = cap
    # Kong names itself as configured, not as it was asked: its next
    # URLs name localhost, the importer is given 127.0.0.1.
    Kong.base = "http://localhost:%d" % port
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", port), Kong)
    srv.daemon_threads = True
    print("kong.py: serving %d consumers on port %d" % (
        len(data["consumers"]), port), flush=True)
    srv.serve_forever()


def deck(version, data_path, path):
    with open(data_path, encoding="utf-8") as f:
        data = json.load(f)
    by_id = {c["id"]: c for c in data["consumers"]}
    out = {"_format_version": version, "consumers": [], "plugins": []}
    dc = {}
    for c in data["consumers"]:
        d = {k: c[k] for k in ("username", "custom_id") if k in c}
        d["tags"] = ["from-kong"]
        d["jwt_secrets"], d["acls"] = [], []
        out["consumers"].append(d)
        dc[c["id"]] = d
    for j in data["jwts"]:
        e = {k: j[k] for k in ("key", "secret", "algorithm",
                               "rsa_public_key") if k in j}
        dc[j["consumer_id"]]["jwt_secrets"].append(e)
    for a in data["acls"]:
        dc[a["consumer_id"]]["acls"].append({"group": a["group"]})
    for p in data["plugins"]:
        e = {"name": p["name"], "config": p["config"], "enabled": True}
        if "route_id" in p:
            e["route"] = "route-1"
        if "api_id" in p:
            e["service"] = "service-1"
        c = by_id.get(p.get("consumer_id"))
        if c is not None and version == "1.1":
            # decK 1.x: a top-level plugin names its consumer.
            e["consumer"] = c.get("username") or c.get("custom_id")
            out["plugins"].append(e)
        elif c is not None:
            dc[c["id"]].setdefault("plugins", []).append(e)
        else:
            out["plugins"].append(e)
    with open(path, "w", encoding="utf-8") as f:
        if path.endswith(".yaml"):
            import yaml  # Debian's python3-yaml
            yaml.dump(out, f, Dumper=getattr(yaml, "CSafeDumper",
                                             yaml.SafeDumper),
                      sort_keys=False, default_flow_style=False)
        else:
            json.dump(out, f, indent=1)


def unordered(url):
    """Paging /acls, /jwts, /plugins by next does not give every row once."""
    bad = 0
    for ep, size in (("acls", 100), ("jwts", 100), ("plugins", 2)):
        seen, total, nxt = [], None, "/%s?size=%d" % (ep, size)
        while nxt:
            with urllib.request.urlopen(url + nxt, timeout=30) as r:
                page = json.load(r)
            total = page["total"]
            seen += [row["id"] for row in page["data"]]
            nxt = page.get("next")
        whole = len(seen) == total and len(set(seen)) == total
        print("kong.py: /%s by next, size %d: %d rows, %d distinct, total "
              "%d" % (ep, size, len(seen), len(set(seen)), total))
        bad += whole
    return 1 if bad else 0


def report(truth_path, path):
    with open(truth_path, encoding="utf-8") as f:
        want = json.load(f)["counts"]
    with open(path, encoding="utf-8") as f:
        got = json.load(f)
    fails = 0

    def same(what, a, b):
        nonlocal fails
        if a != b:
            fails += 1
            print("FAIL: report %s: %r, want %r" % (what, a, b))

    for k, v in want["consumers"].items():
        same("consumers." + k, got["consumers"].get(k), v)
    sent = sum(got["consumers"].get(k, 0)
               for k in ("created", "changed", "unchanged"))
    same("consumers created+changed+unchanged", sent, want["imported"])
    same("credentials", got["credentials"], want["credentials"])
    for k in ("groups", "limits", "plugins"):
        for m, v in want[k].items():
            same("%s.%s" % (k, m), got[k].get(m), v)
    same("public_keys_refused", got["public_keys_refused"],
         want["public_keys_refused"])
    return 1 if fails else 0


def tokens(truth_path, gw):
    import jwt  # PyJWT (Debian's python3-jwt)
    with open(truth_path, encoding="utf-8") as f:
        creds = json.load(f)["credentials"]
    u = urllib.parse.urlsplit(gw)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    now = int(time.time())

    def status(tok):
        for attempt in (0, 1):
            try:
                conn.request("GET", API,
                             headers={"Authorization": "Bearer " + tok})
                r = conn.getresponse()
                r.read()
                return r.status
            except (http.client.HTTPException, OSError):
                conn.close()        # the server closed a kept connection
                if attempt:
                    raise
        return 0

    toks = []
    start = time.monotonic()
    for c in creds:
        k = c["secret"] if c["secret"] is not None else c["private"]
        toks.append((c, jwt.encode({"iss": c["key"], "iat": now,
                                    "exp": now + 600}, k,
                                   algorithm=c["algorithm"])))
    minted = time.monotonic() - start
    start = time.monotonic()
    refused = [(c, t) for c, t in toks if status(t) != 200]
    took = time.monotonic() - start
    print("kong.py: %d tokens minted by PyJWT in %.1f s, sent through the "
          "gateway in %.1f s (%.2f ms each, one connection): %d refused" %
          (len(toks), minted, took, 1000 * took / max(len(toks), 1),
           len(refused)))
    # A key the gateway has not learnt yet (its feed): asked again.
    for _ in range(3):
        if not refused:
            break
        time.sleep(1)
        refused = [(c, t) for c, t in refused if status(t) != 200]
    for c, _ in refused[:10]:
        print("FAIL: %s key %s (%s) refused" % (c["username"], c["key"],
                                                c["algorithm"]))
    return 1 if refused or len(toks) != len(creds) else 0


def nosecret(truth_path, files):
    with open(truth_path, encoding="utf-8") as f:
        t = json.load(f)
    needles = [s for s in t["secrets"]] + [
        p.splitlines()[1] for p in t["private"]]
    found = 0
    for path in files:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        for s in needles:
            if s in text:
                found += 1
                print("FAIL: %s holds a secret of the fixture" % path)
                break
    print("kong.py: %d secrets looked for in %d files" % (len(needles),
                                                          len(files)))
    return 1 if found else 0


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ""
    if cmd == "gen" and len(argv) == 4:
        gen(argv[2], argv[3])
    elif cmd == "serve" and len(argv) in (4, 5):
        serve(int(argv[2]), argv[3], int(argv[4]) if len(argv) == 5 else
              None)
    elif cmd == "deck" and len(argv) == 5:
        deck(argv[2], argv[3], argv[4])
    elif cmd == "unordered" and len(argv) == 3:
        return unordered(argv[2])
    elif cmd == "report" and len(argv) == 4:
        return report(argv[2], argv[3])
    elif cmd == "tokens" and len(argv) == 4:
        return tokens(argv[2], argv[3])
    elif cmd == "nosecret" and len(argv) >= 4:
        return nosecret(argv[2], argv[3:])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
