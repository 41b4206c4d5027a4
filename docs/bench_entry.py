"""Browser benchmark (run by hand, not in the suite): seed 001 into a new declaration, as a new user would.

    PERFBUDGET_ENV=test DJANGO_ALLOW_ASYNC_UNSAFE=true .venv/bin/python -m pytest docs/bench_entry.py -s -p no:cacheprovider

It signs in as 越秀's preparer, creates the 2025 declaration (seed 001 deleted first) and enters the
seed in Debian's Chromium at 1366×768, counting page loads, mouse clicks and keystrokes:

- ``paste``: the form's own fields typed, moving with Tab; the task table and the indicator table copied
  from a workbook (the seed's rows as Excel puts them on the clipboard: tab-separated, multi-line cells
  quoted, 一级/二级 written once for their block) and pasted with Ctrl+V;
- ``type``: everything typed, one “添加” click per task and per indicator (the way before issue 15).

Typed text counts one keystroke per character (an IME needs more for Chinese; both modes type the same
text, so the comparison holds). Both runs check that what was stored equals what ``loadseeds`` stores.
The results are in docs/benchmarks.md.
"""

import json
import re

import pytest

from core.richtext import rich_text_plain
from declarations.models import Declaration
from declarations.records import declaration_data
from tests.browser.conftest import (  # noqa: F401 — the browser fixtures, for a module outside tests/browser
    PASSWORD,
    browser_context_args,
    browser_type_launch_args,
    demo,
)
from tests.conftest import REPO_DIR, YUEXIU

SEED = json.loads(next((REPO_DIR / "fixtures" / "seeds").glob("001_*.json")).read_text(encoding="utf-8"))
RESULTS: dict[str, dict] = {}


class Counted:
    """The page, with every click, keystroke and page load counted."""

    def __init__(self, page):
        self.page = page
        self.clicks = self.keys = self.loads = 0
        page.on("load", self._loaded)

    def _loaded(self, _page):
        self.loads += 1

    def click(self, locator):
        locator.click()
        self.clicks += 1

    def type(self, text: str):
        self.page.keyboard.type(text)
        self.keys += len(text)

    def press(self, key: str):
        self.page.keyboard.press(key)
        self.keys += 1

    def focused(self) -> str:
        return self.page.evaluate("document.activeElement.name || ''")


def excel_clipboard(rows) -> str:
    def cell(text):
        text = str(text)
        return '"' + text.replace('"', '""') + '"' if any(mark in text for mark in '\n\t"') else text

    return "".join("\t".join(cell(value) for value in row) + "\r\n" for row in rows)


def task_block():
    return [
        [t["name"], rich_text_plain(t["content"]), t["amount"], rich_text_plain(t["expected_goal"])]
        for t in SEED["tasks"]
    ]


def indicator_block():
    rows, last = [], (None, None)
    for item in SEED["indicators"]:
        rows.append(
            [
                item["level1"] if item["level1"] != last[0] else "",
                item["level2"] if (item["level1"], item["level2"]) != last else "",
                item["name"],
                item["period_value"],
                item["annual_value"],
            ]
        )
        last = (item["level1"], item["level2"])
    return rows


def header_values() -> dict[str, str]:
    values = {"department_label": SEED["department_label"], "disclosure_label": SEED["disclosure_label"]}
    values.update({name: amount for name, amount in SEED["budget"].items() if float(amount)})
    values["overall_goal"] = rich_text_plain(SEED["overall_goal"])
    return values


def sign_in_and_create(user: Counted, url: str):
    page = user.page
    page.goto(f"{url}/accounts/login/")
    user.loads = max(user.loads, 1)
    user.click(page.locator("input[name=username]"))
    user.type("yuexiu")
    user.press("Tab")
    user.type(PASSWORD)
    user.press("Enter")
    page.wait_for_url(f"{url}/")
    # The workspace offers the coming budget year; seed 001 is for 2025.
    user.click(page.locator("#create-year"))
    user.press("Control+A")
    user.type("2025")
    user.click(page.locator("#create-form button"))
    page.wait_for_url(re.compile(r"/forms/declaration/\d+/$"))


def type_header(user: Counted):
    """The form's own fields in page order, Tab from one to the next; a zero amount is left blank."""
    values = header_values()
    user.click(user.page.locator("[name=department_label]"))
    remaining = dict(values)
    while remaining:
        name = user.focused()
        if name in remaining:
            user.type(remaining.pop(name))
        user.press("Tab")
        if name == "overall_goal":
            break
    assert not remaining, remaining


def type_rows(user: Counted, row, values: list[str]):
    row.locator("textarea, input:not([type=hidden])").first.focus()
    for index, value in enumerate(values):
        if index:
            user.press("Tab")
        user.type(value)


def run(mode: str, page, context, live_server):
    Declaration.objects.filter(department__name=YUEXIU, year=2025).delete()
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    user = Counted(page)
    sign_in_and_create(user, live_server.url)
    type_header(user)
    if mode == "paste":
        user.click(page.locator("[data-formset=tasks] [data-add]"))
        page.evaluate("text => navigator.clipboard.writeText(text)", excel_clipboard(task_block()))
        user.press("Control+V")
        user.click(page.locator(".tree-paste"))
        page.evaluate("text => navigator.clipboard.writeText(text)", excel_clipboard(indicator_block()))
        user.press("Control+V")
        page.locator(".paste-notice[data-for=tree]").wait_for()
    else:
        for task in task_block():
            user.click(page.locator("[data-formset=tasks] > [data-add]"))
            rows = page.locator("[data-formset=tasks] tbody[data-rows] > tr[data-row]")
            type_rows(user, rows.last, task)
        for item in SEED["indicators"]:
            group = page.locator(f"tbody[data-category='{item['level1']}/{item['level2']}']")
            user.click(group.locator("[data-add]"))
            type_rows(
                user,
                group.locator("tr[data-row]").last,
                [item["name"], item["period_value"], item["annual_value"]],
            )
    user.click(page.locator(".toolbar button[value=save]"))
    page.locator(".alert-success").wait_for()
    stored = declaration_data(Declaration.objects.get(department__name=YUEXIU, year=2025))
    return user, stored


@pytest.mark.parametrize("mode", ["paste", "type"])
def test_seed_001_into_a_new_declaration(mode, demo, page, context, live_server):  # noqa: F811
    expected = declaration_data(Declaration.objects.get(department__name=YUEXIU, year=2025))
    user, stored = run(mode, page, context, live_server)
    for key in ("tasks", "indicators", "budget", "department_label", "disclosure_label"):
        assert stored[key] == expected[key], key
    assert rich_text_plain(stored["overall_goal"]) == rich_text_plain(expected["overall_goal"])
    RESULTS[mode] = {"loads": user.loads, "clicks": user.clicks, "keys": user.keys}
    print(f"\n{mode:6s} page loads {user.loads:3d}   clicks {user.clicks:3d}   keystrokes {user.keys:5d}")
    if mode == "paste":
        assert user.clicks <= 10, "goal: seed 001 in at most 10 clicks with its tables pasted"
