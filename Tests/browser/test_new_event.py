"""新活动 as the dealer's marketing assistant does it the day before, on her 1366×768 laptop (issue 24): from the running
demo to her own event, her GBK guest list imported, and nothing she sends out holding a demo guest or the laptop's
own name for itself. Counts her taps and fails on any sideways scrolling."""
import csv
import io
import re
import subprocess

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import ADMIN_PIN, make_browser, screenshot
from helpers import add_staff, call, login

HER_GUESTS = [("赵丽", "13812340001"), ("钱伟", "13812340002"), ("孙静", "13812340003"), ("李刚", "13812340004")]
# Her DMS export, in GBK, with one guest typed twice (line 6 repeats line 3's phone).
HER_CSV = ("姓名,手机,车型,人数\r\n" + "".join(f"{n},{p},X3,2\r\n" for n, p in HER_GUESTS) + "孙静静,13812340002,X1,1\r\n").encode("gbk")
LOCAL = ("localhost", "127.0.0.1")


def zbar(path):
    return subprocess.run(["zbarimg", "-q", "--raw", str(path)], capture_output=True, timeout=20).stdout.decode().strip()


def test_from_the_demo_to_her_own_event_with_her_guests_only(server, tmp_path):
    b = make_browser(size="1366,768")
    taps = []

    def tap(el, what):
        taps.append(what)
        el.click()

    def no_sideways(step):
        width = b.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], f"{step}: the page scrolls sideways ({width[0]} > {width[1]} px)"

    try:
        wait = WebDriverWait(b, 15)
        demo = call(server, "/api/event")[1]["name"]
        demo_names = [g["name"] for g in call(server, "/api/invitees?limit=500", login(server))[1]["items"]]
        assert len(demo_names) == 40
        # Sign in the way staff do: the admin tile, the PIN, OK.
        b.get(server.base + "/")
        tap(wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, '.tile[data-page="/admin.html"][aria-disabled="false"]'))), "admin tile")
        wait.until(EC.visibility_of_element_located((By.ID, "pin-dialog")))
        fits = b.execute_script("const d = document.getElementById('pin-dialog'); return d.scrollHeight <= d.clientHeight + 1")
        assert fits, "the PIN pad and its OK fit on the laptop's screen without scrolling the dialog"
        for digit in ADMIN_PIN:
            tap(b.find_element(By.CSS_SELECTOR, f'#pinpad button[data-key="{digit}"]'), "pin")
        tap(b.find_element(By.ID, "pin-ok"), "pin ok")
        wait.until(EC.url_contains("/admin.html"))
        tap(wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, 'nav.jump a[href="#days-panel"]'))), "新活动 in the menu")
        wait.until(lambda d: demo in d.find_element(By.ID, "days-now").text)
        no_sideways("the admin page")
        screenshot(b, "new-event-01-form")

        # Her event: a short form.
        for field, value in (("nd-name", "宝马X3品鉴会"), ("nd-venue", "本店二楼展厅"), ("nd-doors", "正门，侧门")):
            tap(b.find_element(By.ID, field), field)
            b.find_element(By.ID, field).send_keys(value)
        tap(b.find_element(By.ID, "nd-date"), "date")
        b.execute_script("arguments[0].value = '2026-12-20'", b.find_element(By.ID, "nd-date"))  # the date picker's choice
        tap(b.find_element(By.ID, "nd-start"), "开始新活动")
        alert = wait.until(EC.alert_is_present())
        assert "存档" in alert.text
        taps.append("confirm")
        alert.accept()
        wait.until(lambda d: "已开始「宝马X3品鉴会」" in d.find_element(By.ID, "days-msg").text)
        assert "40 位来宾" in b.find_element(By.ID, "days-msg").text
        row = wait.until(lambda d: [r for r in d.find_elements(By.CSS_SELECTOR, "#days-rows tr") if demo in r.text])[0]
        assert "40" in row.text and row.find_element(By.CSS_SELECTOR, "button[data-restore]").is_displayed(), "the demo is set aside, restorable"
        b.execute_script("document.getElementById('days-panel').scrollIntoView()")
        no_sideways("after 新活动")
        screenshot(b, "new-event-02-started")
        wait.until(lambda d: d.find_element(By.ID, "invitee-count").text == "0")

        # Her GBK list: four guests, and the repeated phone named by its line.
        path = tmp_path / "邀约名单.csv"
        path.write_bytes(HER_CSV)
        b.find_element(By.ID, "import-panel").location_once_scrolled_into_view
        taps.append("choose the file")
        b.find_element(By.ID, "csv-file").send_keys(str(path))
        tap(wait.until(EC.element_to_be_clickable((By.ID, "import-btn"))), "导入")
        wait.until(EC.visibility_of_element_located((By.ID, "import-summary")))
        rejected = b.find_element(By.ID, "rejected").text
        assert "6" in rejected and "第 3 行" in rejected, rejected
        wait.until(lambda d: d.find_element(By.ID, "invitee-count").text == "4")
        no_sideways("after the import")
        screenshot(b, "new-event-03-imported")

        admin = login(server)
        her = {n for n, _ in HER_GUESTS}
        # The SMS list: her guests only, and no link to the laptop itself.
        status, raw = call(server, "/api/invitees/export.csv", admin, raw=True)
        assert status == 200
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))[1:]
        assert {r[0] for r in rows} == her, rows
        assert not any(word in raw.decode("utf-8-sig") for word in LOCAL)
        # The invitation cards: her four, none of the demo's.
        status, page = call(server, "/invitations", admin, raw=True)
        cards = page.decode()
        assert status == 200 and all(n in cards for n in her) and "共 4 张" in cards
        assert not any(n in cards for n in demo_names if n not in her)
        assert not any(word in cards for word in LOCAL)
        # The tablet set-up page, opened on the laptop itself: its QR codes give the LAN address.
        b.get(server.base + "/setup.html")
        lan = call(server, "/api/device-setup")[1]["addresses"][0]
        wait.until(lambda d: d.find_element(By.ID, "fingerprint").text.count(":") == 31)
        for element in ("qr-ca", "qr-door"):
            shot = tmp_path / f"{element}.png"
            wait.until(lambda d: d.execute_script("const e = document.getElementById(arguments[0]); return e.complete !== false && e.getBoundingClientRect().width > 50", element))
            b.execute_script("arguments[0].scrollIntoView({block: 'center'})", b.find_element(By.ID, element))
            b.find_element(By.ID, element).screenshot(str(shot))
            text = zbar(shot)
            assert lan in text and not any(word in text for word in LOCAL), text
        no_sideways("the set-up page")

        # The demo day stays listed and can come back.
        items = call(server, "/api/events/archive", admin)[1]["items"]
        assert [(i["name"], i["guests"]) for i in items] == [(demo, 40)]
        assert re.fullmatch(r"kiosk-\d{8}-\d{6}(-\d+)?", items[0]["id"])
        print(f"taps: {len(taps)}: {taps}")
        assert len(taps) <= 22, taps
    finally:
        b.quit()


def pack_verifies(server, tmp_path, name):
    """The day's pack for the manufacturer, read by the independent verifier (tools/verify_pack.py)."""
    from test_hq_pack import verify
    status, pack = call(server, "/api/export/hq-pack", login(server), raw=True)
    assert status == 200
    path = tmp_path / f"{name}.zip"
    path.write_bytes(pack)
    code, out = verify(path, call(server, "/api/kiosk/identity")[1]["vkey"])
    assert code == 0, out


def test_a_set_aside_day_comes_back_from_the_page(server, browser, tmp_path):
    admin = login(server)
    status, body = call(server, "/api/events/new", admin, {"name": "宝马X3品鉴会", "date": "2026-12-20", "venue": "展厅", "doors": ["正门"]}, "POST")
    assert status == 201, body
    # The new day's log carries on the demo's, from a signed checkpoint; the manufacturer's verifier follows it.
    pack_verifies(server, tmp_path, "new-day")
    from helpers import sign_in
    sign_in(browser, server, "/admin.html", ADMIN_PIN)
    browser.get(server.base + "/admin.html#days-panel")
    wait = WebDriverWait(browser, 15)
    button = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#days-rows button[data-restore]"))
    button.click()
    wait.until(EC.alert_is_present()).accept()
    # The page starts again on the day brought back, still signed in.
    wait.until(lambda d: "已恢复" in d.execute_script("return document.getElementById('days-msg')?.textContent || ''"))
    assert call(server, "/api/event")[1]["name"] != "宝马X3品鉴会"
    # The demo, back, goes on from the later day's head (a jump, signed), and a scan there still verifies.
    guest = call(server, "/api/invitees?limit=1", login(server))[1]["items"][0]
    greeter = add_staff(server, login(server), "门口", "greeter", "258025")
    status, body = call(server, "/api/checkins", greeter, {"code": guest["code"], "door": "正门", "nonce": "day-back-0001"}, "POST")
    assert status == 201, body
    pack_verifies(server, tmp_path, "day-back")
    items = call(server, "/api/events/archive", login(server))[1]["items"]
    assert [i["name"] for i in items] == ["宝马X3品鉴会"]
    # The form says what is missing, in words, and starts nothing.
    browser.find_element(By.ID, "nd-start").click()
    wait.until(EC.alert_is_present()).accept()
    wait.until(lambda d: "活动名称" in d.execute_script("return document.getElementById('days-problems').textContent"))
    screenshot(browser, "new-event-04-problems")
    assert len(call(server, "/api/events/archive", login(server))[1]["items"]) == 1


def test_every_setting_of_her_event_has_a_place_in_the_form(server, tmp_path):
    """The demo's bus, its reminder SMS, the campaign goal and the survey were editable only in the event JSON."""
    admin = login(server)
    status, body = call(server, "/api/events/new", admin, {"name": "宝马X3品鉴会", "date": "2026-12-20", "venue": "展厅", "doors": ["正门"]}, "POST")
    assert status == 201, body
    b = make_browser(size="1366,768")
    try:
        from helpers import sign_in
        sign_in(b, server, "/admin.html", ADMIN_PIN)
        wait = WebDriverWait(b, 15)
        wait.until(lambda d: d.find_element(By.ID, "ev-name").get_attribute("value") == "宝马X3品鉴会")

        def fill(element, text):
            el = element if not isinstance(element, str) else b.find_element(By.ID, element)
            b.execute_script("arguments[0].scrollIntoView({block: 'center'})", el)
            el.clear()
            el.send_keys(text)

        def set_value(el, value):  # a time picker's choice
            b.execute_script("arguments[0].value = arguments[1]", el, value)

        fill("ev-bonus-per", "2")
        fill("ev-goal-parties", "30")
        fill("ev-goal-people", "60")
        fill("ev-goal-orders", "12")
        b.find_element(By.ID, "add-reminder").click()
        row = b.find_elements(By.CSS_SELECTOR, "#reminder-rows tr")[-1]
        set_value(row.find_element(By.CSS_SELECTOR, "[data-k=at]"), "08:00")
        fill(row.find_element(By.CSS_SELECTOR, "[data-k=text]"), "{name}您好，明天9:00宝马X3品鉴会，{link}")
        b.find_element(By.ID, "add-bus").click()
        bus = b.find_elements(By.CSS_SELECTOR, "#bus-rows tr")[-1]
        fill(bus.find_element(By.CSS_SELECTOR, "[data-k=name]"), "1号车")
        fill(bus.find_element(By.CSS_SELECTOR, "[data-k=meeting_point]"), "万达广场北门")
        set_value(bus.find_element(By.CSS_SELECTOR, "[data-k=departs]"), "08:30")
        fill(bus.find_element(By.CSS_SELECTOR, "[data-k=seats]"), "200")
        first_question = b.find_elements(By.CSS_SELECTOR, "#question-rows tr [data-k=text]")[0]
        fill(first_question, "您对今天的试驾满意吗？")
        def add_row(table, button, **fields):
            """A new row in one of the form's tables, typed in the way she types it; the row comes back."""
            b.find_element(By.ID, button).click()
            row = b.find_elements(By.CSS_SELECTOR, f"#{table} tr")[-1]
            for key, value in fields.items():
                fill(row.find_element(By.CSS_SELECTOR, f"[data-k={key}]"), value)
            return row

        # A prize with no code, and one with a code in Chinese.
        add_row("prize-rows", "add-prize", name="香薰", value="68", stock="10")
        odd = add_row("prize-rows", "add-prize", id="香薰", name="车载香薰", value="68", stock="10")
        b.find_element(By.ID, "event-save").click()
        problems = wait.until(lambda d: d.find_element(By.ID, "event-problems").text or None)
        # Each problem named as the form names it, in words: the bus's seats and the Chinese code, nothing raw.
        assert "班车 · 第 1 行 · 座位" in problems and "转盘奖品 · 第" in problems and "留空会自动生成" in problems, problems
        assert "wheel.prizes" not in problems and "buses[" not in problems, problems
        screenshot(b, "new-event-05-setup-problems")
        assert call(server, "/api/event")[1]["buses"] == [], "nothing saved while anything is wrong"

        fill(bus.find_element(By.CSS_SELECTOR, "[data-k=seats]"), "45")
        fill(odd.find_element(By.CSS_SELECTOR, "[data-k=id]"), "")
        b.find_element(By.ID, "event-save").click()
        wait.until(lambda d: "已保存" in d.find_element(By.ID, "event-msg").text)
        no_sideways = b.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
        assert no_sideways
        screenshot(b, "new-event-06-setup-saved")
        b.execute_script("document.getElementById('reminder-rows').scrollIntoView({block: 'start'})")
        screenshot(b, "new-event-07-campaign-and-buses")
        event = call(server, "/api/event/config", admin)[1]["event"]
        assert event["buses"] == [{"name": "1号车", "meeting_point": "万达广场北门", "departs": "08:30", "seats": 45}]
        assert event["wheel"]["bonus_spins_per_guest"] == 2 and event["wheel"].get("bonus_spins") is None
        assert event["campaign"]["parties"] == 30 and event["campaign"]["reminders"][0]["text"].startswith("{name}您好")
        assert event["survey"]["questions"][0]["text"] == "您对今天的试驾满意吗？"
        codes = [p["id"] for p in event["wheel"]["prizes"]]
        assert len(set(codes)) == len(codes) and all(re.fullmatch(r"[a-z0-9_-]+", c) for c in codes), codes
        assert [p["name"] for p in event["wheel"]["prizes"]][-2:] == ["香薰", "车载香薰"]
        # The reminder round is there for the consultants, and the bus is a door for the greeters.
        assert call(server, "/api/reminders", admin)[1][0]["at"] == "08:00"
        assert call(server, "/api/event")[1]["buses"] == ["1号车"]
    finally:
        b.quit()


def test_the_days_records_are_on_the_admin_page(server, browser):
    """Failed scans, the audit log, survey results and inspections per technician were API-only (issue 24)."""
    admin = login(server)
    greeter = add_staff(server, admin, "刘娜", "greeter", "258025")
    call(server, "/api/checkins", greeter, {"code": "NOTACODE12345678ABCD", "door": "正门", "nonce": "records-0001"}, "POST")
    from helpers import sign_in
    sign_in(browser, server, "/admin.html", ADMIN_PIN)
    wait = WebDriverWait(browser, 15)
    tab = wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, '[data-records="failures"]')))
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", tab)
    tab.click()
    wait.until(lambda d: "NOTACODE" in d.find_element(By.ID, "records-view").text)
    assert "查无此码" in browser.find_element(By.ID, "records-view").text
    browser.find_element(By.CSS_SELECTOR, '[data-records="audit"]').click()
    wait.until(lambda d: "日志共到第" in d.find_element(By.ID, "records-view").text)
    text = browser.find_element(By.ID, "records-view").text
    head = call(server, "/api/audit/head")[1]
    assert f"第 {head['seq']} 条" in text and head["short"] in text, text
    assert "加员工" in text and "管理员" in text, "the admin's adding 刘娜, said in words with who did it"
    assert "staff_added" not in text, "what happened in words, not its code"
    screenshot(browser, "new-event-08-audit")
    browser.find_element(By.CSS_SELECTOR, '[data-records="survey"]').click()
    wait.until(lambda d: "份问卷" in d.find_element(By.ID, "records-view").text)
    browser.find_element(By.CSS_SELECTOR, '[data-records="technicians"]').click()
    wait.until(lambda d: "还没有检测" in d.find_element(By.ID, "records-view").text)
    screenshot(browser, "new-event-09-technicians")


def test_the_admin_fixes_a_check_in_after_the_greeters_fifteen_minutes(server, browser):
    """Party size and undo were API-only for the admin once the door's 15 minutes were up (issue 24)."""
    admin = login(server)
    greeter = add_staff(server, admin, "门口", "greeter", "258025")
    guest = call(server, "/api/invitees?limit=1", admin)[1]["items"][0]
    assert call(server, "/api/checkins", greeter, {"code": guest["code"], "door": "正门", "nonce": "fix-000001"}, "POST")[0] == 201
    from helpers import sign_in
    sign_in(browser, server, "/admin.html", ADMIN_PIN)
    wait = WebDriverWait(browser, 15)
    row = f'#invitee-rows tr[data-id="{guest["id"]}"]'
    party = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, f'{row} button[data-act="party"]'))
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", party)
    party.click()
    prompt = wait.until(EC.alert_is_present())
    prompt.send_keys("3")
    prompt.accept()
    wait.until(lambda d: call(server, "/api/checkins/status")[1]["arrived_people"] == 3)
    # The table is drawn again after the change: find the button and tap it in one step, again if it was redrawn.
    from selenium.common.exceptions import StaleElementReferenceException

    def tap_undo(d):
        d.find_element(By.CSS_SELECTOR, f'{row} button[data-act="undo"]').click()
        return True
    WebDriverWait(browser, 15, ignored_exceptions=(StaleElementReferenceException,)).until(tap_undo)
    wait.until(EC.alert_is_present()).accept()
    wait.until(lambda d: call(server, "/api/checkins/status")[1]["arrived"] == 0)
    wait.until(lambda d: not d.find_elements(By.CSS_SELECTOR, f'{row} button[data-act="undo"]'))


def test_a_backup_comes_back_from_the_admin_page(server, browser, tmp_path):
    """`kiosk restore` needs the server stopped; the admin page brings a backup back while it runs (issue 24)."""
    admin = login(server)
    folder = tmp_path / "usb"
    assert call(server, "/api/backup/target", admin, {"folder": str(folder)}, "PUT")[0] == 200
    assert call(server, "/api/backup", admin, {}, "POST")[0] == 200
    greeter = add_staff(server, admin, "门口", "greeter", "258025")
    guest = call(server, "/api/invitees?limit=1", admin)[1]["items"][0]
    assert call(server, "/api/checkins", greeter, {"code": guest["code"], "door": "正门", "nonce": "after-backup-1"}, "POST")[0] == 201
    from helpers import sign_in
    sign_in(browser, server, "/admin.html", ADMIN_PIN)
    wait = WebDriverWait(browser, 15)
    box = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#backup-files-box summary"))
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
    box.click()
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#backup-files button[data-backup]")).click()
    wait.until(EC.alert_is_present()).accept()
    wait.until(lambda d: "已从备份恢复" in d.execute_script("return document.getElementById('days-msg')?.textContent || ''"))
    assert call(server, "/api/checkins/status")[1]["arrived"] == 0, "the day as the backup holds it: before the check-in"
    items = call(server, "/api/events/archive", login(server))[1]["items"]
    assert len(items) == 1, "the day in force, with its check-in, set aside"
    screenshot(browser, "new-event-10-backup-back")
