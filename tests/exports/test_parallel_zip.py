"""A district's ZIP renders in worker processes: the same files as the serial ZIP, frozen ones reused."""

import io
import os
import subprocess
import sys
import zipfile

import pytest

from core.exports.bundle import MANIFEST_NAME, departments_year_zip
from core.models import Department, FrozenExport, RenderedPdf
from core.workflow import form_approve_and_freeze
from evaluations.models import ProjectEvaluation
from evaluations.services import project_evaluation_replace
from tests.conftest import TIANHE

pytestmark = pytest.mark.usefixtures("seeded")


@pytest.fixture
def district_2024(superuser) -> list[Department]:
    """天河 and a second department of its district, 2024: project tables, self-evaluations, one approved."""
    tianhe = Department.objects.get(name=TIANHE)
    other = Department.objects.create(name="广州市天河区测试局", district=tianhe.district)
    for department, name in [
        (tianhe, "法律援助补贴和业务经费"),
        (tianhe, "人民调解以案代补经费"),
        (other, "测试项目"),
    ]:
        project_evaluation_replace(
            department=department,
            year=2024,
            data={"project_name": name, "funds": {"annual_current": "180.00", "executed_current": "171.00"}},
        )
    form_approve_and_freeze(
        ProjectEvaluation.objects.get(project_name="法律援助补贴和业务经费"), user=superuser
    )
    return [tianhe, other]


def contents(content: bytes) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert archive.testzip() is None
    return {name: archive.read(name) for name in archive.namelist()}


def test_the_parallel_zip_has_the_serial_zips_files_and_the_frozen_bytes(district_2024):
    serial_calls, parallel_calls, stats = [], [], {}
    _name, serial = departments_year_zip(
        district_2024, 2024, workers=1, progress=lambda *call: serial_calls.append(call)
    )
    # The serial ZIP stored its PDFs; emptied so that the workers render them again.
    live_pdfs = [name for name in contents(serial) if name.endswith(".pdf") and "冻结" not in name]
    assert RenderedPdf.objects.count() > 0
    RenderedPdf.objects.all().delete()
    name, parallel = departments_year_zip(
        district_2024, 2024, workers=2, progress=lambda *call: parallel_calls.append(call), stats=stats
    )
    assert name == "天河区-2024-预算绩效表格.zip"
    serial, parallel = contents(serial), contents(parallel)
    assert list(parallel) == list(serial)  # the same files, in the same order
    frozen = {f.filename: bytes(f.content) for f in FrozenExport.objects.current()}
    assert len(frozen) == 2
    for filename, content in frozen.items():
        (entry,) = [entry for entry in parallel if entry.endswith("/" + filename)]
        assert parallel[entry] == serial[entry] == content
    for entry in parallel:
        if entry.endswith(".pdf"):
            assert parallel[entry].startswith(b"%PDF")
        elif entry.endswith(".xlsx"):
            assert parallel[entry].startswith(b"PK")
    manifest = parallel[MANIFEST_NAME].decode("utf-8-sig")
    assert "部门数：2，文件数：" in manifest and manifest.count("审核通过时冻结的原件") == 2

    # Real worker processes did the rendering; the frozen files were not rendered again.
    assert stats["workers"] == 2 and stats["frozen"] == 2
    assert stats["rendered"] == stats["files"] - 2 > 0 and stats["stored"] == 0
    # The parent stored what the workers rendered: each live PDF of the ZIP, byte for byte.
    stored = {bytes(content) for content in RenderedPdf.objects.values_list("content", flat=True)}
    live = {content for entry, content in parallel.items() if entry.endswith(".pdf")} - set(frozen.values())
    assert live and stored == live and len(live_pdfs) >= len(live)
    assert stats["worker_peak_mib"] and os.getpid() not in stats["worker_peak_mib"]
    assert all(peak > 10 for peak in stats["worker_peak_mib"].values())

    for calls in (serial_calls, parallel_calls):
        assert calls[-1] == (2, 2)  # progress reaches the total
        assert [done for done, _total in calls] == sorted({done for done, _total in calls})  # never back


def test_a_department_with_no_forms_that_year_still_counts_in_the_progress(district_2024):
    empty = Department.objects.create(name="广州市天河区无表局", district=district_2024[0].district)
    calls = []
    _name, content = departments_year_zip(
        [*district_2024, empty], 2024, workers=2, progress=lambda *c: calls.append(c)
    )
    assert calls[-1] == (3, 3)
    assert not [name for name in contents(content) if name.startswith("广州市天河区无表局/")]


def test_a_spawned_worker_reports_its_own_peak_memory_not_its_parents():
    """``ru_maxrss`` survives ``execve``: a worker spawned by a big parent would report the parent's peak."""
    ballast = bytearray(300 * 1024 * 1024)  # the parent's peak RSS is now over 300 MiB
    ballast[::4096] = b"x" * len(ballast[::4096])
    script = (
        "import resource; from core.exports.worker import peak_rss_mib; "
        "print(peak_rss_mib(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
    )
    own, inherited = map(
        float,
        subprocess.run(
            [sys.executable, "-c", script], capture_output=True, check=True, text=True
        ).stdout.split(),
    )
    del ballast
    print(f"ru_maxrss in the child: {inherited:.0f} MiB")  # what the old figure said (> 300 here)
    assert own < 150  # an interpreter with Django imported, not the parent's 300 MiB
