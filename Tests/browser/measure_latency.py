"""Time from choosing a file on the page to its overlay shown, in headless Chromium.

    .build/browser-venv/bin/python Tests/browser/measure_latency.py --url URL IMAGE...

Prints, per image, its size and the seconds from send_keys on the file input until the overlay
image has loaded, plus the server's own seconds (from the JSON) for the segmentation alone.
"""
import argparse
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

parser = argparse.ArgumentParser()
parser.add_argument("--url", required=True)
parser.add_argument("--repeat", type=int, default=2)
parser.add_argument("images", nargs="+")
args = parser.parse_args()

options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,800"]:
    options.add_argument(flag)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
try:
    driver.get(args.url)
    WebDriverWait(driver, 30).until(lambda d: "model:" in d.find_element(By.ID, "health").text)
    for image in args.images:
        for attempt in range(args.repeat):
            old = driver.execute_script("return document.getElementById('overlay').dataset.loaded || ''")
            count_before = len(driver.find_elements(By.CSS_SELECTOR, "#files li"))
            started = time.monotonic()
            driver.find_element(By.ID, "file-input").send_keys(image)
            WebDriverWait(driver, 10).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#files li")) > count_before)
            driver.execute_script("const rows = document.querySelectorAll('#files li'); rows[rows.length - 1].click()")
            WebDriverWait(driver, 600).until(lambda d: d.execute_script(
                "const i = document.getElementById('overlay'); return i.dataset.loaded && i.dataset.loaded !== arguments[0] && i.complete && i.naturalWidth > 0", old))
            seconds = time.monotonic() - started
            details = driver.find_element(By.ID, "details").text
            count = driver.find_element(By.ID, "count").text
            print(f"{image}: {details}; {count} nuclei; upload to overlay {seconds:.2f} s")
finally:
    driver.quit()
