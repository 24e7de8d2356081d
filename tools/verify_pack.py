#!/usr/bin/env python3
"""Checks a kiosk's pack for the manufacturer (eventkiosk-pack/2) with Python's standard library and `cryptography`
only, independently of the Swift code: the pack note's Ed25519 signature (C2SP signed note) by the manifest's key,
every file's SHA-256, the audit chain re-hashed to the manifest's head, and every checkpoint on that chain.

    python3 tools/verify_pack.py PACK.zip [--vkey VKEY]   # exit 0: OK; 1: a check failed (each one printed)
"""
import base64
import hashlib
import json
import sys
import zipfile

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

GENESIS = "0" * 64


def key_id(name, public_key):
    return hashlib.sha256(name.encode() + b"\n\x01" + public_key).digest()[:4]


def open_note(note, name, public_key):
    """The text of a C2SP signed note when it carries a valid signature by (name, public_key); else raises ValueError."""
    text, sep, sigs = note.rpartition("\n\n")
    if not sep:
        raise ValueError("not a signed note")
    text += "\n"
    want = key_id(name, public_key)
    for line in sigs.splitlines():
        if not line.startswith("\u2014 "):
            continue
        signer, _, blob = line[2:].partition(" ")
        raw = base64.b64decode(blob)
        if signer == name and raw[:4] == want:
            try:
                Ed25519PublicKey.from_public_bytes(public_key).verify(raw[4:], text.encode())
                return text
            except InvalidSignature:
                raise ValueError("the signature does not verify")
    raise ValueError(f"no signature by {name}")


def verify(path, vkey=None):
    problems = []
    z = zipfile.ZipFile(path)
    files = {n: z.read(n) for n in z.namelist()}
    manifest_bytes = files.get("manifest.json")
    if manifest_bytes is None or "manifest.sig" not in files:
        return ["manifest.json or manifest.sig is missing"]
    manifest = json.loads(manifest_bytes)
    public_key = base64.b64decode(manifest["public_key"])
    if vkey:
        _, _, key_b64 = vkey.split("+", 2)  # base64 may hold "+" itself
        public_key = base64.b64decode(key_b64)[1:]
    kiosk_id = hashlib.sha256(public_key).hexdigest()[:16]
    name = f"eventkiosk/{kiosk_id}"
    if manifest.get("format") != "eventkiosk-pack/2":
        problems.append(f"format: {manifest.get('format')!r}")
    if manifest.get("kiosk_id") != kiosk_id:
        problems.append("kiosk_id: not the key's")
    try:
        lines = open_note(files["manifest.sig"].decode(), name, public_key).split("\n")
        if lines[:2] != [name, "pack"] or lines[2] != hashlib.sha256(manifest_bytes).hexdigest():
            problems.append("manifest.sig: does not sign this manifest.json")
    except ValueError as e:
        problems.append(f"manifest.sig: {e}")
    for fname, digest in sorted(manifest["files"].items()):
        if fname not in files:
            problems.append(f"{fname}: listed but missing")
        elif hashlib.sha256(files[fname]).hexdigest() != digest:
            problems.append(f"{fname}: SHA-256 differs from the manifest")
    # A later day on the same laptop carries on its one chain: its log starts after entry audit.from.n (a checkpoint
    # in the manifest signs that entry).
    start = manifest["audit"].get("from") or {"n": 0, "hash": GENESIS}
    hashes, prev = {start["n"]: start["hash"]}, start["hash"]
    count = start["n"]
    # A day brought back after a later one goes on from that day's head: after entry `after`, from entry `n`.
    jumps = {j["after"]: j for j in manifest["audit"].get("jumps") or []}
    n = start["n"]
    for line in files.get("audit.jsonl", b"").decode().splitlines():
        row = json.loads(line)
        n += 1
        if n - 1 in jumps and row["seq"] == jumps[n - 1]["n"] + 1:
            prev, n = jumps[n - 1]["hash"], row["seq"]
        if row["seq"] != n or row["prev_hash"] != prev or hashlib.sha256((prev + row["entry"]).encode()).hexdigest() != row["hash"]:
            problems.append(f"audit.jsonl: entry {n} breaks the chain")
            break
        prev = hashes[n] = row["hash"]
        count = n
    if (count, prev) != (manifest["audit"]["count"], manifest["audit"]["head"]):
        problems.append(f"audit: {count} entries ending {prev[:8]}, the manifest says {manifest['audit']['count']}")
    start_signed = start["n"] == 0
    signed_jumps = set()
    for note in manifest["checkpoints"]:
        try:
            lines = open_note(note, name, public_key).split("\n")
            n, h = int(lines[2]), lines[3]
            jump = next((j for j in jumps.values() if j["after"] < n <= j["n"]), None)
            if n < start["n"]:
                problems.append(f"checkpoint {n}: before this pack's log, which starts after entry {start['n']}")
            elif jump:
                if (n, h) == (jump["n"], jump["hash"]):
                    signed_jumps.add(n)
                else:
                    problems.append(f"checkpoint {n}: between entries {jump['after']} and {jump['n']}, which this log skips")
            elif hashes.get(n) != h:
                problems.append(f"checkpoint {n}: not on this chain")
            elif n == start["n"]:
                start_signed = True
        except ValueError as e:
            problems.append(f"checkpoint: {e}")
    for j in jumps.values():
        if j["n"] not in signed_jumps:
            problems.append(f"audit: the log goes on from entry {j['n']} after entry {j['after']}, but no checkpoint signs it")
    if not start_signed:
        problems.append(f"audit: the log starts after entry {start['n']}, but no checkpoint in the manifest signs that entry")
    return problems


def main():
    args = sys.argv[1:]
    vkey = args[args.index("--vkey") + 1] if "--vkey" in args else None
    problems = verify(args[0], vkey)
    for p in problems:
        print("MISMATCH:", p)
    if not problems:
        print(f"OK: {args[0]}")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
