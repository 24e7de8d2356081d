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

ROOT = Path(__file__).resolve().parents[1]
BINARY = ROOT / ".build/release/kiosk"
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
        body = {"invitee_id": guests[i % len(guests)]["id"], "model": "408", "nonce": str(uuid.uuid4())}
        created = await loop.run_in_executor(None, lambda: server.call("/api/orders", token, body, "POST"))
        sent[created["order"]["id"]] = t0
        await asyncio.sleep(0.05)
    await asyncio.sleep(1.0)
    for t in tasks:
        t.cancel()
    latencies = [(t - sent[oid]) * 1000 for oid, times in arrivals.items() if oid in sent for t in times]
    delivered = sum(len(v) for k, v in arrivals.items() if k in sent)
    return latencies, delivered, clients * orders


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

        latencies, delivered, expected = asyncio.run(sse_latency(server, token))
        p50, p99 = pct(latencies, 50), pct(latencies, 99)
        rows.append(("order → SSE delivery, 200 clients: p50", f"{p50:.1f} ms", "", True))
        rows.append(("order → SSE delivery, 200 clients: p99", f"{p99:.1f} ms", "≤ 50 ms", p99 <= 50 and delivered == expected))
        rows.append(("  events delivered", f"{delivered}/{expected}", "all", delivered == expected))
    finally:
        server.stop()

    width = max(len(r[0]) for r in rows)
    print(f"{'figure':<{width}}  {'measured':>12}  {'goal':>9}  ok")
    for name, value, goal, ok in rows:
        print(f"{name:<{width}}  {value:>12}  {goal:>9}  {'✓' if ok else '✗ MISSED'}")
    missed = [r[0] for r in rows if not r[3]]
    print(f"summary: {len(rows) - len(missed)} of {len(rows)} figures within goal" + (f"; missed: {', '.join(missed)}" if missed else ""))


if __name__ == "__main__":
    main()
