"""What the service's Python test drivers share: `xpaste serve` started on a free port over a
fresh data folder and talked to over HTTP, and distinct test photos made from the shared ones.

Call `configure(binary, images)` once; service_e2e.py and browser_test.py both import this.
With `database` (a postgres:// URL) every server keeps its bank, jobs and queue there.
"""
import atexit, json, os, re, signal, subprocess, sys, time, urllib.error, urllib.request

BIN = None
IMAGES = None
DATABASE = None
# Every server and worker started, so a failed check does not leave them running.
STARTED = []


@atexit.register
def _kill_leftovers():
    for p in STARTED:
        if p.poll() is None:
            p.kill()
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "../../.."))


def configure(binary, images, database=None):
    """Where the xpaste binary and the shared photos are, and the PostgreSQL database if any."""
    global BIN, IMAGES, DATABASE
    BIN, IMAGES, DATABASE = binary, images, database


class Workers:
    """`xpaste worker` processes beside a server, taking the stages it dispatches."""

    def __init__(self, root, count, stages, database, first=0):
        self.procs = []
        for k in range(first, first + count):
            log = open(os.path.join(root, f"worker-{k}.log"), "ab")
            self.procs.append(subprocess.Popen(
                [BIN, "worker", "--database", database, "--stages", stages, "--models", "models", "--id", f"e2e-{k}",
                 "--idle-seconds", "0.2", "--lease-seconds", "10", "--log-level", "info"],
                cwd=root, stdout=log, stderr=log,
                env=dict(os.environ, XPASTE_PYTHON=os.environ.get("XPASTE_PYTHON", sys.executable))))
            STARTED.append(self.procs[-1])

    def kill(self):
        for p in self.procs:
            p.send_signal(signal.SIGKILL)
            p.wait()

    def stop(self):
        for p in self.procs:
            p.send_signal(signal.SIGTERM)
        codes = [p.wait(timeout=60) for p in self.procs]
        assert codes == [0] * len(codes), codes


class Server:
    def __init__(self, root, extra=()):
        self.root = root
        self.extra = list(extra)
        self.proc = None
        self.url = None

    def start(self):
        self.log = open(os.path.join(self.root, "server.log"), "ab")
        self.proc = subprocess.Popen(
            [BIN, "serve", "--port", "0", "--data", "data", "--models", "models",
             "--pipelines", os.path.join(REPO, "pipelines"), "--web", os.path.join(REPO, "web"),
             "--openapi", os.path.join(REPO, "schemas/openapi.yaml"), "--log-level", "notice"]
            + (["--database", DATABASE] if DATABASE else []) + self.extra,
            cwd=self.root, stdout=subprocess.PIPE, stderr=self.log,
            # ONNX Runtime is found through the reference Python's onnxruntime package.
            env=dict(os.environ, XPASTE_PYTHON=os.environ.get("XPASTE_PYTHON", sys.executable)))
        STARTED.append(self.proc)
        line = self.proc.stdout.readline().decode()
        m = re.search(r"listening on (http://[^ \n]+)", line)
        assert m, f"no banner: {line!r}"
        self.url = m.group(1)
        with open(os.path.join(self.root, "data/token")) as f:
            self.token = f.read().strip()
        return self

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        started = time.time()
        code = self.proc.wait(timeout=30)
        return code, time.time() - started

    def request(self, method, path, body=None, headers=None, raw=False):
        data = None
        h = {"Authorization": f"Bearer {self.token}"}
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        h.update(headers or {})
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=h)
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                payload = r.read()
                return r.status, payload if raw else json.loads(payload or b"null")
        except urllib.error.HTTPError as e:
            payload = e.read()
            return e.code, json.loads(payload) if payload else None

    def upload(self, category, files, kind=None):
        args = ["curl", "-sSf", "-H", f"Authorization: Bearer {self.token}"]
        if category:
            args += ["-F", f"category={category}"]
        if kind:
            args += ["-F", f"kind={kind}"]
        for f in files:
            args += ["-F", f"file=@{f}"]
        out = subprocess.run(args + [self.url + "/v1/sources"], check=True, capture_output=True).stdout
        return json.loads(out)

    def wait(self, job, seconds=900):
        deadline = time.time() + seconds
        while time.time() < deadline:
            _, j = self.request("GET", f"/v1/jobs/{job}")
            if j["state"] in ("succeeded", "failed", "cancelled"):
                return j
            time.sleep(0.1)
        raise AssertionError(f"job {job} did not finish")

    def events(self, job):
        """The SSE stream, read until the server ends it."""
        req = urllib.request.Request(self.url + f"/v1/jobs/{job}/events")
        with urllib.request.urlopen(req, timeout=900) as r:
            text = r.read().decode()
        events = []
        for block in text.split("\n\n"):
            fields = dict(line.split(": ", 1) for line in block.split("\n") if ": " in line and not line.startswith(":"))
            if "event" in fields:
                events.append((int(fields["id"]), fields["event"], json.loads(fields["data"])))
        return events


def variants(folder, count, salt=0):
    """`count` distinct photos (crops and sizes of the shared ones), so the bank keeps each."""
    from PIL import Image
    os.makedirs(folder, exist_ok=True)
    names = ["horse.png", "chelsea.png", "coffee.png", "astronaut.png", "motorcycle_left.png", "rocket.jpg"]
    for i in range(count):
        im = Image.open(os.path.join(IMAGES, names[i % len(names)])).convert("RGB")
        w, h = im.size
        k = i // len(names) + 7 * salt
        box = (k * 3, k * 2, w - k * 2, h - k * 3)
        im.crop(box).resize((max(64, (w - 5 * k) // 2), max(64, (h - 5 * k) // 2))).save(os.path.join(folder, f"v{i:03d}.png"))


