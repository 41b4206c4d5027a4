"""Save benchmark (run by hand, not in the suite): seed 000's declaration saved from its entry page.

    PERFBUDGET_ENV=test DJANGO_ALLOW_ASYNC_UNSAFE=true .venv/bin/python -m pytest docs/bench_save.py -s -p no:cacheprovider

(add ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_save`` for PostgreSQL). Fifteen saves with
the check constraints validated in Python (``core/constraints.py``), fifteen with Django's own
``full_clean`` (one query per constraint and row), fifteen in Python again, in one process: the medians
of the test process's CPU time and of the queries per save. The results are in docs/benchmarks.md.
"""

import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import core.services
from core.templatetags import rows
from declarations.models import Declaration
from scripts.loadtest import form_values
from tests.conftest import (  # noqa: F401 — the fixtures, for a module outside tests/
    TIANHE,
    preparer,
    seeded,
    tianhe,
)

pytestmark = pytest.mark.usefixtures("seeded")


def saves(client, url: str, n: int = 15) -> tuple[float, float]:
    """Medians of the CPU seconds and the queries of ``n`` saves of the entry page at ``url``."""
    times, counts = [], []
    for i in range(n):
        values = form_values(client.get(url).content.decode())
        values["basic_expenditure"] = f"{1000 + i}.00"
        values["fiscal_appropriation"] = values["district_level"] = ""  # a draft may be out of balance
        values["action"] = "save"
        started = time.process_time()
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, values)
        times.append(time.process_time() - started)
        counts.append(len(queries))
        assert response.status_code == 302, response.status_code
    return statistics.median(times), statistics.median(counts)


def test_save(client, preparer, monkeypatch):  # noqa: F811 — the imported fixture
    form = Declaration.objects.get(department__name=TIANHE, year=2025)
    client.force_login(preparer)
    url = reverse("form-edit", args=["declaration", form.pk])
    python = saves(client, url)

    def django_full_clean(instance, exclude=(), validate_unique=True):
        instance.full_clean(exclude=exclude, validate_unique=validate_unique)

    monkeypatch.setattr(core.services, "full_clean", django_full_clean)
    django = saves(client, url)
    monkeypatch.undo()
    again = saves(client, url)
    print(
        f"\n保存样表 000（{connection.vendor}，各 15 次中位）：Django full_clean CPU {django[0]:.3f} s、"
        f"{django[1]:.0f} 次查询；Python 校验约束 CPU {python[0]:.3f} s / {again[0]:.3f} s、{python[1]:.0f} 次查询"
    )


def test_entry_page(client, preparer, monkeypatch):  # noqa: F811 — the imported fixture
    """The entry page of seed 000 drawn with its rows written in Python and by the template."""
    form = Declaration.objects.get(department__name=TIANHE, year=2025)
    client.force_login(preparer)
    url = reverse("form-edit", args=["declaration", form.pk])

    def pages(n: int = 15) -> float:
        times = []
        for _ in range(n):
            started = time.process_time()
            assert client.get(url).status_code == 200
            times.append(time.process_time() - started)
        return statistics.median(times)

    client.get(url)
    python = pages()
    monkeypatch.setattr(rows, "_plain", lambda form: False)
    template = pages()
    monkeypatch.undo()
    again = pages()
    print(
        f"\n填报页 样表 000（{connection.vendor}，各 15 次中位）：行由模板绘制 CPU {template:.3f} s；"
        f"行由 Python 绘制 CPU {python:.3f} s / {again:.3f} s"
    )
