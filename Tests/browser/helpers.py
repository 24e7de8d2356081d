"""Small HTTP helpers for the browser tests (urllib only)."""
import json
import urllib.error
import urllib.request

from conftest import ADMIN_PIN


def call(server, path, token=None, body=None, method=None, raw=False):
    """Calls the API; returns (status, parsed JSON or bytes)."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None and not isinstance(body, bytes) else body
    req = urllib.request.Request(server.base + path, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            payload = r.read()
            return r.status, (payload if raw else json.loads(payload or b"null"))
    except urllib.error.HTTPError as e:
        payload = e.read()
        return e.code, (payload if raw else json.loads(payload or b"null"))


def login(server, pin=ADMIN_PIN):
    status, body = call(server, "/api/login", body={"pin": pin}, method="POST")
    assert status == 200, body
    return body["token"]


def add_staff(server, admin, name, role, pin):
    status, body = call(server, "/api/staff", admin, {"name": name, "role": role, "pin": pin}, "POST")
    assert status == 201, body
    return login(server, pin)


def sign_in(browser, server, page, pin, base=None):
    """Signs in the way staff do: tap the job's tile on the start page, type the PIN on the pad.
    `base` picks the origin (the HTTPS port is another origin, with its own sign-in)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get((base or server.base) + "/")
    wait = WebDriverWait(browser, 10)
    wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, f'.tile[data-page="{page}"][aria-disabled="false"]'))).click()
    wait.until(EC.visibility_of_element_located((By.ID, "pin-dialog")))
    for digit in pin:
        browser.find_element(By.CSS_SELECTOR, f'#pinpad button[data-key="{digit}"]').click()
    browser.find_element(By.ID, "pin-ok").click()
    wait.until(EC.url_contains(page))


def masked(name):
    """A name as greeters and the public see it (issue 23): 张*明, 张*."""
    if len(name) <= 1:
        return "*" * len(name)
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
