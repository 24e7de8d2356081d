"""One phone flooding the kiosk: thousands of live-stream requests and 8 MB of junk survey answers, while a greeter
checks guests in one by one. Used by the browser test (the kiosk refuses the flood and keeps answering the door) and by
`make bench` (how much the flood slows the door: the door's p99 with the flood against its p99 without)."""
import http.client
import json
import socket
import threading
import time
import uuid


def post(port, path, token, body):
    """One JSON POST on its own connection; returns the status."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        conn.request("POST", path, json.dumps(body, ensure_ascii=False).encode(), headers)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def p99(values):
    values = sorted(values)
    return values[min(len(values) - 1, int(0.99 * len(values)))]


def door_latencies(port, greeter, codes):
    """Checks each code in at the door, one after the other; returns (milliseconds per scan, statuses)."""
    times, statuses = [], []
    for code in codes:
        t0 = time.perf_counter()
        statuses.append(post(port, "/api/checkins", greeter, {"code": code, "door": "正门", "nonce": str(uuid.uuid4())}))
        times.append((time.perf_counter() - t0) * 1000)
    return times, statuses


def hold_streams(port, attempts, held, stop):
    """One phone: `attempts` stream requests, keeping open every one the kiosk accepts; returns each status line."""
    statuses = []
    for _ in range(attempts):
        if stop.is_set():
            break
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
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


def junk_survey(port, results):
    """8 MB of junk survey answers: one 8 MB body, then a stream of small refused ones."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
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
    for _ in range(300):
        results.append(post(port, "/api/survey/answers", None, {"ratings": {"q_junk": 99}, "comment": "垃圾" * 200}))


def door_during_flood(port, greeter, codes, attempts=2000):
    """The door's scans while one phone floods; returns (door times, door statuses, stream status lines, survey results)."""
    held, stop, survey, streams = [], threading.Event(), [], {}
    phone = threading.Thread(target=lambda: streams.update(statuses=hold_streams(port, attempts, held, stop)))
    junk = threading.Thread(target=junk_survey, args=(port, survey))
    phone.start()
    junk.start()
    time.sleep(0.2)
    try:
        times, statuses = door_latencies(port, greeter, codes)
    finally:
        stop.set()
        phone.join(timeout=120)
        junk.join(timeout=120)
        for s in held:
            s.close()
    return times, statuses, streams.get("statuses", []), survey
