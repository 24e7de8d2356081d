"""The general manager in the evening, on the laptop, in the Chinese UI: the prize desk's list (who won what, a tick
when it was handed over), the invitees who did not come with their consultant, and orders per arrival."""
import re
import uuid

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import ADMIN_PIN, screenshot
from helpers import call, login, sign_in


def test_the_evening_prize_desk_no_shows_and_orders_per_arrival(server, browser):
    admin = login(server)
    _, guests = call(server, "/api/invitees?limit=100", admin)
    came = guests["items"][:10]
    for g in came:
        call(server, "/api/checkins", admin, {"code": g["code"], "door": "正门", "nonce": str(uuid.uuid4())}, "POST")
    for g in came[:4]:
        _, made = call(server, "/api/orders", admin, {"invitee_id": g["id"], "model": "408", "nonce": str(uuid.uuid4())}, "POST")
        status, _ = call(server, "/api/wheel/spins", admin, {"order_id": made["order"]["id"], "nonce": str(uuid.uuid4())}, "POST")
        assert status in (200, 201)
    _, draw = call(server, "/api/draws", admin, {"name": "港澳双人游"}, "POST")
    call(server, f"/api/draws/{draw['id']}/freeze", admin, {}, "POST")
    _, ran = call(server, f"/api/draws/{draw['id']}/run", admin, {"salt": "0930"}, "POST")
    winner = next(g for g in guests["items"] if str(g["id"]) == ran["winners"][0])

    browser.set_window_size(1366, 900)
    sign_in(browser, server, "/prizes.html", ADMIN_PIN)
    wait = WebDriverWait(browser, 10)
    wait.until(lambda d: "已领取 0 / 共 5 份奖品" in d.find_element(By.ID, "counts").text)
    rows = browser.find_elements(By.CSS_SELECTOR, "#rows tr")
    assert "港澳双人游" in rows[0].text and winner["name"] in rows[0].text and winner["phone"][-4:] in rows[0].text
    assert all(re.search(r"尾号 \d{4}", r.text) for r in rows)
    # One tap ticks a prize as handed over; it stays ticked for the next person at the desk.
    rows[0].find_element(By.CSS_SELECTOR, "button[data-tick]").click()
    wait.until(lambda d: "已领取 1 / 共 5" in d.find_element(By.ID, "counts").text)
    browser.refresh()
    wait.until(lambda d: "已领取 1 / 共 5" in d.find_element(By.ID, "counts").text)
    ticked = browser.find_element(By.CSS_SELECTOR, "#rows tr.done")
    assert winner["name"] in ticked.text and "管理员" in ticked.text
    browser.find_element(By.ID, "open-only").click()
    assert len(browser.find_elements(By.CSS_SELECTOR, "#rows tr")) == 4, "only what is still to hand over"
    screenshot(browser, "70-evening-prize-desk")
    _, listing = call(server, "/api/prizes/handout", admin)
    assert listing["handed"] == 1 and listing["items"][0]["handed_at"]

    # The report: tomorrow's calls (who did not come, and whose guest they are), and orders per 100 arrivals.
    browser.get(server.base + "/report")
    no_shows = wait.until(EC.presence_of_element_located((By.ID, "no-shows")))
    missing = next(g for g in guests["items"][10:] if g.get("consultant"))
    row = next(tr for tr in no_shows.find_elements(By.CSS_SELECTOR, "tr") if missing["name"] in tr.text)
    assert missing["consultant"] in row.text
    assert all(g["name"] not in no_shows.text for g in came)
    assert "每百组到场成交" in browser.page_source and re.search(r">\s*40\s*<", browser.page_source), "4 orders per 10 arrivals"
    screenshot(browser, "71-evening-report")
