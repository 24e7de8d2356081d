"""A guest answers the survey at the exit tablet; the page resets; the low rating is on the manager's list."""
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import screenshot
from helpers import call, login


def test_a_low_rating_reaches_the_managers_list_and_the_page_resets(server, browser):
    admin = login(server)
    _, guests = call(server, "/api/invitees?limit=1", admin)
    guest = guests["items"][0]
    browser.get(server.base + f"/survey.html?code={guest['code']}")
    wait = WebDriverWait(browser, 10)
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".q")) == 5)
    for q, v in (("reception", 5), ("explanation", 4), ("overall", 2)):
        browser.find_element(By.CSS_SELECTOR, f'.stars button[data-q="{q}"][data-v="{v}"]').click()
    browser.find_element(By.ID, "comment").send_keys("午餐等了很久")
    screenshot(browser, "40-survey-filled")
    browser.find_element(By.ID, "submit").click()
    wait.until(EC.visibility_of_element_located((By.ID, "thanks")))
    screenshot(browser, "41-survey-thanks")
    # Resets itself for the next guest after 10 seconds.
    WebDriverWait(browser, 15).until(EC.visibility_of_element_located((By.ID, "form")))
    assert not browser.find_elements(By.CSS_SELECTOR, ".stars button.on")
    assert browser.find_element(By.ID, "comment").get_attribute("value") == ""

    browser.get(server.base + "/")
    browser.execute_script(f"localStorage.setItem('kiosk.token', JSON.stringify({{token: '{admin}', role: 'admin', name: '管理员'}}))")
    browser.get(server.base + "/complaints.html")
    row = wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "#rows tr[data-id]")))
    assert guest["name"] in row.text and "午餐等了很久" in row.text and guest["phone"] in row.text
    row.find_element(By.CSS_SELECTOR, "input[data-note]").send_keys("已电话致歉")
    row.find_element(By.CSS_SELECTOR, "button[data-handle]").click()
    wait.until(lambda d: "管理员: 已电话致歉" in d.find_element(By.ID, "rows").text)
    screenshot(browser, "42-complaints")
