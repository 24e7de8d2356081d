#!/usr/bin/env python3
"""An independent implementation of the contract's fair randomness (Python standard library only).

Prints the known-answer vectors that Tests/KioskFormatsTests/fair-vectors.json holds, so any other
implementation can check itself; `python3 tools/fair_reference.py draw.json` recomputes a published draw.
"""
import hashlib
import hmac
import json
import sys


def stream(seed: bytes, label: str):
    i = 0
    while True:
        yield int.from_bytes(hmac.new(seed, f"{label}:{i}".encode(), hashlib.sha256).digest()[:8], "big")
        i += 1


def uniform(g, m: int) -> int:
    limit = 2**64 - (2**64 % m)
    while True:
        x = next(g)
        if x < limit:
            return x % m


def draw(entrants, salt, seed, picks):
    s = sorted(entrants, key=lambda x: x.encode())
    digest = hashlib.sha256("\n".join(s).encode()).hexdigest()
    g = stream(seed, digest + ":" + salt)
    for k in range(min(picks, len(s))):
        j = k + uniform(g, len(s) - k)
        s[k], s[j] = s[j], s[k]
    return digest, s[:picks]


def spin(number, remaining, seed):
    g = stream(seed, f"spin:{number}")
    t = uniform(g, sum(remaining))
    for i, r in enumerate(remaining):
        if t < r:
            return i
        t -= r


def verify_wheel(rec):
    """A wheel record (GET /api/wheel/record after close): replays every spin, and any stock the admin changed
    during the day (from spin after_spin + 1 on, the prize has `stock` in total)."""
    seed = bytes.fromhex(rec["seed"])
    ids = [p["id"] for p in rec["prizes"]]
    stock = [p["stock"] for p in rec["prizes"]]
    won = [0] * len(ids)
    changes = list(rec.get("stock_changes") or [])
    ok = hashlib.sha256(seed).hexdigest() == rec["commitment"]
    for s in sorted(rec["spins"], key=lambda s: s["number"]):
        while changes and changes[0]["after_spin"] < s["number"]:
            c = changes.pop(0)
            if c["prize"] in ids:
                stock[ids.index(c["prize"])] = c["stock"]
        remaining = [max(0, a - b) for a, b in zip(stock, won)]
        if sum(remaining) == 0:
            print(f"spin {s['number']}: no stock was left"); ok = False; continue
        i = spin(s["number"], remaining, seed)
        if ids[i] != s["prize"]["id"]:
            print(f"spin {s['number']}: recomputed {ids[i]}, published {s['prize']['id']}"); ok = False
        if s["prize"]["id"] in ids:
            won[ids.index(s["prize"]["id"])] += 1
    print("OK" if ok else "MISMATCH")
    return ok


def vectors():
    seed = bytes(range(32))
    g = stream(seed, "test")
    xs = [next(g) for _ in range(3)]
    g = stream(seed, "spin:1")
    us = [[m, uniform(g, m)] for m in (7, 3, 1000000, 2**63 + 1)]
    digest, picks = draw([str(i) for i in range(1, 11)], "8848", seed, 3)
    return {
        "seed": seed.hex(), "commitment": hashlib.sha256(seed).hexdigest(),
        "stream": {"label": "test", "x": [str(x) for x in xs]},
        "uniform": {"label": "spin:1", "draws": [[str(m), str(u)] for m, u in us]},
        "draw": {"entrants": [str(i) for i in range(1, 11)], "salt": "8848", "picks": 3, "entrants_digest": digest, "result": picks},
        "wheel": [{"number": n, "remaining": r, "prize_index": spin(n, r, seed)} for n, r in ((1, [10, 6, 4]), (2, [10, 6, 4]), (3, [0, 0, 5]))],
    }


if __name__ == "__main__":
    if len(sys.argv) > 1:
        rec = json.load(open(sys.argv[1]))
        if "spins" in rec:
            sys.exit(0 if verify_wheel(rec) else 1)
        seed = bytes.fromhex(rec["seed"])
        ok = hashlib.sha256(seed).hexdigest() == rec["commitment"]
        digest, picks = draw(rec["entrants"], rec.get("salt") or "", seed, len(rec["winners"]) + len(rec.get("alternates") or []))
        ok = ok and digest == rec["entrants_digest"] and picks == rec["winners"] + (rec.get("alternates") or [])
        print("OK" if ok else "MISMATCH")
        sys.exit(0 if ok else 1)
    print(json.dumps(vectors(), indent=2))
