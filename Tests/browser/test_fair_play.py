"""Fair play against a real server: both verifiers agree on a wheel record with returned prizes, and one phone holding
2,000 stream attempts and posting 8 MB of junk survey answers does not take the door down."""
import json
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid

from conftest import ROOT, kiosk_binary
from helpers import add_staff, call, login


def test_both_verifiers_agree_on_a_wheel_record_with_returned_prizes(server, tmp_path):
    admin = login(server)
    returned = 0
    for guest in range(1, 9):
        status, body = call(server, "/api/orders", admin, {"invitee_id": guest, "model": "408"}, "POST")
        assert status == 201, body
        order = body["order"]["id"]
        status, _ = call(server, "/api/wheel/spins", admin, {"order_id": order, "nonce": str(uuid.uuid4())}, "POST")
        assert status == 201
        if guest in (3, 6):  # the customer withdrew: the prize goes back to stock
            status, _ = call(server, f"/api/orders/{order}/void", admin, {"reason": "客户退订"}, "POST")
            assert status == 200
            returned += 1
    assert call(server, "/api/event/close", admin, {}, "POST")[0] == 200
    _, record = call(server, "/api/wheel/record")
    assert len([c for c in record["stock_changes"] if c.get("returned_spin")]) == returned
    path = tmp_path / "wheel.json"
    path.write_text(json.dumps(record, ensure_ascii=False))
    swift = subprocess.run([str(kiosk_binary()), "verify-draw", str(path)], capture_output=True, text=True)
    python = subprocess.run([sys.executable, str(ROOT / "tools/fair_reference.py"), str(path)], capture_output=True, text=True)
    assert swift.returncode == 0, swift.stdout + swift.stderr
    assert python.returncode == 0, python.stdout + python.stderr
    # Tampering with a return is caught by both.
    bad = dict(record, stock_changes=[dict(c, stock=c["stock"] + 1) for c in record["stock_changes"]])
    path.write_text(json.dumps(bad))
    assert subprocess.run([str(kiosk_binary()), "verify-draw", str(path)], capture_output=True).returncode != 0
    assert subprocess.run([sys.executable, str(ROOT / "tools/fair_reference.py"), str(path)], capture_output=True).returncode != 0


def door_latencies(server, greeter, codes):
    times = []
    for code in codes:
        t0 = time.perf_counter()
        status, _ = call(server, "/api/checkins", greeter, {"code": code, "door": "正门", "nonce": str(uuid.uuid4())}, "POST")
        times.append((time.perf_counter() - t0) * 1000)
        assert status == 201
    return times


def p99(values):
    values = sorted(values)
    return values[min(len(values) - 1, int(0.99 * len(values)))]


def hold_streams(server, attempts, held, stop):
    """One phone: `attempts` stream requests, keeping open every one the kiosk accepts."""
    statuses = []
    for _ in range(attempts):
        if stop.is_set():
            break
        try:
            s = socket.create_connection(("127.0.0.1", server.port), timeout=5)
            s.sendall(b"GET /api/stream HTTP/1.1\r\nHost: kiosk\r\nAccept: text/event-stream\r\n\r\n")
            line = s.recv(64).split(b"\r\n")[0]
            statuses.append(line)
            if b" 200 " in line:
                held.append(s)
            else:
                s.close()
        except OSError:
            statuses.append(b"error")
    return statuses


def junk_survey(server, results):
    """8 MB of junk survey answers: one 8 MB body, then a stream of small refused ones."""
    s = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    body = b"{" + b"x" * (8 * 1024 * 1024) + b"}"
    try:
        s.sendall(b"POST /api/survey/answers HTTP/1.1\r\nHost: kiosk\r\nContent-Type: application/json\r\n"
                  + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
    except OSError:
        pass  # the server may close the connection once it has refused the body
    try:
        results.append(s.recv(64).split(b"\r\n")[0])
    except OSError:
        results.append(b"closed")
    s.close()
    for i in range(300):
        status, _ = call(server, "/api/survey/answers", None, {"ratings": {"q_junk": 99}, "comment": "垃圾" * 200}, "POST")
        results.append(status)


def test_one_phone_with_2000_streams_and_junk_survey_answers_does_not_slow_the_door(server):
    admin = login(server)
    csv = "姓名,手机\n" + "".join(f"门{i},135{i:08d}\n" for i in range(400))
    call(server, "/api/invitees/import", admin, csv.encode(), "POST")
    greeter = add_staff(server, admin, "门口", "greeter", "258025")
    _, page = call(server, "/api/invitees?limit=1000", admin)
    codes = [i["code"] for i in page["items"]]
    door_latencies(server, greeter, codes[:20])  # warm up
    quiet = door_latencies(server, greeter, codes[20:170])

    held, stop, survey = [], threading.Event(), []
    streams = {}
    phone = threading.Thread(target=lambda: streams.update(statuses=hold_streams(server, 2000, held, stop)))
    junk = threading.Thread(target=junk_survey, args=(server, survey))
    phone.start(); junk.start()
    time.sleep(0.2)
    busy = door_latencies(server, greeter, codes[170:320])
    stop.set()
    phone.join(timeout=120); junk.join(timeout=120)
    for s in held:
        s.close()

    statuses = streams.get("statuses", [])
    accepted = [s for s in statuses if b" 200 " in s]
    assert len(accepted) == 8, f"{len(accepted)} streams kept open by one client"
    assert all(b" 429 " in s for s in statuses if b" 200 " not in s and s != b"error"), set(statuses)
    assert survey and survey[0] in (b"HTTP/1.1 413 Payload Too Large", b"HTTP/1.1 413 Content Too Large", b"closed"), survey[:1]
    assert set(survey[1:]) <= {422, 429} and 429 in survey[1:], set(survey[1:])
    q, b = p99(quiet), p99(busy)
    print(f"door p99 quiet {q:.1f} ms, with the phone {b:.1f} ms (p50 {statistics.median(quiet):.1f} / {statistics.median(busy):.1f})")
    # The machines are shared and noisy: 2× the quiet p99, with 15 ms of slack for a loaded CI box.
    assert b <= 2 * q + 15, f"door p99 {b:.1f} ms with the phone vs {q:.1f} ms quiet"
    assert call(server, "/healthz")[0] == 200
    _, status = call(server, "/api/checkins/status")
    assert status["arrived"] == 320
