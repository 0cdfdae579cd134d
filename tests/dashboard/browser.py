"""A real headless Chromium (Debian's ``chromium`` and ``chromium-driver``) driven by Selenium,
for the dashboard's browser tests. Selenium blocks, so every step runs in a worker thread while
the appliance and the charger go on in Trio. Waits are conditions (``WebDriverWait`` polls the
page), bounded by the caller's ``trio.fail_after`` and by :data:`WAIT_S`.
"""

from __future__ import annotations

import base64
import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path
from typing import Any, TypeVar, cast

import pytest
import trio
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from tests.support.dashboard import PASSWORD

INSTALL = (
    "the dashboard's browser tests need Debian's chromium and chromium-driver: "
    "apt-get install -y chromium chromium-driver (CI's .ci/run installs them)"
)
#: Where the tests leave the screenshots the README and docs/dashboard.md show, when asked to
#: (``CAPACITOR_SCREENSHOTS=1``): otherwise every run would dirty the working tree.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SCREENSHOTS_VARIABLE = "CAPACITOR_SCREENSHOTS"
#: Phone and laptop viewports (CSS pixels).
WIDTHS = {"phone": (390, 844), "laptop": (1280, 860)}
#: Bound of one wait for the page (a condition, polled); the test's fail_after bounds it all.
WAIT_S = 20.0
#: Screenshots stop here (CSS pixels): long tables would make large files.
MAX_SHOT_HEIGHT = 2000
T = TypeVar("T")


def chromium_paths() -> tuple[str, str]:
    """The browser and its driver, or a failing test that says how to install them (CI must
    run these tests, so they are never skipped)."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if browser is None or driver is None:
        pytest.fail(INSTALL)
    return browser, driver


def screenshot_dir(tmp_path: Path) -> Path:
    """docs/screenshots when ``CAPACITOR_SCREENSHOTS=1``, else a directory of this test's own."""
    if os.environ.get(SCREENSHOTS_VARIABLE) == "1":
        return SCREENSHOTS
    return tmp_path / "screenshots"


class Browser:
    def __init__(self, driver: webdriver.Chrome, base_url: str, shots: Path) -> None:
        self.driver = driver
        self.base_url = base_url
        self.shots = shots

    async def run(self, fn: Callable[[], T]) -> T:
        return await trio.to_thread.run_sync(fn)

    async def open(self, path: str) -> None:
        await self.run(lambda: self.driver.get(self.base_url + path))

    async def wait(self, what: Callable[[webdriver.Chrome], T | bool | None]) -> T:
        def waiting() -> T:
            found = WebDriverWait(
                self.driver, WAIT_S, poll_frequency=0.05, ignored_exceptions=IGNORED
            ).until(what)
            return cast(T, found)  # until() returns the first truthy answer

        return await self.run(waiting)

    async def element(self, css: str) -> WebElement:
        return await self.wait(lambda d: _first(d, css))

    async def text_of(self, css: str, contains: str) -> str:
        """The text of the first element matching ``css``, once it contains ``contains``."""

        def check(d: webdriver.Chrome) -> str | None:
            found = _first(d, css)
            text = found.text if found is not None else ""
            return text if contains in text else None

        return await self.wait(check)

    async def click(self, css: str) -> None:
        """Click the first element matching ``css`` once there (found again if the page's
        script redrew it in between)."""

        def clicked(d: webdriver.Chrome) -> bool:
            found = _first(d, css)
            if found is None:
                return False
            found.click()
            return True

        await self.wait(clicked)

    async def script(self, source: str, *args: Any) -> Any:
        return await self.run(lambda: self.driver.execute_script(source, *args))

    async def fetch_status(self, method: str, path: str, csrf: bool) -> int:
        """What the page's own origin gets for a request it makes with its cookie."""
        source = """
            const [method, path, csrf, done] = arguments;
            const headers = {"Content-Type": "application/json"};
            if (csrf) headers["X-CSRF-Token"] =
                document.querySelector('meta[name="csrf-token"]').content;
            fetch(path, {method, headers, body: "{}", credentials: "same-origin"})
                .then((r) => done(r.status), () => done(-1));
        """
        status: int = await self.run(
            lambda: self.driver.execute_async_script(source, method, path, csrf)
        )
        return status

    async def log_in(self, name: str, password: str = PASSWORD) -> None:
        await self.open("/dashboard/login")
        await self.run(lambda: self.driver.find_element(By.ID, "name").send_keys(name))
        await self.run(lambda: self.driver.find_element(By.ID, "password").send_keys(password))
        await self.click("#login")
        await self.element("#live")

    async def live(self) -> None:
        """Until the page's event stream is open."""
        await self.text_of("#live", "live")

    async def screenshot(self, name: str, ready: Callable[[], Any] | None = None) -> None:
        """``NAME-phone.png`` and ``NAME-laptop.png`` of the current page, in :attr:`shots`."""
        self.shots.mkdir(parents=True, exist_ok=True)
        for width_name, (width, height) in WIDTHS.items():
            await self.run(partial(self.driver.set_window_size, width, height))
            await self.wait(partial(_fits, width))
            path = self.shots / f"{name}-{width_name}.png"
            await self.run(partial(self._save, path, width))
        await self.run(lambda: self.driver.set_window_size(*WIDTHS["laptop"]))

    def _save(self, path: Path, width: int) -> None:
        path.write_bytes(self._whole_page(width))

    def _whole_page(self, width: int) -> bytes:
        """A PNG of the page from its top, as long as its content (up to MAX_SHOT_HEIGHT)."""
        metrics = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
        height = min(int(metrics["cssContentSize"]["height"]), MAX_SHOT_HEIGHT)
        shot = self.driver.execute_cdp_cmd(
            "Page.captureScreenshot",
            {
                "format": "png",
                "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
            },
        )
        return base64.b64decode(shot["data"])


def _fits(width: int, driver: webdriver.Chrome) -> bool:
    inner: int = driver.execute_script("return window.innerWidth")
    return inner <= width


def _first(driver: webdriver.Chrome, css: str) -> WebElement | None:
    found = driver.find_elements(By.CSS_SELECTOR, css)
    return found[0] if found else None


#: A redrawn element is found again on the next poll, not an error.
IGNORED = (StaleElementReferenceException,)


@asynccontextmanager
async def chromium(base_url: str, shots: Path) -> AsyncIterator[Browser]:
    browser_path, driver_path = chromium_paths()
    profile = tempfile.TemporaryDirectory(prefix="capacitor-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = browser_path
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile.name}",
        "--window-size={},{}".format(*WIDTHS["laptop"]),
        "--lang=en-GB",
    ):
        options.add_argument(argument)
    driver = await trio.to_thread.run_sync(
        lambda: webdriver.Chrome(service=Service(driver_path), options=options)
    )
    try:
        driver.set_script_timeout(WAIT_S)
        yield Browser(driver, base_url, shots)
    finally:
        with trio.CancelScope(shield=True):
            await trio.to_thread.run_sync(driver.quit)
            profile.cleanup()
