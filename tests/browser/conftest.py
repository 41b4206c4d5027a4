"""Browser tests: Debian's Chromium driven by pytest-playwright against Django's live server.

Playwright cannot download its own browser here, so the launch points at ``chromium`` on the PATH.
Screenshots of every page go to ``$SCREENSHOT_DIR`` (default ``.screenshots/``, not in git) so a
person can look at them.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.conftest import REPO_DIR, install_schemes

SCREENSHOT_DIR = Path(os.environ.get("SCREENSHOT_DIR", REPO_DIR / ".screenshots"))
PASSWORD = "perfbudget-demo"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    return {**browser_type_launch_args, "executable_path": executable, "args": ["--no-sandbox"]}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1366, "height": 768}, "locale": "zh-CN"}


@pytest.fixture
def demo(transactional_db):
    """The five seed forms and the demo users (tianhe, yuexiu, reviewer, finance, admin).

    A live server needs a transactional database, which is flushed after each test, migration data
    included: the indicator schemes are installed again first.
    """
    install_schemes()
    call_command("loadseeds", verbosity=0)


@pytest.fixture
def sign_in(page, live_server):
    def sign_in(username: str, password: str = PASSWORD):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        return page

    return sign_in


@pytest.fixture
def screenshot(page):
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)

    def take(name: str, *, full_page: bool = True):
        page.screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"), full_page=full_page)

    return take
