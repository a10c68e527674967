#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Other projects' clients against a running instance (run-clients.sh).

JWK keys (RFC 7517) made by jwcrypto and by node's jose (jose.js)
register at credential/register without a key (the RFC 7638 thumbprint
is the key), and tokens each signs with them pass the gateway (RS256,
ES256, EdDSA); forms that are
refused answer 400 BAD_REQUEST with their reason and write nothing (the
credential list read back).  A rotation takes a JWK too.

RFC 7662 callers as they are: Authlib's introspect_token with
client_secret_basic and client_secret_post, a key with ":" and "/"
(percent-encoded by Authlib), a wrong secret, an unknown key, a consumer
outside introspect_groups, a public-key credential, and two ways of
authenticating at once.  The time a wrong secret takes against a right
one is measured and printed.

usage: clients.py, with E2E_URL (the admin plane), E2E_GW_URL (the
gateway) and E2E_ADMIN_TOKEN (a file holding the admin's token).
Prints "N passed, N failed"; exits 1 on a failure.
"""

import base64
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

from authlib.integrations.requests_client import OAuth2Session
from jwcrypto import jwk, jwt

URL = os.environ["E2E_URL"]
GW = os.environ["E2E_GW_URL"]
with open(os.environ["E2E_ADMIN_TOKEN"], encoding="ascii") as _f:
    ADMIN = _f.read().strip()
API = "/content/v1/flag/accept"  # contentAdmin, in conf/acl/sunbird.acl
INTROSPECT = URL + "/v1/token/introspect"
JOSE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "jose.js")
NODE_PATH = "/usr/share/nodejs"  # where Debian's node-jose is

passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL: %s" % what, flush=True)
    return ok


def http(method, url, body=None, headers=None):
    """(status, headers, parsed JSON body or None) of one request."""
    req = urllib.request.Request(url, data=body, method=method,
                                 headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            status, hdrs, raw = r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        status, hdrs, raw = e.code, e.headers, e.read()
    try:
        return status, hdrs, json.loads(raw) if raw else None
    except ValueError:
        return status, hdrs, None


def admin(path, request):
    """An admin call as the tests' admin: (status, envelope)."""
    body = json.dumps({"id": "e2e", "ver": "1.0",
                       "params": {"msgid": ""}, "request": request})
    status, _, env = http("POST", URL + path, body.encode(), {
        "Authorization": "Bearer " + ADMIN,
        "Content-Type": "application/json"})
    return status, env


def result(env):
    return (env or {}).get("result") or {}


def errmsg(env):
    return ((env or {}).get("params") or {}).get("errmsg") or ""


def err(env):
    return ((env or {}).get("params") or {}).get("err") or ""


def consumer(name, groups):
    """A new consumer in groups: its HS256 key and secret."""
    user = "%s-%d-%d" % (name, os.getpid(), time.monotonic_ns())
    status, env = admin("/v1/consumer/create", {"username": user})
    check(status == 200, "create %s: HTTP %d %s" % (user, status,
                                                    errmsg(env)))
    key, secret = result(env).get("key"), result(env).get("secret")
    status, env = admin("/v1/consumer/%s/grant" % user, {"groups": groups})
    check(status == 200, "grant %s: HTTP %d %s" % (user, status,
                                                   errmsg(env)))
    return user, key, secret


def creds(user):
    status, env = admin("/v1/consumer/%s/credential/list" % user, {})
    check(status == 200, "credential/list %s: HTTP %d" % (user, status))
    return result(env).get("credentials") or []


def token(key, alg, kid):
    now = int(time.time())
    t = jwt.JWT(header={"alg": alg, "kid": kid, "typ": "JWT"},
                claims={"iss": kid, "iat": now, "exp": now + 300})
    t.make_signed_token(key)
    return t.serialize()


def gateway(tok):
    status, _, _ = http("GET", GW + API, None,
                        {"Authorization": "Bearer " + tok})
    return status


# JWK keys

KEYS = [
    ("RS256", {"kty": "RSA", "size": 2048}),
    ("ES256", {"kty": "EC", "crv": "P-256"}),
    ("EdDSA", {"kty": "OKP", "crv": "Ed25519"}),
]
PUBLIC = {"RSA": ("n", "e"), "EC": ("crv", "x", "y"), "OKP": ("crv", "x")}


def test_jwk_register():
    user, _, _ = consumer("jwk", ["contentAdmin"])
    for alg, spec in KEYS:
        key = jwk.JWK.generate(**spec)
        pub = json.loads(key.export_public())
        thumb = key.thumbprint()
        status, env = admin("/v1/consumer/%s/credential/register" % user,
                            {"algorithm": alg, "jwk": pub})
        if not check(status == 200, "%s: register a jwcrypto JWK: HTTP %d "
                     "%s" % (alg, status, errmsg(env))):
            continue
        check(result(env).get("key") == thumb,
              "%s: the key is %r, jwcrypto's RFC 7638 thumbprint %r"
              % (alg, result(env).get("key"), thumb))
        check(gateway(token(key, alg, thumb)) == 200,
              "%s: a token jwcrypto signed does not pass the gateway" % alg)
        other = jwk.JWK.generate(**spec)
        check(gateway(token(other, alg, thumb)) == 401,
              "%s: a token of another key is not refused" % alg)
        # Again: the same credential, not a conflict.
        status, env = admin("/v1/consumer/%s/credential/register" % user,
                            {"algorithm": alg, "jwk": pub})
        check(status == 200 and result(env).get("key") == thumb,
              "%s: the same JWK again: HTTP %d %s" % (alg, status,
                                                      errmsg(env)))
        # credential/list shows it as a JWK again, public members only.
        row = [c for c in creds(user) if c.get("key") == thumb]
        shown = row[0].get("jwk") if row else None
        check(isinstance(shown, dict) and all(shown.get(m) == pub[m]
              for m in PUBLIC[pub["kty"]]) and shown.get("kid") == thumb and
              shown.get("alg") == alg and "d" not in shown,
              "%s: credential/list's jwk %r, registered %r" % (alg, shown,
                                                               pub))
    # A JWK of its own alg, no algorithm member and a key of the caller's.
    key = jwk.JWK.generate(kty="EC", crv="P-256", alg="ES256", use="sig")
    pub = json.loads(key.export_public())
    status, env = admin("/v1/consumer/%s/credential/register" % user,
                        {"key": "jwk-own-key-%d" % os.getpid(), "jwk": pub})
    check(status == 200 and result(env).get("key") ==
          "jwk-own-key-%d" % os.getpid(),
          "a JWK with alg ES256, no algorithm: HTTP %d %s"
          % (status, errmsg(env)))
    check(gateway(token(key, "ES256", "jwk-own-key-%d" % os.getpid())) ==
          200, "the token of a JWK registered under a key of the caller's")
    # HMAC credentials show no jwk.
    hs = [c for c in creds(user) if c.get("algorithm") == "HS256"]
    check(hs and all("jwk" not in c for c in hs),
          "an HS256 credential shows a jwk: %r" % hs)


def test_jose():
    """node jose's keys (tests/e2e/jose.js): registered, tokens pass."""
    out = subprocess.run(["node", JOSE], capture_output=True, text=True,
                         timeout=60, env=dict(os.environ,
                                              NODE_PATH=NODE_PATH))
    if not check(out.returncode == 0, "jose.js: %s" % out.stderr.strip()):
        return
    user, _, _ = consumer("jose", ["contentAdmin"])
    for k in json.loads(out.stdout):
        status, env = admin("/v1/consumer/%s/credential/register" % user,
                            {"algorithm": k["alg"], "jwk": k["jwk"]})
        if not check(status == 200 and result(env).get("key") == k["thumb"],
                     "jose %s: register: HTTP %d %s, key %r, jose's "
                     "thumbprint %r" % (k["alg"], status, errmsg(env),
                                        result(env).get("key"), k["thumb"])):
            continue
        check(gateway(k["token"]) == 200,
              "jose %s: a token jose signed does not pass" % k["alg"])
        check(gateway(k["other"]) == 401,
              "jose %s: a token of another key is not refused" % k["alg"])


def test_jwk_refused():
    user, _, _ = consumer("jwkbad", ["contentAdmin"])
    before = creds(user)
    rsa = jwk.JWK.generate(kty="RSA", size=2048)
    ec = jwk.JWK.generate(kty="EC", crv="P-256")
    pem = rsa.export_to_pem().decode()
    cases = [
        ("a JWK with its private members", "RS256",
         {"jwk": json.loads(rsa.export_private())},
         "JWK: jwk has a private key member"),
        ("an EC JWK with d", "ES256",
         {"jwk": json.loads(ec.export_private())},
         "JWK: jwk has a private key member"),
        ("a 1024-bit RSA key", "RS256",
         {"jwk": json.loads(jwk.JWK.generate(kty="RSA", size=1024)
                            .export_public())},
         "JWK: RS256 needs an RSA public key of 2048 to 4096 bits"),
        ("an EC key on P-384", "ES256",
         {"jwk": json.loads(jwk.JWK.generate(kty="EC", crv="P-384")
                            .export_public())},
         "JWK: ES256 needs a jwk on the curve P-256"),
        ("an alg that does not fit", "RS256",
         {"jwk": dict(json.loads(rsa.export_public()), alg="RS512")},
         "JWK: jwk alg is not the credential's algorithm"),
        ("an RSA key for ES256", "ES256",
         {"jwk": json.loads(rsa.export_public())},
         "JWK: ES256 needs a jwk of kty EC"),
        ("use enc", "RS256",
         {"jwk": dict(json.loads(rsa.export_public()), use="enc")},
         "JWK: jwk use must be \"sig\""),
        ("a JWK and a PEM", "RS256",
         {"jwk": json.loads(rsa.export_public()), "public_key": pem},
         "PUBLIC KEY AND JWK: SEND ONE OF THEM, NOT BOTH"),
        ("a JWK for HS256", "HS256",
         {"jwk": json.loads(rsa.export_public())},
         "JWK IS NOT USED BY HS256"),
        ("no kty", "RS256",
         {"jwk": {k: v for k, v in json.loads(rsa.export_public()).items()
                  if k != "kty"}},
         "JWK: jwk has no kty"),
    ]
    for name, alg, req, want in cases:
        req = dict(req, algorithm=alg)
        status, env = admin("/v1/consumer/%s/credential/register" % user,
                            req)
        check(status == 400 and err(env) == "BAD_REQUEST" and
              errmsg(env).startswith(want),
              "%s: HTTP %d %s %r, want 400 BAD_REQUEST %r"
              % (name, status, err(env), errmsg(env), want))
    # No algorithm and a JWK without alg: which one is wanted is said.
    status, env = admin("/v1/consumer/%s/credential/register" % user,
                        {"jwk": json.loads(ec.export_public())})
    check(status == 400 and "ALGORITHM IS MANDATORY WITH A JWK" in
          errmsg(env), "a JWK without alg, no algorithm: HTTP %d %r"
          % (status, errmsg(env)))
    check(creds(user) == before, "a refused JWK wrote a credential")


def test_jwk_rotate():
    user, _, _ = consumer("jwkrot", ["contentAdmin"])
    old = jwk.JWK.generate(kty="OKP", crv="Ed25519")
    status, env = admin("/v1/consumer/%s/credential/register" % user,
                        {"algorithm": "EdDSA",
                         "jwk": json.loads(old.export_public())})
    kid = result(env).get("key")
    check(status == 200, "register EdDSA: HTTP %d %s" % (status,
                                                         errmsg(env)))
    new = jwk.JWK.generate(kty="OKP", crv="Ed25519")
    status, env = admin("/v1/consumer/%s/credential/%s/rotate" % (user, kid),
                        {"jwk": json.loads(new.export_public()),
                         "grace_seconds": 0})
    check(status == 200, "rotate to a new JWK: HTTP %d %s"
          % (status, errmsg(env)))
    ok = False
    for _ in range(40):     # within cache_ttl, or the feed's bound
        if gateway(token(new, "EdDSA", kid)) == 200:
            ok = True
            break
        time.sleep(0.25)
    check(ok, "the rotated-in JWK's token does not pass")
    check(gateway(token(old, "EdDSA", kid)) == 401,
          "the rotated-out key's token still passes")
    status, env = admin("/v1/consumer/%s/credential/%s/rotate" % (user, kid),
                        {"jwk": json.loads(new.export_private())})
    check(status == 400 and "private key member" in errmsg(env),
          "rotate to a private JWK: HTTP %d %r" % (status, errmsg(env)))


# RFC 7662 callers

def authlib_introspect(key, secret, method, tok):
    # Authlib authenticates introspection as it does revocation.
    s = OAuth2Session(key, secret, token_endpoint_auth_method=method,
                      revocation_endpoint_auth_method=method)
    r = s.introspect_token(INTROSPECT, token=tok)
    try:
        body = r.json()
    except ValueError:
        body = None
    return r.status_code, r.headers, body


def form_post(form, headers):
    return http("POST", INTROSPECT, urllib.parse.urlencode(form).encode(),
                dict({"Content-Type": "application/x-www-form-urlencoded"},
                     **headers))


def basic(key, secret):
    raw = "%s:%s" % (urllib.parse.quote(key, safe=""),
                     urllib.parse.quote(secret, safe=""))
    return "Basic " + base64.b64encode(raw.encode()).decode()


def register_hs(user, key):
    status, env = admin("/v1/consumer/%s/credential/register" % user,
                        {"key": key, "algorithm": "HS256"})
    check(status == 200, "register %r: HTTP %d %s" % (key, status,
                                                      errmsg(env)))
    return result(env).get("secret")


def test_introspect_clients():
    # The caller: a consumer of the admin group (introspect_groups'
    # default), with a second key that has ":" and "/".
    user, ckey, csecret = consumer("intro", ["adminutilAdmin"])
    xkey = "partner:intro/%d" % os.getpid()
    xsecret = register_hs(user, xkey)
    # The token asked about, of another consumer.
    _, skey, ssecret = consumer("subject", ["contentAdmin"])
    now = int(time.time())
    hs = jwk.JWK(kty="oct", k=base64.urlsafe_b64encode(
        ssecret.encode()).decode().rstrip("="))
    t = jwt.JWT(header={"alg": "HS256"}, claims={"iss": skey, "iat": now,
                                                 "exp": now + 300})
    t.make_signed_token(hs)
    tok = t.serialize()

    for method in ("client_secret_basic", "client_secret_post"):
        status, _, body = authlib_introspect(ckey, csecret, method, tok)
        check(status == 200 and body and body.get("active") is True and
              body.get("client_id") == skey,
              "Authlib %s: HTTP %d %r" % (method, status, body))
        status, _, body = authlib_introspect(ckey, csecret, method,
                                             tok[:-2] + "xx")
        check(status == 200 and body == {"active": False},
              "Authlib %s, a tampered token: HTTP %d %r"
              % (method, status, body))
        status, hdrs, body = authlib_introspect(ckey, csecret[:-1] + (
            "0" if csecret[-1] != "0" else "1"), method, tok)
        check(status == 401 and err(body) == "UNAUTHORIZED",
              "Authlib %s, a wrong secret: HTTP %d %r" % (method, status,
                                                         body))
        wrong = errmsg(body)
        status, _, body = authlib_introspect("no-such-key-%d" % os.getpid(),
                                             csecret, method, tok)
        check(status == 401 and errmsg(body) == wrong,
              "Authlib %s, an unknown key: HTTP %d %r, a wrong secret "
              "said %r" % (method, status, errmsg(body), wrong))
    # A consumer outside introspect_groups, with its right secret.
    _, okey, osecret = consumer("outsider", ["contentAdmin"])
    for method in ("client_secret_basic", "client_secret_post"):
        status, _, body = authlib_introspect(okey, osecret, method, tok)
        check(status == 401 and errmsg(body) == wrong,
              "Authlib %s, a consumer outside introspect_groups: HTTP %d %r"
              % (method, status, body))
    # A public-key credential of an introspecting consumer: no secret.
    rsa = jwk.JWK.generate(kty="RSA", size=2048)
    status, env = admin("/v1/consumer/%s/credential/register" % user,
                        {"algorithm": "RS256",
                         "jwk": json.loads(rsa.export_public())})
    status, _, body = form_post({"token": tok}, {
        "Authorization": basic(result(env).get("key") or "", "")})
    check(status == 401, "Basic of an RS256 credential: HTTP %d" % status)

    # The key with ":" and "/": form-encoded by Authlib's
    # client_secret_post, by hand in Basic (Authlib 1.2 sends it raw).
    status, _, body = authlib_introspect(xkey, xsecret,
                                         "client_secret_post", tok)
    check(status == 200 and body and body.get("active") is True,
          "Authlib client_secret_post, key %r: HTTP %d %r" % (xkey, status,
                                                             body))
    status, hdrs, body = form_post({"token": tok},
                                   {"Authorization": basic(xkey, xsecret)})
    check(status == 200 and body.get("active") is True,
          "Basic with %%3A in the key: HTTP %d %r" % (status, body))
    raw = base64.b64encode(("%s:%s" % (xkey, xsecret)).encode()).decode()
    status, hdrs, body = form_post({"token": tok},
                                   {"Authorization": "Basic " + raw})
    check(status == 401 and "Basic" in (hdrs.get("WWW-Authenticate") or ""),
          "Basic with a raw \":\" in the key: HTTP %d, WWW-Authenticate %r"
          % (status, hdrs.get("WWW-Authenticate")))
    status, _, body = form_post({"token": tok},
                                {"Authorization": "Basic !!notbase64"})
    check(status == 401, "Basic not base64: HTTP %d" % status)
    # Two ways at once: RFC 6749 2.3 allows one.
    status, _, body = form_post(
        {"token": tok, "client_id": ckey, "client_secret": csecret},
        {"Authorization": basic(ckey, csecret)})
    check(status == 400 and err(body) == "BAD_REQUEST",
          "Basic and client_secret_post: HTTP %d %r" % (status, body))
    status, _, body = form_post(
        {"token": tok, "client_id": ckey, "client_secret": csecret},
        {"Authorization": "Bearer " + ADMIN})
    check(status == 400 and err(body) == "BAD_REQUEST",
          "Bearer and client_secret_post: HTTP %d %r" % (status, body))
    status, _, body = form_post({"token": tok, "client_id": ckey}, {})
    check(status == 401, "client_id without client_secret: HTTP %d"
          % status)
    # The bearer token still works.
    status, _, body = form_post({"token": tok},
                                {"Authorization": "Bearer " + ADMIN})
    check(status == 200 and body.get("active") is True,
          "the admin's bearer token: HTTP %d %r" % (status, body))

    # What a wrong secret costs against a right one (measured, printed).
    wrong_secret = "0" * len(csecret)
    times = {"right": [], "wrong": [], "unknown key": []}
    for i in range(150):
        for name, k, s in (("right", ckey, csecret),
                           ("wrong", ckey, wrong_secret),
                           ("unknown key", "nokey-%d" % i, csecret)):
            t0 = time.perf_counter()
            status, _, _ = form_post({"token": tok},
                                     {"Authorization": basic(k, s)})
            times[name].append((time.perf_counter() - t0) * 1000)
            check(status == (200 if name == "right" else 401),
                  "timing round %d, %s: HTTP %d" % (i, name, status))
    print("introspection, client_secret_basic, 150 each, median ms: %s"
          % ", ".join("%s %.2f" % (n, statistics.median(v))
                      for n, v in times.items()))


def main():
    for t in (test_jwk_register, test_jose, test_jwk_refused, test_jwk_rotate,
              test_introspect_clients):
        before = failed
        t()
        print("%s: %s" % (t.__name__, "ok" if failed == before else
                          "FAILED"), flush=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
