#!/usr/bin/env python3
"""A local HTTP server for the crawler tests (standard library only).

Prints `PORT <n>` once listening, then serves until killed. Every accepted connection is logged as
`CONNECT <peer>` and every request as `GET <path>` (one line each, flushed) to --log, so tests can
check what the server saw (a refused address never connects; a disallowed path is never asked).

Routes: /robots.txt, /img/<name> (a real photo from --images), /slow, /reset, /429?key=,
/503?key=&n=, /redirect/<n>?to=, /big?n=&chunked=, /html, /html-as-jpeg, /corrupt, /truncated,
/bomb, /tiny, /private/<name>, /noai, /noai-other, /list/<n> (bench: photo n of a re-encoded set
in --bench), /openverse/v1/images/, /commons/w/api.php.
"""
import argparse, json, os, socket, struct, sys, threading, time, zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse, parse_qs, quote

ap = argparse.ArgumentParser()
ap.add_argument("--host", default="127.0.0.1")
ap.add_argument("--port", type=int, default=0)
ap.add_argument("--images", required=True)
ap.add_argument("--log", required=True)
ap.add_argument("--bench", default=None, help="folder of bench images served as /list/<name>")
ap.add_argument("--quiet", action="store_true", help="log connections and requests only when set off")
args = ap.parse_args()

lock = threading.Lock()
logf = open(args.log, "a", buffering=1)
counters = {}

def log(line):
    if args.quiet:
        return
    with lock:
        logf.write(f"{time.time():.3f} {line}\n")

def photo(name):
    with open(os.path.join(args.images, name), "rb") as f:
        return f.read()

def png_chunk(kind, data):
    c = kind + data
    return struct.pack(">I", len(data)) + c + struct.pack(">I", zlib.crc32(c) & 0xFFFFFFFF)

def bomb():
    # A valid PNG header claiming 60000×60000 RGB; a few rows of zeros follow. Never decode it.
    ihdr = struct.pack(">IIBBBBB", 60000, 60000, 8, 2, 0, 0, 0)
    raw = zlib.compress(b"\x00" * (60000 * 3 + 1) * 2)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", raw) + png_chunk(b"IEND", b"")

def tiny():
    ihdr = struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)
    raw = zlib.compress((b"\x00" + b"\x80" * 24) * 8)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", raw) + png_chunk(b"IEND", b"")

ROBOTS = b"User-agent: *\nDisallow: /private/\n\nUser-agent: otherbot\nDisallow: /\n"

class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024
    def get_request(self):
        conn, addr = super().get_request()
        log(f"CONNECT {addr[0]}")
        return conn, addr

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a):
        pass

    def send(self, status, body, ctype="image/jpeg", extra=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        u = urlparse(self.path)
        q = {k: v[0] for k, v in parse_qs(u.query).items()}
        p = u.path
        log(f"GET {self.path}")
        if p == "/robots.txt":
            return self.send(200, ROBOTS, "text/plain")
        if p.startswith("/img/") or p.startswith("/private/"):
            name = p.rsplit("/", 1)[1]
            return self.send(200, photo(name), "image/png" if name.endswith(".png") else "image/jpeg")
        if p.startswith("/list/") and args.bench:
            with open(os.path.join(args.bench, p[6:]), "rb") as f:
                return self.send(200, f.read())
        if p == "/slow":
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            try:
                for _ in range(200):
                    self.wfile.write(b"\xff" * 10)
                    self.wfile.flush()
                    time.sleep(0.5)
            except OSError:
                pass
            return
        if p == "/reset":
            body = photo("rocket.jpg")
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[:1000])
            self.wfile.flush()
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        if p in ("/429", "/503"):
            key = p + q.get("key", "")
            with lock:
                counters[key] = counters.get(key, 0) + 1
                n = counters[key]
            fails = int(q.get("n", "1"))
            if n <= fails:
                extra = [("Retry-After", q.get("after", "1"))] if p == "/429" else []
                return self.send(int(p[1:]), b"busy", "text/plain", extra)
            return self.send(200, photo("horse.png"), "image/png")
        if p.startswith("/redirect/"):
            n = int(p.split("/")[2])  # /redirect/<n>: n redirects in all, then the target
            if n <= 1:
                target = q.get("to", "/img/horse.png")
            else:
                target = f"/redirect/{n - 1}" + (f"?to={quote(q['to'], safe='')}" if "to" in q else "")
            return self.send(302, b"", "text/plain", [("Location", target)])
        if p == "/big":
            n = int(q.get("n", "2000000"))
            body = b"\xff\xd8\xff\xe0" + b"\x00" * (n - 4)
            if q.get("chunked") == "1":
                self.send_response(200)
                self.send_header("Content-Type", "image/jpeg")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                sent = 0
                try:
                    while sent < n:
                        part = body[sent:sent + 65536]
                        self.wfile.write(b"%x\r\n" % len(part) + part + b"\r\n")
                        sent += len(part)
                    self.wfile.write(b"0\r\n\r\n")
                except OSError:
                    pass
                log(f"SENT {sent}")
                return
            return self.send(200, body)
        if p == "/html":
            return self.send(200, b"<html><body>not an image</body></html>" * 100, "text/html")
        if p == "/html-as-jpeg":
            return self.send(200, b"<html><body>not an image</body></html>", "image/jpeg")
        if p == "/corrupt":
            # A JPEG whose entropy-coded data is garbage (deterministic): the header parses, the scan does not.
            b = bytearray(photo("rocket.jpg"))
            sos = b.find(b"\xff\xda")
            for i in range(sos + 20, len(b) - 2):
                b[i] = 0xFF if i % 2 == 0 else 0x01
            return self.send(200, bytes(b))
        if p == "/truncated":
            b = photo("rocket.jpg")
            return self.send(200, b[: len(b) // 3])
        if p == "/bomb":
            return self.send(200, bomb(), "image/png")
        if p == "/tiny":
            return self.send(200, tiny(), "image/png")
        if p == "/noai":
            return self.send(200, photo("chelsea.png"), "image/png", [("X-Robots-Tag", "noai, noimageai")])
        if p == "/noai-other":
            return self.send(200, photo("coffee.png"), "image/png", [("X-Robots-Tag", "otherbot: noai")])
        if p == "/openverse/v1/images/":
            page = int(q.get("page", "1"))
            size = int(q.get("page_size", "20"))
            names = ["horse.png", "chelsea.png", "coffee.png", "rocket.jpg", "astronaut.png"]
            base = f"http://{self.headers['Host']}"
            results = [{"id": f"{i}", "title": f"{q.get('q')} {i}", "url": f"{base}/img/{names[i]}",
                        "creator": f"Author {i}", "license": "by-sa", "license_version": "4.0",
                        "foreign_landing_url": f"{base}/page/{i}"} for i in range(len(names))]
            chunk = results[(page - 1) * size: page * size]
            doc = {"result_count": len(results), "page_count": (len(results) + size - 1) // size, "page_size": size,
                   "page": page, "results": chunk}
            return self.send(200, json.dumps(doc).encode(), "application/json")
        if p == "/commons/w/api.php":
            off = int(q.get("gsroffset", "0"))
            lim = int(q.get("gsrlimit", "50"))
            names = ["motorcycle_left.png", "rocket.jpg", "astronaut.png"]
            base = f"http://{self.headers['Host']}"
            pages = {}
            for i in range(off, min(off + lim, len(names))):
                pages[str(100 + i)] = {"pageid": 100 + i, "ns": 6, "title": f"File:{names[i]}", "index": i + 1,
                    "imageinfo": [{"url": f"{base}/img/{names[i]}", "descriptionurl": f"{base}/wiki/File:{names[i]}",
                                   "mime": "image/png" if names[i].endswith("png") else "image/jpeg",
                                   "extmetadata": {"LicenseShortName": {"value": "CC BY 2.0"},
                                                   "Artist": {"value": f"<a href=\"/wiki/User:A{i}\">Artist &amp; {i}</a>"}}}]}
            doc = {"batchcomplete": "", "query": {"pages": pages}}
            if off + lim < len(names):
                doc["continue"] = {"gsroffset": off + lim, "continue": "gsroffset||"}
            return self.send(200, json.dumps(doc).encode(), "application/json")
        return self.send(404, b"not found", "text/plain")

Server.address_family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
srv = Server((args.host, args.port), Handler)
print(f"PORT {srv.server_address[1]}", flush=True)
srv.serve_forever()
