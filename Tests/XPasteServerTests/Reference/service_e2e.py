"""End to end over real HTTP against a real `xpaste serve` process.

Usage: service_e2e.py XPASTE_BINARY SHARED_IMAGES_DIR CLIP_MODEL_DIR SCENARIO [DATABASE [WORKERS]]
SCENARIO: readme | flow | kill-extract | kill-composite | kill-worker (needs DATABASE)
DATABASE: a postgres:// URL the servers keep their bank, jobs and queue in (default: SQLite files)
WORKERS: with a number, `flow` runs extract, filter and composite on that many `xpaste worker`s

Every scenario starts the binary on a free port with an empty data folder and checks values;
any failed check raises, so the exit status tells the Swift test what happened.
"""
import json, os, re, shutil, signal, subprocess, sys, tarfile, tempfile, time, urllib.request

BIN, IMAGES, CLIP, SCENARIO = sys.argv[1:5]
DATABASE = sys.argv[5] if len(sys.argv) > 5 else None
WORKERS = int(sys.argv[6]) if len(sys.argv) > 6 else 0
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "../../.."))

import xpaste_harness
from xpaste_harness import Server, Workers, variants
xpaste_harness.configure(BIN, IMAGES, DATABASE)


def workdir():
    root = tempfile.mkdtemp(prefix="xpaste-e2e-")
    models = os.path.join(root, "models")
    os.makedirs(models)
    shutil.copytree(CLIP, os.path.join(models, "clip-tiny"))
    return root


def load_dataset(folder):
    """Loads the dataset's json with lvis.LVIS and pycocotools and decodes every mask."""
    import numpy as np
    from lvis import LVIS
    from pycocotools.coco import COCO
    ann = os.path.join(folder, "annotations/train.json")
    lv = LVIS(ann)
    coco = COCO(ann)
    assert len(lv.get_img_ids()) == len(coco.getImgIds()) > 0
    n = 0
    for a in coco.loadAnns(coco.getAnnIds()):
        m = coco.annToMask(a)
        assert m.sum() > 0, a["id"]
        n += 1
    for img in coco.loadImgs(coco.getImgIds()):
        assert os.path.exists(os.path.join(folder, img["file_name"])), img["file_name"]
    return n


def scenario_readme():
    root = workdir()
    s = Server(root).start()
    for name in ["horse.png", "chelsea.png", "brick.png"]:
        shutil.copy(os.path.join(IMAGES, name), root)
    readme = open(os.path.join(REPO, "README.md")).read()
    block = re.search(r"<!-- readme-e2e: begin.*?-->\n```sh\n(.*?)```\n<!-- readme-e2e: end -->", readme, re.S).group(1)
    env = dict(os.environ, XPASTE=s.url)
    r = subprocess.run(["bash", "-euo", "pipefail", "-c", block], cwd=root, env=env, capture_output=True, timeout=600)
    assert r.returncode == 0, r.stderr.decode()[-2000:]
    folders = [d for d in os.listdir(root) if d.startswith("j") and os.path.isdir(os.path.join(root, d))]
    assert len(folders) == 1, folders
    assert load_dataset(os.path.join(root, folders[0])) > 0
    code, seconds = s.stop()
    assert code == 0 and seconds < 10, (code, seconds)
    print(json.dumps({"readme": "ok", "shutdown_seconds": round(seconds, 2)}))


def scenario_flow():
    root = workdir()
    dispatched = "extract,filter,composite"
    s = Server(root, ["--dispatch", dispatched] if WORKERS else []).start()
    workers = Workers(root, WORKERS, dispatched, DATABASE) if WORKERS else None
    up1 = s.upload("horse", [os.path.join(IMAGES, n) for n in ["horse.png", "chelsea.png"]])
    up2 = s.upload("coffee mug", [os.path.join(IMAGES, n) for n in ["coffee.png", "rocket.jpg"]])
    assert up1["recorded"] == 2 and up2["recorded"] == 2, (up1, up2)
    status, job = s.request("POST", "/v1/jobs", {"categories": ["horse", "coffee mug"], "pipeline": "upload",
                                                 "overrides": {"filter": {"enabled": True, "clip": "clip-tiny", "min_area": 0}}})
    assert status == 202, job
    events = s.events(job["id"])
    assert [e[0] for e in events] == list(range(1, len(events) + 1))
    states = [e[2]["state"] for e in events if e[1] == "state"]
    assert states == ["queued", "running", "succeeded"], (states, s.request("GET", f"/v1/jobs/{job['id']}")[1].get("error"))
    assert any(e[1] == "progress" and e[2]["id"] == "extract" for e in events)
    _, page = s.request("GET", f"/v1/instances?job={job['id']}&sort=score")
    inst = page["instances"]
    assert len(inst) == 4 and all(i["decided_by"] == "filter" for i in inst), inst
    # Curate: reject one by hand, accept the rest by filter.
    status, one = s.request("PATCH", f"/v1/instances/{inst[-1]['id']}", {"status": "rejected"})
    assert status == 200 and one["decided_by"] == "person"
    status, bulk = s.request("POST", "/v1/instances/bulk", {"action": "accept", "filter": {"job": job["id"], "status": ["pending", "rejected"], "min_score": -100}})
    assert status == 200
    _, stats = s.request("GET", "/v1/stats")
    assert stats["instances_by_status"]["accepted"] == 4, stats
    bg = s.upload(None, [os.path.join(IMAGES, n) for n in ["brick.png", "gravel.png"]], kind="background")
    assert bg["recorded"] == 2
    status, ds = s.request("POST", "/v1/datasets", {"images": 6, "seed": 2, "max_instances": 5})
    assert status == 202, ds
    done = s.wait(ds["id"])
    assert done["state"] == "succeeded", done
    status, tar = s.request("GET", f"/v1/datasets/{ds['id']}/archive.tar", raw=True)
    assert status == 200
    out = os.path.join(root, "unpacked")
    os.makedirs(out)
    with open(os.path.join(root, "ds.tar"), "wb") as f:
        f.write(tar)
    with tarfile.open(os.path.join(root, "ds.tar")) as t:
        t.extractall(out)
    n = load_dataset(os.path.join(out, ds["id"]))
    ran_on = {}
    if workers:
        workers.stop()
        _, listed = s.request("GET", "/v1/workers?seen_within=600")
        ran_on = {w["id"]: w["items_done"] for w in listed["workers"]}
        # Each stage item ran on a worker: 2 extract + 2 filter (one per category) + 1 composite.
        assert sum(ran_on.values()) == 5, listed
    code, seconds = s.stop()
    assert code == 0, code
    print(json.dumps({"flow": "ok", "annotations": n, "workers": ran_on}))


def kill_mid_stage(s, job, stage, at_least):
    """Waits until `stage` of `job` has done `at_least` items but not all, then SIGKILLs the server."""
    deadline = time.time() + 600
    while time.time() < deadline:
        _, j = s.request("GET", f"/v1/jobs/{job}")
        st = j["stages"][stage]
        if st["state"] == "running" and at_least <= st["done"] < st["total"]:
            s.kill()
            return st["done"]
        assert j["state"] not in ("succeeded", "failed"), "finished before the kill"
        time.sleep(0.05)
    raise AssertionError("the stage never got under way")


def verify_bank(root):
    bank = os.path.join(root, "data/bank.sqlite")
    if DATABASE:
        # The PostgreSQL bank, copied into a file (the copy checks itself), then checked as a file.
        bank = os.path.join(root, "copy.sqlite")
        r = subprocess.run([BIN, "bank", "copy", "--from", DATABASE, "--to", bank], capture_output=True, cwd=root)
        assert r.returncode == 0 and b"verified" in r.stdout, r.stdout.decode() + r.stderr.decode()
    r = subprocess.run([BIN, "bank", "verify", "--full", "--bank", bank], capture_output=True)
    assert r.returncode == 0, r.stdout.decode() + r.stderr.decode()


def scenario_kill_extract():
    root = workdir()
    folder = os.path.join(root, "data/incoming")
    variants(folder, 48)
    s = Server(root).start()
    status, job = s.request("POST", "/v1/jobs", {"categories": ["horse"], "pipeline": "upload",
                                                 "overrides": {"ingest": {"folder": "incoming"}, "extract": {"batch_size": 4}}})
    assert status == 202, job
    # Kill once extraction is under way, but not finished.
    done_before = kill_mid_stage(s, job["id"], 1, 8)
    s = Server(root).start()
    final = s.wait(job["id"])
    assert final["state"] == "succeeded", final
    _, page = s.request("GET", f"/v1/instances?job={job['id']}&limit=1000")
    inst = page["instances"]
    sources = [i["source_id"] for i in inst]
    assert len(sources) == len(set(sources)), "an instance twice"
    _, stats = s.request("GET", "/v1/stats")
    assert stats["sources_by_kind"]["uploaded"] == 48, stats
    # Every source was extracted once: no source pending, and one instance per source with an object.
    empty = 48 - len(inst)
    assert len(inst) >= 40 and empty >= 0, len(inst)
    s.stop()
    verify_bank(root)
    print(json.dumps({"kill_extract": "ok", "done_before_kill": done_before, "instances": len(inst)}))


def scenario_kill_worker():
    """A worker SIGKILLed in the middle of an extract item: its lease runs out, another worker takes
    the item and finishes it, and every source is cut out once."""
    root = workdir()
    variants(os.path.join(root, "data/incoming"), 48)
    s = Server(root, ["--dispatch", "extract"]).start()
    first = Workers(root, 1, "extract", DATABASE)
    status, job = s.request("POST", "/v1/jobs", {"categories": ["horse"], "pipeline": "upload",
                                                 "overrides": {"ingest": {"folder": "incoming"}, "extract": {"batch_size": 4}}})
    assert status == 202, job
    deadline = time.time() + 600
    while True:
        assert time.time() < deadline, "the extract never got under way"
        _, stats = s.request("GET", "/v1/stats")
        made = sum(stats["instances_by_status"].values())
        if 8 <= made < 40:
            first.kill()
            break
        _, j = s.request("GET", f"/v1/jobs/{job['id']}")
        assert j["state"] not in ("succeeded", "failed"), "finished before the kill"
        time.sleep(0.05)
    second = Workers(root, 1, "extract", DATABASE, first=1)
    final = s.wait(job["id"])
    assert final["state"] == "succeeded", final
    _, page = s.request("GET", f"/v1/instances?job={job['id']}&limit=1000")
    sources = [i["source_id"] for i in page["instances"]]
    assert len(sources) == len(set(sources)) and len(sources) >= 40, (len(sources), len(set(sources)))
    second.stop()  # a stopping worker writes its last report
    _, listed = s.request("GET", "/v1/workers?seen_within=600")
    done = {w["id"]: w["items_done"] for w in listed["workers"]}
    assert done.get("e2e-1") == 1 and done.get("e2e-0", 0) == 0, done
    s.stop()
    verify_bank(root)
    print(json.dumps({"kill_worker": "ok", "made_before_kill": made, "instances": len(sources)}))


def scenario_kill_composite():
    root = workdir()
    s = Server(root).start()
    s.upload("horse", [os.path.join(IMAGES, n) for n in ["horse.png", "chelsea.png", "coffee.png"]])
    status, job = s.request("POST", "/v1/jobs", {"categories": ["horse"], "pipeline": "upload"})
    s.wait(job["id"])
    s.request("POST", "/v1/instances/bulk", {"action": "accept", "filter": {}})
    s.upload(None, [os.path.join(IMAGES, n) for n in ["brick.png", "gravel.png", "astronaut.png"]], kind="background")
    params = {"images": 120, "seed": 9, "threads": 1}
    status, ds = s.request("POST", "/v1/datasets", params)
    done_before = kill_mid_stage(s, ds["id"], 0, 5)
    s = Server(root).start()
    final = s.wait(ds["id"])
    assert final["state"] == "succeeded", final
    # The same dataset made without interruption is byte-identical.
    status, ref = s.request("POST", "/v1/datasets", params)
    assert s.wait(ref["id"])["state"] == "succeeded"
    a = os.path.join(root, "data/datasets", ds["id"])
    b = os.path.join(root, "data/datasets", ref["id"])
    assert open(os.path.join(a, "annotations/train.json"), "rb").read() == open(os.path.join(b, "annotations/train.json"), "rb").read()
    imgs = sorted(os.listdir(os.path.join(a, "train")))
    assert len(imgs) == 120 and imgs == sorted(os.listdir(os.path.join(b, "train")))
    for name in imgs:
        assert open(os.path.join(a, "train", name), "rb").read() == open(os.path.join(b, "train", name), "rb").read(), name
    assert not [d for d in os.listdir(a) if d.startswith(".")], os.listdir(a)
    load_dataset(a)
    s.stop()
    verify_bank(root)
    print(json.dumps({"kill_composite": "ok", "done_before_kill": done_before}))


{"readme": scenario_readme, "flow": scenario_flow, "kill-extract": scenario_kill_extract,
 "kill-composite": scenario_kill_composite, "kill-worker": scenario_kill_worker}[SCENARIO]()
