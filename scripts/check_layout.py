#!/usr/bin/env python3
"""Reads a built site's charts as a phone, tablet and desktop reader would: the summary, a team
page, a tool page and the feedback page in headless Chromium at 360, 768 and 1280 CSS px wide,
light and dark (and the data-quality page, whose paths are long). No page may be wider than the
screen. In every chart that is shown, no text may be drawn smaller than 11 CSS px and no
two texts may overlap (their boxes, from getBoundingClientRect, may touch but not cross by more
than a pixel). Prints each failure with its page, width, scheme, chart and texts; exit 1 on any.

Usage: python3 scripts/check_layout.py SITE_DIR [SCREENSHOT_DIR]
Needs: selenium (PyPI), chromium and chromium-driver (Debian); `make check-layout` installs them.
"""
import glob
import os
import sys

from selenium import webdriver
from selenium.webdriver.chrome.options import Options

site = os.path.abspath(sys.argv[1])
shots = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else None
MIN_PX = 11.0
SLACK = 1.0  # boxes may share a pixel (glyph boxes include side bearings)


def first(pattern):
    found = sorted(glob.glob(os.path.join(site, pattern)))
    return found[0] if found else None


pages = {"summary": os.path.join(site, "index.html"), "feedback": os.path.join(site, "feedback", "index.html"),
         "data-quality": os.path.join(site, "data-quality.html")}
# The team and tool pages with the most charts drawn (a withheld team's page has none).
for name, pattern in {"team": "teams/*.html", "tool": "tools/*.html"}.items():
    candidates = sorted(glob.glob(os.path.join(site, pattern)), key=lambda p: -open(p, encoding="utf-8").read().count("<svg"))
    if candidates:
        pages[name] = candidates[0]
pages = {name: path for name, path in pages.items() if path and os.path.exists(path)}

# Everything a chart draws as text, with its rendered font size and box; only charts shown.
MEASURE = r"""
const out = [];
for (const svg of document.querySelectorAll('svg.chart')) {
  const box = svg.getBoundingClientRect();
  if (box.width === 0 || box.height === 0 || getComputedStyle(svg).display === 'none') continue;
  if (svg.closest('td.spark')) continue;  // sparklines carry no text
  const vb = svg.viewBox.baseVal;
  const scale = vb && vb.width ? box.width / vb.width : 1;
  const texts = [];
  for (const t of svg.querySelectorAll('text')) {
    if (t.closest('title, desc')) continue;
    const r = t.getBoundingClientRect();
    if (r.width === 0 || !t.textContent.trim()) continue;
    const size = parseFloat(getComputedStyle(t).fontSize) * scale;
    texts.push({text: t.textContent.trim().slice(0, 40), size: size, x: r.left, y: r.top, w: r.width, h: r.height});
  }
  out.push({id: svg.id || '(no id)', texts: texts});
}
return out;
"""


def overlaps(a, b):
    return (min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"]) > SLACK and
            min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"]) > SLACK)


options = Options()
for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--force-device-scale-factor=1"):
    options.add_argument(flag)
driver = webdriver.Chrome(options=options)
failures = []
checked = 0
try:
    for scheme in ("light", "dark"):
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
        for width in (360, 768, 1280):
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600})
            for name, path in pages.items():
                driver.get("file://" + path)
                # Nothing may widen the page past the screen (a long path once did): wide tables
                # and charts scroll inside their own frames.
                page_width = driver.execute_script("return document.documentElement.scrollWidth")
                if page_width > width:
                    failures.append(f"{name} {width}px {scheme}: the page is {page_width} px wide")
                for chart in driver.execute_script(MEASURE):
                    checked += 1
                    texts = chart["texts"]
                    for t in texts:
                        if t["size"] < MIN_PX - 0.05:
                            failures.append(f"{name} {width}px {scheme} #{chart['id']}: \"{t['text']}\" drawn at {t['size']:.1f} px")
                    for i in range(len(texts)):
                        for j in range(i + 1, len(texts)):
                            if overlaps(texts[i], texts[j]):
                                failures.append(f"{name} {width}px {scheme} #{chart['id']}: \"{texts[i]['text']}\" overlaps \"{texts[j]['text']}\"")
                if shots:
                    os.makedirs(shots, exist_ok=True)
                    height = driver.execute_script("return document.documentElement.scrollHeight")
                    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": min(height, 12000), "deviceScaleFactor": 1, "mobile": width < 600})
                    driver.save_screenshot(os.path.join(shots, f"{name}-{width}-{scheme}.png"))
                    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600})
finally:
    driver.quit()

print(f"Layout: {len(pages)} pages ({', '.join(pages)}) × 360/768/1280 px × light/dark, {checked} charts measured")
for failure in failures:
    print("  " + failure)
if failures:
    print(f"{len(failures)} problems")
    sys.exit(1)
print("no text under 11 px, no overlapping text")
