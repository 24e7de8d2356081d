"""The door page as a greeter uses it: scanner typing + Enter, amber on a repeat, search, walk-in, offline queue."""
import json
import time
import urllib.request
import uuid

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import screenshot
from helpers import add_staff, call, login, sign_in, masked


def open_door_as_greeter(browser, server):
    admin = login(server)
    add_staff(server, admin, "王芳", "greeter", "258025")
    sign_in(browser, server, "/door.html", "258025")
    WebDriverWait(browser, 10).until(lambda d: "邀约 40" in d.find_element(By.ID, "counts").text)
    return admin


def scanner_types(browser, text):
    """A handheld scanner types into whatever has focus, then presses Enter: no click."""
    ActionChains(browser).send_keys(text + Keys.ENTER).perform()


def wait_result(browser, kind):
    return WebDriverWait(browser, 10).until(
        lambda d: d.find_element(By.ID, "result") if f"result {kind}" == d.find_element(By.ID, "result").get_attribute("class") else None)


def dismiss(browser):
    browser.find_element(By.ID, "result").click()
    WebDriverWait(browser, 5).until(lambda d: "hidden" in d.find_element(By.ID, "result").get_attribute("class"))


def test_scan_repeat_search_and_walk_in(server, browser):
    admin = open_door_as_greeter(browser, server)
    _, guests = call(server, "/api/invitees?limit=100", admin)
    first, second = guests["items"][0], guests["items"][1]
    assert browser.switch_to.active_element.get_attribute("id") == "scan"

    scanner_types(browser, first["code"])
    result = wait_result(browser, "ok")
    assert masked(first["name"]) in result.text and first["name"] not in result.text and "签到成功" in result.text
    screenshot(browser, "10-door-ok")
    WebDriverWait(browser, 5).until(lambda d: "已到 1 / 邀约 40" in d.find_element(By.ID, "counts").text)
    dismiss(browser)

    scanner_types(browser, first["code"])
    result = wait_result(browser, "already")
    assert "已经签到过" in result.text and "正门" in result.text
    screenshot(browser, "11-door-already")
    dismiss(browser)

    scanner_types(browser, "NOTACODE")
    assert "无法签到" in wait_result(browser, "bad").text
    dismiss(browser)
    scanner_types(browser, "ZZZZZZZZZZZZZZZZZZZZ")
    assert "查无此码" in wait_result(browser, "bad").text
    screenshot(browser, "12-door-unknown")
    dismiss(browser)

    search = browser.find_element(By.ID, "search")
    search.send_keys(second["phone"][-4:])
    button = WebDriverWait(browser, 5).until(
        EC.element_to_be_clickable((By.CSS_SELECTOR, f'#results button[data-id="{second["id"]}"]')))
    screenshot(browser, "13-door-search")
    button.click()
    assert masked(second["name"]) in wait_result(browser, "ok").text
    dismiss(browser)

    browser.find_element(By.ID, "w-name").send_keys("路人甲")
    browser.find_element(By.ID, "w-phone").send_keys("137 0000 9999")
    browser.find_element(By.CSS_SELECTOR, '#walkin-form button[type="submit"]').click()
    assert masked("路人甲") in wait_result(browser, "ok").text
    dismiss(browser)
    WebDriverWait(browser, 5).until(lambda d: "已到 3 / 邀约 40" in d.find_element(By.ID, "counts").text)
    screenshot(browser, "14-door-after-walkin")
    _, status = call(server, "/api/checkins/status")
    assert (status["arrived"], status["walkins"], status["invited"]) == (3, 1, 40)
    # Focus came back to the scan field after the walk-in form.
    WebDriverWait(browser, 3).until(lambda d: d.switch_to.active_element.get_attribute("id") == "scan")

    # The admin renames the main door mid-day: the tablet's door list follows without a reload.
    _, editor = call(server, "/api/event/config", admin)
    event = editor["event"]
    event["doors"] = ["东门", "侧门"]
    assert call(server, "/api/event", admin, event, "PUT")[0] == 200
    WebDriverWait(browser, 5).until(lambda d: d.find_element(By.ID, "door").get_attribute("value") == "东门")
    scanner_types(browser, guests["items"][2]["code"])
    assert masked(guests["items"][2]["name"]) in wait_result(browser, "ok").text
    assert call(server, "/api/checkins/status")[1]["by_door"].get("东门") == 1


def test_a_scan_while_the_laptop_is_down_is_queued_and_sent_once(server, browser):
    admin = open_door_as_greeter(browser, server)
    _, guests = call(server, "/api/invitees?limit=100", admin)
    guest = guests["items"][5]

    # The door holds the roster: offline, it still answers the greeter (masked name, "offline") and queues the scan.
    WebDriverWait(browser, 10).until(lambda d: d.execute_script("return localStorage.getItem('kiosk.door.roster')"))
    server.stop()
    scanner_types(browser, guest["code"])
    assert "离线" in wait_result(browser, "ok").text
    pending = browser.find_element(By.ID, "pending")
    assert "1 条签到待发送" in pending.text
    screenshot(browser, "15-door-offline-pending")
    dismiss(browser)
    # A second guest, and a code the roster does not know: the red screen offers what works offline (issue 24).
    other = guests["items"][6]
    scanner_types(browser, other["code"])
    wait_result(browser, "ok")
    dismiss(browser)
    scanner_types(browser, "ZZZZZZZZZZZZZZZZZZZZ")
    red = wait_result(browser, "bad").text
    assert "离线时不能按姓名查找" in red and "现场登记" in red, red
    dismiss(browser)

    # The queue lives in localStorage, so a reload (once the page can load) still has it.
    queued = json.loads(browser.execute_script("return localStorage.getItem('kiosk.door.queue')"))
    assert [q["body"]["code"] for q in queued][:2] == [guest["code"], other["code"]] and len(queued[0]["body"]["nonce"]) == 36

    server.start()
    # Every scan that waited is reported, not only the last one.
    WebDriverWait(browser, 20).until(lambda d: "已补发 3 条" in d.find_element(By.ID, "sent").text)
    sent = browser.find_element(By.ID, "sent").text
    assert sent.count("已签到") == 2 and "查无此码" in sent, sent
    assert "hidden" in browser.find_element(By.ID, "pending").get_attribute("class")
    screenshot(browser, "16-door-queue-sent")
    _, status = call(server, "/api/checkins/status")
    assert status["arrived"] == 2
    # Sent once: scanning the same guest now is "already here".
    time.sleep(4)  # let any retry timer fire again
    _, status = call(server, "/api/checkins/status")
    assert status["arrived"] == 2


def read_events(resp, count, timeout=10):
    """Reads `count` SSE events (skipping heartbeats) from a streaming response."""
    events, current, deadline = [], {}, time.time() + timeout
    while len(events) < count and time.time() < deadline:
        line = resp.readline().decode().rstrip("\n")
        if line == "":
            if "event" in current:
                events.append(current)
            current = {}
        elif not line.startswith(":") and ":" in line:
            key, value = line.split(":", 1)
            current[key] = value.strip()
    return events


def test_the_live_stream_carries_masked_check_ins_and_resumes(server):
    admin = login(server)
    _, guests = call(server, "/api/invitees?limit=100", admin)
    guest = guests["items"][7]
    resp = urllib.request.urlopen(server.base + "/api/stream", timeout=10)
    assert resp.headers["Content-Type"].startswith("text/event-stream")
    first = read_events(resp, 3)  # the snapshot: status, tally, latest orders
    assert first[0]["event"] == "status" and "id" in first[0]

    status, _ = call(server, "/api/checkins", admin, {"code": guest["code"], "door": "侧门", "nonce": str(uuid.uuid4())}, "POST")
    assert status == 201
    event = read_events(resp, 1)[0]
    assert event["event"] == "checkin"
    data = json.loads(event["data"])
    assert data["door"] == "侧门" and data["status"]["arrived"] == 1
    assert data["name"] != guest["name"] and "*" in data["name"]
    assert guest["phone"] not in event["data"]
    resp.close()

    # Resume after the status event: the check-in is sent again, nothing else.
    req = urllib.request.Request(server.base + "/api/stream", headers={"Last-Event-ID": first[0]["id"]})
    with urllib.request.urlopen(req, timeout=10) as again:
        replay = read_events(again, 1)
        assert replay[0]["event"] == "checkin" and replay[0]["id"] == event["id"]


def test_the_stream_sends_tally_and_tier_up_for_new_orders_and_resumes(server):
    admin = login(server)
    resp = urllib.request.urlopen(server.base + "/api/stream", timeout=10)
    snapshot = read_events(resp, 3)
    assert [e["event"] for e in snapshot] == ["status", "tally", "orders"]
    for i in (1, 2, 3):
        status, _ = call(server, "/api/orders", admin, {"invitee_id": i, "model": "408"}, "POST")
        assert status == 201
    events = read_events(resp, 7)  # order+tally, order+tally, order+tally+tier_up
    resp.close()
    kinds = [e["event"] for e in events]
    assert kinds.count("tally") == 3 and kinds[-1] == "tier_up"
    tallies = [json.loads(e["data"]) for e in events if e["event"] == "tally"]
    assert [t["orders"] for t in tallies] == [1, 2, 3] and tallies[-1]["rebate_per_order"] == 500
    assert json.loads(events[-1]["data"])["rebate_per_order"] == 500
    assert all(int(e["id"]) > int(snapshot[-1]["id"]) for e in events)
    # Reconnect with the id of the first tally: everything after it comes again, in order.
    first_tally = next(e for e in events if e["event"] == "tally")
    req = urllib.request.Request(server.base + "/api/stream", headers={"Last-Event-ID": first_tally["id"]})
    with urllib.request.urlopen(req, timeout=10) as again:
        replay = read_events(again, 5)
    assert [e["id"] for e in replay] == [e["id"] for e in events[2:]]


def test_after_the_green_screen_a_check_in_is_undone_in_two_taps_and_look_up_marks_who_is_in(server, browser):
    admin = open_door_as_greeter(browser, server)
    _, guests = call(server, "/api/invitees?limit=100", admin)
    guest = guests["items"][3]
    WebDriverWait(browser, 10).until(lambda d: d.execute_script("return localStorage.getItem('kiosk.door.roster')"))
    scanner_types(browser, guest["code"])
    wait_result(browser, "ok")
    # The green screen goes by itself after 3 seconds; the greeter notices the mistake afterwards.
    WebDriverWait(browser, 8).until(lambda d: "hidden" in d.find_element(By.ID, "result").get_attribute("class"))
    row = WebDriverWait(browser, 10).until(lambda d: next((li for li in d.find_elements(By.CSS_SELECTOR, "#recent li")
                                                           if masked(guest["name"]) in li.text), None))
    taps = 0
    row.find_element(By.CSS_SELECTOR, "button[data-undo]").click(); taps += 1
    WebDriverWait(browser, 5).until(lambda d: "确认撤销" in d.find_element(By.CSS_SELECTOR, "#recent button[data-undo]").text)
    screenshot(browser, "17-door-undo-confirm")
    browser.find_element(By.CSS_SELECTOR, "#recent button[data-undo]").click(); taps += 1
    WebDriverWait(browser, 10).until(lambda d: call(server, "/api/checkins/status")[1]["arrived"] == 0)
    print(f"undo after the green screen: {taps} taps")
    assert taps <= 2
    dismiss(browser)

    # Look-up marks the guests who are already in.
    other = guests["items"][4]
    call(server, "/api/checkins", admin, {"code": other["code"], "door": "侧门", "nonce": str(uuid.uuid4())}, "POST")
    WebDriverWait(browser, 10).until(lambda d: d.execute_script(
        f"return JSON.parse(localStorage.getItem('kiosk.door.roster')).entries.find(e => e.id === {other['id']}).checked_in_at"))
    search = browser.find_element(By.ID, "search")
    search.click()
    search.send_keys(other["phone"][-4:])
    item = WebDriverWait(browser, 10).until(lambda d: next((li for li in d.find_elements(By.CSS_SELECTOR, "#results li")
                                                            if masked(other["name"]) in li.text), None))
    assert "已签到" in item.text and "arrived" in item.get_attribute("class")
    screenshot(browser, "18-door-lookup-marked")


SMALL_TARGETS = """
// Every visible thing a finger can tap (buttons, links, fields, selects) narrower or lower than 44 px.
return [...document.querySelectorAll('button, a[href], input:not([type=hidden]), select, [role=button]')]
  .filter((el) => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && !el.closest('.hidden, [hidden]'); })
  .map((el) => { const r = el.getBoundingClientRect();
    return { what: (el.id || el.className || el.tagName) + ' ' + (el.textContent || el.value || '').trim().slice(0, 20),
             w: Math.round(r.width), h: Math.round(r.height) }; })
  .filter((x) => x.w < 44 || x.h < 44);
"""


def test_the_door_on_a_portrait_ipad_title_targets_and_party_size_on_the_green_screen(server):
    """The greeter's iPad held upright (810×1080): the title stays on one line, every target is at least 44 px, and how
    many came with the guest is corrected on the green screen itself, the counts following."""
    from conftest import make_browser
    browser = make_browser(size="810,1080")
    try:
        admin = open_door_as_greeter(browser, server)
        title = browser.find_element(By.CSS_SELECTOR, "header.top h1")
        line = browser.execute_script("return parseFloat(getComputedStyle(arguments[0]).lineHeight)", title)
        assert title.size["height"] < 1.5 * line, "the title wraps"
        assert browser.execute_script("return arguments[0].scrollWidth <= arguments[0].clientWidth", title), "the title is cut off"
        small = browser.execute_script(SMALL_TARGETS)
        assert small == [], small

        _, guests = call(server, "/api/invitees?limit=100", admin)
        guest = guests["items"][5]
        WebDriverWait(browser, 10).until(lambda d: d.execute_script("return localStorage.getItem('kiosk.door.roster')"))
        scanner_types(browser, guest["code"])
        box = wait_result(browser, "ok")
        assert browser.execute_script(SMALL_TARGETS) == []
        plus = box.find_element(By.CSS_SELECTOR, '.party-fix button[data-step="1"]')
        plus.click(); WebDriverWait(browser, 5).until(lambda d: "同行 2 人" in box.text)
        plus.click(); WebDriverWait(browser, 5).until(lambda d: "同行 3 人" in box.text)
        screenshot(browser, "19-door-party-size")
        assert "hidden" not in browser.find_element(By.ID, "result").get_attribute("class"), "a tap on − or + keeps the screen up"
        _, recent = call(server, "/api/checkins?limit=5", admin)
        mine = next(c for c in recent if c["invitee"]["id"] == guest["id"])
        assert mine["checkin"]["party_size"] == 3
        assert call(server, "/api/checkins/status")[1]["arrived_people"] == 3
        box.find_element(By.CSS_SELECTOR, '.party-fix button[data-step="-1"]').click()
        WebDriverWait(browser, 5).until(lambda d: "同行 2 人" in box.text)
        assert call(server, "/api/checkins/status")[1]["arrived_people"] == 2
    finally:
        browser.quit()
