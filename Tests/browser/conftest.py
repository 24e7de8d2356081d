"""Browser-test harness: a real kiosk server on a free port with a temporary data dir, and headless Chromium."""
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

ROOT = Path(__file__).resolve().parents[2]
ADMIN_PIN = "1234"
SHOTS = ROOT / "test-artifacts"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def kiosk_binary():
    for candidate in (ROOT / ".build/debug/kiosk", ROOT / ".build/release/kiosk"):
        if candidate.exists():
            return candidate
    raise RuntimeError("build the kiosk first: swift build --product kiosk")


class KioskServer:
    """One running `kiosk serve` with its own data dir; stop() ends it, restart() brings it back on the same data."""

    def __init__(self, event=None, extra_args=(), data=None):
        self.extra_args = list(extra_args)
        self.port = free_port()
        self.https_port = free_port()
        self.own_data = data is None
        self.data = Path(data) if data else Path(tempfile.mkdtemp(prefix="kiosk-test-"))
        self.log_path = (self.data if self.own_data else Path(tempfile.mkdtemp(prefix="kiosk-log-"))) / "server.log"
        self.event = event or ROOT / "Assets/demo-event.json"
        self.base = f"http://127.0.0.1:{self.port}"
        self.https_base = f"https://127.0.0.1:{self.https_port}"
        self.proc = None
        self.log = open(self.log_path, "wb")

    def start(self):
        env = dict(os.environ, KIOSK_ADMIN_PIN=ADMIN_PIN)
        self.proc = subprocess.Popen(
            [str(kiosk_binary()), "serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--https-port", str(self.https_port), "--data", str(self.data), "--event", str(self.event),
             "--kiosk", str(ROOT / "Kiosk")] + self.extra_args,
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_path.read_text()}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=1) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("server did not answer /healthz within 30 s")

    def kill(self):
        """kill -9: no shutdown, no flush, as when the laptop's power goes."""
        self.proc.kill()
        self.proc.wait(timeout=10)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)

    def cleanup(self):
        self.stop()
        self.log.close()
        if self.own_data:
            shutil.rmtree(self.data, ignore_errors=True)
        else:
            shutil.rmtree(self.log_path.parent, ignore_errors=True)


@pytest.fixture
def server():
    s = KioskServer().start()
    yield s
    s.cleanup()


def make_browser(extra_args=(), home=None, size="1280,900", phone=None):
    """Headless Chromium. `home` points chromedriver (and so Chromium) at a HOME whose ~/.pki/nssdb holds the
    certificates it trusts, the way a tablet trusts the kiosk's CA once it is installed."""
    opts = Options()
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size={size}", "--lang=zh-CN", *extra_args):
        opts.add_argument(arg)
    if phone:
        # A real phone's viewport: a headless window cannot be narrower than about 500 px, so emulate the device.
        width, height = phone
        opts.add_experimental_option("mobileEmulation", {"deviceMetrics": {"width": width, "height": height, "pixelRatio": 3},
                                                         "userAgent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile"})
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium:
        opts.binary_location = chromium
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    env = dict(os.environ, HOME=str(home)) if home else None
    driver = webdriver.Chrome(service=Service(driver_path, env=env), options=opts)
    driver.implicitly_wait(0)
    return driver


@pytest.fixture
def browser():
    driver = make_browser()
    yield driver
    driver.quit()


def screenshot(driver, name):
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path
