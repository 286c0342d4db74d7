"""The bank browser (web/) in headless Chromium against a real `xpaste serve` with a seeded bank.

Usage: browser_test.py XPASTE_BINARY SHARED_IMAGES_DIR CLIP_MODEL_DIR SCREENSHOT_DIR

Each step acts through the page (clicks, keys) and then checks the page's DOM and the API's state;
any failed check raises. Screenshots of the grid, the detail view, a job in progress and a dataset
preview go to SCREENSHOT_DIR. The last line printed is a JSON summary.
"""
import json, os, re, shutil, signal, subprocess, sys, tempfile, time, urllib.error, urllib.request
from urllib.parse import urlparse, parse_qs

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.support.ui import WebDriverWait
from selenium.common.exceptions import StaleElementReferenceException

BIN, IMAGES, CLIP, SHOTS = sys.argv[1:5]
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "../../.."))

import xpaste_harness
from xpaste_harness import Server, variants
xpaste_harness.configure(BIN, IMAGES)


def browser(width=1280, height=800):
    o = webdriver.ChromeOptions()
    o.binary_location = "/usr/bin/chromium"
    for a in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", f"--window-size={width},{height}", "--hide-scrollbars"]:
        o.add_argument(a)
    d = webdriver.Chrome(options=o, service=webdriver.ChromeService(executable_path="/usr/bin/chromedriver"))
    d.set_window_size(width, height)
    return d


def until(d, cond, what, seconds=120):
    # Live views re-render their rows: an element read mid-render is simply read again next poll.
    return WebDriverWait(d, seconds, poll_frequency=0.05, ignored_exceptions=[StaleElementReferenceException]).until(
        lambda _: cond(), message=what)


def seed(s, root):
    """Three categories of uploaded photos cut out and CLIP-scored, plus backgrounds."""
    folders = {}
    for k, (cat, n) in enumerate([("horse", 7), ("mug", 5), ("rocket", 4)]):
        f = os.path.join(root, "img", cat)
        variants(f, n, salt=k + 1)  # distinct images per category
        s.upload(cat, [os.path.join(f, x) for x in sorted(os.listdir(f))])
        folders[cat] = n
    s.upload(None, [os.path.join(IMAGES, b) for b in ("brick.png", "gravel.png")], kind="background")
    status, job = s.request("POST", "/v1/jobs", {"categories": list(folders), "pipeline": "upload",
                                                 "overrides": {"filter": {"enabled": True, "clip": "clip-tiny", "min_area": 0}}})
    assert status == 202, job
    assert s.wait(job["id"])["state"] == "succeeded"
    return job["id"]


def all_instances(s, query=""):
    out, cursor = [], None
    while True:
        _, page = s.request("GET", f"/v1/instances?limit=1000{query}" + (f"&cursor={cursor}" if cursor else ""))
        out += page["instances"]
        cursor = page.get("next_cursor")
        if not cursor:
            return out


def status_of(s, iid):
    return s.request("GET", f"/v1/instances/{iid}")[1]["status"]


def js(d, script, *args):
    return d.execute_script(script, *args)


def main():
    root = tempfile.mkdtemp(prefix="xpaste-browser-")
    os.makedirs(os.path.join(root, "models"))
    shutil.copytree(CLIP, os.path.join(root, "models", "clip-tiny"))
    os.makedirs(SHOTS, exist_ok=True)
    s = Server(root).start()
    d = None
    result = {}
    try:
        job = seed(s, root)
        everything = all_instances(s)
        total = len(everything)
        assert total >= 12, total
        d = browser()
        d.get(s.url + "/?view=bank")
        # The token: asked once, kept in localStorage.
        d.find_element(By.ID, "token-button").click()
        d.find_element(By.ID, "token-input").send_keys(s.token)
        d.find_element(By.ID, "token-save").click()
        until(d, lambda: js(d, "return localStorage.getItem('xpaste.token')") == s.token, "token kept")

        # ---- Grid and paging: pages of 5 over the cursor until the end, then every instance shown once.
        d.get(s.url + "/?view=bank&limit=5")
        until(d, lambda: len(d.find_elements(By.CSS_SELECTOR, "#grid .cell")) >= 5, "first page")
        until(d, lambda: "End of the list" in d.find_element(By.ID, "grid-end").text, "all pages loaded")
        shown = js(d, "return [...document.querySelectorAll('#grid .cell')].map(c => +c.dataset.id)")
        assert sorted(shown) == sorted(i["id"] for i in everything), (shown, total)
        assert d.find_element(By.ID, "grid-status").text.startswith(f"{total} shown")
        d.save_screenshot(os.path.join(SHOTS, "grid.png"))
        result["paging"] = total

        # ---- Filtering: search-as-you-type, a status box, the URL, reload.
        box = d.find_element(By.ID, "f-cat-search")
        box.send_keys("hors")
        until(d, lambda: d.find_elements(By.CSS_SELECTOR, "#f-cat-list li[role=option]"), "suggestions")
        opt = d.find_element(By.CSS_SELECTOR, "#f-cat-list li[role=option]")
        assert opt.text.startswith("horse"), opt.text
        horse_id = int(opt.get_attribute("data-id"))
        opt.click()
        until(d, lambda: f"category={horse_id}" in d.current_url, "category in the URL")
        horses = all_instances(s, f"&category={horse_id}")
        until(d, lambda: sorted(js(d, "return [...document.querySelectorAll('#grid .cell')].map(c => +c.dataset.id)")) == sorted(i["id"] for i in horses), "grid shows the horses")
        st = max(("pending", "accepted", "rejected"), key=lambda x: sum(i["status"] == x for i in horses))
        d.find_element(By.CSS_SELECTOR, f"input[name=status][value={st}]").click()
        until(d, lambda: f"status={st}" in d.current_url, "status in the URL")
        d.refresh()
        until(d, lambda: d.find_element(By.CSS_SELECTOR, f"input[name=status][value={st}]").is_selected(), "status restored")
        until(d, lambda: d.find_elements(By.CSS_SELECTOR, f"#f-cat-chosen .chip[data-id='{horse_id}']"), "category restored")
        pending_horses = all_instances(s, f"&category={horse_id}&status={st}")
        until(d, lambda: len(d.find_elements(By.CSS_SELECTOR, "#grid .cell")) == len(pending_horses), "filtered grid after reload")
        scored = sum(1 for i in pending_horses if i.get("clip_score") is not None)
        until(d, lambda: d.find_element(By.ID, "histogram").get_attribute("data-total") == str(scored), "histogram counts the filter")
        best = max(i["clip_score"] for i in horses if i.get("clip_score") is not None)
        bar = float(d.find_element(By.ID, "histogram").get_attribute("data-bar"))
        assert abs(bar - min(21, best - 1)) < 1e-6, (bar, best)
        counts = {int(r.get_attribute("data-id")): [c.text for c in r.find_elements(By.TAG_NAME, "td")][1:] for r in d.find_elements(By.CSS_SELECTOR, "#counts tbody tr[data-id]")}
        _, cats = s.request("GET", "/v1/categories?with_instances=true")
        for c in cats["categories"]:
            assert counts[c["id"]] == [str(c["accepted"]), str(c["pending"]), str(c["rejected"])], (c, counts)
        result["filter"] = len(pending_horses)

        # ---- Detail view and keyboard curation.
        d.get(s.url + "/?view=bank&category=%d&sort=score" % horse_id)
        until(d, lambda: len(d.find_elements(By.CSS_SELECTOR, "#grid .cell")) == len(horses), "horses by score")
        order = js(d, "return [...document.querySelectorAll('#grid .cell')].sort((a, b) => a.dataset.index - b.dataset.index).map(c => +c.dataset.id)")
        assert order == [i["id"] for i in sorted(horses, key=lambda i: (-(i.get("clip_score") or -1e9)))] or len(set(i.get("clip_score") for i in horses)) < len(horses)
        d.find_element(By.CSS_SELECTOR, f".cell[data-id='{order[0]}'] .open").click()
        until(d, lambda: d.find_element(By.ID, "detail").get_attribute("open") is not None, "dialog open")
        until(d, lambda: d.find_element(By.ID, "d-meta").get_attribute("data-loaded") == str(order[0]), "details loaded")
        until(d, lambda: d.find_element(By.ID, "d-mask").get_attribute("data-ready") == str(order[0]), "mask drawn")
        until(d, lambda: js(d, "const i = document.getElementById('d-source'); return i.complete && i.naturalWidth > 0"), "source shown")
        meta = d.find_element(By.ID, "d-meta").text
        assert "classical" in meta and "CLIP score" in meta, meta
        assert f"open={order[0]}" in d.current_url
        d.save_screenshot(os.path.join(SHOTS, "detail.png"))
        before = {i: status_of(s, i) for i in order[:4]}
        ActionChains(d).send_keys(Keys.ARROW_RIGHT).perform()
        until(d, lambda: d.find_element(By.ID, "d-title").text.startswith(f"#{order[1]} "), "arrow moves")
        ActionChains(d).send_keys("a").perform()
        until(d, lambda: status_of(s, order[1]) == "accepted", "A accepts")
        until(d, lambda: d.find_element(By.ID, "d-title").text.startswith(f"#{order[2]} "), "moves on after A")
        ActionChains(d).send_keys("r").perform()
        until(d, lambda: status_of(s, order[2]) == "rejected", "R rejects")
        until(d, lambda: d.find_element(By.ID, "d-title").text.startswith(f"#{order[3]} "), "moves on after R")
        ActionChains(d).send_keys(Keys.ARROW_LEFT).perform()
        until(d, lambda: d.find_element(By.ID, "d-title").text.startswith(f"#{order[2]} "), "arrow back")
        ActionChains(d).send_keys(Keys.ESCAPE).perform()
        until(d, lambda: d.find_element(By.ID, "detail").get_attribute("open") is None, "Esc closes")
        assert "open=" not in d.current_url
        assert d.find_element(By.CSS_SELECTOR, f".cell[data-id='{order[2]}']").get_attribute("data-status") == "rejected"
        d.find_element(By.ID, "undo").click()
        until(d, lambda: status_of(s, order[2]) == before[order[2]], "undo puts the last decision back")
        assert status_of(s, order[1]) == "accepted"
        result["keyboard"] = "ok"

        # ---- Bulk: click + shift-click, reject, undo; select all matching, accept; delete + undo, delete.
        d.get(s.url + "/?view=bank")
        until(d, lambda: len(d.find_elements(By.CSS_SELECTOR, "#grid .cell")) == total, "whole grid")
        ids = js(d, "return [...document.querySelectorAll('#grid .cell')].sort((a, b) => a.dataset.index - b.dataset.index).map(c => +c.dataset.id)")
        prior = {i: status_of(s, i) for i in ids[:4]}
        d.find_element(By.CSS_SELECTOR, f".cell[data-id='{ids[0]}'] .pick").click()
        ActionChains(d).key_down(Keys.SHIFT).click(d.find_element(By.CSS_SELECTOR, f".cell[data-id='{ids[3]}'] .pick")).key_up(Keys.SHIFT).perform()
        assert d.find_element(By.ID, "sel-count").text == "4 selected"
        d.find_element(By.ID, "bulk-reject").click()
        until(d, lambda: all(status_of(s, i) == "rejected" for i in ids[:4]), "bulk reject")
        until(d, lambda: all(d.find_element(By.CSS_SELECTOR, f".cell[data-id='{i}']").get_attribute("data-status") == "rejected" for i in ids[:4]), "grid shows rejects")
        d.find_element(By.ID, "undo").click()
        until(d, lambda: {i: status_of(s, i) for i in ids[:4]} == prior, "undo restores each status")
        d.get(s.url + f"/?view=bank&category={horse_id}")
        until(d, lambda: len(d.find_elements(By.CSS_SELECTOR, "#grid .cell")) == len(horses), "horses")
        others_before = {i["id"]: i["status"] for i in all_instances(s) if i["category_id"] != horse_id}
        d.find_element(By.ID, "sel-all").click()
        until(d, lambda: d.find_element(By.ID, "sel-count").text == f"all {len(horses)} matching selected", "select all matching")
        d.find_element(By.ID, "bulk-accept").click()
        until(d, lambda: all(i["status"] == "accepted" for i in all_instances(s, f"&category={horse_id}")), "accept all matching")
        assert {i["id"]: i["status"] for i in all_instances(s) if i["category_id"] != horse_id} == others_before
        d.get(s.url + "/?view=bank")
        until(d, lambda: len(d.find_elements(By.CSS_SELECTOR, "#grid .cell")) == total, "whole grid again")
        victim = ids[-1]
        d.find_element(By.CSS_SELECTOR, f".cell[data-id='{victim}'] .pick").click()
        d.find_element(By.ID, "bulk-delete").click()
        until(d, lambda: not d.find_elements(By.CSS_SELECTOR, f".cell[data-id='{victim}']"), "delete hides it")
        d.find_element(By.ID, "undo").click()
        until(d, lambda: d.find_elements(By.CSS_SELECTOR, f".cell[data-id='{victim}']"), "undo shows it again")
        assert s.request("GET", f"/v1/instances/{victim}")[0] == 200
        d.find_element(By.CSS_SELECTOR, f".cell[data-id='{victim}'] .pick").click()
        d.find_element(By.ID, "bulk-delete").click()
        until(d, lambda: s.request("GET", f"/v1/instances/{victim}")[0] == 404, "delete commits", 120)
        assert len(all_instances(s)) == total - 1
        result["bulk"] = "ok"

        # ---- An API error in plain words.
        d.get(s.url + "/?view=bank&min_score=5&max_score=1")
        until(d, lambda: d.find_elements(By.CSS_SELECTOR, "#messages .problem"), "error shown")
        _, problem = s.request("GET", "/v1/instances?min_score=5&max_score=1")
        assert problem["detail"] in d.find_element(By.ID, "messages").text, (problem, d.find_element(By.ID, "messages").text)

        # ---- Jobs: missing models with their remedy, then a job with live progress, then retry.
        variants(os.path.join(root, "img", "zebra"), 12, salt=5)
        s.upload("zebra", [os.path.join(root, "img", "zebra", f) for f in sorted(os.listdir(os.path.join(root, "img", "zebra")))])
        d.get(s.url + "/?view=jobs")
        until(d, lambda: d.find_elements(By.CSS_SELECTOR, "#j-stages fieldset[data-stage=filter]"), "pipeline stages")
        d.find_element(By.ID, "j-categories").send_keys("zebra")
        d.find_element(By.CSS_SELECTOR, "[data-enabled=filter]").click()
        d.find_element(By.ID, "j-submit").click()
        until(d, lambda: d.find_elements(By.CSS_SELECTOR, "#j-error li[data-model]"), "missing models shown")
        li = d.find_element(By.CSS_SELECTOR, "#j-error li[data-model]")
        assert li.get_attribute("data-model") == "clip-vit-l-14" and "xpaste models pull" in li.text, li.text
        clip = d.find_element(By.ID, "j-p-filter-clip"); clip.clear(); clip.send_keys("clip-tiny")
        area = d.find_element(By.ID, "j-p-filter-min_area") if d.find_elements(By.ID, "j-p-filter-min_area") else None
        d.find_element(By.ID, "j-overrides").send_keys('{"extract": {"batch_size": 1}, "filter": {"min_area": 0}}')
        d.find_element(By.ID, "j-submit").click()
        until(d, lambda: d.find_elements(By.CSS_SELECTOR, "#job-list .job[data-state]"), "job card")
        card = d.find_element(By.CSS_SELECTOR, "#job-list .job")
        jid = card.get_attribute("data-job-id")
        shot = False
        try:
            until(d, lambda: card.get_attribute("data-state") == "running" and any(int(x.get_attribute("data-done")) > 0 for x in card.find_elements(By.CSS_SELECTOR, ".stage")), "running with progress", 300)
            d.save_screenshot(os.path.join(SHOTS, "job.png")); shot = True
        finally:
            until(d, lambda: card.get_attribute("data-finished") == "true", "job finished", 600)
            if not shot:
                d.save_screenshot(os.path.join(SHOTS, "job.png"))
        _, api_job = s.request("GET", f"/v1/jobs/{jid}")
        assert api_job["state"] == "succeeded" == card.get_attribute("data-state")
        assert api_job["overrides"]["filter"]["clip"] == "clip-tiny" and api_job["overrides"]["extract"]["batch_size"] == 1
        assert int(card.get_attribute("data-progress-events") or 0) > 0
        for st in api_job["stages"]:
            row = card.find_element(By.CSS_SELECTOR, f".stage[data-stage={st['id']}]")
            assert (row.get_attribute("data-done"), row.get_attribute("data-total"), row.get_attribute("data-state")) == (str(st["done"]), str(st["total"]), st["state"]), (st, row.text)
        card.find_element(By.CSS_SELECTOR, "button.retry").click()
        until(d, lambda: s.request("GET", f"/v1/jobs/{jid}")[1]["attempt"] == 2, "retry queued it again")
        until(d, lambda: card.get_attribute("data-finished") == "true" and card.get_attribute("data-state") == "succeeded", "retried job finished", 600)
        result["job"] = {"progress_events": int(card.get_attribute("data-progress-events")), "screenshot_running": shot}

        # ---- Datasets: compose, follow, preview with annotations told apart, download.
        s.request("POST", "/v1/instances/bulk", {"action": "accept", "filter": {}})
        d.get(s.url + "/?view=datasets")
        for k, v in (("ds-images", "3"), ("ds-seed", "1"), ("ds-max", "4")):
            e = d.find_element(By.ID, k); e.clear(); e.send_keys(v)
        d.find_element(By.ID, "ds-submit").click()
        until(d, lambda: d.find_elements(By.CSS_SELECTOR, "#ds-list .ds-row"), "dataset row")
        ds_id = d.find_element(By.CSS_SELECTOR, "#ds-list .ds-row").get_attribute("data-dataset-id")
        until(d, lambda: d.find_element(By.ID, "ds-preview").get_attribute("data-ready") not in (None, ""), "preview drawn", 600)
        _, ds = s.request("GET", f"/v1/datasets/{ds_id}")
        assert ds["state"] == "succeeded"
        files = {f["path"]: f["url"] for f in ds["files"]}
        ann_path = next(p for p in files if p.startswith("annotations/"))
        _, lvis = s.request("GET", files[ann_path])
        _, manifest = s.request("GET", files["manifest.json"])
        origin = {a["id"]: a["origin"] for a in manifest["annotations"]}
        images = sorted(lvis["images"], key=lambda i: i["id"])
        assert d.find_element(By.ID, "ds-pos").text == f"image 1 of {len(images)}"
        for k, im in enumerate(images):
            if k:
                d.find_element(By.ID, "ds-next").click()
                until(d, lambda: d.find_element(By.ID, "ds-preview").get_attribute("data-ready") == str(im["id"]), f"image {k + 1}")
            anns = [a for a in lvis["annotations"] if a["image_id"] == im["id"]]
            want = (sum(origin[a["id"]] == "pasted" for a in anns), sum(origin[a["id"]] == "background" for a in anns))
            p = d.find_element(By.ID, "ds-preview")
            assert (int(p.get_attribute("data-pasted")), int(p.get_attribute("data-background"))) == want, want
            assert len(d.find_elements(By.CSS_SELECTOR, "#ds-anns li")) == len(anns)
        assert sum(1 for a in lvis["annotations"]) > 0
        d.find_element(By.ID, "ds-prev").click()
        until(d, lambda: d.find_element(By.ID, "ds-pos").text == f"image {len(images) - 1} of {len(images)}", "previous image")
        href = d.find_element(By.ID, "ds-download").get_attribute("href")
        assert urlparse(href).path == f"/v1/datasets/{ds_id}/archive.tar", href
        status, tar = s.request("GET", urlparse(href).path + "?" + urlparse(href).query, raw=True)
        assert status == 200 and len(tar) > 1024
        d.find_element(By.ID, "ds-preview").location_once_scrolled_into_view
        d.save_screenshot(os.path.join(SHOTS, "dataset.png"))
        result["dataset"] = {"images": len(images), "annotations": len(lvis["annotations"])}

        # ---- Accessibility basics: every control labelled, focus visible, keyboard alone, 390 px wide.
        for view in ("bank", "jobs", "datasets"):
            d.get(s.url + f"/?view={view}")
            until(d, lambda: js(d, "return document.readyState") == "complete", "loaded")
            unlabeled = js(d, """return [...document.querySelectorAll('input, select, textarea, button')].filter(e => e.offsetParent !== null
                && !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !(e.textContent || '').trim()).map(e => e.outerHTML)""")
            assert not unlabeled, unlabeled
        d.get(s.url + "/?view=bank")
        until(d, lambda: len(d.find_elements(By.CSS_SELECTOR, "#grid .cell")) > 0, "grid")
        body = d.find_element(By.TAG_NAME, "body")
        for _ in range(3):
            body.send_keys(Keys.TAB) if _ == 0 else ActionChains(d).send_keys(Keys.TAB).perform()
        outline = js(d, "const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth]")
        assert outline[0] != "none" and outline[1] != "0px", outline
        # Open the first cell with the keyboard alone: focus its button, Enter, then Esc.
        js(d, "document.querySelector('#grid .cell .open').focus()")
        ActionChains(d).send_keys(Keys.ENTER).perform()
        until(d, lambda: d.find_element(By.ID, "detail").get_attribute("open") is not None, "Enter opens")
        ActionChains(d).send_keys(Keys.ESCAPE).perform()
        until(d, lambda: d.find_element(By.ID, "detail").get_attribute("open") is None, "Esc closes")
        until(d, lambda: js(d, "return document.activeElement.classList.contains('open')"), "focus back on the cell")
        d.set_window_size(390, 844)
        for view in ("bank", "jobs", "datasets"):
            d.get(s.url + f"/?view={view}")
            until(d, lambda: js(d, "return document.readyState") == "complete", "loaded")
            if view == "bank":
                until(d, lambda: len(d.find_elements(By.CSS_SELECTOR, "#grid .cell")) > 0, "grid at 390 px")
            width = js(d, "return [document.documentElement.scrollWidth, window.innerWidth]")
            assert width[0] <= width[1], (view, width)
        d.save_screenshot(os.path.join(SHOTS, "grid-390.png"))
        result["a11y"] = "ok"
        logs = [l for l in d.get_log("browser") if l["level"] == "SEVERE" and "favicon" not in l["message"]]
        assert not [l for l in logs if "Uncaught" in l["message"]], logs
    finally:
        if d:
            d.quit()
        s.stop()
        shutil.rmtree(root, ignore_errors=True)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
