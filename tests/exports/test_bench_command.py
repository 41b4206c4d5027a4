"""``manage.py bench``'s ZIP parts on a tiny demo district: the lines the benchmark docs quote."""

import io
import re

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.usefixtures("seeded")


def test_the_split_run_measures_each_worker_count_from_an_empty_pdf_store():
    out = io.StringIO()
    call_command(
        "bench",
        departments="2",
        skip_pages=True,
        skip_exports=True,
        zip=True,
        zip_split=True,
        zip_workers="1,2",
        stdout=out,
    )
    text = out.getvalue()
    assert "全区打包 演示区01 2024（2 个部门，pdf+xlsx）" in text
    # Each pass of the split run starts without stored PDFs, so the 2-worker pass renders them again.
    passes = text.split("分任务打包：")[1:]
    assert [p.split("\n")[0] for p in passes] == [
        "2 个部门，1 个任务（每区一个），每个任务 1 个工作进程",
        "2 个部门，1 个任务（每区一个），每个任务 2 个工作进程",
    ]
    for one in passes:
        job = one.split("\n")[1]
        assert (
            job.startswith("任务 演示区01（2 个部门）") and "复用已存 PDF 0，" in job and "进度 (2, 2)" in job
        )
    assert re.search(r"工作进程内存峰值 \d+(、\d+)? MiB", passes[1])  # the workers report their peaks
