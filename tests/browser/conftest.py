"""Browser tests: Playwright driving Debian's Chromium against the real server.

``site`` starts ``tiphub serve`` once per session (a child process on a free loopback port,
over a temporary home with organisations, users in known roles and imported records); ``page``
is a fresh Chromium page that may talk to that server only — any other request is refused and
recorded in ``page.outside``, so a page that would need a CDN shows it. Every test leaves a
screenshot in ``test-output/screenshots/`` (``…-FAILED.png`` when it failed).

Without Chromium (``/usr/bin/chromium``, or ``TIPHUB_CHROMIUM``) or the ``playwright`` package
the tests are skipped — they fail instead with ``TIPHUB_REQUIRE_BROWSER=1``, which ``.ci/run``
sets after installing Chromium. Playwright never downloads a browser here.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from factories import ctdc_csv, ctdc_row

from tiphub import Hub, Settings

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-output" / "screenshots"
CHROMIUM = os.environ.get("TIPHUB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PASSWORD = "correct horse battery staple"
USERS = {  # who -> (e-mail, hub administrator?, organisation, role)
    "hub_admin": ("admin@hub.test", True, None, None),
    "steward": ("steward@police.test", False, "police", "data_steward"),
    "analyst": ("analyst@police.test", False, "police", "analyst"),
}


class Site:
    """The running server: its address, and who can sign in to it."""

    def __init__(self, url: str, home: Path) -> None:
        self.url, self.home = url, home
        self.password = PASSWORD

    def email(self, who: str) -> str:
        return USERS[who][0]

    def get(self, path: str) -> int:
        """The status of a plain GET (no cookies), e.g. to see whether a page exists yet."""
        try:
            with urllib.request.urlopen(self.url + path, timeout=10) as answer:
                return answer.status
        except urllib.error.HTTPError as exc:
            return exc.code


def _unavailable(reason: str) -> None:
    """Skip — or fail, where the browser tests must run (TIPHUB_REQUIRE_BROWSER=1, as in CI)."""
    if os.environ.get("TIPHUB_REQUIRE_BROWSER") == "1":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's Chromium under Playwright (skips the test when either is missing)."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        _unavailable(f"Chromium not found at {CHROMIUM} (apt-get install chromium; "
                     ".ci/run installs it; or set TIPHUB_CHROMIUM)")
    try:
        from playwright import sync_api
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[dev]')")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _seed(home: Path) -> None:
    from tiphub.demo import write_ctdc_synthetic

    with Hub(Settings(home=home)) as hub:
        hub.add_organisation("police", "Police", "LawEnforcement", "GBR")
        hub.add_organisation("shelter", "Shelter", "NGO", "GBR")
        for email, admin, org, role in USERS.values():
            hub.create_user(email, email.split("@")[0].title(), PASSWORD, hub_admin=admin)
            if org:
                hub.set_role(email, org, role)
        hub.import_file(write_ctdc_synthetic(home / "police.csv", 3000, seed=11), org="police",
                        profile="ctdc-synthetic")
        hub.import_file(write_ctdc_synthetic(home / "shelter.csv", 1500, seed=12), org="shelter",
                        profile="ctdc-synthetic")
        _link(hub, home)


def _link(hub: Hub, home: Path) -> None:
    """Encoded files of the police and the shelter (who share 20 of their persons), linked."""
    from factories import encoded_csv, planted_encodings

    records = planted_encodings(90, [[0]] * 40 + [[0, 1]] * 20 + [[1]] * 30, seed=21)
    for party, code in enumerate(("police", "shelter")):
        path = home / f"{code}-encoded.csv"
        path.write_text(encoded_csv(records[party], prefix=code[:2].upper()))
        hub.import_file(path, org=code)
    hub.link(threshold=0.8)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, process: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"tiphub serve stopped at start:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/api/v1/health", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"tiphub serve did not answer within {seconds} s; see {log}")


@pytest.fixture(scope="session")
def site(chromium: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """``tiphub serve`` over a seeded temporary home, for the whole session."""
    home = tmp_path_factory.mktemp("site")
    _seed(home)
    port = _free_port()
    log = home / "server.log"
    env = {**os.environ, "TIPHUB_ENVIRONMENT": "development"}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "tiphub", "--home", str(home), "serve", "--host", "127.0.0.1",
             "--port", str(port)], stdout=out, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(url, process, log)
        yield Site(url, home)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    report = yield
    if report.when == "call":
        item.stash[_FAILED] = report.failed
    return report


def _screenshot(item: pytest.Item, page: Any) -> None:
    """Save the page as ``<module>__<test>.png`` (``-FAILED.png`` after a failure)."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid.split("::", 1)[-1]).strip("_")
    base = SCREENSHOTS / f"{Path(item.path).stem}__{name}"
    failed = item.stash.get(_FAILED, False)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in (f"{base}.png", f"{base}-FAILED.png"):
        Path(old).unlink(missing_ok=True)
    page.screenshot(path=f"{base}-FAILED.png" if failed else f"{base}.png", full_page=True)


@pytest.fixture
def page(chromium: Any, site: Site, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh page (own cookies) that may reach the test server only; screenshot at the end."""
    context = chromium.new_context(base_url=site.url, accept_downloads=True,
                                   viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.outside = []  # requests to anywhere but the test server (refused)

    def guard(route: Any) -> None:
        if route.request.url.startswith(site.url):
            route.continue_()
        else:
            page.outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    try:
        yield page
    finally:
        try:
            _screenshot(request.node, page)
        finally:
            context.close()


@pytest.fixture
def upload_with_an_error(tmp_path: Path) -> Path:
    """A CTDC file of three rows, one with a gender the vocabulary does not know."""
    path = tmp_path / "cases-with-an-error.csv"
    path.write_text(ctdc_csv([ctdc_row(), ctdc_row(gender="Robot"), ctdc_row()]))
    return path
