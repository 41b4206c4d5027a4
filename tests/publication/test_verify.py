"""Verifiable PDFs: the code and QR code in a frozen PDF's footer, and the public verification page."""

import hashlib
import subprocess

import pytest
import zxingcpp
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from core.exports.registry import document_for
from core.exports.stamp import ALPHABET, CODE_LENGTH, display_code, new_code, normalize_code
from core.models import FrozenExport
from tests.publication.conftest import approved, evaluation, frozen_pdf

pytestmark = pytest.mark.usefixtures("seeded")


def pdf_text(content: bytes, *args: str) -> str:
    return subprocess.run(
        ["pdftotext", *args, "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def footer_qr_codes(content: bytes, tmp_path) -> list[str]:
    """The QR codes printed on the first page, read back from a rendering of the page."""
    (tmp_path / "file.pdf").write_bytes(content)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", "-singlefile", "file.pdf", "page"],
        cwd=tmp_path,
        check=True,
    )
    return [result.text for result in zxingcpp.read_barcodes(Image.open(tmp_path / "page.png"))]


def upload(client, code: str, content: bytes, name: str = "copy.pdf"):
    return client.post(
        reverse("publication-verify", args=[code]), {"file": SimpleUploadedFile(name, content)}
    )


def test_codes_are_random_base32_and_unique_per_frozen_file(superuser):
    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000  # 60 random bits: no repeat in a few thousand draws
    assert all(len(code) == CODE_LENGTH and set(code) <= set(ALPHABET) for code in codes)
    form = approved("核验编码项目", superuser)
    files = FrozenExport.objects.filter(project=form.project_name)
    assert {f.format for f in files} == {"pdf", "xlsx"}
    assert len({f.verification_code for f in files}) == 2
    for frozen in files:
        # Not derived from the file or its ids.
        assert frozen.verification_code not in (frozen.sha256.upper(), str(frozen.pk), str(form.pk))


def test_a_frozen_pdf_prints_its_code_url_identity_and_a_qr_code_of_the_url(superuser, tmp_path):
    form = approved("核验页脚项目", superuser)
    frozen = frozen_pdf(form)
    content = bytes(frozen.content)
    url = f"http://127.0.0.1:8000/verify/{frozen.verification_code}/"
    text = pdf_text(content, "-f", "1", "-l", "1")
    assert f"校验码 {display_code(frozen.verification_code)}" in text
    assert url in text
    approved_on = f"{frozen.created_at.astimezone():%Y-%m-%d}"
    assert f"广州市天河区司法局 · 2024年度 · 第{frozen.form_version}版 · " in text
    assert "审核通过" in text and approved_on[:4] in text
    assert "未审核，非正式文本" not in text
    assert footer_qr_codes(content, tmp_path) == [url]
    # Every page carries the stamp.
    pages = pdf_text(content).split("\f")
    assert all(frozen.verification_code in page for page in pages if page.strip())


@override_settings(PERFBUDGET_PUBLIC_URL="https://jx.example.gov.cn/")
def test_the_printed_url_comes_from_the_public_url_setting(superuser, tmp_path):
    frozen = frozen_pdf(approved("核验地址项目", superuser))
    url = f"https://jx.example.gov.cn/verify/{frozen.verification_code}/"
    assert url in pdf_text(bytes(frozen.content), "-f", "1", "-l", "1")
    assert footer_qr_codes(bytes(frozen.content), tmp_path) == [url]


def test_a_live_rendering_carries_no_code_but_says_it_is_not_the_approved_text(tmp_path):
    form = evaluation("核验草稿项目")
    _name, _type, content = document_for(form).render("pdf")
    text = pdf_text(content, "-f", "1", "-l", "1")
    assert "未审核，非正式文本" in text
    assert "校验码" not in text and "/verify/" not in text
    assert footer_qr_codes(content, tmp_path) == []


def test_the_verification_page_shows_identity_approval_date_and_sha256(client, superuser):
    frozen = frozen_pdf(approved("核验页面项目", superuser))
    page = client.get(reverse("publication-verify", args=[frozen.verification_code]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "广州市天河区司法局 · 2024年度 · 项目“核验页面项目”的项目支出绩效自评表" in html
    assert frozen.sha256 in html
    assert f"{frozen.created_at.astimezone():%Y-%m-%d}" in html
    assert f"第{frozen.form_version}版" in html
    # Not published: the page names the file but offers no download of it.
    assert "/public/files/" not in html


def test_an_uploaded_copy_is_genuine_only_byte_for_byte(client, superuser):
    frozen = frozen_pdf(approved("核验上传项目", superuser))
    original = bytes(frozen.content)
    genuine = upload(client, frozen.verification_code, original).content.decode()
    assert "一致：" in genuine and "是原件" in genuine

    one_byte = bytearray(original)
    one_byte[len(one_byte) // 2] ^= 0x01
    changed = upload(client, frozen.verification_code, bytes(one_byte)).content.decode()
    assert "不一致：" in changed and "不是审核通过的原件" in changed
    assert hashlib.sha256(bytes(one_byte)).hexdigest() in changed
    for other in (original + b"\n", original[:-1], b""):
        assert "不一致：" in upload(client, frozen.verification_code, other).content.decode()


def test_posting_without_a_file_names_the_field(client, superuser):
    frozen = frozen_pdf(approved("核验空上传项目", superuser))
    response = client.post(reverse("publication-verify", args=[frozen.verification_code]))
    assert response.status_code == 400
    assert "请选择要核验的文件" in response.content.decode()


def test_an_unknown_code_says_so(client):
    for code in ("ABCDEFGHJKMN", "not-a-code", "<script>", "0" * 200):
        response = client.get(reverse("publication-verify", args=[code]))
        assert response.status_code == 404
        assert "未找到校验码" in response.content.decode()
        assert "<script>" not in response.content.decode()


def test_a_code_typed_from_paper_finds_its_page(client, superuser):
    frozen = frozen_pdf(approved("核验输入项目", superuser))
    code = frozen.verification_code
    typed = display_code(code).lower().replace("0", "o").replace("1", "l")
    assert normalize_code(typed) == code
    response = client.get(reverse("publication-verify-lookup"), {"code": typed})
    assert response.status_code == 302 and response["Location"] == reverse("publication-verify", args=[code])
    dashed = client.get(reverse("publication-verify", args=[display_code(code)]))
    assert dashed.status_code == 302
    bad = client.get(reverse("publication-verify-lookup"), {"code": "12345"})
    assert bad.status_code == 400 and "校验码应为12位字母和数字" in bad.content.decode()


def test_a_superseded_file_still_verifies_and_says_it_was_replaced(client, superuser, preparer):
    from core.workflow import form_adjust, form_approve_and_freeze

    form = approved("核验替代项目", superuser)
    old = frozen_pdf(form)
    form_adjust(form=form, user=preparer)
    form_approve_and_freeze(form, user=superuser)
    old.refresh_from_db()
    assert old.superseded_at is not None
    html = upload(client, old.verification_code, bytes(old.content)).content.decode()
    assert "一致：" in html and "已于" in html and "被重新审核通过的版本替代" in html


def test_an_upload_far_larger_than_the_original_is_refused_unread(client, superuser):
    frozen = frozen_pdf(approved("核验大文件项目", superuser))
    response = upload(client, frozen.verification_code, bytes(frozen.content) + b"x" * (256 * 1024))
    assert response.status_code == 200
    assert "不一致：" in response.content.decode()
