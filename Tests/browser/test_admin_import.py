"""Sign in on the start page, import a GBK CSV through the admin page, and see the result."""
import json
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import ADMIN_PIN, screenshot

GBK_CSV = "姓名,手机,车牌,销售顾问,人数\r\n张三,138 0013 8000,苏C·12345,王芳,2\r\n坏号码,12345,,李强,1\r\n欧阳娜娜,+86 139-0000-1111,,李强,1\r\n".encode("gbk")


def sign_in_as_admin(browser, server):
    browser.get(server.base + "/")
    wait = WebDriverWait(browser, 10)
    wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, '.tile[data-page="/admin.html"][aria-disabled="false"]'))).click()
    wait.until(EC.visibility_of_element_located((By.ID, "pin-dialog")))
    for digit in ADMIN_PIN:
        browser.find_element(By.CSS_SELECTOR, f'#pinpad button[data-key="{digit}"]').click()
    screenshot(browser, "01-start-pin")
    browser.find_element(By.ID, "pin-ok").click()
    wait.until(EC.url_contains("/admin.html"))


def test_sign_in_and_import_a_gbk_csv(server, browser, tmp_path):
    sign_in_as_admin(browser, server)
    wait = WebDriverWait(browser, 10)
    # The demo event ships 40 invitees.
    wait.until(lambda d: d.find_element(By.ID, "invitee-count").text == "40")

    csv = tmp_path / "邀约名单.csv"
    csv.write_bytes(GBK_CSV)
    browser.find_element(By.ID, "csv-file").send_keys(str(csv))
    browser.find_element(By.ID, "import-btn").click()
    summary = wait.until(EC.visibility_of_element_located((By.ID, "import-summary")))
    assert "新增 2 位" in summary.text and "未导入 1 行" in summary.text
    rejected = browser.find_element(By.ID, "rejected").text
    assert "3" in rejected and "12345" in rejected
    wait.until(lambda d: d.find_element(By.ID, "invitee-count").text == "42")

    search = browser.find_element(By.ID, "search")
    search.send_keys("欧阳")
    wait.until(lambda d: "欧阳娜娜" in d.find_element(By.ID, "invitee-rows").text)
    assert "13900001111" in browser.find_element(By.ID, "invitee-rows").text
    screenshot(browser, "02-admin-imported")


def test_a_bad_file_shows_a_clear_error(server, browser, tmp_path):
    sign_in_as_admin(browser, server)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"plate,model\nABC,408\n")
    browser.find_element(By.ID, "csv-file").send_keys(str(bad))
    browser.find_element(By.ID, "import-btn").click()
    err = WebDriverWait(browser, 10).until(EC.visibility_of_element_located((By.ID, "import-error")))
    assert "姓名/name" in err.text
    screenshot(browser, "03-admin-bad-file")


def test_admin_adds_a_greeter_who_can_then_sign_in(server, browser):
    sign_in_as_admin(browser, server)
    wait = WebDriverWait(browser, 10)
    browser.find_element(By.ID, "staff-name").send_keys("王芳")
    browser.find_element(By.CSS_SELECTOR, '#staff-role option[value="greeter"]').click()
    browser.find_element(By.ID, "staff-pin").send_keys("258025")
    browser.find_element(By.CSS_SELECTOR, '#staff-form button[type="submit"]').click()
    wait.until(lambda d: "王芳" in d.find_element(By.ID, "staff-rows").text)
    req = urllib.request.Request(server.base + "/api/login", data=json.dumps({"pin": "258025"}).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(req) as r:
        assert json.load(r)["role"] == "greeter"
    screenshot(browser, "04-admin-staff")
