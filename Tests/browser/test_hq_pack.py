"""The pack for the manufacturer read by an independent verifier (tools/verify_pack.py: Python's standard library and
`cryptography` only): the note by the kiosk's key, each file's hash, the chain's head, the checkpoints on the chain;
and each kind of tampering named."""
import hashlib
import io
import json
import subprocess
import sys
import zipfile

from conftest import ROOT
from helpers import add_staff, call, login


def verify(path, vkey):
    r = subprocess.run([sys.executable, str(ROOT / "tools/verify_pack.py"), str(path), "--vkey", vkey], capture_output=True, text=True)
    return r.returncode, r.stdout + r.stderr


def rezip(files, path):
    with zipfile.ZipFile(path, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)


def test_the_independent_verifier_accepts_the_pack_and_names_each_tampering(server, tmp_path):
    admin = login(server)
    greeter = add_staff(server, admin, "门口", "greeter", "258025")
    guests = call(server, "/api/invitees?limit=5", admin)[1]["items"]
    for g in guests:
        assert call(server, "/api/checkins", greeter, {"code": g["code"], "door": "正门", "nonce": f"hq-pack-{g['id']}"}, "POST")[0] == 201
    assert call(server, "/api/audit/checkpoint", raw=True)[0] == 200
    vkey = call(server, "/api/kiosk/identity")[1]["vkey"]
    status, pack = call(server, "/api/export/hq-pack", admin, raw=True)
    assert status == 200
    path = tmp_path / "pack.zip"
    path.write_bytes(pack)
    code, out = verify(path, vkey)
    assert code == 0 and out.startswith("OK"), out
    files = {n: zipfile.ZipFile(io.BytesIO(pack)).read(n) for n in zipfile.ZipFile(io.BytesIO(pack)).namelist()}
    manifest = json.loads(files["manifest.json"])
    assert manifest["audit"]["count"] >= 6 and len(manifest["checkpoints"]) == 1
    assert files["checkins.csv"].decode("utf-8-sig").count("\n") == 6

    # A check-in row removed: its hash no longer matches.
    bad = dict(files, **{"checkins.csv": b"\n".join(files["checkins.csv"].split(b"\n")[:-2]) + b"\n"})
    rezip(bad, path)
    assert "checkins.csv: SHA-256 differs" in verify(path, vkey)[1]
    # The log cut short and the manifest rewritten to match: the kiosk's signature no longer covers it.
    audit = b"".join(files["audit.jsonl"].splitlines(keepends=True)[:-1])
    m = dict(manifest, files=dict(manifest["files"], **{"audit.jsonl": hashlib.sha256(audit).hexdigest()}))
    m["audit"] = {"count": manifest["audit"]["count"] - 1, "head": json.loads(audit.splitlines()[-1])["hash"]}
    rezip(dict(files, **{"audit.jsonl": audit, "manifest.json": json.dumps(m, separators=(",", ":"), sort_keys=True).encode()}), path)
    code, out = verify(path, vkey)
    assert code == 1 and "manifest.sig: does not sign this manifest.json" in out, out
    # Another kiosk's key does not verify it.
    other = "eventkiosk/0000000000000000+00000000+" + __import__("base64").b64encode(b"\x01" + b"\x07" * 32).decode()
    rezip(files, path)
    assert verify(path, other)[0] == 1
