#!/usr/bin/env python3
"""EventKiosk benchmarks against a release build on loopback. Bounded: every part stops by itself.

Prints one line per figure with its goal, and a one-line summary. Run through `make bench`.
"""
import asyncio
import json
import re
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import decode  # noqa: E402
import flood  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BINARY = Path(os.environ.get("KIOSK_BINARY", ROOT / ".build/release/kiosk"))
PIN = "1234"
ORDER_EVENT = re.compile(rb'event: order\ndata: \{"order":\{[^}]*?"id":(\d+)')


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


class Server:
    def __init__(self):
        self.port = free_port()
        self.data = Path(tempfile.mkdtemp(prefix="kiosk-bench-"))
        self.base = f"http://127.0.0.1:{self.port}"

    def start(self):
        env = dict(os.environ, KIOSK_ADMIN_PIN=PIN, LOG_LEVEL="warning")
        t0 = time.perf_counter()
        self.proc = subprocess.Popen([str(BINARY), "serve", "--host", "127.0.0.1", "--port", str(self.port), "--data", str(self.data),
                                      "--https-port", str(free_port()), "--streams-per-client", "300",
                                      "--log-level", "warning"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while True:
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=1) as r:
                    if r.status == 200:
                        return time.perf_counter() - t0
            except OSError:
                if time.perf_counter() - t0 > 30:
                    raise RuntimeError("server did not start")
                time.sleep(0.005)

    def rss_mb(self):
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=15)
        shutil.rmtree(self.data, ignore_errors=True)

    def call(self, path, token=None, body=None, method=None, content_type="application/json"):
        headers = {"Content-Type": content_type}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, headers=headers, method=method)
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read() or b"null")

    def get_bytes(self, path, token):
        req = urllib.request.Request(self.base + path, headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.read()


# MARK: - Order -> SSE delivery with N connected screens

async def sse_latency(server, token, clients=200, orders=40):
    arrivals = {}  # order id -> list of arrival times
    ready = 0
    ready_event = asyncio.Event()

    async def client():
        nonlocal ready
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(f"GET /api/stream HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n".encode())
        await writer.drain()
        # Chunked reads and a byte search keep the 200 Python readers from becoming the bottleneck being measured.
        buf = b""
        seen_snapshot = False
        try:
            while True:
                chunk = await asyncio.wait_for(reader.read(65536), timeout=60)
                if not chunk:
                    return
                now = time.perf_counter()
                buf += chunk
                if not seen_snapshot and b"event: orders\n" in buf:
                    seen_snapshot = True
                    ready += 1
                    if ready == clients:
                        ready_event.set()
                for m in ORDER_EVENT.finditer(buf):
                    arrivals.setdefault(int(m.group(1)), []).append(now)
                cut = buf.rfind(b"\n\n")
                if cut >= 0:
                    buf = buf[cut + 2:]
        except (asyncio.TimeoutError, ConnectionError):
            return
        finally:
            writer.close()

    tasks = [asyncio.create_task(client()) for _ in range(clients)]
    await asyncio.wait_for(ready_event.wait(), timeout=60)
    _, guests = None, server.call("/api/invitees?limit=1000", token)["items"]
    sent = {}
    loop = asyncio.get_running_loop()
    for i in range(orders):
        t0 = time.perf_counter()
        body = {"invitee_id": guests[i % len(guests)]["id"], "model": "408", "reason": "bench: another car", "nonce": str(uuid.uuid4())}
        created = await loop.run_in_executor(None, lambda: server.call("/api/orders", token, body, "POST"))
        sent[created["order"]["id"]] = t0
        await asyncio.sleep(0.05)
    await asyncio.sleep(1.0)
    for t in tasks:
        t.cancel()
    latencies = [(t - sent[oid]) * 1000 for oid, times in arrivals.items() if oid in sent for t in times]
    delivered = sum(len(v) for k, v in arrivals.items() if k in sent)
    return latencies, delivered, clients * orders


# MARK: - Durable-commit ceiling, check-ins, wheel spins, QR

def commit_ceiling(folder, seconds=2.0):
    """A bare SQLite loop: WAL, synchronous=FULL, one insert per transaction, on the same file system as the server."""
    import sqlite3
    path = Path(folder) / "ceiling.sqlite"
    c = sqlite3.connect(path, isolation_level=None)
    c.execute("PRAGMA journal_mode=WAL")
    c.execute("PRAGMA synchronous=FULL")
    c.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)")
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        c.execute("BEGIN")
        c.execute("INSERT INTO t(v) VALUES ('x')")
        c.execute("COMMIT")
        n += 1
    rate = n / (time.perf_counter() - t0)
    c.close()
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return rate


def wrk(server, path, seconds=3, connections=64, script=None, env=None):
    args = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"] + (["-s", str(script)] if script else []) + [server.base + path]
    out = subprocess.run(args, capture_output=True, text=True, env=dict(os.environ, **(env or {})), timeout=seconds + 30).stdout
    result = {}
    for line in out.splitlines():
        if line.startswith("RESULT"):
            result.update({k: float(v) for k, v in (kv.split("=") for kv in line.split()[1:])})
        elif line.strip().startswith(("50%", "99%")):
            name, value = line.split()
            factor = 0.001 if value.endswith("us") else 1 if value.endswith("ms") else 1000
            result[name] = float(value.rstrip("usm")) * factor  # milliseconds
        elif line.startswith("Requests/sec:"):
            result["rps"] = float(line.split()[1])
    return result


def all_codes(server, admin):
    codes = []
    while True:
        page = server.call(f"/api/invitees?limit=10000&offset={len(codes)}", admin)["items"]
        codes += [i["code"] for i in page]
        if len(page) < 10000:
            return codes


def checkin_run(server, greeter, codes, seconds=3, name="codes"):
    """64 greeters' scanners at once, every scan a different guest; returns (throughput, p50 ms, p99 ms, created, other)."""
    codes_file = server.data / f"{name}.txt"
    codes_file.write_text("\n".join(codes) + "\n")
    r = wrk(server, "/", seconds=seconds, script=ROOT / "bench/checkin.lua",
            env={"KIOSK_TOKEN": greeter, "CODES_FILE": str(codes_file), "THREADS": "2"})
    if r.get("stopped"):
        print(f"  ({name}: {int(r['stopped'])} wrk thread(s) stopped when their codes ran out, after {r['seconds']:.2f} s)")
    return r["created"] / r["seconds"], r["p50_us"] / 1000, r["p99_us"] / 1000, int(r["created"]), int(r["other"]), len(codes)


def wrong_pin_burst(server, count=200):
    """`count` sign-ins with wrong PINs, all sent at once from their own connections; returns the statuses."""
    import threading
    statuses, gate = [], threading.Barrier(count)

    def one(i):
        gate.wait()
        req = urllib.request.Request(server.base + "/api/login", data=json.dumps({"pin": f"{700000 + i:06d}"}).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                statuses.append(r.status)
        except urllib.error.HTTPError as e:
            statuses.append(e.code)
        except OSError:
            statuses.append(0)
    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


def spin_run(server, admin, clients=32):
    """32 clients spin the wheel at once, one spin per order, more orders than prizes: latency and stock after."""
    import http.client
    from concurrent.futures import ThreadPoolExecutor
    wheel = server.call("/api/wheel", admin)
    stock = sum(p["remaining"] for p in wheel["prizes"])
    guests = server.call("/api/invitees?limit=400", admin)["items"]
    orders = [server.call("/api/orders", admin, {"invitee_id": g["id"], "model": "408", "reason": "bench", "nonce": str(uuid.uuid4())}, "POST")["order"]["id"]
              for g in guests[: stock + 60]]
    chunks = [orders[i::clients] for i in range(clients)]

    def client(ids):
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        out = []
        for oid in ids:
            body = json.dumps({"order_id": oid, "nonce": str(uuid.uuid4())})
            t0 = time.perf_counter()
            conn.request("POST", "/api/wheel/spins", body, {"Content-Type": "application/json", "Authorization": f"Bearer {admin}"})
            r = conn.getresponse()
            r.read()
            out.append(((time.perf_counter() - t0) * 1000, r.status))
        conn.close()
        return out

    with ThreadPoolExecutor(clients) as pool:
        results = [x for part in pool.map(client, chunks) for x in part]
    won = sum(1 for _, st in results if st == 201)
    after = server.call("/api/wheel", admin)
    oversold = won > stock or any(p["remaining"] < 0 for p in after["prizes"])
    return [ms for ms, _ in results], won, stock, len(orders), oversold


def package_rows():
    """The release packages' sizes, and the packaged binary's cold start from an unpacked tarball (issue 17)."""
    version = (ROOT / "VERSION").read_text().strip()
    tarballs, debs = sorted((ROOT / "dist").glob(f"eventkiosk-{version}-linux-*.tar.gz")), sorted((ROOT / "dist").glob(f"eventkiosk_{version}_*.deb"))
    if not tarballs or not debs:
        return [("release packages (make package)", "not built", "", True)]
    rows = [(f"package size: {p.name}", f"{p.stat().st_size / 1_048_576:.1f} MB", "", True) for p in tarballs + debs]
    with tempfile.TemporaryDirectory(prefix="kiosk-pkg-") as tmp:
        subprocess.run(["tar", "-xzf", str(tarballs[0]), "-C", tmp], check=True)
        binary = next(Path(tmp).glob("eventkiosk-*/bin/kiosk"))
        port = free_port()
        env = dict(os.environ, KIOSK_ADMIN_PIN=PIN, HOME=tmp)
        t0 = time.perf_counter()
        proc = subprocess.Popen([str(binary), "serve", "--host", "127.0.0.1", "--port", str(port), "--https-port", str(free_port())],
                                cwd="/", env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        cold = None
        while time.perf_counter() - t0 < 30:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                    if r.status == 200:
                        cold = time.perf_counter() - t0
                        break
            except OSError:
                time.sleep(0.005)
        proc.terminate(); proc.wait(timeout=15)
    rows.append(("packaged binary: cold start to /healthz (first run, CA made)", f"{cold * 1000:.0f} ms" if cold else "—", "≤ 1 s",
                 cold is not None and cold <= 1))
    return rows


def main():
    if not BINARY.exists():
        sys.exit("build first: swift build -c release")
    rows = []
    server = Server()
    cold = server.start()
    rows.append(("cold start to /healthz answering", f"{cold * 1000:.0f} ms", "≤ 300 ms", cold <= 0.3))
    try:
        token = server.call("/api/login", body={"pin": PIN}, method="POST")["token"]
        csv = "姓名,手机,车牌\n" + "".join(f"客户{i},139{i:08d},苏C{i:05d}\n" for i in range(5000))
        t0 = time.perf_counter()
        result = server.call("/api/invitees/import", token, csv.encode(), "POST", "text/csv")
        took = time.perf_counter() - t0
        assert result["imported"] == 5000, result
        rows.append(("import of a 5,000-row CSV", f"{took * 1000:.0f} ms", "≤ 1 s", took <= 1.0))
        time.sleep(1)
        rss = server.rss_mb()
        rows.append(("idle RSS with 5,000 invitees", f"{rss:.1f} MB", "≤ 80 MB", rss <= 80))

        ceiling = commit_ceiling(server.data)
        rows.append(("durable-commit ceiling (bare SQLite, WAL, FULL, 1 insert/tx)", f"{ceiling:.0f} tx/s", "reported", True))
        more = "姓名,手机,车牌\n" + "".join(f"访客{i},137{i:08d},苏D{i:05d}\n" for i in range(15000))
        server.call("/api/invitees/import", token, more.encode(), "POST", "text/csv")
        base = wrk(server, "/healthz", seconds=2)
        server.call("/api/staff", token, {"name": "门口压测", "role": "greeter", "pin": "258025"}, "POST")
        greeter = server.call("/api/login", body={"pin": "258025"}, method="POST")["token"]
        codes_all = all_codes(server, token)
        rate, p50, p99, created, other, codes = checkin_run(server, greeter, codes_all[:10000])
        rows.append(("check-in, 64 clients, distinct codes: throughput", f"{rate:.0f} /s", "≥ 50% ceil", rate >= ceiling / 2))
        rows.append(("  as a share of the durable-commit ceiling", f"{rate / ceiling * 100:.0f} %", "≥ 50 %", rate >= ceiling / 2))
        rows.append(("check-in, 64 clients: p50", f"{p50:.1f} ms", "", True))
        rows.append(("check-in, 64 clients: p99", f"{p99:.1f} ms", "≤ 5 ms", p99 <= 5))
        rows.append(("  (context: GET /healthz, 64 clients, p99 / rate)", f"{base.get('99%', 0):.1f} ms", f"{base.get('rps', 0):.0f}/s", True))
        share = rate / max(base.get("rps", 0), 1) * 100
        rows.append(("check-in rate as a share of /healthz's, same run", f"{share:.0f} %", "≥ 35 %", share >= 35))
        rows.append(("  check-ins stored / non-201 answers (none \"already here\")", f"{created}/{other}", f"≤ {codes} / 0", other == 0))
        # PIN guessing must not hold the writer the door waits on: the same check-in load, quiet and with 200 wrong PINs.
        _, q50, q99, _, _, _ = checkin_run(server, greeter, codes_all[10000:15000], seconds=2, name="quiet")
        import threading
        burst = {}
        burster = threading.Thread(target=lambda: burst.update(statuses=wrong_pin_burst(server)))
        timer = threading.Timer(0.3, burster.start)
        timer.start()
        _, b50, b99, _, _, _ = checkin_run(server, greeter, codes_all[15000:20000], seconds=2, name="burst")
        timer.join(); burster.join()
        checked = sum(1 for s in burst.get("statuses", []) if s == 401)
        rows.append(("check-in p50 / p99, quiet", f"{q50:.1f} / {q99:.1f} ms", "", True))
        rows.append(("check-in p50 / p99, 200 wrong PINs at once", f"{b50:.1f} / {b99:.1f} ms", "≤ 2× quiet", b99 <= 2 * max(q99, 1.0)))
        rows.append(("  wrong PINs checked (the rest 429 unchecked)", f"{checked} of 200", "≤ 10", checked <= 10))
        # One phone floods the kiosk (2,000 stream requests, 8 MB of junk survey answers): one greeter's scans, quiet and during it.
        extra = "姓名,手机\n" + "".join(f"门{i},135{i:08d}\n" for i in range(320))
        server.call("/api/invitees/import", token, extra.encode(), "POST", "text/csv")
        used = set(codes_all)
        door_codes = [c for c in all_codes(server, token) if c not in used]
        flood.door_latencies(server.port, greeter, door_codes[:20])
        quiet_door, _ = flood.door_latencies(server.port, greeter, door_codes[20:170])
        busy_door, door_statuses, _, _ = flood.door_during_flood(server.port, greeter, door_codes[170:320])
        dq, db = flood.p99(quiet_door), flood.p99(busy_door)
        rows.append(("one greeter's scan p99, quiet / while one phone floods", f"{dq:.1f} / {db:.1f} ms", "≤ 2× quiet",
                     db <= 2 * max(dq, 1.0) and door_statuses == [201] * len(door_statuses)))
        rss_after = server.rss_mb()
        rows.append(("RSS after the check-in run", f"{rss_after:.1f} MB", "≤ 80 MB", rss_after <= 80))
        spins, won, stock, spun, oversold = spin_run(server, token)
        rows.append(("wheel spin, 32 clients: p50", f"{pct(spins, 50):.1f} ms", "", True))
        rows.append(("wheel spin, 32 clients: p99", f"{pct(spins, 99):.1f} ms", "≤ 10 ms", pct(spins, 99) <= 10))
        rows.append(("  prizes won / stock (never oversold)", f"{won}/{stock}", f"{spun} spins", not oversold and won == stock))
        items = server.call("/api/invitees?limit=40", token)["items"]
        pngs = [(i["code"], server.get_bytes(f"/api/invitees/{i['id']}/qr.png", token)) for i in items]
        rows += decode.run(BINARY, pngs)
        qr = subprocess.run([str(BINARY), "bench-qr", "--count", "2000"], capture_output=True, text=True, timeout=120).stdout
        q = dict(kv.split("=") for kv in qr.split()[1:])
        rows.append(("QR: 2,000 PNGs", f"{float(q['png_ms']):.0f} ms", "≤ 1 s", float(q["png_ms"]) <= 1000))
        rows.append(("QR: 2,000 SVGs", f"{float(q['svg_ms']):.0f} ms", "≤ 1 s", float(q["svg_ms"]) <= 1000))

        latencies, delivered, expected = asyncio.run(sse_latency(server, token))
        fuzz_seconds = float(os.environ.get("FUZZ_SECONDS", "300"))
        fuzz = subprocess.run([sys.executable, str(ROOT / "bench/fuzz.py"), server.base, token, str(fuzz_seconds)],
                              capture_output=True, text=True, timeout=fuzz_seconds + 120).stdout
        f = dict(kv.split("=") for kv in fuzz.splitlines()[0].split()[1:])
        for line in fuzz.splitlines()[1:]:
            print(line)
        rows.append((f"fuzz CSV import + JSON decoders, {fuzz_seconds / 60:.0f} min: requests", f["requests"], "", True))
        rows.append(("  5xx answers / server still up", f"{f['server5xx']} / {'yes' if f['alive'] == '1' else 'NO'}", "0 / yes",
                     f["server5xx"] == "0" and f["alive"] == "1"))
        p50, p99 = pct(latencies, 50), pct(latencies, 99)
        rows.append(("order → SSE delivery, 200 clients: p50", f"{p50:.1f} ms", "", True))
        rows.append(("order → SSE delivery, 200 clients: p99", f"{p99:.1f} ms", "≤ 50 ms", p99 <= 50 and delivered == expected))
        rows.append(("  events delivered", f"{delivered}/{expected}", "all", delivered == expected))
    finally:
        server.stop()

    rows += package_rows()
    width = max(len(r[0]) for r in rows)
    print(f"{'figure':<{width}}  {'measured':>12}  {'goal':>9}  ok")
    for name, value, goal, ok in rows:
        print(f"{name:<{width}}  {value:>12}  {goal:>9}  {'✓' if ok else '✗ MISSED'}")
    missed = [r[0] for r in rows if not r[3]]
    print(f"summary: {len(rows) - len(missed)} of {len(rows)} figures within goal" + (f"; missed: {', '.join(missed)}" if missed else ""))


if __name__ == "__main__":
    main()
