#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""The portal in a real browser: headless Chromium (Debian's chromium
and chromium-driver, through python3-selenium) walks the self-service
flow as the developer and as the approver, at 1280 and 390 px wide, on
the real pages served by nginx in front of a real adminutil
(tests/browser/run.sh starts them), and checks what a person sees.

On every view at both widths: no console error, no request the page
made answered 4xx, axe-core's accessibility rules (no violation of
impact serious or critical; the moderate and minor ones are printed),
no word broken across two lines, no sideways scroll.  The developer
opens the portal as http://developer:password@host/ (the way many tools
pass Basic credentials); the approver's browser sends the header.  The
token of each usage example the page shows (shell, Python, Node.js) is
run, and must pass the gateway.

Environment: PORTAL_URL, PORTAL_PASSWORDS ("user password" lines),
GATEWAY_URL, AXE (axe.min.js), SHOTS (a directory for the screenshots:
docs/ writes the project's own).  Exit status: 0 all passed, 1 a step
failed, 99 the browser could not be driven.  Nothing secret is printed.
"""

import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse

from selenium import webdriver
from selenium.common.exceptions import (NoAlertPresentException,
                                        StaleElementReferenceException,
                                        WebDriverException)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

URL = os.environ["PORTAL_URL"]
GATEWAY = os.environ["GATEWAY_URL"]
SHOTS = os.environ["SHOTS"]
with open(os.environ["AXE"]) as _f:
    AXE = _f.read()
WAIT = 10
XSS = "<img src=x onerror=alert(1)><script>alert(2)</script>"
WIDE, NARROW = 1280, 390

steps = 0
failures = 0
moderate = {}


def step(name, ok, detail=""):
    """One checked step of what a user sees."""
    global steps, failures
    steps += 1
    if ok:
        print(f"ok {steps} - {name}")
    else:
        failures += 1
        print(f"not ok {steps} - {name}{': ' + detail if detail else ''}")
    sys.stdout.flush()
    return ok


def passwords():
    out = {}
    with open(os.environ["PORTAL_PASSWORDS"]) as f:
        for line in f:
            user, _, pw = line.strip().partition(" ")
            out[user] = pw
    return out


class Browser:
    """A fresh Chromium signed in as user: with the credentials in the
    URL it opens (in_url), else with the header on every request."""

    def __init__(self, user, pw, in_url):
        self.user = user
        self.downloads = tempfile.mkdtemp(prefix="e2e-downloads.")
        opts = webdriver.ChromeOptions()
        for a in ("--headless=new", "--no-sandbox", "--disable-gpu",
                  "--disable-background-networking",
                  "--disable-component-update", "--disable-sync",
                  "--no-first-run", "--disable-dev-shm-usage",
                  "--window-size=%d,1000" % WIDE,
                  "--user-data-dir=" + tempfile.mkdtemp(
                      prefix="e2e-chromium.")):
            opts.add_argument(a)
        opts.binary_location = "/usr/bin/chromium"
        opts.set_capability("goog:loggingPrefs",
                            {"browser": "ALL", "performance": "ALL"})
        self.d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"),
                                  options=opts)
        self.d.execute_cdp_cmd("Network.enable", {})
        self.d.execute_cdp_cmd("Browser.setDownloadBehavior", {
            "behavior": "allow", "downloadPath": self.downloads})
        u = urllib.parse.urlsplit(URL)
        if in_url:
            self.home = "%s://%s:%s@%s/" % (
                u.scheme, urllib.parse.quote(user, safe=""),
                urllib.parse.quote(pw, safe=""), u.netloc)
        else:
            token = base64.b64encode(f"{user}:{pw}".encode()).decode()
            self.d.execute_cdp_cmd("Network.setExtraHTTPHeaders", {
                "headers": {"Authorization": "Basic " + token}})
            self.home = URL + "/"
        self.routes = []

    def open(self, anchor=""):
        """Loads the page afresh (a link from a mail): an address that
        differs from the one shown by its anchor only would not."""
        self.d.get("about:blank")
        self.d.get(self.home + anchor)

    def by(self, css):
        return self.d.find_element(By.CSS_SELECTOR, css)

    def all(self, css):
        return self.d.find_elements(By.CSS_SELECTOR, css)

    def js(self, script, *args):
        return self.d.execute_script(script, *args)

    def shown(self, css):
        e = self.all(css)
        return bool(e) and e[0].is_displayed()

    def status(self):
        return self.by("#status").text

    def wait(self, cond, what):
        """A step that comes true within WAIT seconds."""
        try:
            WebDriverWait(self.d, WAIT, ignored_exceptions=[
                StaleElementReferenceException]).until(lambda _: cond())
        except Exception:
            return step(what, False, "not within %d s" % WAIT)
        return step(what, True)

    def width(self, w):
        """The page's width in CSS pixels, as a phone's or a laptop's."""
        self.d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": w, "height": 1000, "deviceScaleFactor": 1,
            "mobile": w < 600})
        self.wait(lambda: self.js("return window.innerWidth") == w,
                  f"{self.user}: the page is {w} px wide")

    def check_console(self, where):
        errors = [e["message"] for e in self.d.get_log("browser")
                  if e["level"] == "SEVERE"]
        step(f"{where}: no console error", not errors, "; ".join(errors))

    def check_network(self, where=None):
        """The answers the browser got since the last look: none 4xx or
        5xx, but the 401 of Basic's challenge to a page opened with the
        credentials in its URL (the browser's, before it sends them)."""
        bad = []
        for e in self.d.get_log("performance"):
            m = json.loads(e["message"])["message"]
            if m["method"] != "Network.responseReceived":
                continue
            p = m["params"]
            url, code = p["response"]["url"], p["response"]["status"]
            path = urllib.parse.urlsplit(url).path
            if p.get("type") in ("Fetch", "XHR"):
                self.routes.append(path)
            if code < 400:
                continue
            if code == 401 and p.get("type") == "Document" and \
                    "@" in self.home:
                continue
            bad.append("%s %d" % (path, code))
        if where is not None:
            step(f"{where}: no request answered 4xx or 5xx", not bad,
                 ", ".join(bad))
        return bad

    def axe(self):
        self.js(AXE)
        return self.d.execute_async_script("""
            const done = arguments[arguments.length - 1];
            axe.run(document, {resultTypes: ['violations']})
              .then(r => done(r.violations.map(v => ({id: v.id,
                 impact: v.impact, help: v.help,
                 nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))))
              .catch(e => done([{id: 'axe-failed', impact: 'critical',
                 help: String(e), nodes: []}]));""")

    def check_axe(self, where):
        res = self.axe()
        grave = [v for v in res if v["impact"] in ("serious", "critical")]
        for v in res:
            if v not in grave:
                moderate.setdefault((v["id"], v["impact"], v["help"]),
                                    set()).add(where)
        step(f"{where}: axe finds no serious or critical violation",
             not grave, "; ".join("%s (%s): %s at %s" % (
                 v["id"], v["impact"], v["help"], ", ".join(v["nodes"]))
                 for v in grave))

    def check_words(self, where):
        """No word broken across two lines (keys and code aside) and
        nothing wider than the window."""
        broken = self.js("""
            const bad = [];
            const w = document.createTreeWalker(document.body,
                NodeFilter.SHOW_TEXT);
            let n;
            while ((n = w.nextNode())) {
                const p = n.parentElement;
                if (!p || p.closest('.mono, pre, code, script, style'))
                    continue;
                const re = /[A-Za-z]{2,}/g;
                let m;
                while ((m = re.exec(n.data))) {
                    const r = document.createRange();
                    r.setStart(n, m.index);
                    r.setEnd(n, m.index + m[0].length);
                    const rs = Array.from(r.getClientRects())
                        .filter(x => x.width > 0);
                    if (rs.some(x => Math.abs(x.top - rs[0].top) > 2))
                        bad.push(m[0]);
                }
            }
            return bad;""")
        step(f"{where}: no word broken across lines", not broken,
             ", ".join(broken[:10]))
        step(f"{where}: no sideways scroll", self.js(
            "return document.documentElement.scrollWidth <= "
            "window.innerWidth + 1"))

    def shot(self, name):
        """The whole page, not only the window."""
        m = self.d.execute_cdp_cmd("Page.getLayoutMetrics", {})
        size = m.get("cssContentSize", m["contentSize"])
        png = self.d.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size["width"],
                     "height": size["height"], "scale": 1}})
        with open(os.path.join(SHOTS, name), "wb") as f:
            f.write(base64.b64decode(png["data"]))

    def view(self, name, where, shot=None):
        """The checks of a page view at both widths, and its shots."""
        for w in (WIDE, NARROW):
            self.width(w)
            time.sleep(0.2)
            at = f"{where} at {w} px"
            self.check_console(at)
            self.check_network(where=at)
            self.check_axe(at)
            self.check_words(at)
            if shot:
                self.shot(f"portal-{shot}-{w}.png")
        self.width(WIDE)

    def quit(self):
        self.d.quit()
        shutil.rmtree(self.downloads, ignore_errors=True)


def row_of(b, table, rid):
    rows = b.all(f"#{table} tbody tr[data-id='{rid}']")
    return rows[0] if rows else None


def in_row(b, table, rid, act):
    """act(row) on the row of request rid in table (None when there is
    none), found again when the page renders the table again between
    the finding and the act."""
    for _ in range(40):
        row = row_of(b, table, rid)
        if row is None:
            return None
        try:
            return act(row)
        except StaleElementReferenceException:
            time.sleep(0.05)
    return None


def row_text(b, table, rid):
    return in_row(b, table, rid, lambda row: row.get_attribute(
        "textContent"))


def with_reason(b, table, rid, button, reason):
    """Types reason into the reason field of request rid's row in table,
    then presses its button."""
    def act(row):
        row.find_element(By.CSS_SELECTOR, ".withreason input").send_keys(
            reason)
        row.find_element(By.XPATH, f".//button[text()='{button}']").click()
    in_row(b, table, rid, act)


def no_alert(b):
    try:
        b.d.switch_to.alert
        return False
    except NoAlertPresentException:
        return True


def sent(b):
    m = re.search(r"Request (\d+) sent", b.status())
    return m.group(1) if m else None


def main():
    pw = passwords()
    os.makedirs(SHOTS, exist_ok=True)
    try:
        dev = Browser("developer", pw["developer"], in_url=True)
        app = Browser("approver", pw["approver"], in_url=False)
    except WebDriverException as e:
        print("browser: cannot drive Chromium: %s" % e.msg, file=sys.stderr)
        return 99
    try:
        flow(dev, app)
    finally:
        dev.quit()
        app.quit()
    for (rule, impact, text), where in sorted(moderate.items()):
        print(f"# axe, {impact}: {rule} ({text}) on {len(where)} views")
    print(f"{steps} steps, {failures} failed")
    return 1 if failures else 0


def run_snippet(lang, text, key):
    """Runs an example the page shows; its call must pass the gateway,
    whose demo API echoes the key it let through."""
    argv = {"sh": ["/bin/sh", "-c", text],
            "python": ["/usr/bin/python3", "-c", text],
            "node": ["node", "-e", text]}[lang]
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as e:
        return step(f"the {lang} example runs", False, str(e))
    ok = p.returncode == 0 and f'"key":"{key}"' in p.stdout
    if lang != "sh":
        ok = ok and p.stdout.startswith("200 ")
    return step(f"the {lang} example's token passes the gateway",
                ok, "exit %d: %s" % (p.returncode,
                                     (p.stdout + p.stderr)[-300:]))


def flow(dev, app):
    # The developer, signed in by the URL: only what a developer may use.
    dev.open()
    dev.wait(lambda: dev.shown("#view-requests"),
             "the developer lands on requesting access")
    step("a developer has no Approvals tab", not dev.shown("#tab-approvals"))
    dev.wait(lambda: dev.by("#who-user").text == "developer",
             "the signed-in user is shown")
    dev.wait(lambda: dev.all("#group-choices input[value='contentAdmin']"),
             "the groups are listed")
    step("the groups offered hold no admin group",
         not dev.all("#group-choices input[value='adminutilAdmin']"))
    desc = dev.by("#group-choices input[value='contentAdmin'] ~ .desc")
    step("a group has a description",
         "muted" not in desc.get_attribute("class") and
         len(desc.get_attribute("textContent")) > 10)
    # The check can fail: an image without a text is critical to axe.
    dev.js("const i = document.createElement('img'); i.id = 'axe-bait';"
           "i.src = 'logo.svg'; document.querySelector('main').append(i);")
    step("axe finds an image without a text",
         [v["id"] for v in dev.axe() if v["impact"] == "critical"] ==
         ["image-alt"])
    dev.js("document.getElementById('axe-bait').remove();")
    dev.view("requests", "developer, request access (empty)",
             "developer-requests-empty")

    # Find a group, choose it, see it summarised, send.
    total = len(dev.all("#group-choices .choice"))
    dev.by("#group-filter").send_keys("flag accept")
    dev.wait(lambda: 0 < len([e for e in dev.all("#group-choices .choice")
                              if e.is_displayed()]) < total,
             "the filter narrows the groups")
    dev.by("#group-filter").clear()
    dev.by("#group-filter").send_keys("contentAdmin")
    dev.by("#group-choices input[value='contentAdmin']").click()
    dev.wait(lambda: "contentAdmin" in dev.by("#summary-list").text,
             "the chosen group is summarised before sending")
    dev.by("#request-notes").send_keys(XSS)
    dev.by("#request-email").send_keys("developer@example.test")
    dev.view("requests", "developer, a request filled in",
             "developer-request-form")
    dev.by("#submit-request").click()
    dev.wait(lambda: sent(dev), "the request is sent")
    rid = sent(dev)
    text = row_text(dev, "requests", rid) or ""
    step("the request shows, pending", "pending" in text)
    step("the notes are shown as text, not markup",
         XSS in text and not dev.all("#requests img, #requests script"))
    dev.view("requests", "developer, a request pending",
             "developer-requests")
    step("the developer's page called no approver's route",
         not [r for r in dev.routes if r.startswith("/v1/access/")],
         ", ".join(r for r in dev.routes if r.startswith("/v1/access/")))
    step("the developer's page asked who they are once",
         dev.routes.count("/v1/portal/me") == 1)

    # The approver lands on the desk, the request there to decide.
    app.open()
    app.wait(lambda: app.shown("#view-approvals"),
             "the approver lands on approvals when one is pending")
    step("the address says so", app.js("return location.hash") ==
         "#approvals")
    app.wait(lambda: row_of(app, "pending", rid) is not None,
             "the pending request is listed")
    text = row_text(app, "pending", rid) or ""
    step("requester, mail, date, groups with their APIs, notes as text",
         "developer" in text and "developer@example.test" in text and
         app.all(f"#pending tr[data-id='{rid}'] time") and
         "contentAdmin" in text and "/content/v1/flag/accept" in text and
         XSS in text and not app.all("#pending img"))
    app.wait(lambda: int(app.by("#unread").text) >= 1,
             "the approver's notification count shows the request")
    step("Approve and Reject look different",
         in_row(app, "pending", rid, lambda row: row.find_element(
             By.XPATH, ".//button[text()='Approve']").value_of_css_property(
             "background-color") != row.find_element(
             By.XPATH, ".//button[text()='Reject']").value_of_css_property(
             "background-color")))
    step("the reject reason is in Reject's own box",
         in_row(app, "pending", rid, lambda row: len(row.find_elements(
             By.CSS_SELECTOR, ".withreason input + button.danger")) == 1))
    app.view("approvals", "approver, a request pending", "approver-pending")
    in_row(app, "pending", rid, lambda row: row.find_element(
        By.XPATH, ".//button[text()='Approve']").click())
    app.wait(lambda: "approved" in app.status(), "the approval is made")
    app.wait(lambda: row_of(app, "pending", rid) is None,
             "the decided request leaves the pending list")
    app.wait(lambda: app.by("#unread").text == "0",
             "acting clears the approver's notification count")
    app.wait(lambda: not app.shown("#pending-count"),
             "nothing waits: no count on Approvals")
    app.wait(lambda: "approved" in (row_text(app, "history", rid) or ""),
             "the decision is in the history")

    # The developer, from the mail's link: their credentials.
    dev.open("#credentials")
    dev.wait(lambda: dev.shown("#view-credentials"),
             "#credentials opens the credentials")
    dev.wait(lambda: int(dev.by("#unread").text) >= 1,
             "the developer's notification count shows the decision")
    dev.by("#bell").click()
    dev.wait(lambda: "approved" in dev.by("#notification-list").text,
             "the notification says approved")
    dev.by("#mark-read").click()
    dev.wait(lambda: dev.by("#unread").text == "0", "read, the count is 0")
    dev.by("#bell").click()
    dev.wait(lambda: "contentAdmin" in dev.by("#approved-groups").text,
             "the approved group is listed for generating")
    dev.view("credentials", "developer, credentials (none yet)",
             "developer-credentials-empty")

    # Generate: key and secret once, how to use them, a file to keep.
    user = "portal-browser-%d" % int(time.time() * 1000)
    dev.by("#generate-username").send_keys(user)
    dev.by("#generate-notes").send_keys("the mobile app")
    dev.by("#generate").click()
    dev.wait(lambda: dev.shown("#secret-dialog"),
             "the key and secret are shown")
    key = dev.by("#shown-key").get_attribute("value")
    secret = dev.by("#shown-secret").get_attribute("value")
    step("a 32-hex-digit key and secret",
         re.fullmatch(r"[0-9a-f]{32}", key or "") is not None and
         re.fullmatch(r"[0-9a-f]{32}", secret or "") is not None)
    step("Close waits for the confirmation",
         dev.by("#close-secret").get_attribute("disabled") is not None)
    text = dev.by("#dialog-usage").get_attribute("textContent")
    step("the panel names the gateway, the key, the groups and APIs",
         GATEWAY in text and key in text and "contentAdmin" in text and
         "/content/v1/flag/accept" in text)
    for lang in ("sh", "python", "node"):
        pre = dev.all(f"#dialog-usage pre[data-snippet='{lang}']")
        run_snippet(lang, pre[0].get_attribute("textContent")
                    if pre else "", key)
    dev.by("#download").click()
    path = os.path.join(dev.downloads, user + ".credentials.env")
    dev.wait(lambda: os.path.exists(path), "the file is downloaded")
    try:
        with open(path) as f:
            kept = f.read()
    except OSError:
        kept = ""
    step("the file holds the key and the secret",
         f"API_KEY='{key}'" in kept and f"API_SECRET='{secret}'" in kept)
    # The screenshots show neither the secret nor the key.
    dev.js("""const s = arguments[0];
        document.getElementById('shown-secret').style.filter = 'blur(5px)';
        window.shotsKept = [];
        document.querySelectorAll('#dialog-usage code').forEach(e => {
            window.shotsKept.push([e, e.textContent]);
            e.textContent = e.textContent.split(s).join('(the secret)');
        });""", secret)
    dev.view("credentials", "developer, the new credentials",
             "developer-secret")
    # As it was: the page's own clearing is what is checked below.
    dev.js("""document.getElementById('shown-secret').style.filter = '';
        window.shotsKept.forEach(([e, t]) => e.textContent = t);
        delete window.shotsKept;""")
    dev.by("#copied").click()
    step("confirmed, Close is enabled",
         dev.by("#close-secret").get_attribute("disabled") is None)
    dev.by("#close-secret").click()

    def nowhere(s):
        return dev.js("""
            const s = arguments[0];
            return !document.documentElement.outerHTML.includes(s) &&
              !Array.from(document.querySelectorAll('input, textarea'))
                .some(e => e.value.includes(s));""", s)
    step("closed, the secret is nowhere in the page",
         not dev.shown("#secret-dialog") and nowhere(secret))
    dev.wait(lambda: dev.shown("#usage") and
             "API_SECRET" in dev.by("#usage").text,
             "how to use them stays, reading the secret from API_SECRET")
    dev.wait(lambda: key in dev.by("#credentials").text,
             "the credential is listed")
    step("the Revoke button is styled destructive",
         "danger" in dev.by("#credentials button[aria-label^='Revoke']")
         .get_attribute("class"))
    dev.view("credentials", "developer, credentials", "developer-credentials")
    dev.open("#credentials")
    dev.wait(lambda: key in dev.by("#credentials").text, "after a reload")
    step("after a reload, the secret is nowhere", nowhere(secret))

    # A request rejected, with the reason as text.
    dev.open("#requests")
    dev.wait(lambda: dev.all("#group-choices input[value='contentCreate']"),
             "the groups again")
    dev.by("#group-filter").send_keys("contentCreate")
    dev.by("#group-choices input[value='contentCreate']").click()
    dev.by("#submit-request").click()
    dev.wait(lambda: sent(dev), "the second request is sent")
    rid2 = sent(dev)
    app.open()
    app.wait(lambda: row_of(app, "pending", rid2) is not None,
             "the second request is pending")
    in_row(app, "pending", rid2, lambda row: row.find_element(
        By.XPATH, ".//button[text()='Reject']").click())
    app.wait(lambda: "needs a reason" in app.status(),
             "a rejection without a reason is not sent")
    with_reason(app, "pending", rid2, "Reject", "<b>not now</b>")
    app.wait(lambda: "rejected" in app.status(), "the rejection is made")
    app.wait(lambda: "rejected" in (row_text(app, "history", rid2) or ""),
             "the rejection is in the history")
    app.view("approvals", "approver, nothing pending", "approver-history")
    dev.open("#requests")
    dev.wait(lambda: "rejected" in (row_text(dev, "requests", rid2) or ""),
             "the developer sees the rejection")
    step("the reason is shown as text",
         "<b>not now</b>" in (row_text(dev, "requests", rid2) or "") and
         not dev.all("#requests b"))

    # The approval taken back: the developer sees it revoked.
    app.open("#approvals")
    app.wait(lambda: row_of(app, "history", rid) is not None,
             "the approval is listed, to be taken back")
    with_reason(app, "history", rid, "Take back", "contract ended")
    app.wait(lambda: "revoked" in app.status(), "the approval is taken back")
    app.wait(lambda: "revoked" in (row_text(app, "history", rid) or ""),
             "the history says revoked")
    app.view("requests", "approver, request access")
    app.by("#tab-credentials").click()
    app.wait(lambda: app.shown("#view-credentials"), "the approver's "
             "credentials")
    app.view("credentials", "approver, credentials")
    dev.open("#requests")
    dev.wait(lambda: "revoked" in (row_text(dev, "requests", rid) or ""),
             "the developer sees the approval revoked")
    dev.view("requests", "developer, decided requests",
             "developer-decided")

    # Signing out: the page forgets, and says what the browser keeps.
    dev.by("#sign-out").click()
    dev.wait(lambda: dev.d.current_url.endswith("/signed-out.html"),
             "sign out leads to the signed-out page")
    step("nothing of the developer is left in the page",
         "contentAdmin" not in dev.d.page_source and key not in
         dev.d.page_source)
    dev.view("signed-out", "signed out", "signed-out")
    step("no alert ran: the notes stayed text", no_alert(dev) and
         no_alert(app))


if __name__ == "__main__":
    sys.exit(main())
