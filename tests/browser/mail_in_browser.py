"""The district's mail as a mail client shows it (Debian's chromium, chromedriver, python3-selenium).

Run by tests/integration/test_console_browser.cc ("mail in a browser"), which makes the mails with
a real `rosterd ingest` and a real SMTP server and passes their HTML parts as JSON in
ROSTERD_MAIL_WORLD: {"mails": {name: path}, "axe": path or "", "screenshots": dir}. Each mail is
opened at a desktop width (1280 px) and a phone's (390 px): the banner's sentence must be the
first text, the buttons must be links, nothing may be wider than the phone's screen, and
axe-core's WCAG 2.1 AA audit must find nothing serious. A full-height screenshot of each goes to
world["screenshots"] as NAME-desktop.png and NAME-phone.png. Exit 0 when every check passed.
"""
import json
import os
import sys

import axe_audit
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

world = json.loads(os.environ["ROSTERD_MAIL_WORLD"])
failures = []
AXE = open(world["axe"], encoding="utf-8").read() if world["axe"] else ""
WIDTHS = {"desktop": 1280, "phone": 390}


def check(ok, what):
    print(("ok: " if ok else "FAILED: ") + what, flush=True)
    if not ok:
        failures.append(what)


def browser(width):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=%d,900" % width,
                "--disable-dev-shm-usage", "--lang=en-US", "--hide-scrollbars"]:
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(60)
    return driver


def audit(driver, name):
    if not AXE:
        print("  axe %s: skipped (axe-core is not installed)" % name, flush=True)
        return
    bad = axe_audit.serious(axe_audit.violations(driver, AXE))
    for v in bad:
        print("  axe %s: %s (%s): %s, %d element(s)" % (name, v["id"], v["impact"], v["help"], v["nodes"]))
    check(not bad, "axe finds nothing serious in %s" % name)


def look(driver, name, path, width_name):
    driver.get("file://" + path)
    label = "%s at %s width" % (name, width_name)
    body_text = driver.find_element(By.TAG_NAME, "body").text.strip()
    banner = driver.find_element(By.TAG_NAME, "strong").text
    check(body_text.startswith(banner), "%s: the banner's sentence comes first" % label)
    links = driver.find_elements(By.CSS_SELECTOR, "a[href^='http']")
    check(len(links) >= 1, "%s: its actions are links (%d)" % (label, len(links)))
    overflow = driver.execute_script(
        "return document.documentElement.scrollWidth - window.innerWidth;")
    check(overflow <= 1, "%s: nothing wider than the window (%d px over)" % (label, overflow))
    if width_name == "desktop":
        audit(driver, name)
    height = driver.execute_script("return document.documentElement.scrollHeight;")
    driver.set_window_size(WIDTHS[width_name], max(600, min(height + 160, 6000)))
    os.makedirs(world["screenshots"], exist_ok=True)
    driver.save_screenshot(os.path.join(world["screenshots"], "%s-%s.png" % (name, width_name)))


for width_name, width in WIDTHS.items():
    driver = browser(width)
    try:
        for name, path in sorted(world["mails"].items()):
            driver.set_window_size(width, 900)
            look(driver, name, path, width_name)
    finally:
        driver.quit()

print("%d failed" % len(failures))
sys.exit(1 if failures else 0)
