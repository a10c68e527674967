#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""The portal in a real browser: headless Chromium (Debian's chromium
and chromium-driver, through python3-selenium) clicks through the self-
service flow as the developer and as the approver, on the real pages
served by nginx in front of a real adminutil (tests/browser/run.sh starts
them), and checks what a person sees.  Screenshots go to SHOTS.

Environment: PORTAL_URL, PORTAL_PASSWORDS ("user password" lines),
SHOTS (a directory).  Exit status: 0 all passed, 1 a step failed, 99 the
browser could not be driven.  Nothing secret is printed.
"""

import base64
import os
import re
import sys
import tempfile
import time

from selenium import webdriver
from selenium.common.exceptions import (NoAlertPresentException,
                                        StaleElementReferenceException,
                                        WebDriverException)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

URL = os.environ["PORTAL_URL"]
SHOTS = os.environ["SHOTS"]
WAIT = 10
XSS = "<img src=x onerror=alert(1)><script>alert(2)</script>"

steps = 0
failures = 0


def step(name, ok, detail=""):
    """One checked step of what a user sees."""
    global steps, failures
    steps += 1
    if ok:
        print(f"ok {steps} - {name}")
    else:
        failures += 1
        print(f"not ok {steps} - {name}{': ' + detail if detail else ''}")
    return ok


def passwords():
    out = {}
    with open(os.environ["PORTAL_PASSWORDS"]) as f:
        for line in f:
            user, _, pw = line.strip().partition(" ")
            out[user] = pw
    return out


def browser(user, pw):
    """A fresh Chromium, signed in to the portal as user."""
    opts = webdriver.ChromeOptions()
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu",
              "--disable-background-networking", "--disable-component-update",
              "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
              "--window-size=1200,1000",
              "--user-data-dir=" + tempfile.mkdtemp(prefix="e2e-chromium.")):
        opts.add_argument(a)
    opts.binary_location = "/usr/bin/chromium"
    d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    # The web server's sign-in: the browser sends it on every request,
    # as it would once a person typed it in.
    d.execute_cdp_cmd("Network.enable", {})
    token = base64.b64encode(f"{user}:{pw}".encode()).decode()
    d.execute_cdp_cmd("Network.setExtraHTTPHeaders",
                      {"headers": {"Authorization": "Basic " + token}})
    d.get(URL + "/")
    return d


def wait(d, cond, what):
    """A step that comes true within WAIT seconds."""
    try:
        # A table the page renders again under a lookup is looked up again.
        WebDriverWait(d, WAIT, ignored_exceptions=[
            StaleElementReferenceException]).until(lambda _: cond())
    except Exception:
        return step(what, False, "not within %d s" % WAIT)
    return step(what, True)


def shot(d, name):
    d.save_screenshot(os.path.join(SHOTS, name))


def by(d, css):
    return d.find_element(By.CSS_SELECTOR, css)


def status(d):
    return by(d, "#status").text


def no_alert(d):
    try:
        d.switch_to.alert
        return False
    except NoAlertPresentException:
        return True


def row_of(d, table, rid):
    rows = d.find_elements(By.CSS_SELECTOR, f"#{table} tbody tr[data-id='{rid}']")
    return rows[0] if rows else None


def in_row(d, table, rid, act):
    """act(row) on the row of request rid in table (None when there is
    none), found again when the page re-renders the table between the
    finding and the act."""
    for _ in range(40):
        row = row_of(d, table, rid)
        if row is None:
            return None
        try:
            return act(row)
        except StaleElementReferenceException:
            time.sleep(0.05)
    return None


def row_text(d, table, rid):
    return in_row(d, table, rid, lambda row: row.text)


def main():
    pw = passwords()
    os.makedirs(SHOTS, exist_ok=True)
    try:
        dev = browser("developer", pw["developer"])
        app = browser("approver", pw["approver"])
    except WebDriverException as e:
        print("browser: cannot drive Chromium: %s" % e.msg, file=sys.stderr)
        return 99
    try:
        flow(dev, app)
    finally:
        dev.quit()
        app.quit()
    print(f"{steps} steps, {failures} failed")
    return 1 if failures else 0


def flow(dev, app):
    # The developer's page: no Approvals tab for a developer.
    wait(dev, lambda: by(dev, "#generate").get_attribute("disabled") is not None,
         "the page loads")
    step("a developer has no Approvals page",
         not by(dev, "#tab-approvals").is_displayed())
    shot(dev, "portal-1-manage.png")

    # Request API access: the groups with their APIs, notes as typed.
    by(dev, "#open-request").click()
    wait(dev, lambda: dev.find_elements(By.CSS_SELECTOR,
         "#group-choices input[value='contentAdmin']"), "the groups are listed")
    step("the groups offered hold no admin group",
         not dev.find_elements(By.CSS_SELECTOR,
                               "#group-choices input[value='adminutilAdmin']"))
    by(dev, "#group-choices input[value='contentAdmin']").click()
    by(dev, "#request-notes").send_keys(XSS)
    by(dev, "#request-email").send_keys("developer@example.test")
    shot(dev, "portal-2-request.png")
    by(dev, "#submit-request").click()
    wait(dev, lambda: re.search(r"Request \d+ sent", status(dev)),
         "the request is sent")
    rid = re.search(r"Request (\d+) sent", status(dev)).group(1)
    text = row_text(dev, "requests", rid)
    step("the request shows, pending", text is not None and
         "pending" in text)
    step("the notes are shown as text, not markup",
         text is not None and XSS in text and
         not dev.find_elements(By.CSS_SELECTOR, "#requests img, #requests script"))
    shot(dev, "portal-3-requested.png")

    # The approver: told, and the request is there to decide.
    app.refresh()
    wait(app, lambda: by(app, "#tab-approvals").is_displayed(),
         "an approver has an Approvals page")
    wait(app, lambda: int(by(app, "#unread").text) >= 1,
         "the approver's notification count shows the request")
    by(app, "#tab-approvals").click()
    wait(app, lambda: row_of(app, "pending", rid) is not None,
         "the pending request is listed")
    text = row_text(app, "pending", rid)
    step("the approver sees requester and notes as text",
         text is not None and "developer" in text and XSS in text
         and not app.find_elements(By.CSS_SELECTOR, "#pending img"))
    shot(app, "portal-4-approvals.png")
    in_row(app, "pending", rid, lambda row: row.find_element(
        By.XPATH, ".//button[text()='Approve']").click())
    wait(app, lambda: "approved" in status(app), "the approval is made")
    wait(app, lambda: row_of(app, "pending", rid) is None,
         "the decided request leaves the pending list")

    # The developer: notified, in the count and the list.
    dev.refresh()
    wait(dev, lambda: int(by(dev, "#unread").text) >= 1,
         "the developer's notification count shows the decision")
    by(dev, "#bell").click()
    wait(dev, lambda: "approved" in by(dev, "#notification-list").text,
         "the notification says approved")
    shot(dev, "portal-5-notified.png")
    by(dev, "#mark-read").click()
    wait(dev, lambda: by(dev, "#unread").text == "0", "read, the count is 0")
    by(dev, "#bell").click()

    # Generate: the approved groups listed, key and secret shown once.
    wait(dev, lambda: "contentAdmin" in by(dev, "#approved-groups").text,
         "the approved group is listed for generating")
    user = "portal-browser-%d" % int(time.time() * 1000)
    by(dev, "#generate-username").send_keys(user)
    by(dev, "#generate-notes").send_keys("the mobile app")
    by(dev, "#generate").click()
    wait(dev, lambda: by(dev, "#secret-dialog").is_displayed(),
         "the key and secret are shown")
    key = by(dev, "#shown-key").get_attribute("value")
    secret = by(dev, "#shown-secret").get_attribute("value")
    step("a 32-hex-digit key and secret",
         re.fullmatch(r"[0-9a-f]{32}", key or "") is not None and
         re.fullmatch(r"[0-9a-f]{32}", secret or "") is not None)
    step("Close waits for the confirmation",
         by(dev, "#close-secret").get_attribute("disabled") is not None)
    # The screenshot does not show the secret (nor the key) either.
    dev.execute_script("""for (const id of ['shown-key', 'shown-secret'])
        document.getElementById(id).style.filter = 'blur(5px)';""")
    shot(dev, "portal-6-secret.png")
    dev.execute_script("""for (const id of ['shown-key', 'shown-secret'])
        document.getElementById(id).style.filter = '';""")
    by(dev, "#copy-secret").click()
    by(dev, "#copied").click()
    step("confirmed, Close is enabled",
         by(dev, "#close-secret").get_attribute("disabled") is None)
    by(dev, "#close-secret").click()
    step("closed, the secret is gone from the page",
         not by(dev, "#secret-dialog").is_displayed() and
         secret not in dev.page_source and
         by(dev, "#shown-secret").get_attribute("value") == "")
    wait(dev, lambda: key in by(dev, "#credentials").text,
         "the credential is listed")
    step("the list shows the key, never the secret",
         key in by(dev, "#credentials").text and secret not in dev.page_source)
    dev.refresh()
    wait(dev, lambda: key in by(dev, "#credentials").text, "after a reload")
    step("after a reload, the secret is nowhere", secret not in dev.page_source)

    # Rejected, with the reason as text.
    by(dev, "#open-request").click()
    wait(dev, lambda: dev.find_elements(By.CSS_SELECTOR,
         "#group-choices input[value='contentCreate']"), "the groups again")
    by(dev, "#group-choices input[value='contentCreate']").click()
    by(dev, "#submit-request").click()
    wait(dev, lambda: re.search(r"Request \d+ sent", status(dev)),
         "the second request is sent")
    rid2 = re.search(r"Request (\d+) sent", status(dev)).group(1)
    app.refresh()
    wait(app, lambda: by(app, "#tab-approvals").is_displayed(), "approvals")
    by(app, "#tab-approvals").click()
    wait(app, lambda: row_of(app, "pending", rid2) is not None,
         "the second request is pending")
    in_row(app, "pending", rid2, lambda row: row.find_element(
        By.XPATH, ".//button[text()='Reject']").click())
    wait(app, lambda: "mandatory" in status(app).lower(),
         "a rejection without a reason is refused")

    def reject(row):
        row.find_element(By.CSS_SELECTOR, "input").send_keys("<b>not now</b>")
        row.find_element(By.XPATH, ".//button[text()='Reject']").click()
    in_row(app, "pending", rid2, reject)
    wait(app, lambda: "rejected" in status(app), "the rejection is made")
    dev.refresh()
    wait(dev, lambda: "rejected" in (row_text(dev, "requests", rid2) or ""),
         "the developer sees the rejection")
    step("the reason is shown as text",
         "<b>not now</b>" in (row_text(dev, "requests", rid2) or "") and
         not dev.find_elements(By.CSS_SELECTOR, "#requests b"))
    shot(dev, "portal-7-rejected.png")

    # The first approval taken back: the developer sees it revoked.
    app.refresh()
    wait(app, lambda: by(app, "#tab-approvals").is_displayed(), "approvals")
    by(app, "#tab-approvals").click()
    wait(app, lambda: row_of(app, "approved", rid) is not None,
         "the approval is listed, to be taken back")

    def revoke(row):
        row.find_element(By.CSS_SELECTOR, "input").send_keys("contract ended")
        row.find_element(By.XPATH, ".//button[text()='Revoke']").click()
    in_row(app, "approved", rid, revoke)
    wait(app, lambda: "revoked" in status(app), "the approval is taken back")
    wait(app, lambda: row_of(app, "approved", rid) is None,
         "it leaves the approved list")
    dev.refresh()
    wait(dev, lambda: "revoked" in (row_text(dev, "requests", rid) or ""),
         "the developer sees the approval revoked")
    wait(dev, lambda: "contentAdmin" not in by(dev, "#approved-groups").text,
         "its group is no longer offered for generating")

    # Narrow screens, the keyboard, and no script ran from the notes.
    dev.set_window_size(390, 900)
    time.sleep(0.3)
    step("readable on a narrow screen: no sideways scroll",
         dev.execute_script("return document.documentElement.scrollWidth "
                            "<= window.innerWidth + 1"))
    shot(dev, "portal-8-narrow.png")
    unlabelled = dev.execute_script("""
        return Array.from(document.querySelectorAll('input, textarea'))
          .filter(e => e.type !== 'hidden' && !e.labels.length &&
                  !e.getAttribute('aria-label')).map(e => e.id || e.name);""")
    step("every field has a label", not unlabelled, ", ".join(unlabelled))
    step("no alert ran: the notes stayed text", no_alert(dev) and no_alert(app))


if __name__ == "__main__":
    sys.exit(main())
