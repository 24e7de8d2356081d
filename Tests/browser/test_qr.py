"""Every QR the kiosk produces decodes with zbarimg to text that finds its invitee."""
import json
import re
import subprocess
import urllib.request

import pytest

from conftest import ADMIN_PIN, SHOTS, screenshot


def call(server, path, token=None, data=None, method=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(server.base + path, data=data, headers=headers, method=method)
    with urllib.request.urlopen(req) as r:
        return r.read()


def login(server):
    return json.loads(call(server, "/api/login", data=json.dumps({"pin": ADMIN_PIN}).encode(), method="POST"))["token"]


def zbar(path):
    out = subprocess.run(["zbarimg", "--quiet", "--raw", str(path)], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_every_png_qr_decodes_to_its_invitees_code(server, tmp_path):
    token = login(server)
    invitees = json.loads(call(server, "/api/invitees?limit=10000", token))["items"]
    assert len(invitees) == 40
    for inv in invitees:
        png = tmp_path / f"{inv['id']}.png"
        png.write_bytes(call(server, f"/api/invitees/{inv['id']}/qr.png", token))
        text = zbar(png)
        assert text == inv["code"]
        # What the scanner types finds exactly this invitee (the check-in call looks codes up the same way).
        found = json.loads(call(server, f"/api/invitees?q={text}", token))["items"]
        assert [i["id"] for i in found] == [inv["id"]]


def test_the_svg_qr_renders_and_decodes(server, browser, tmp_path):
    token = login(server)
    inv = json.loads(call(server, "/api/invitees/5", token))
    browser.get(server.base + f"/c/{inv['code']}")
    path = screenshot(browser, "05-guest-link")
    assert zbar(path) == inv["code"]


def test_the_invitation_sheet_prints_decodable_cards(server, browser, tmp_path):
    token = login(server)
    browser.get(server.base + "/")
    browser.add_cookie({"name": "kiosk_token", "value": token, "path": "/"})
    browser.get(server.base + "/invitations")
    cards = browser.find_elements("css selector", "article.card")
    assert len(cards) == 40
    path = screenshot(browser, "06-invitations")
    codes = set(subprocess.run(["zbarimg", "--quiet", "--raw", str(path)], capture_output=True, text=True).stdout.split())
    all_codes = {i["code"] for i in json.loads(call(server, "/api/invitees?limit=100", token))["items"]}
    assert codes and codes <= all_codes
    pdf = browser.execute_cdp_cmd("Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69, "printBackground": True})
    import base64
    out = SHOTS / "06-invitations.pdf"
    out.write_bytes(base64.b64decode(pdf["data"]))
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    # 40 cards at 6 per A4 page: 7 pages, none split.
    assert re.search(r"^Pages:\s+7$", info, re.M), info
