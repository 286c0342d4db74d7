"""Bank browser timings in headless Chromium (docs/BENCHMARKS.md, "Bank browser").

Usage: browser_bench.py XPASTE_BINARY BANK_SQLITE [RUNS]

Serves a copy of BANK_SQLITE, loads the page RUNS times cold (fresh browser profile) and reads the
Performance API: time from navigation start to the first grid paint (first page of 100 laid out and
painted), then scrolls 20 pages and times each next page (scroll-triggered request to paint). Also
checks the DOM stays bounded. Prints one JSON line.
"""
import json, os, re, shutil, signal, statistics, subprocess, sys, tempfile

from selenium import webdriver
from selenium.webdriver.support.ui import WebDriverWait

BIN, BANK = sys.argv[1:3]
RUNS = int(sys.argv[3]) if len(sys.argv) > 3 else 5
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "../../.."))

root = tempfile.mkdtemp(prefix="xpaste-browser-bench-")
os.makedirs(os.path.join(root, "data"))
shutil.copyfile(BANK, os.path.join(root, "data", "bank.sqlite"))
proc = subprocess.Popen([BIN, "serve", "--port", "0", "--data", "data", "--web", os.path.join(REPO, "web"),
                         "--pipelines", os.path.join(REPO, "pipelines"), "--openapi", os.path.join(REPO, "schemas/openapi.yaml"),
                         "--log-level", "error"], cwd=root, stdout=subprocess.PIPE)
url = re.search(r"listening on (http://[^ \n]+)", proc.stdout.readline().decode()).group(1)
first, pages, nodes = [], [], []
try:
    for run in range(RUNS):
        o = webdriver.ChromeOptions()
        o.binary_location = "/usr/bin/chromium"
        for a in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,800"]:
            o.add_argument(a)
        d = webdriver.Chrome(options=o, service=webdriver.ChromeService(executable_path="/usr/bin/chromedriver"))
        try:
            d.get(url + "/?view=bank")
            w = WebDriverWait(d, 60, poll_frequency=0.01)
            w.until(lambda _: d.execute_script("return window.__xp && window.__xp.firstPaint"))
            first.append(d.execute_script("return window.__xp.firstPaint"))
            for k in range(20):
                d.execute_script("window.scrollTo(0, document.body.scrollHeight)")
                w.until(lambda _: d.execute_script("return window.__xp.pages.length") > k)
            pages += [p["ms"] for p in d.execute_script("return window.__xp.pages")]
            nodes.append(d.execute_script("return [document.querySelectorAll('#grid .cell').length, document.getElementsByTagName('*').length, window.__xp.pages.at(-1).items]"))
        finally:
            d.quit()
finally:
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)
    shutil.rmtree(root, ignore_errors=True)
pages.sort()
out = {"runs": RUNS, "first_paint_ms": {"median": round(statistics.median(first), 1), "max": round(max(first), 1), "all": [round(x, 1) for x in first]},
       "next_page_ms": {"median": round(statistics.median(pages), 1), "p95": round(pages[int(0.95 * (len(pages) - 1))], 1), "max": round(max(pages), 1), "n": len(pages)},
       "dom_after_20_pages": {"cells": max(n[0] for n in nodes), "elements": max(n[1] for n in nodes), "instances_loaded": nodes[0][2]}}
assert out["dom_after_20_pages"]["cells"] < 200, out
print(json.dumps(out))
