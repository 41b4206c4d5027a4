"""The serialized indicator cell of the project target table (domain.md §3.3, seed 003).

Each project's 绩效指标 cell holds its whole indicator list as one text::

    1、1-产出指标：11-数量指标：工程量完成率；实施周期指标值:100%；年度指标值:100%。2、…

This module reads such a cell into :class:`SerializedIndicator` rows and writes rows back in one
canonical form. It is pure Python (no Django) so the import command, the form views and the tests
can all share it.

What the reader accepts, because the published cells use all of it:

* full-width or ASCII colons and semicolons, with or without spaces around them;
* ``<p>…</p>`` wrappers (cells pasted from the rich-text editor), entries separated by spaces;
* a semicolon instead of a colon after the 二级 ("31-服务对象满意度；村（居）委…");
* values that end in "。" themselves ("运行良好，评估达标。；年度指标值:…");
* an entry with 实施周期指标值 but no 年度指标值 (kept, value "", reported);
* a 二级 code that does not belong to the written 一级 (kept as written, reported).

Reserved text. Names and values must not contain the labels ``实施周期指标值`` or ``年度指标值``,
an entry start (``。`` or whitespace, then ``<digits>、<digits>-``) or the opening of an HTML tag
(``<`` then a letter, or ``</``); 一级 and 二级
names must also not contain colons or semicolons. :func:`reserved_text` tells whether a string
breaks this rule; only such strings can fail to survive ``parse(serialize(x)) == x``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

PERIOD_LABEL = "实施周期指标值"
ANNUAL_LABEL = "年度指标值"

# 一级 names of the classic project scheme (seed 003); used only to word the mismatch message.
CLASSIC_LEVEL1_NAMES: Mapping[str, str] = {"1": "产出指标", "2": "效益指标", "3": "满意度指标"}

# An entry starts at the beginning, after "。" or after whitespace, with "<n>、" followed by a
# 一级 code and a dash. Requiring the "<code>-" keeps "参考率、考试及格率" inside a name.
_ENTRY_START = re.compile(r"(?:^|(?<=[。\s]))(\d+)、(?=\s*\d+\s*-)")
# "1-产出指标：11-数量指标：rest" — exactly one separator (colon or semicolon) after each level.
_HEADER = re.compile(
    r"^\s*(\d+)\s*-\s*([^:：;；]+?)\s*[:：;；]\s*(\d+)\s*-\s*([^:：;；]+?)\s*[:：;；](.*)$",
    re.DOTALL,
)
_PERIOD = re.compile(r"\s*[;；]?\s*" + PERIOD_LABEL + r"\s*[:：]")
_ANNUAL = re.compile(r"\s*[;；]?\s*" + ANNUAL_LABEL + r"\s*[:：]")
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_BLOCK_TAG = re.compile(r"</?(?:p|div|br|li|ul|ol|tr|td|th|table|tbody)\b[^<>]*>", re.IGNORECASE)
# A tag opener ("<p", "</") is reserved on its own: a "<" in one field and a ">" in a later one
# would otherwise make a tag across fields.
_RESERVED = re.compile(PERIOD_LABEL + "|" + ANNUAL_LABEL + r"|[。\s]\d+、\s*\d+\s*-|</?[A-Za-z]")
_LEVEL_SEPARATORS = re.compile(r"[:：;；]")


@dataclass(frozen=True)
class SerializedIndicator:
    """One 三级 indicator as written in a cell, with the 一级/二级 it was written under."""

    level1_code: str
    level1_name: str
    level2_code: str
    level2_name: str
    name: str
    period_value: str = ""
    annual_value: str = ""

    @property
    def filed_level1_code(self) -> str:
        """The 一级 the row belongs to: its 二级 code minus the last digit (11 → 1, 31 → 3).

        The 二级 code wins over the written 一级 because the 二级 is the more specific choice
        (the two seed rows "2-效益指标：31-服务对象满意度" are satisfaction indicators).
        """
        if len(self.level2_code) >= 2:
            return self.level2_code[:-1]
        return self.level1_code

    @property
    def is_mismatched(self) -> bool:
        """True when the written 一级 is not the one the 二级 code belongs to."""
        return self.filed_level1_code != self.level1_code


@dataclass
class ParsedCell:
    """The indicators read from one cell, and what the reader had to say about the cell."""

    indicators: list[SerializedIndicator] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def mismatched(self) -> list[int]:
        """Positions in ``indicators`` (0-based) of rows whose 一级 and 二级 disagree."""
        return [i for i, indicator in enumerate(self.indicators) if indicator.is_mismatched]


def reserved_text(text: str) -> bool:
    """Whether ``text`` contains something the cell format reserves (see the module docstring)."""
    return _RESERVED.search(text) is not None


def _strip_html(text: str) -> str:
    """Remove the rich-text markup of pasted cells; block tags become line breaks.

    Entities are decoded only when the cell had tags: a plain cell is plain text, so "&amp;"
    typed by a user survives a round trip.
    """
    if not _TAG.search(text):
        return text
    text = _BLOCK_TAG.sub("\n", text)
    text = _TAG.sub("", text)
    return html.unescape(text)


def _short(text: str, limit: int = 30) -> str:
    """A cell fragment short enough to quote in a message."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def _split_entries(text: str) -> tuple[str, list[tuple[str, str]]]:
    """Split a cleaned cell into (text before the first entry, [(number, body), …])."""
    starts = list(_ENTRY_START.finditer(text))
    if not starts:
        return text, []
    entries = []
    for match, following in zip(starts, [*starts[1:], None], strict=True):
        end = following.start() if following else len(text)
        entries.append((match.group(1), text[match.end() : end]))
    return text[: starts[0].start()], entries


def _read_values(rest: str) -> tuple[str, str | None, str | None]:
    """Split "三级；实施周期指标值:P；年度指标值:A" into (name, P or None, A or None).

    Labels are looked up independently, so a missing or out-of-order label still yields the
    others; whatever sits before the first label is the name, each value runs to the next label.
    """
    labels = {"period": _PERIOD.search(rest), "annual": _ANNUAL.search(rest)}
    found = sorted((m.start(), m.end(), key) for key, m in labels.items() if m)
    if not found:
        return rest.strip(), None, None
    values: dict[str, str] = {}
    for (_start, end, key), following in zip(found, [*found[1:], None], strict=True):
        stop = following[0] if following else len(rest)
        values[key] = rest[end:stop].strip()
    return rest[: found[0][0]].strip(), values.get("period"), values.get("annual")


def _read_entry(
    position: int, body: str, level1_names: Mapping[str, str], problems: list[str]
) -> SerializedIndicator | None:
    """Read one entry body (without its "<n>、"); report what is wrong with it into ``problems``."""
    body = body.strip()
    if body.endswith("。"):
        body = body[:-1]  # the entry terminator; a value's own "。" stays
    header = _HEADER.match(body)
    if header is None:
        problems.append(f"第{position}条：无法识别一级、二级指标，已跳过：“{_short(body)}”")
        return None
    level1_code, level1_name, level2_code, level2_name, rest = header.groups()
    name, period, annual = _read_values(rest)
    indicator = SerializedIndicator(
        level1_code=level1_code,
        level1_name=level1_name,
        level2_code=level2_code,
        level2_name=level2_name,
        name=name,
        period_value=period or "",
        annual_value=annual or "",
    )
    if not name:
        problems.append(f"第{position}条：缺少三级指标名称")
    if period is None:
        problems.append(f"第{position}条：缺少{PERIOD_LABEL}")
    if annual is None:
        problems.append(f"第{position}条：缺少{ANNUAL_LABEL}")
    if indicator.is_mismatched:
        code = indicator.filed_level1_code
        target = f"{code}-{level1_names[code]}" if code in level1_names else code
        problems.append(
            f"第{position}条：二级指标“{level2_code}-{level2_name}”不属于一级指标"
            f"“{level1_code}-{level1_name}”，已按二级指标归入“{target}”"
        )
    return indicator


def parse_indicator_cell(text: str, level1_names: Mapping[str, str] = CLASSIC_LEVEL1_NAMES) -> ParsedCell:
    """Read a 绩效指标 cell. Never raises: whatever cannot be read is reported in ``problems``.

    An empty cell has no indicators and no problems (a project may not have any yet). Entries
    that cannot be read are skipped and reported; the others are kept. ``level1_names`` only
    words the mismatch message ("已按二级指标归入“3-满意度指标”").
    """
    cleaned = _strip_html(text or "").strip()
    result = ParsedCell()
    if not cleaned:
        return result
    before, entries = _split_entries(cleaned)
    if not entries:
        result.problems.append(
            f"未能识别任何绩效指标（应为“1、一级指标：二级指标：三级指标；{PERIOD_LABEL}:…；"
            f"{ANNUAL_LABEL}:…。”的格式）：“{_short(cleaned)}”"
        )
        return result
    if before.strip():
        result.problems.append(f"第1条之前有无法识别的内容，已忽略：“{_short(before)}”")
    seen: dict[SerializedIndicator, int] = {}
    for position, (number, body) in enumerate(entries, start=1):
        if number != str(position):
            result.problems.append(f"第{position}条的编号写作“{number}、”，已按第{position}条读取")
        indicator = _read_entry(position, body, level1_names, result.problems)
        if indicator is None:
            continue
        if indicator in seen:
            result.problems.append(f"第{position}条与第{seen[indicator]}条完全相同")
        else:
            seen[indicator] = position
        result.indicators.append(indicator)
    return result


def serialize_indicator(number: int, indicator: SerializedIndicator) -> str:
    """One entry in the canonical form of seed 003's first project.

    An empty value is left out with its label, as seed 003 writes the missing 年度指标值, so that
    reading it back gives "" again.
    """
    text = (
        f"{number}、{indicator.level1_code}-{indicator.level1_name}："
        f"{indicator.level2_code}-{indicator.level2_name}：{indicator.name}"
    )
    if indicator.period_value:
        text += f"；{PERIOD_LABEL}:{indicator.period_value}"
    if indicator.annual_value:
        text += f"；{ANNUAL_LABEL}:{indicator.annual_value}"
    return text + "。"


def serialize_indicators(indicators: Iterable[SerializedIndicator]) -> str:
    """The canonical cell text: entries numbered 1..n, no markup, nothing between entries."""
    return "".join(serialize_indicator(n, ind) for n, ind in enumerate(indicators, start=1))


def level_name_is_valid(name: str) -> bool:
    """Whether a 一级/二级 name can be written into a cell and read back unchanged."""
    return (
        bool(name) and name == name.strip() and not _LEVEL_SEPARATORS.search(name) and not reserved_text(name)
    )
