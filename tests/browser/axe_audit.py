"""axe-core's WCAG 2.0/2.1 A and AA rules on the page a selenium driver shows, shared by the
browser tests (console_in_browser.py, mail_in_browser.py)."""


def violations(driver, axe_source):
    """The page's violations as {id, impact, help, nodes}; [] when axe_source is empty."""
    if not axe_source:
        return []
    driver.execute_script(axe_source)
    return driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
        ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.length}))), e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: 0}]));")


def serious(found):
    """Those that fail a test: serious or critical."""
    return [v for v in found if v["impact"] in ("serious", "critical")]
