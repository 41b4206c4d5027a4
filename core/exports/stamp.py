"""The verification stamp of a frozen file: a random code, the verification URL and a QR code of it.

domain.md §8: anyone should be able to check that a copy in circulation is the approved file. Each
frozen file gets a code when it is frozen; the PDF prints it in its footer with the department, year,
version and approval date, and a QR code of ``PERFBUDGET_PUBLIC_URL/verify/<code>/``, where the public
page shows what was approved and compares an uploaded copy byte for byte.

The code is drawn from ``secrets`` (60 bits in Crockford's base32), not derived from any id or from
the content: it names a file and reveals nothing else. It is chosen *before* rendering, because the
file that prints it is the file whose SHA-256 is stored, all inside the approval's transaction.

A live rendering (a form not approved, or a download of the current data) carries no code; its footer
says “未审核，非正式文本” instead, so that a printout of a draft is never taken for the record.
"""

import secrets
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.urls import reverse

# Crockford's base32: no I, L, O or U, so a code read aloud or typed from paper is unambiguous.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12  # 60 bits
_TYPED = str.maketrans({"I": "1", "L": "1", "O": "0"})

LIVE_NOTE = "未审核，非正式文本（按当前数据生成）"


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: str) -> str:
    """A code as typed or scanned (lower case, spaces, dashes, I/L/O for 1/0) in its stored form;
    "" when it cannot be a code."""
    code = "".join(str(text or "").split()).replace("-", "").upper().translate(_TYPED)
    if len(code) != CODE_LENGTH or any(char not in ALPHABET for char in code):
        return ""
    return code


def display_code(code: str) -> str:
    """``ABCD-EFGH-JKMN``: easier to read off paper."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def verification_url(code: str) -> str:
    """The public page of the code, under the site's public address (``PERFBUDGET_PUBLIC_URL``)."""
    return settings.PERFBUDGET_PUBLIC_URL.rstrip("/") + reverse("publication-verify", args=[code])


QR_SIZE_MM = 15


@dataclass(frozen=True)
class Stamp:
    """What a frozen file prints about itself."""

    code: str
    department: str
    year: int
    version: int
    approved_on: date

    @property
    def url(self) -> str:
        return verification_url(self.code)

    @property
    def display_code(self) -> str:
        return display_code(self.code)

    @property
    def identity(self) -> str:
        return (
            f"{self.department} · {self.year}年度 · 第{self.version}版 · {self.approved_on:%Y-%m-%d}审核通过"
        )

    @property
    def line(self) -> str:
        """The footer text: who, which version, when approved, the code and where to check it."""
        return f"{self.identity} · 校验码 {self.display_code} · 核验：{self.url}"
