"""The workshop's paperwork (issue 25): a technician finishes a check with two defects, one repaired today for ¥680
parts and ¥120 labour and one declined; gift, sticker and the customer's own consent are ticked and signed. The revenue
analysis page and its CSV show the amounts, and the declined work is on the follow-up list."""
import csv
import io

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import screenshot
from helpers import add_staff, call, login, sign_in
from test_inspect import click, tab, type_value


def advice(browser):
    """Takes the first advice the number pad offers for the value just typed, as a technician would tap it."""
    WebDriverWait(browser, 5).until(EC.element_to_be_clickable((By.CSS_SELECTOR, "#np-advice button[data-np-advice]"))).click()


def test_a_check_with_a_repair_and_a_declined_defect_reaches_revenue_and_follow_ups(server, browser):
    browser.set_window_size(1024, 1366)  # a tablet held upright
    admin = login(server)
    greeter = add_staff(server, admin, "王芳", "greeter", "258025")
    guest = call(server, "/api/invitees?limit=1", admin)[1]["items"][0]
    assert call(server, "/api/checkins", greeter, {"code": guest["code"], "door": "正门", "nonce": "nonce-paper-1"}, "POST")[0] == 201
    add_staff(server, admin, "李师傅", "technician", "369036")
    sign_in(browser, server, "/inspect.html", "369036")

    click(browser, f'#arrived button[data-guest*=\'"id":{guest["id"]},\']')
    click(browser, "[data-mileage]")
    for ch in "52000":
        browser.find_element(By.CSS_SELECTOR, f'#numpad button[data-k="{ch}"]').click()
    browser.find_element(By.CSS_SELECTOR, '#numpad button[data-k="ok"]').click()
    tab(browser, "front")
    click(browser, '[data-all-ok="front"]')
    tab(browser, "engine")
    type_value(browser, "brake_fluid", "water", "0.5")
    type_value(browser, "coolant", "freeze", "-40")
    type_value(browser, "battery", "voltage", "12.4")  # yellow: the battery is to be charged
    advice(browser)
    click(browser, '[data-all-ok="engine"]')
    tab(browser, "wheels")
    for key, v in (("fl", "6"), ("fr", "6"), ("rl", "5"), ("rr", "5")):
        type_value(browser, "tread_depth", key, v)
    for key, v in (("spec", "2.5"), ("fl", "2.5"), ("fr", "2.5"), ("rl", "2.5"), ("rr", "2.5")):
        type_value(browser, "tyre_pressure", key, v)
    type_value(browser, "brake_pads", "front", "2.5")  # red: the front pads are worn out
    advice(browser)
    type_value(browser, "brake_pads", "rear", "7")
    type_value(browser, "brake_discs", "front_min", "22")
    type_value(browser, "brake_discs", "front", "25")
    browser.find_element(By.CSS_SELECTOR, '#numpad button[data-k="ok"]').click()
    click(browser, '[data-all-ok="wheels"]')
    tab(browser, "underbody")
    click(browser, '[data-all-ok="underbody"]')
    tab(browser, "cabin")
    type_value(browser, "fault_codes", "codes", "0")
    browser.find_element(By.CSS_SELECTOR, '#numpad button[data-k="ok"]').click()
    click(browser, '[data-all-ok="cabin"]')

    # Finish: each defect's decision with its amounts, then gift, sticker and the customer's consent.
    tab(browser, "finish")
    assert not browser.find_elements(By.CSS_SELECTOR, "ul.missing li"), browser.find_element(By.ID, "tab").text
    decided = [e.get_attribute("data-decision-item") for e in browser.find_elements(By.CSS_SELECTOR, "#decisions li")]
    assert sorted(decided) == ["battery", "brake_pads"], decided
    click(browser, '[data-decide="brake_pads"][data-decision="done"]')
    for key, value in (("parts_yuan", "680"), ("labour_yuan", "120")):
        field = browser.find_element(By.CSS_SELECTOR, f'[data-amount="brake_pads"][data-key="{key}"]')
        field.clear(); field.send_keys(value)
    click(browser, '[data-decide="battery"][data-decision="declined"]')
    assert "on" in browser.find_element(By.CSS_SELECTOR, '[data-decide="battery"][data-decision="declined"]').get_attribute("class")
    assert browser.find_element(By.CSS_SELECTOR, '[data-amount="brake_pads"][data-key="parts_yuan"]').get_attribute("value") == "680"
    for box in ("gift", "sticker", "consent"):
        click(browser, f'[data-paper="{box}"]')
    assert "同意厂家回访" in browser.find_element(By.CSS_SELECTOR, ".sig-box").text or "厂家回访核实" in browser.find_element(By.CSS_SELECTOR, ".sig-box").text
    canvas = browser.find_element(By.ID, "sig")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", canvas)
    ActionChains(browser).move_to_element_with_offset(canvas, -150, 10).click_and_hold() \
        .move_by_offset(80, -40).move_by_offset(60, 50).move_by_offset(90, -30).release().perform()
    WebDriverWait(browser, 5).until(lambda d: d.find_element(By.ID, "submit").is_enabled())
    browser.execute_script("document.getElementById('decisions').scrollIntoView()")
    screenshot(browser, "67-inspect-decisions")
    canvas.location_once_scrolled_into_view
    screenshot(browser, "67-inspect-paperwork")
    click(browser, "#submit")
    WebDriverWait(browser, 10).until(lambda d: "已提交" in d.find_element(By.ID, "done-title").text)

    stored = call(server, "/api/inspections", admin)[1]["inspections"][0]
    assert stored["gift"] and stored["sticker"] and stored["consent_hq_call"] and stored["signed"]
    items = {i["id"]: i for i in stored["items"]}
    assert (items["brake_pads"]["decision"], items["brake_pads"]["parts_yuan"], items["brake_pads"]["labour_yuan"]) == ("done", 680, 120)
    assert items["battery"]["decision"] == "declined"

    # The revenue analysis: the page and its CSV carry the accepted repair's amounts.
    browser.get(server.base + "/revenue.html")
    WebDriverWait(browser, 10).until(lambda d: "¥800" in d.find_element(By.ID, "summary").text)
    week = browser.find_element(By.CSS_SELECTOR, "#weeks tbody tr").text
    assert "¥680" in week and "¥120" in week and "¥800" in week, week
    pads = [r.text for r in browser.find_elements(By.CSS_SELECTOR, "#items tbody tr") if "制动片" in r.text]
    assert pads and "¥680" in pads[0]
    battery = [r.text for r in browser.find_elements(By.CSS_SELECTOR, "#items tbody tr") if "蓄电池" in r.text][0]
    assert battery.split()[-5:] == ["0", "1", "¥0", "¥0", "¥0"], battery  # declined: accepted 0, declined 1, no revenue
    screenshot(browser, "68-revenue")
    status, raw = call(server, "/api/inspections/revenue.csv", admin, raw=True)
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert status == 200 and rows[-1] == ["合计", "", "1", "2", "1", "1", "680", "120", "800"], rows[-1]

    # The declined battery is on the follow-up list, to be asked about again.
    browser.get(server.base + "/followups.html")
    row = WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.CSS_SELECTOR, "#rows tr[data-id]")))
    assert "暂不维修：蓄电池" in row.text, row.text
    screenshot(browser, "69-followups-declined")
