"""The page of `nucleiseg serve` in headless Chromium, driven by Selenium.

Run by scripts/test-browser.sh, which starts the server and computes the CLI's answers.
Prints one line per check and a closing 'browser: N passed, N failed' line.
"""
import argparse
import json
import os
import sys
import time
import urllib.request

import yaml
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate as validate_spec

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

parser = argparse.ArgumentParser()
parser.add_argument("--url", required=True)
parser.add_argument("--image", required=True)
parser.add_argument("--broken", required=True)
parser.add_argument("--second-image", required=True)
parser.add_argument("--cli-count", type=int, required=True)
parser.add_argument("--cli-labels", required=True)
parser.add_argument("--min-area", type=int, required=True)
parser.add_argument("--cli-count-min-area", type=int, required=True)
parser.add_argument("--cli-error", required=True)
parser.add_argument("--downloads", required=True)
parser.add_argument("--openapi", required=True)
parser.add_argument("--screenshot")
args = parser.parse_args()

passed, failed = 0, 0


def check(condition, what):
    global passed, failed
    if condition:
        passed += 1
        print(f"ok: {what}")
    else:
        failed += 1
        print(f"FAIL: {what}")


os.makedirs(args.downloads, exist_ok=True)
options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,800",
             "--force-device-scale-factor=1"]:
    options.add_argument(flag)
options.add_experimental_option("prefs", {"download.default_directory": args.downloads, "download.prompt_for_download": False})
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
try:
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": args.downloads})
    # A 1280x800 viewport, whatever the window decorations.
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 1280, "height": 800, "deviceScaleFactor": 1, "mobile": False})
    driver.get(args.url)
    WebDriverWait(driver, 30).until(lambda d: "model:" in d.find_element(By.ID, "health").text)
    check(True, "the page loads and reaches the API")

    started = time.monotonic()
    driver.find_element(By.ID, "file-input").send_keys(args.image)
    WebDriverWait(driver, 300).until(
        lambda d: d.execute_script("const i = document.getElementById('overlay'); return i.dataset.loaded && i.complete && i.naturalWidth > 0"))
    print(f"upload to overlay: {time.monotonic() - started:.2f} s")
    shown = driver.find_element(By.ID, "count").text
    check(shown == str(args.cli_count), f"count shown ({shown}) equals the CLI's ({args.cli_count})")
    rows = driver.find_elements(By.CSS_SELECTOR, "#measurements tbody tr")
    check(len(rows) == args.cli_count, f"the table has one row per nucleus ({len(rows)})")

    # docs/openapi.yaml: a valid spec, and the server's answers fit its schemas.
    spec = yaml.safe_load(open(args.openapi))
    validate_spec(spec)
    result_id = driver.execute_script("return document.getElementById('overlay').dataset.loaded")
    def fits(path, schema):
        answer = json.load(urllib.request.urlopen(args.url.rstrip("/") + path))
        errors = list(OAS30Validator({**schema, "components": spec["components"]}).iter_errors(answer))
        return not errors, errors[:1]
    health_ok, health_errors = fits("/api/health", spec["paths"]["/api/health"]["get"]["responses"]["200"]["content"]["application/json"]["schema"])
    result_ok, result_errors = fits(f"/api/results/{result_id}", spec["components"]["schemas"]["Result"])
    check(health_ok and result_ok, f"docs/openapi.yaml is a valid spec and /api/health and /api/results/ID fit it {health_errors}{result_errors}")

    # Sorting: click 'area' twice -> descending.
    headers = driver.find_elements(By.CSS_SELECTOR, "#measurements thead th")
    driver.find_element(By.CSS_SELECTOR, "#measurements thead th[data-column=area]").click()
    driver.find_element(By.CSS_SELECTOR, "#measurements thead th[data-column=area]").click()
    index = [h.get_attribute("data-column") for h in driver.find_elements(By.CSS_SELECTOR, "#measurements thead th")].index("area")
    values = [float(r.find_elements(By.TAG_NAME, "td")[index].text) for r in driver.find_elements(By.CSS_SELECTOR, "#measurements tbody tr")]
    check(values == sorted(values, reverse=True) and len(values) > 1, "clicking 'area' twice sorts the table by area, largest first")

    # A second image: both listed, the first still shown, one zip for both.
    driver.find_element(By.ID, "file-input").send_keys(args.second_image)
    WebDriverWait(driver, 300).until(lambda d: d.execute_script(
        "return [...document.querySelectorAll('#files li')].filter(li => li.classList.contains('done')).length === 2"))
    link = driver.find_element(By.ID, "download-all")
    check(link.is_displayed() and link.get_attribute("href").count(",") == 1, "two images give a 'download all' zip of both")
    check(driver.find_element(By.ID, "count").text == str(args.cli_count), "the first image stays shown while the second runs")

    if args.screenshot:
        driver.save_screenshot(args.screenshot)
        print(f"screenshot: {args.screenshot}")

    driver.find_element(By.ID, "download-labels").click()
    name = os.path.basename(args.cli_labels)
    target = os.path.join(args.downloads, name)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (os.path.exists(target) and not os.path.exists(target + ".crdownload")):
        time.sleep(0.1)
    time.sleep(0.2)
    same = os.path.exists(target) and open(target, "rb").read() == open(args.cli_labels, "rb").read()
    check(same, f"the downloaded {name} is byte for byte the CLI's")

    # Changing an option re-runs the image, with the CLI's result for that option.
    old_id = driver.execute_script("return document.getElementById('overlay').dataset.loaded")
    field = driver.find_element(By.ID, "opt-min-area")
    field.clear()
    field.send_keys(str(args.min_area), Keys.TAB)
    WebDriverWait(driver, 300).until(
        lambda d: d.execute_script("const i = document.getElementById('overlay'); return i.dataset.loaded && i.dataset.loaded !== arguments[0]", old_id))
    after = int(driver.find_element(By.ID, "count").text)
    check(after == args.cli_count_min_area and after < args.cli_count,
          f"min area {args.min_area} re-runs the image: {after} nuclei, the CLI's --min-area {args.min_area} gives {args.cli_count_min_area}")

    # A corrupt file: the CLI's message on the page, and the server still serves.
    driver.find_element(By.ID, "file-input").send_keys(args.broken)
    WebDriverWait(driver, 60).until(lambda d: d.execute_script(
        "return [...document.querySelectorAll('#files li')].some(li => li.classList.contains('failed'))"))
    driver.find_elements(By.CSS_SELECTOR, "#files li")[-1].click()
    message = driver.find_element(By.ID, "error").text
    check(message == args.cli_error, f"the corrupt file shows the CLI's message: {message!r}")
    driver.find_elements(By.CSS_SELECTOR, "#files li")[0].click()
    check(driver.find_element(By.ID, "count").text == str(after), "the earlier result is still shown after the failure")
finally:
    driver.quit()

print(f"browser: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
