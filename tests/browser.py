"""Driving Debian's headless Chromium through a page, as a person would: for the dashboard's tests
and the newcomer's first look at it."""

from __future__ import annotations

import shutil
from typing import Any

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")


def headless_chromium() -> Any:
    """Debian's Chromium, driven through Debian's driver (selenium downloads nothing)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,900"):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)


def open_dashboard(url: str) -> str:
    """The tenants table of the dashboard at ``url``, as a person reads it once it has loaded."""
    browser = headless_chromium()
    try:
        browser.get(url + "/")
        wait_for(browser, lambda b: "@AdobeOrg" in text_of(b, "#tenants"))
        return text_of(browser, "#tenants")
    finally:
        browser.quit()


def text_of(browser: Any, selector: str) -> str:
    return str(browser.find_element("css selector", selector).text)


def wait_for(browser: Any, condition: Any, seconds: float = 20) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, seconds).until(condition)
