"""The district console in a real browser (Debian's chromium, chromedriver and python3-selenium).

Run by tests/integration/test_console_browser.cc, which builds the district (ConsoleWorld) and
passes what it made as JSON in ROSTERD_BROWSER_WORLD. Walks what a coordinator does: sign in,
see the held run, open its planned deactivations, approve it with a reason, read the feed's
history, resolve a possible match, test a file; and, before that, a viewer, who sees no Approve
button and is refused when forging the POST. axe-core (loaded into each page) checks every page against WCAG
2.1 AA: a serious or critical violation fails the test. Screenshots of each page go to
world["screenshots"]. Exit 0 when every step passed; otherwise the failures are printed.
"""
import json
import os
import sys

import axe_audit
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

world = json.loads(os.environ["ROSTERD_BROWSER_WORLD"])
base = world["url"]
failures = []
pages_checked = []


def check(ok, what):
    print(("ok: " if ok else "FAILED: ") + what, flush=True)
    if not ok:
        failures.append(what)


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,1000",
                "--disable-dev-shm-usage", "--lang=en-US"]:
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(60)
    return driver


AXE = open(world["axe"], encoding="utf-8").read() if world["axe"] else ""


def audit(driver, name):
    """axe-core on the page as it is: WCAG 2.0/2.1 A and AA rules."""
    if not AXE:
        print("  axe %s: skipped (axe-core is not installed)" % name, flush=True)
        return
    result = axe_audit.violations(driver, AXE)
    bad = axe_audit.serious(result)
    for v in result:
        print("  axe %s: %s (%s, %d nodes)" % (name, v["id"], v["impact"], v["nodes"]), flush=True)
    check(not bad, "no serious or critical WCAG 2.1 AA violation on the %s page" % name)
    pages_checked.append(name)


def shot(driver, name):
    folder = world.get("screenshots")
    if folder:
        os.makedirs(folder, exist_ok=True)
        driver.save_screenshot(os.path.join(folder, name + ".png"))


def submit(driver, button, expect):
    """Clicks a form's button and waits for the answer page to show `expect` (10 s at most)."""
    button.click()
    try:
        WebDriverWait(driver, 10).until(lambda d: expect in d.page_source)
    except Exception:
        pass  # the check after it says what is missing


def visit(driver, name):
    audit(driver, name)
    shot(driver, name)


def sign_in(driver, email):
    driver.get(base + "/login")
    visit(driver, "sign-in")
    driver.find_element(By.ID, "email").send_keys(email)
    driver.find_element(By.ID, "password").send_keys(world["password"])
    driver.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()
    WebDriverWait(driver, 10).until(expected_conditions.url_to_be(base + "/"))


def coordinator(driver):
    held = str(world["held_run"])
    sign_in(driver, world["approver"])
    check("Held" in driver.find_element(By.TAG_NAME, "table").text, "the feeds page shows the held run")
    check("1 held run" in driver.page_source, "the feeds page says a run waits for a person")
    visit(driver, "feeds")

    driver.find_element(By.LINK_TEXT, "Held").click()
    check(driver.current_url.endswith("/runs/" + held), "the held run opens from the feeds page")
    check("is held for a person" in driver.page_source, "the run page says what happened in a sentence")
    check("101 Lincoln Elementary" in driver.page_source, "the run page counts by school, with its name")
    visit(driver, "run-held")

    Select(driver.find_element(By.ID, "kind")).select_by_value("deactivated")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "#change-filter button[type=submit]"),
           "kind=deactivated")
    rows = driver.find_elements(By.CSS_SELECTOR, "#planned-changes tbody tr")
    check(len(rows) == 4, "the planned deactivations are listed, four of them")
    check(all("deactivated" in r.text for r in rows), "only deactivations are shown")
    visit(driver, "run-deactivations")

    driver.find_element(By.ID, "reason-approve").send_keys("Withdrawals confirmed with the registrar")
    submit(driver, driver.find_element(By.XPATH, "//button[text()='Approve']"), "approved and committed")
    check("approved and committed" in driver.page_source, "approving commits the run")
    visit(driver, "run-approved")

    driver.find_element(By.CSS_SELECTOR, "nav.crumbs li:last-child a").click()
    history = driver.find_element(By.TAG_NAME, "table").text
    check("Committed" in history and world["approver"] in history,
          "the feed's history shows the run committed and who approved it")
    check("Withdrawals confirmed with the registrar" in driver.page_source,
          "the feed's history shows why")
    visit(driver, "feed")

    driver.find_element(By.LINK_TEXT, "Identity alerts").click()
    check(world["matched_id"] in driver.page_source, "the alert shows its candidate side by side")
    visit(driver, "alerts")
    submit(driver, driver.find_element(By.XPATH, "//button[text()='Match to %s']" % world["matched_id"]),
           "decided: matched to")
    check("decided: matched to " + world["matched_id"] in driver.page_source, "the possible match is resolved")

    driver.get(base + "/feeds/gen")
    driver.find_element(By.ID, "roster").send_keys(world["test_file"])
    submit(driver, driver.find_element(By.XPATH, "//button[text()='Check the file']"),
           "nothing was committed or kept")
    check("nothing was committed or kept" in driver.page_source, "the test file's report is shown")
    check("Rows rejected" in driver.page_source and "state_id" in driver.page_source,
          "the report lists the discrepancies with their field")
    visit(driver, "test-file")

    driver.get(base + "/feeds/gen/students/" + world["matched_id"])
    visit(driver, "student")


def viewer(driver):
    sign_in(driver, world["viewer"])
    other = str(world["held_run"])
    driver.get(base + "/runs/" + other)
    check("Approve" not in [b.text for b in driver.find_elements(By.TAG_NAME, "button")],
          "a viewer sees no Approve button")
    visit(driver, "run-viewer")
    # A forged POST: a form the page never offered, with the viewer's own session and token.
    driver.execute_script(
        "const f = document.createElement('form'); f.method = 'post'; f.action = arguments[0];"
        "for (const [k, v] of [['csrf', arguments[1]], ['reason', 'forged']]) {"
        " const i = document.createElement('input'); i.type = 'hidden'; i.name = k; i.value = v; f.appendChild(i); }"
        "document.body.appendChild(f); f.submit();",
        base + "/runs/" + other + "/approve",
        driver.find_element(By.NAME, "csrf").get_attribute("value"))
    WebDriverWait(driver, 10).until(lambda d: "/approve" in d.current_url)
    check("does not allow this" in driver.page_source, "the forged approve is refused with the reason")


def main():
    # The viewer first: the run is still held when they look at it.
    for role in (viewer, coordinator):
        driver = browser()
        try:
            role(driver)
        except Exception as e:  # a missing element is a failed step, with the page to look at
            failures.append("%s: %s" % (role.__name__, e))
            print("FAILED: %s stopped: %s\n%s" % (role.__name__, e, driver.page_source[:3000]), flush=True)
        finally:
            driver.quit()
    print("pages audited: " + ", ".join(pages_checked))
    print("%d passed, %d failed" % (0 if failures else 1, len(failures)))
    return 1 if failures else 0


sys.exit(main())
