"""Background register imports (issue 18 item 9): a file with more rows than a web request
may import is stored as a :class:`RegisterImportJob` and imported by `wennuan worker`
(``registry/periodic.py``); its page in the admin shows the progress and refreshes itself.

The import stays all or nothing. While it runs, the rows checked so far are written to a
small file in the data folder (``register-imports/<id>.progress``), which the page reads:
the job's own row cannot be written from outside the import's transaction on SQLite."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import io as register_io
from .models import RegisterImportJob

# Row errors kept on the job for its page (a broken 10,000-row file can have 10,000).
MAX_STORED_ERRORS = 500


def _progress_path(job_id: int) -> Path:
    return Path(settings.DATA_DIR) / "register-imports" / f"{job_id}.progress"


def write_progress(job_id: int, done: int, total: int) -> None:
    path = _progress_path(job_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(f"{done} {total}")
    os.replace(temporary, path)  # the page never reads half a file


def progress(job: RegisterImportJob) -> tuple[int, int | None]:
    """(rows checked, rows in the file) — from the row once finished, else the progress file."""
    if job.state == RegisterImportJob.State.RUNNING:
        try:
            done, total = _progress_path(job.pk).read_text().split()
            return int(done), int(total)
        except (OSError, ValueError):
            pass
    return job.rows_done, job.rows_total


def enqueue(data: bytes, filename: str, kind: str | None, user) -> RegisterImportJob:
    return RegisterImportJob.objects.create(
        filename=filename[:200], kind=kind or "", data=data, created_by=user
    )


def next_job() -> RegisterImportJob | None:
    """The oldest job not finished (a running one again after its worker died)."""
    return (
        RegisterImportJob.objects.filter(
            state__in=[RegisterImportJob.State.QUEUED, RegisterImportJob.State.RUNNING]
        )
        .defer("data")
        .first()
    )


def run_job(job: RegisterImportJob) -> str:
    """Import the job's file (command-line limits) and record the outcome on the job."""
    RegisterImportJob.objects.filter(pk=job.pk).update(
        state=RegisterImportJob.State.RUNNING, started_at=timezone.now()
    )
    data = bytes(RegisterImportJob.objects.values_list("data", flat=True).get(pk=job.pk))
    outcome = {"finished_at": timezone.now(), "data": b""}
    try:
        result = register_io.import_register(
            data,
            job.filename,
            job.kind or None,
            progress=lambda done, total: write_progress(job.pk, done, total),
        )
    except register_io.ImportFileError as error:
        outcome.update(state=RegisterImportJob.State.FAILED, errors=[str(error)])
    else:
        done, total = progress(RegisterImportJob(pk=job.pk, state="running"))
        outcome.update(
            rows_done=done,
            rows_total=total,
            created=result.created,
            updated=result.updated,
            errors=[str(error) for error in result.errors[:MAX_STORED_ERRORS]],
            state=RegisterImportJob.State.DONE if result.ok else RegisterImportJob.State.FAILED,
        )
    outcome["finished_at"] = timezone.now()
    with transaction.atomic():
        RegisterImportJob.objects.filter(pk=job.pk).update(**outcome)
    _progress_path(job.pk).unlink(missing_ok=True)
    state = outcome["state"]
    return (
        f"登记册导入 #{job.pk} {job.filename}：{RegisterImportJob.State(state).label}，"
        f"新增 {sum(outcome.get('created', {}).values())} 条，"
        f"更新 {sum(outcome.get('updated', {}).values())} 条"
    )
