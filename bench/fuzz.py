#!/usr/bin/env python3
"""Fuzzes the CSV importer and the JSON decoders of a running server for a fixed time: mutated valid inputs and
random bytes, every answer must be a 4xx/2xx (never 5xx), and the server must stay up. Prints one RESULT line."""
import json
import random
import sys
import time
import urllib.error
import urllib.request

BASE, ADMIN, SECONDS = sys.argv[1], sys.argv[2], float(sys.argv[3])
rng = random.Random(20261123)

CSV_SEEDS = [
    "姓名,手机,车牌,车型,顾问,人数\n张三,13800138000,苏A12345,408,李四,2\n".encode("utf-8"),
    "姓名,手机\n王五,13900139000\n".encode("gb18030"),
    b"\xef\xbb\xbfname,phone,vin\nTom,13700137000,LSVAB1234C0000001\n",
]
JSON_TARGETS = [
    ("/api/checkins", {"code": "ABCDEFGHJKMNPQRSTVWX", "door": "正门", "nonce": "fuzz-nonce-0001"}),
    ("/api/walkins", {"name": "路人", "phone": "13700001111", "door": "侧门", "nonce": "fuzz-nonce-0002", "party_size": 2}),
    ("/api/orders", {"invitee_id": 1, "model": "408", "nonce": "fuzz-nonce-0003"}),
    ("/api/wheel/spins", {"order_id": 1, "nonce": "fuzz-nonce-0004"}),
    ("/api/survey/answers", {"ratings": {"overall": 4}, "comment": "好", "callback_phone": "13800000000"}),
    ("/api/inspections", {"client_id": "fuzz-client-0001", "vehicle": {"plate": "苏A1", "mileage_km": 100}, "technician": "王",
                          "items": [{"id": "horn", "status": "ok", "values": {}}]}),
    ("/api/staff", {"name": "模糊", "role": "greeter", "pin": "97531246"}),
    ("/api/login", {"pin": "0000"}),
]
WEIRD = [None, True, -1, 0, 1e308, -1e308, 2**63, "", "\u0000", "🚗" * 50, "A" * 5000, [], {}, [1, [2, [3]]], {"a": {"b": {}}}, "1' OR '1'='1"]


def mutate_bytes(data: bytes) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        op = rng.random()
        if op < 0.3 and b:
            b[rng.randrange(len(b))] = rng.randrange(256)
        elif op < 0.5:
            b[rng.randrange(len(b) + 1):0] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
        elif op < 0.7 and b:
            i = rng.randrange(len(b)); del b[i:i + rng.randint(1, 16)]
        elif op < 0.85:
            b += rng.choice([b",", b"\n", b'"', b"\r\n", b'""', "，".encode(), b"\xff\xfe"]) * rng.randint(1, 50)
        else:
            b = b * rng.randint(2, 20)
    return bytes(b[:300_000])


def mutate_json(value, depth=0):
    if isinstance(value, dict):
        out = {k: mutate_json(v, depth + 1) if rng.random() < 0.5 else v for k, v in value.items() if rng.random() > 0.1}
        if rng.random() < 0.2:
            out[rng.choice(["extra", "code", "items", "id", ""])] = rng.choice(WEIRD)
        return out
    if isinstance(value, list):
        return [mutate_json(v, depth + 1) for v in value] + ([rng.choice(WEIRD)] if rng.random() < 0.2 else [])
    return rng.choice(WEIRD) if rng.random() < 0.5 else value


def send(path, body, content_type):
    req = urllib.request.Request(BASE + path, data=body, method="POST",
                                 headers={"Content-Type": content_type, "Authorization": f"Bearer {ADMIN}"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


counts, server_errors, t0 = {}, [], time.time()
while time.time() - t0 < SECONDS:
    roll = rng.random()
    if roll < 0.3:
        path, body, ctype = "/api/invitees/import", mutate_bytes(rng.choice(CSV_SEEDS)), "text/csv"
    elif roll < 0.4:
        path, body, ctype = "/api/invitees/import", bytes(rng.randrange(256) for _ in range(rng.randint(0, 4000))), "text/csv"
    else:
        path, seed = rng.choice(JSON_TARGETS)
        raw = json.dumps(mutate_json(seed), ensure_ascii=rng.random() < 0.5).encode()
        body = mutate_bytes(raw) if rng.random() < 0.3 else raw
        ctype = "application/json"
    try:
        status = send(path, body, ctype)
    except OSError as e:
        server_errors.append(f"{path}: connection failed ({e})")
        break
    counts[status // 100] = counts.get(status // 100, 0) + 1
    if status >= 500:
        server_errors.append(f"{path} -> {status}: {body[:120]!r}")
with urllib.request.urlopen(BASE + "/healthz", timeout=5) as r:
    alive = r.status == 200
total = sum(counts.values())
print(f"RESULT requests={total} ok2xx={counts.get(2, 0)} client4xx={counts.get(4, 0)} server5xx={len(server_errors)} alive={int(alive)}")
for e in server_errors[:10]:
    print("5xx:", e)
