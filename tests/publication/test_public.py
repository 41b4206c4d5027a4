"""The public disclosure pages: nothing that is not approved and published is ever reachable.

The crawler starts, signed out, from the public index and follows every link and search of every
page it reaches; the forms behind it are in every state a form can be in.
"""

import hashlib
import html as html_lib
import re
from datetime import timedelta
from urllib.parse import urljoin, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import Department, FormStatus, FrozenExport
from publication.models import DistrictDisclosure, Publication
from publication.services import document_publish, document_unpublish, form_document
from tests.conftest import TIANHE
from tests.publication.conftest import adjusted, approved, frozen_pdf, published, reapproved, with_status

pytestmark = pytest.mark.usefixtures("seeded")

LINK = re.compile(r'(?:href|action)="([^"]*)"')


def crawl(client, start: str, searches: list[str]) -> tuple[dict[str, str], dict[str, bytes]]:
    """Every page and file reachable from ``start`` by links, forms and the given searches."""
    pages: dict[str, str] = {}
    files: dict[str, bytes] = {}
    queue, seen = [start], set()
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        assert len(seen) < 2000, "the public pages should not be endless"
        response = client.get(url)
        if response.status_code in (301, 302):
            queue.append(response["Location"])
            continue
        if response.status_code == 404:
            continue
        assert response.status_code == 200, (url, response.status_code)
        if not response["Content-Type"].startswith("text/html"):
            files[url] = response.content
            continue
        page = response.content.decode()
        # A search page repeats what was searched for: that echo discloses nothing.
        query = dict(part.split("=", 1) for part in urlsplit(url).query.split("&") if "=" in part).get("q")
        pages[url] = page.replace(html_lib.escape(query), "") if query else page
        targets = [html_lib.unescape(href) for href in LINK.findall(page)]
        if 'role="search"' in page:
            targets += [f"{urlsplit(url).path}?q={term}" for term in searches]
        for target in targets:
            full = urlsplit(urljoin(url, target))
            if full.netloc not in ("", "testserver") or full.scheme not in ("", "http"):
                continue
            if full.path.startswith("/static/") or target.startswith(("data:", "#")):
                continue
            queue.append(full.path + (f"?{full.query}" if full.query else ""))
    return pages, files


@pytest.fixture
def every_state(superuser, preparer):
    """天河's 2024 project self-evaluations in every state, and what may be public of them."""
    forms = {
        "draft": with_status("草稿状态甲项目", FormStatus.DRAFT),
        "submitted": with_status("已提交状态乙项目", FormStatus.SUBMITTED),
        "returned": with_status("已退回状态丙项目", FormStatus.RETURNED),
        "approved-unpublished": approved("审核未公开丁项目", superuser),
        "approved-published": published("审核已公开戊项目", superuser, preparer),
        "scheduled": published(
            "预约公开辛项目", superuser, preparer, public_from=timezone.now() + timedelta(days=3)
        ),
        "withdrawn": published("撤销公开壬项目", superuser, preparer),
    }
    document_unpublish(form_document(forms["withdrawn"], "form"), user=preparer)
    # Published, then adjusted: the approved file stays public while the change is drafted.
    forms["adjusting"] = published("公开后调整中己项目", superuser, preparer)
    adjusting_pdf = frozen_pdf(forms["adjusting"])
    forms["adjusting"] = adjusted(forms["adjusting"], preparer)
    # Published, adjusted and approved again: the old file is superseded, the new one not published.
    forms["reapproved"] = published("公开后重审庚项目", superuser, preparer)
    superseded = frozen_pdf(forms["reapproved"])
    forms["reapproved"] = reapproved(adjusted(forms["reapproved"], preparer), superuser)
    assert FrozenExport.objects.get(pk=superseded.pk).superseded_at is not None
    public = {
        "approved-published": frozen_pdf(forms["approved-published"]),
        "adjusting": adjusting_pdf,
    }
    return forms, public


def secret_names(forms) -> list[str]:
    return [
        form.project_name for state, form in forms.items() if state not in ("approved-published", "adjusting")
    ]


@pytest.mark.parametrize("offer_xlsx", [False, True])
def test_a_crawl_from_the_public_index_reaches_only_approved_published_files(client, every_state, offer_xlsx):
    forms, public = every_state
    department = Department.objects.get(name=TIANHE)
    DistrictDisclosure.objects.create(district=department.district, offer_xlsx=offer_xlsx)
    allowed = {frozen.sha256 for frozen in public.values()}
    if offer_xlsx:
        allowed |= {p.xlsx.sha256 for p in Publication.objects.active()}
    names = [form.project_name for form in forms.values()] + [department.name, "项目", "2024"]

    pages, files = crawl(client, reverse("publication-index"), searches=names)

    reached = {hashlib.sha256(content).hexdigest() for content in files.values()}
    assert reached == allowed  # every published file is found, and nothing else
    assert len(reached) == (4 if offer_xlsx else 2)
    everything = "\n".join(pages.values())
    for name in secret_names(forms):
        assert name not in everything, name
    for state in ("approved-published", "adjusting"):
        assert forms[state].project_name in everything
    assert any(url.startswith("/verify/") for url in pages)  # verification pages were crawled too
    assert not [url for url in pages if not url.startswith(("/public/", "/verify/"))]


def test_no_file_that_is_not_published_can_be_fetched_even_by_its_hash(client, every_state):
    _forms, public = every_state
    allowed = {frozen.pk for frozen in public.values()}
    hidden = FrozenExport.objects.exclude(pk__in=allowed).defer("content")
    assert hidden.count() >= 10
    for frozen in hidden:
        assert client.get(reverse("publication-file", args=[frozen.sha256, frozen.format])).status_code == 404


def test_published_files_are_served_as_immutable(client, superuser, preparer):
    frozen = frozen_pdf(published("缓存头项目", superuser, preparer))
    url = reverse("publication-file", args=[frozen.sha256, "pdf"])
    response = client.get(url)
    assert response.status_code == 200
    assert bytes(response.content) == bytes(frozen.content)
    assert response["Content-Type"] == "application/pdf"
    assert response["ETag"] == f'"{frozen.sha256}"'
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["Content-Length"] == str(frozen.size)
    assert "inline" in response["Content-Disposition"]
    again = client.get(url, headers={"If-None-Match": f'"{frozen.sha256}"'})
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == f'"{frozen.sha256}"'
    listing = client.get(reverse("publication-district", args=[frozen.department.district_id, 2024]))
    assert listing["Cache-Control"] == "public, max-age=60"


def test_a_tampered_file_is_refused_with_a_page(client, superuser, preparer):
    frozen = frozen_pdf(published("篡改文件项目", superuser, preparer))
    FrozenExport.objects.filter(pk=frozen.pk).update(content=b"%PDF-tampered" + bytes(frozen.content)[13:])
    response = client.get(reverse("publication-file", args=[frozen.sha256, "pdf"]))
    assert response.status_code == 503
    assert "SHA-256 不一致" in response.content.decode()


def test_the_listing_searches_pages_and_limits(client, superuser, preparer, monkeypatch):
    for name in ("分页一项目", "分页二项目", "分页三项目"):
        published(name, superuser, preparer)
    district = Department.objects.get(name=TIANHE).district_id
    url = reverse("publication-district", args=[district, 2024])
    monkeypatch.setattr("publication.views.PAGE_SIZE", 2)
    first = client.get(url).content.decode()
    assert "共 3 份公开文件" in first and "第 1 / 2 页" in first and "?page=2" in first
    second = client.get(url, {"page": "2"}).content.decode()
    assert first.count("项目支出绩效自评表（分页") == 2 and second.count("项目支出绩效自评表（分页") == 1
    for page in ("abc", "-1", "999999"):
        assert client.get(url, {"page": page}).status_code == 200
    found = client.get(url, {"q": "分页二"}).content.decode()
    assert "分页二项目" in found and "分页一项目" not in found and "共 1 份" in found
    assert "共 3 份" in client.get(url, {"q": "天河区司法"}).content.decode()  # by department
    long = client.get(url, {"q": "分" * 500})
    assert long.status_code == 200 and 'maxlength="50"' in long.content.decode()
    assert "没有与" in client.get(url, {"q": "不存在的名称"}).content.decode()
    assert client.get(reverse("publication-district", args=[999999, 2024])).status_code == 404


def test_the_index_lists_districts_and_years_with_something_public(client, superuser, preparer):
    assert "暂无公开的表格" in client.get(reverse("publication-index")).content.decode()
    form = approved("目录项目", superuser)
    assert "暂无公开的表格" in client.get(reverse("publication-index")).content.decode()
    document_publish(form_document(form, "form"), user=preparer)
    page = client.get(reverse("publication-index")).content.decode()
    assert form.department.district.name in page
    assert reverse("publication-district", args=[form.department.district_id, 2024]) in page
