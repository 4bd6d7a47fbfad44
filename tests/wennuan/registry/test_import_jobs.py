"""Issue 18 item 9: a register file above the web limit becomes a background job that the
worker imports, with a page showing its progress that refreshes until it is done."""

import io

import pytest

from wennuan.lib.scheduling import run_due_tasks
from wennuan.registry import io as register_io
from wennuan.registry import jobs, periodic
from wennuan.registry.io import SHEETS_BY_KIND
from wennuan.registry.models import HeatingCompany, RegisterImportJob

pytestmark = pytest.mark.django_db

HEADER = ",".join(SHEETS_BY_KIND["companies"].headers())


def companies_csv(count: int, bad_line: int | None = None) -> io.BytesIO:
    rows = [HEADER]
    for i in range(count):
        # A bad row: the short name missing (required).
        short = "" if bad_line is not None and i == bad_line else f"西城{i}"
        rows.append(f"w{i},西城{i}热力有限公司,{short}")
    upload = io.BytesIO(("\n".join(rows) + "\n").encode())
    upload.name = "companies.csv"
    return upload


def upload(client, personas, file):
    client.force_login(personas["admin"])
    return client.post("/admin/register-io/", {"file": file})


def test_a_file_above_the_web_limit_is_imported_by_the_worker(
    client, personas, small_city, monkeypatch, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(register_io, "WEB_MAX_ROWS", 5)
    response = upload(client, personas, companies_csv(12))
    job = RegisterImportJob.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"/jobs/{job.pk}/")
    assert not HeatingCompany.objects.filter(code="w0").exists()  # not in the request
    page = client.get(response.url).content.decode()
    assert "排队中" in page and 'http-equiv="refresh"' in page
    seen = []
    monkeypatch.setattr(register_io, "PROGRESS_EVERY", 5)
    original = jobs.write_progress

    def record(job_id, done, total):
        original(job_id, done, total)
        # What the page shows while the worker is still importing.
        seen.append(jobs.progress(RegisterImportJob(pk=job_id, state="running")))

    monkeypatch.setattr(jobs, "write_progress", record)
    lines = run_due_tasks(tasks=periodic.TASKS)
    assert len(lines) == 1 and "已完成" in lines[0]
    assert seen == [(5, 12), (10, 12), (12, 12)]
    assert HeatingCompany.objects.filter(code__startswith="w").count() == 12
    job.refresh_from_db()
    assert job.state == "done" and job.rows_done == job.rows_total == 12 and job.data == b""
    page = client.get(response.url).content.decode()
    assert "导入成功：新增 12 条" in page and 'http-equiv="refresh"' not in page
    assert run_due_tasks(tasks=periodic.TASKS) == []  # nothing left to do


def test_a_bad_row_in_a_background_file_imports_nothing_and_is_shown(
    client, personas, small_city, monkeypatch, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(register_io, "WEB_MAX_ROWS", 5)
    response = upload(client, personas, companies_csv(8, bad_line=6))
    run_due_tasks(tasks=periodic.TASKS)
    job = RegisterImportJob.objects.get()
    assert job.state == "failed" and len(job.errors) == 1 and "第 8 行" in job.errors[0]
    assert not HeatingCompany.objects.filter(code__startswith="w").exists()
    page = client.get(response.url).content.decode()
    assert "文件未导入" in page and "第 8 行" in page


def test_a_killed_worker_leaves_the_job_to_its_successor(
    client, personas, small_city, monkeypatch, settings, tmp_path
):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(register_io, "WEB_MAX_ROWS", 5)
    upload(client, personas, companies_csv(7))
    start = timezone.now()

    def killed(*args, **kwargs):
        raise KeyboardInterrupt  # stands for kill -9: nothing after it runs

    with monkeypatch.context() as patch:
        patch.setattr(register_io, "import_register", killed)
        with pytest.raises(KeyboardInterrupt):
            run_due_tasks(start, tasks=periodic.TASKS)
    assert RegisterImportJob.objects.get().state == "running"
    with time_machine.travel(start + timedelta(minutes=5), tick=False):
        assert run_due_tasks(tasks=periodic.TASKS) == []  # the lease still holds
    with time_machine.travel(start + timedelta(seconds=periodic.IMPORT_LEASE_S + 60), tick=False):
        lines = run_due_tasks(tasks=periodic.TASKS)
    assert len(lines) == 1 and RegisterImportJob.objects.get().state == "done"
    assert HeatingCompany.objects.filter(code__startswith="w").count() == 7


@pytest.mark.slow
def test_a_10000_row_file_through_the_web_and_the_worker(
    client, personas, small_city, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    response = upload(client, personas, companies_csv(10_000))
    assert response.status_code == 302
    lines = run_due_tasks(tasks=periodic.TASKS)
    assert "新增 10000 条" in lines[0]
    job = RegisterImportJob.objects.get()
    assert job.state == "done" and job.rows_done == 10_000
    assert HeatingCompany.objects.filter(code__startswith="w").count() == 10_000


def test_a_wide_workbook_goes_to_the_worker_not_through_the_request(
    client, personas, small_city, monkeypatch, settings, tmp_path
):
    """An outsider's 199 rows × 16,384 columns kept a web worker reading past its timeout
    (killed, no message): a request reads at most WEB_MAX_CELLS cells, however few the rows."""
    import openpyxl

    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(register_io, "WEB_MAX_CELLS", 1_000)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "热力公司"
    sheet.append(SHEETS_BY_KIND["companies"].headers() + [f"x{i}" for i in range(600)])
    for i in range(3):
        sheet.append([f"w{i}", f"西城{i}热力有限公司", f"西城{i}"] + ["填充"] * 600)
    file = io.BytesIO()
    workbook.save(file)
    file.seek(0)
    file.name = "wide.xlsx"
    response = upload(client, personas, file)
    job = RegisterImportJob.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"/jobs/{job.pk}/")
