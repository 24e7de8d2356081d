"""Fault tests against a real server process: kill -9 under load, and slow or broken clients."""
import glob
import os
import socket
import subprocess
import threading
import time
import urllib.request
import uuid

from conftest import KioskServer, ROOT
from helpers import add_staff, call, login


def import_guests(server, admin, n):
    csv = "姓名,手机,车牌\n" + "".join(f"压测{i},136{i:08d},苏E{i:05d}\n" for i in range(n))
    status, body = call(server, "/api/invitees/import", admin, csv.encode("utf-8"), "POST")
    assert status == 200 and body["imported"] == n, body


def test_every_acknowledged_check_in_survives_kill_9():
    server = KioskServer().start()
    try:
        admin = login(server)
        import_guests(server, admin, 3000)
        greeter = add_staff(server, admin, "门口", "greeter", "2580")
        _, page = call(server, "/api/invitees?limit=5000", admin)
        codes = [i["code"] for i in page["items"]]
        acknowledged, lock, stop = [], threading.Lock(), threading.Event()

        def door(slice_):
            for code in slice_:
                if stop.is_set():
                    return
                try:
                    status, _ = call(server, "/api/checkins", greeter, {"code": code, "door": "正门", "nonce": str(uuid.uuid4())}, "POST")
                except OSError:
                    return  # the server is gone: this scan was never acknowledged
                if status == 201:
                    with lock:
                        acknowledged.append(code)

        threads = [threading.Thread(target=door, args=(codes[i::8],)) for i in range(8)]
        for t in threads:
            t.start()
        time.sleep(1.5)
        server.kill()
        stop.set()
        for t in threads:
            t.join(timeout=15)
        assert len(acknowledged) > 20, "the load never got going"

        t0 = time.perf_counter()
        server.start()
        restart = time.perf_counter() - t0
        assert restart < 1.0, f"restart took {restart:.2f} s"

        _, arrived = call(server, "/api/checkins?limit=10000", admin)
        stored = {a["invitee"]["code"] for a in arrived}
        lost = [c for c in acknowledged if c not in stored]
        assert not lost, f"{len(lost)} acknowledged check-ins lost after kill -9"
        audit = subprocess.run([str(ROOT / ".build/debug/kiosk"), "verify-audit", "--data", str(server.data)], capture_output=True, text=True)
        assert audit.returncode == 0 and audit.stdout.startswith("OK"), audit.stdout + audit.stderr
        print(f"{len(acknowledged)} acknowledged, {len(stored)} stored, restart {restart * 1000:.0f} ms")
    finally:
        server.cleanup()


def open_fds(pid):
    return len(glob.glob(f"/proc/{pid}/fd/*"))


def test_idle_and_stalled_clients_neither_block_others_nor_keep_descriptors():
    server = KioskServer(extra_args=["--idle-timeout", "2"]).start()
    try:
        baseline = open_fds(server.proc.pid)
        idle = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(500)]
        stalled = []
        for n in range(30):
            s = socket.create_connection(("127.0.0.1", server.port))
            if n % 2:
                s.sendall(b"POST /api/checkins HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"code\":")
            else:
                s.sendall(b"GET /api/tally HTTP/1.1\r\nHo")
            stalled.append(s)
        time.sleep(0.3)
        assert open_fds(server.proc.pid) >= baseline + 500

        # Everyone else is still served at once.
        worst = 0.0
        for _ in range(30):
            t0 = time.perf_counter()
            with urllib.request.urlopen(server.base + "/api/tally", timeout=5) as r:
                assert r.status == 200
            worst = max(worst, time.perf_counter() - t0)
        assert worst < 0.5, f"a normal request took {worst:.2f} s next to 530 idle/stalled connections"
        assert login(server)

        # After the idle timeout the server has closed them all and given the descriptors back.
        time.sleep(3.5)
        for s in idle[:20] + stalled:
            s.settimeout(2)
            try:
                data = s.recv(4096)
            except ConnectionResetError:
                data = b""
            assert b"200 OK" not in data
        deadline = time.time() + 5
        while open_fds(server.proc.pid) > baseline + 10 and time.time() < deadline:
            time.sleep(0.2)
        assert open_fds(server.proc.pid) <= baseline + 10
        for s in idle + stalled:
            s.close()
    finally:
        server.cleanup()
