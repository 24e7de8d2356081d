"""The door on tablets and phones: the kiosk's CA trusted the way a tablet trusts it, the live camera over HTTPS,
a photo over plain HTTP, and a door that keeps answering while the laptop is out of reach."""
import json
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import ROOT, kiosk_binary, make_browser, screenshot
from helpers import add_staff, call, login, sign_in, masked
from test_door import dismiss, scanner_types, wait_result

sys.path.insert(0, str(ROOT / "tools"))
import card_images  # noqa: E402


def ca_pem(server):
    status, pem = call(server, "/ca.crt", raw=True)
    assert status == 200 and pem.startswith(b"-----BEGIN CERTIFICATE-----")
    return pem


def tls_handshake(server, cafile):
    """A real TLS client: Python's ssl, verifying the chain and that the certificate names 127.0.0.1."""
    ctx = ssl.create_default_context(cafile=cafile) if cafile else ssl.create_default_context()
    with socket.create_connection(("127.0.0.1", server.https_port), timeout=5) as raw:
        with ctx.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
            return tls.getpeercert()


def test_the_server_certificate_verifies_against_ca_crt_and_the_key_leaves_nothing(server, tmp_path):
    cafile = tmp_path / "ca.crt"
    cafile.write_bytes(ca_pem(server))
    cert = tls_handshake(server, str(cafile))
    assert ("IP Address", "127.0.0.1") in cert["subjectAltName"]
    with pytest.raises(ssl.SSLCertVerificationError):
        tls_handshake(server, None)  # the system's CAs know nothing of the kiosk
    out = subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{server.https_port}", "-CAfile", str(cafile),
                          "-verify_return_error", "-verify_ip", "127.0.0.1"], input=b"", capture_output=True, timeout=20)
    assert b"Verify return code: 0 (ok)" in out.stdout, out.stdout[-400:]

    # The CA's key is in no export: not in the evidence pack, not in a backup, not on any page.
    key = (server.data / "tls" / "kiosk-ca.key").read_text()
    key_body = "".join(line for line in key.splitlines() if "-----" not in line)
    assert len(key_body) > 40
    pack, backup = tmp_path / "pack.zip", tmp_path / "backup"
    subprocess.run([str(kiosk_binary()), "export", "--data", str(server.data), "--out", str(pack)], check=True, capture_output=True)
    subprocess.run([str(kiosk_binary()), "backup", "--data", str(server.data), "--to", str(backup)], check=True, capture_output=True)
    with zipfile.ZipFile(pack) as z:
        for name in z.namelist():
            assert key_body[:40].encode() not in z.read(name), name
    for f in backup.rglob("*"):
        if f.is_file():
            assert key_body[:40].encode() not in f.read_bytes(), f
    status, _ = call(server, "/tls/kiosk-ca.key", raw=True)
    assert status == 404


def nss_home(tmp_path, pem):
    """A HOME whose NSS database trusts the kiosk's CA, as a tablet does once the CA is installed."""
    home = tmp_path / "home"
    db = home / ".pki" / "nssdb"
    db.mkdir(parents=True)
    (tmp_path / "ca.crt").write_bytes(pem)
    subprocess.run(["certutil", "-N", "--empty-password", "-d", f"sql:{db}"], check=True, capture_output=True)
    subprocess.run(["certutil", "-A", "-n", "EventKiosk", "-t", "C,,", "-i", str(tmp_path / "ca.crt"), "-d", f"sql:{db}"],
                   check=True, capture_output=True)
    return home


def invitation_video(server, admin, guest_id, path):
    """A fake camera's video: the kiosk's own QR code for this guest on a printed card, held up at an angle,
    tilted, slightly blurred and unevenly lit, moving a little from frame to frame."""
    status, png = call(server, f"/api/invitees/{guest_id}/qr.png", admin, raw=True)
    assert status == 200
    card = card_images.card(card_images.qr_image(png), 200)
    frames = []
    for i in range(20):
        frame = card_images.scene(card, (640, 480), angle=18 + i % 5, tilt=0.2, blur=1.0, light=0.35,
                                  center=(0.5 + 0.01 * (i % 4), 0.5))
        frames.append(frame)
    frames[0].save(path.with_suffix(".png"))
    card_images.write_y4m(path, frames)
    return path


def test_the_live_camera_over_https_checks_a_guest_in_with_the_ca_trusted(server, tmp_path):
    admin = login(server)
    add_staff(server, admin, "王芳", "greeter", "258025")
    _, guests = call(server, "/api/invitees?limit=100", admin)
    guest = guests["items"][7]
    video = invitation_video(server, admin, guest["id"], tmp_path / "card.y4m")
    home = nss_home(tmp_path, ca_pem(server))
    browser = make_browser(home=home, extra_args=(
        "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", f"--use-file-for-fake-video-capture={video}"))
    try:
        sign_in(browser, server, "/door.html", "258025", base=server.https_base)
        assert browser.current_url.startswith(server.https_base)
        assert browser.execute_script("return window.isSecureContext") is True
        WebDriverWait(browser, 10).until(lambda d: "邀约 40" in d.find_element(By.ID, "counts").text)
        browser.find_element(By.ID, "camera-btn").click()
        result = WebDriverWait(browser, 20).until(
            lambda d: d.find_element(By.ID, "result") if "result ok" == d.find_element(By.ID, "result").get_attribute("class") else None)
        assert masked(guest["name"]) in result.text
        screenshot(browser, "60-door-live-camera-ok")
        # The card stays in front of the camera: it is not sent again (no "already here" from the same card).
        time.sleep(4)
        _, status = call(server, "/api/checkins/status")
        assert status["arrived"] == 1
        _, failures = call(server, "/api/checkins/failures", admin)
        assert failures == [], failures
        assert "result ok" == browser.find_element(By.ID, "result").get_attribute("class") or \
            "hidden" in browser.find_element(By.ID, "result").get_attribute("class")
        _, ready = call(server, "/api/readiness", admin)
        tablets = [i for i in ready["items"] if i["id"] == "tablets"][0]
        assert tablets["ok"] and "1" in tablets["zh"]
    finally:
        browser.quit()


def test_without_the_ca_the_https_door_is_a_privacy_error(server, tmp_path):
    browser = make_browser(home=tmp_path)  # an empty NSS database: the tablet before it was set up
    try:
        browser.get(server.https_base + "/door.html")
        time.sleep(1)
        assert "door" not in browser.title.lower() or "隐私" in browser.page_source or "Privacy" in browser.page_source
        assert browser.execute_script("return document.getElementById('scan')") is None
    finally:
        browser.quit()


def test_a_photo_over_plain_http_checks_a_guest_in(server, browser, tmp_path):
    admin = login(server)
    add_staff(server, admin, "王芳", "greeter", "258025")
    _, guests = call(server, "/api/invitees?limit=100", admin)
    guest = guests["items"][9]
    _, png = call(server, f"/api/invitees/{guest['id']}/qr.png", admin, raw=True)
    # A 12-megapixel phone photo of the card, tilted and a little blurred.
    card = card_images.card(card_images.qr_image(png), 900)
    photo = card_images.scene(card, (4000, 3000), angle=-12, tilt=0.15, blur=2.0, light=0.3)
    path = tmp_path / "IMG_0001.jpg"
    path.write_bytes(card_images.jpeg(photo, 85))
    sign_in(browser, server, "/door.html", "258025")
    WebDriverWait(browser, 10).until(lambda d: "邀约 40" in d.find_element(By.ID, "counts").text)
    assert browser.execute_script("return window.isSecureContext") is True  # 127.0.0.1; a LAN address is not
    browser.find_element(By.ID, "photo").send_keys(str(path))
    result = WebDriverWait(browser, 20).until(
        lambda d: d.find_element(By.ID, "result") if "result ok" == d.find_element(By.ID, "result").get_attribute("class") else None)
    assert masked(guest["name"]) in result.text
    screenshot(browser, "61-door-photo-ok")
    dismiss(browser)
    # A photo with no code in it says so.
    blank = tmp_path / "blank.jpg"
    blank.write_bytes(card_images.jpeg(card_images.scene(card_images.card(card_images.qr_image(png), 10), (800, 600), blur=9), 70))
    browser.find_element(By.ID, "photo").send_keys(str(blank))
    result = wait_result(browser, "bad")
    assert "没有找到二维码" in result.text


def open_door(browser, server, base, door=None):
    sign_in(browser, server, "/door.html", "258025", base=base)
    WebDriverWait(browser, 10).until(lambda d: "邀约 40" in d.find_element(By.ID, "counts").text)
    if door:
        Select(browser.find_element(By.ID, "door")).select_by_visible_text(door)
    # The roster is on the tablet before the laptop goes away.
    WebDriverWait(browser, 10).until(lambda d: d.execute_script(
        "const r = JSON.parse(localStorage.getItem('kiosk.door.roster') || 'null'); return r && r.entries.length") == 40)


def test_the_door_answers_offline_from_its_roster_and_sends_the_queue_once(server, browser):
    admin = login(server)
    add_staff(server, admin, "王芳", "greeter", "258025")
    _, guests = call(server, "/api/invitees?limit=100", admin)
    new, here = guests["items"][11], guests["items"][12]
    # Two doors: two tablets, two origins (127.0.0.1 and localhost), so each keeps its own queue and roster.
    other = make_browser()
    try:
        open_door(browser, server, server.base)
        open_door(other, server, f"http://localhost:{server.port}", door="侧门")
        status, _ = call(server, "/api/checkins", admin, {"code": here["code"], "door": "正门", "nonce": "before-offline-1"}, "POST")
        assert status == 201
        WebDriverWait(browser, 10).until(lambda d: d.execute_script(
            f"return JSON.parse(localStorage.getItem('kiosk.door.roster')).entries.find(e => e.id === {here['id']}).checked_in_at") is not None)

        server.stop()
        scanner_types(browser, new["code"])
        result = wait_result(browser, "ok")
        assert "离线" in result.text and new["name"][0] in result.text and new["name"] not in result.text  # masked
        screenshot(browser, "62-door-offline-welcome")
        dismiss(browser)
        scanner_types(browser, here["code"])
        assert "离线" in wait_result(browser, "already").text
        screenshot(browser, "63-door-offline-already")
        dismiss(browser)
        scanner_types(browser, "0123456789ABCDEFGHJK")
        assert "查无此码" in wait_result(browser, "bad").text
        dismiss(browser)
        assert "3 条签到待发送" in browser.find_element(By.ID, "pending").text
        # The same guest also came in at the other door while both were offline.
        scanner_types(other, new["code"])
        assert "离线" in wait_result(other, "ok").text

        server.start()
        WebDriverWait(browser, 30).until(lambda d: "hidden" in d.find_element(By.ID, "pending").get_attribute("class"))
        WebDriverWait(other, 30).until(lambda d: "hidden" in d.find_element(By.ID, "pending").get_attribute("class"))
        time.sleep(4)  # any retry timer fires again; nothing may go twice
        _, status = call(server, "/api/checkins/status")
        assert status["arrived"] == 2 and status["invited"] == 40
        _, recent = call(server, "/api/checkins?limit=10", admin)
        assert sorted(r["invitee"]["id"] for r in recent) == sorted([new["id"], here["id"]])
        # One of the two doors admitted the guest first; the other lists the difference for the greeter.
        listed = [b for b in (browser, other) if "hidden" not in b.find_element(By.ID, "differences").get_attribute("class")]
        assert len(listed) == 1, "exactly one door was overruled"
        assert "此前已签到" in listed[0].find_element(By.ID, "differences").text
        screenshot(listed[0], "64-door-offline-difference")
        _, failures = call(server, "/api/checkins/failures", admin)
        assert {f["reason"] for f in failures} >= {"unknown", "already_checked_in"}
    finally:
        other.quit()


def zbar(png_path):
    out = subprocess.run(["zbarimg", "-q", "--raw", str(png_path)], capture_output=True, timeout=20)
    return out.stdout.decode().strip()


def test_the_setup_page_gives_the_ca_and_tells_a_tablet_whether_it_trusts_the_kiosk(server, tmp_path):
    trusted = make_browser(home=nss_home(tmp_path, ca_pem(server)), size="820,1180")  # an iPad in portrait
    fresh_home = tmp_path / "fresh"
    fresh_home.mkdir()
    untrusted = make_browser(home=fresh_home, size="820,1180")
    try:
        for b in (trusted, untrusted):
            b.get(server.base + "/setup.html")
            WebDriverWait(b, 10).until(lambda d: d.find_element(By.ID, "fingerprint").text.count(":") == 31)
            b.find_element(By.ID, "check-btn").click()
        WebDriverWait(trusted, 10).until(lambda d: "good" in d.find_element(By.ID, "check-result").get_attribute("class"))
        assert "已信任" in trusted.find_element(By.ID, "check-result").text
        WebDriverWait(untrusted, 10).until(lambda d: "bad" in d.find_element(By.ID, "check-result").get_attribute("class"))
        assert "尚未信任" in untrusted.find_element(By.ID, "check-result").text
        screenshot(trusted, "65-setup-trusted")
        screenshot(untrusted, "66-setup-not-trusted")
        # The QR codes on the page open what they say (read off the screen with zbarimg).
        # Opened on the laptop itself (127.0.0.1), the codes still give the tablets a LAN address (issue 24).
        lan = call(server, "/api/device-setup")[1]["addresses"][0]
        for element, expected in (("qr-ca", f"http://{lan}:{server.port}/ca.crt"),
                                  ("qr-door", f"https://{lan}:{server.https_port}/door.html")):
            path = tmp_path / f"{element}.png"
            trusted.find_element(By.ID, element).screenshot(str(path))
            assert zbar(path) == expected
        trusted.find_element(By.ID, "lang").click()
        assert "Trust it" in trusted.page_source
    finally:
        trusted.quit()
        untrusted.quit()
