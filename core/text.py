"""Control characters in text: the one rule for every path that stores text, and for every writer.

A control character (C0 except tab, line feed and carriage return; DEL; C1) is never part of a name,
a target value or a paragraph: it comes from a terminal, a broken paste or an attack, and XLSX (XML)
cannot hold most of them. Typed or imported text containing one is refused, naming the field or cell;
text already stored with one is written out without it (``strip_control``), so no stored value can
make an export or an approval fail.
"""

import re
import unicodedata

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def strip_control(text: str) -> str:
    return CONTROL.sub("", text)


def control_character(text) -> str | None:
    """The first control character of ``text`` as ``U+001B``, or None."""
    match = CONTROL.search(text) if isinstance(text, str) else None
    return f"U+{ord(match.group()):04X}" if match else None


def control_message(where: str, text) -> str | None:
    """The message refusing ``text`` in ``where`` (“名称”, 第3行“名称”, 单元格F12), or None if it is clean."""
    found = control_character(text)
    if found is None:
        return None
    return f"{where}含有不可见的控制字符（{found}），请删除后重新填写。"


BLANKS = re.compile(r"[\s\u200b\u200c\u200d\ufeff]+")
BRACKETED = re.compile(r"\([^()]*\)")


def squash(text) -> str:
    """Text as a printed label is compared: full-width folded to half-width (NFKC), no whitespace.

    “预算金额（万元）”, “预算金额 (万元)” and “预算金额\\n（万元）” squash alike; so do “：” and “:”.
    """
    if text is None:
        return ""
    return BLANKS.sub("", unicodedata.normalize("NFKC", str(text)))


def squash_core(text) -> str:
    """A squashed label without its bracketed notes and final colon: “拟投入的资金（万元）” → “拟投入的资金”."""
    return BRACKETED.sub("", squash(text)).rstrip(":")


def same_label(label: str, text: str) -> bool:
    """Whether ``text`` is the printed label ``label`` (both squashed, or their cores when not empty)."""
    if label == text:
        return True
    core = BRACKETED.sub("", label).rstrip(":")
    return bool(core) and core == BRACKETED.sub("", text).rstrip(":")
