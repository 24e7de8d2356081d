"""厂家上报 on the admin page, as the dealer's admin meets it at a venue without internet: the laptop's own id before
enrolment, a mistyped address and an unreachable service each named, and the pack still downloadable by hand."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import ADMIN_PIN, screenshot
from helpers import call, login, sign_in


def enrol(browser, url, code):
    browser.find_element(By.ID, "hq-url").clear()
    browser.find_element(By.ID, "hq-url").send_keys(url)
    browser.find_element(By.ID, "hq-code").clear()
    browser.find_element(By.ID, "hq-code").send_keys(code)
    browser.find_element(By.CSS_SELECTOR, "#hq-enroll-form button[type=submit]").click()


def test_enrolment_names_each_problem_and_the_pack_can_still_leave_by_hand(server, browser):
    kiosk_id = call(server, "/api/kiosk/identity")[1]["kiosk_id"]
    sign_in(browser, server, "/admin.html", ADMIN_PIN)
    browser.get(server.base + "/admin.html#hq-panel")
    wait = WebDriverWait(browser, 10)
    wait.until(lambda d: kiosk_id in d.find_element(By.ID, "hq-enrolment").text)
    assert "尚未登记" in browser.find_element(By.ID, "hq-enrolment").text
    assert not browser.find_element(By.ID, "hq-send").is_enabled(), "nothing to send to before enrolment"

    enrol(browser, "hq.example.com", "ABCD-EFGH-JKLM")
    wait.until(lambda d: "https://" in d.find_element(By.ID, "hq-msg").text)

    # No internet at the venue: the service cannot be reached, said within seconds, and nothing is enrolled.
    enrol(browser, "http://127.0.0.1:9", "ABCD-EFGH-JKLM")
    WebDriverWait(browser, 30).until(lambda d: "连不上厂家服务" in d.find_element(By.ID, "hq-msg").text)
    browser.execute_script("document.getElementById('hq-panel').scrollIntoView()")
    screenshot(browser, "hq-link-01-unreachable")
    assert "enrolment" not in call(server, "/api/hq", login(server))[1], "not enrolled"

    # The pack for an upload from another computer.
    status, pack = call(server, "/api/export/hq-pack", login(server), raw=True)
    assert status == 200 and pack[:2] == b"PK"
