"""Spreadsheet imports started on the staff page, run by a task worker with visible progress.

`import_job_create()` checks what is cheap to check (size, type, an .xlsx's zip structure, a .csv's
header), stores the upload, and in one transaction writes an `ImportJob` and enqueues the task
`run_import_job` below (django-tasks; with the database backend the task is a row, so the job
and its task exist together or not at all). A worker (`manage.py db_worker`) then runs `import_job_run()`.

All or nothing: the import and the job's final state (done, with the report) are one transaction. A
worker that dies mid-import (killed, restarted, out of memory) leaves nothing imported and the job
`running`; `import_jobs_recover()` (run by every worker start, `manage.py import_jobs_recover`, and by
the pages that show the job) marks it 中断 with a reason, and deletes its upload. Uploading the same
file again is safe in any case: rows already stored are recognised as duplicates.

Why progress is not simply written to the job row by the importing connection: that connection is
inside the import's transaction, invisible to others until the end. A heartbeat thread publishes
rows_done / rows_total every time the importer reports (every 500 rows) and at least every HEARTBEAT_S:
into a small file under XINFANG_IMPORT_PROGRESS_DIR (always: on SQLite the import holds the database's
single write lock, so nothing else could be written) and, on PostgreSQL, into the job row through its
own connection (seen by web servers on other machines). The file also names the worker's host and
process, so that a dead worker on this machine is recognised at once, not only after STALE_AFTER.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, connection, connections, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django_tasks import task

from xinfang.accounts.access import actor_context
from xinfang.accounts.models import Role, Unit

from . import importer
from .models import ImportJob, import_upload_path

logger = logging.getLogger(__name__)

STALE_AFTER = dt.timedelta(minutes=2)  # no heartbeat for this long: the worker is gone
HEARTBEAT_S = 10.0
MAX_STORED_PROBLEMS = 2000
MAX_JOB_ID = 2**63 - 1  # a larger id in a URL is simply absent (and must not overflow the database driver)

INTERRUPTED_MESSAGE = (
    "导入未完成：处理导入的后台服务在导入过程中停止（可能是服务器重启或故障），本次未导入任何数据。请重新上传同一文件。"
)
FAILED_MESSAGE = "导入时发生系统错误，本次未导入任何数据。请稍后重新上传同一文件；如仍失败，请联系系统管理员。"
QUEUED_LONG_AFTER = dt.timedelta(minutes=5)  # the page then says the background service may be stopped

ACTIVE = (ImportJob.State.QUEUED, ImportJob.State.RUNNING)
_HOST = socket.gethostname()


# ---------------------------------------------------------------- progress file


def _progress_path(job_id: int) -> Path:
    # Named by database too: test runs (and two installations) sharing a directory never mix jobs.
    db = hashlib.sha256(str(connection.settings_dict["NAME"]).encode()).hexdigest()[:10]
    return Path(settings.XINFANG_IMPORT_PROGRESS_DIR) / f"{db}-{job_id}.json"


def _publish(job_id: int, done: int, total: int | None) -> None:
    """Write the progress file atomically (rename), stamped with the time, host and process."""
    path = _progress_path(job_id)
    data = {"done": done, "total": total, "at": time.time(), "host": _HOST, "pid": os.getpid()}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        logger.warning("import job %s: progress file not written", job_id, exc_info=True)


def _forget(job_id: int) -> None:
    _progress_path(job_id).unlink(missing_ok=True)


def _live(job_id: int) -> dict[str, Any] | None:
    try:
        data = json.loads(_progress_path(job_id).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _process_gone(live: dict[str, Any]) -> bool:
    """True only when the worker named by the file ran on this machine and has exited."""
    if live.get("host") != _HOST or not isinstance(live.get("pid"), int):
        return False
    try:
        os.kill(live["pid"], 0)
    except ProcessLookupError:
        return True
    except OSError:  # exists, owned by someone else
        return False
    return False


# ---------------------------------------------------------------- create


def _precheck(upload: UploadedFile[Any], filename: str) -> None:
    """The checks that cost little, so that a wrong file is refused on the page itself. Parsing an
    .xlsx (seconds for a large one) is left to the job, whose report then names the problem."""
    importer.check_size(upload.size or 0)
    name = filename.lower()
    if name.endswith(".xlsx"):
        importer.check_zip(upload)
    elif name.endswith(".csv"):
        rows = importer.read_rows(upload, filename)
        importer.header_keys(next(rows, None))
    else:
        raise importer.FileRejected("只能导入.xlsx或.csv文件")
    upload.seek(0)


def import_job_create(*, actor: Any, upload: UploadedFile[Any], filename: str, partial: bool) -> ImportJob:
    """Queue an import of `upload` for the 信访部门 where `actor` is clerk or dispatcher.

    Raises NotPermitted (no such post) or FileRejected / ValidationFailed (a Chinese message for the
    form) before anything is stored. Effects: the upload under MEDIA_ROOT/imports/ (random name), an
    ImportJob row and its task, in one transaction (with the immediate backend of the tests the task
    runs right here, before this returns)."""
    office = importer.import_office(actor)
    _precheck(upload, filename)
    name = filename[:200] or "upload"
    job = ImportJob(started_by=actor, office=office, filename=name, partial=partial)
    stored = job.file.storage.save(import_upload_path(job, name), upload)
    try:
        with transaction.atomic():
            job.file.name = stored
            job.save()
            run_import_job.enqueue(job_id=job.pk)
    except BaseException:
        job.file.storage.delete(stored)
        raise
    job.refresh_from_db()
    return job


# ---------------------------------------------------------------- run


class _Progress:
    """Receives the importer's callbacks; see the module docstring for where they go."""

    def __init__(self, job_id: int, *, heartbeat: bool) -> None:
        self.job_id = job_id
        self.done = 0
        self.total: int | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._to_db = connection.vendor != "sqlite"
        self._writer: threading.Thread | None = None
        _publish(job_id, 0, None)
        if heartbeat:
            self._writer = threading.Thread(target=self._write_loop, name=f"import-progress-{job_id}", daemon=True)
            self._writer.start()

    def rows(self, done: int) -> None:
        self.done = done
        _publish(self.job_id, self.done, self.total)
        self._wake.set()

    def set_total(self, total: int) -> None:
        self.total = total
        _publish(self.job_id, self.done, self.total)
        self._wake.set()

    def _write_loop(self) -> None:
        try:
            while not self._stop.is_set():
                self._wake.wait(timeout=HEARTBEAT_S)
                self._wake.clear()
                if self._stop.is_set():
                    break
                _publish(self.job_id, self.done, self.total)  # the heartbeat, even while no row moves
                if self._to_db:
                    ImportJob.objects.filter(pk=self.job_id, status=ImportJob.State.RUNNING).update(
                        rows_done=self.done, rows_total=self.total, progress_at=timezone.now()
                    )
                self._stop.wait(1.0)  # at most one write a second
        except DatabaseError:
            logger.warning("import job %s: progress not written", self.job_id, exc_info=True)
        finally:
            connections.close_all()  # this thread's connections only

    def stop(self) -> None:
        """Before the final write, so that a late progress write cannot overwrite it."""
        self._stop.set()
        self._wake.set()
        if self._writer is not None:
            self._writer.join(timeout=60)


def report_json(report: importer.ImportReport) -> dict[str, Any]:
    return {
        "summary": report.summary(),
        "rows": report.rows,
        "created": report.created,
        "duplicates": report.duplicates,
        "bad_rows": report.bad_rows,
        "committed": report.committed,
        "fatal": report.fatal,
        "first": report.first,
        "last": report.last,
        "problems": [[p.row, p.column, p.message] for p in report.problems[:MAX_STORED_PROBLEMS]],
        "problems_total": len(report.problems),
    }


def import_job_run(*, job_id: int) -> None:
    """Run a queued job: import the stored file, record the report, delete the file.

    Does nothing if the job is no longer queued (run already, or marked interrupted). The importer
    re-checks that the starter is still clerk or dispatcher of the office; petitions and their audit
    records are written by the importer (petitions.bulk). Never raises for bad content or a failure of
    the import itself: the job ends `done` with the report, or `failed` with a Chinese message."""
    now = timezone.now()
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.State.QUEUED).update(
        status=ImportJob.State.RUNNING, started_at=now, progress_at=now
    )
    if not claimed:
        return
    job = ImportJob.objects.select_related("started_by", "office").get(pk=job_id)
    # Inside a transaction already (immediate backend, tests) the claim is not visible to a second
    # connection, whose progress writes would only wait for this one: no heartbeat thread then.
    progress = _Progress(job.pk, heartbeat=not connection.in_atomic_block)
    try:
        with transaction.atomic():  # the petitions and the job's result commit together, or neither
            with job.file.open("rb") as fh:
                report = importer.import_file(
                    fh,
                    filename=job.filename,
                    actor=job.started_by,
                    office_code=job.office.code,
                    partial=job.partial,
                    progress=progress.rows,
                    total=progress.set_total,
                )
            progress.stop()
            _finish(job, progress, status=ImportJob.State.DONE, report=report_json(report))
    except Exception:
        logger.exception("import job %s failed", job.pk)
        progress.stop()
        _finish(job, progress, status=ImportJob.State.FAILED)
    except BaseException:  # the worker told to stop at once (a second Ctrl-C / SIGTERM): rolled back
        progress.stop()
        job.refresh_from_db(fields=["status", "progress_at"])
        import_job_interrupt(job=job)
        raise
    finally:
        _forget(job.pk)
    _delete_upload(job)


def _finish(job: ImportJob, progress: _Progress, *, status: str, report: dict[str, Any] | None = None) -> None:
    """The final write (file cleared). Unconditional: if another process marked the job interrupted
    meanwhile, what really happened wins."""
    now = timezone.now()
    fields: dict[str, Any] = {
        "status": status,
        "rows_done": report["rows"] if report is not None else progress.done,
        "rows_total": progress.total,
        "finished_at": now,
        "progress_at": now,
        "file": "",
    }
    if report is not None:
        fields["report"] = report
    if status == ImportJob.State.FAILED:
        fields["error"] = FAILED_MESSAGE
    ImportJob.objects.filter(pk=job.pk).update(**fields)


def _delete_upload(job: ImportJob) -> None:
    if not job.file.name:
        return
    try:
        job.file.storage.delete(job.file.name)
    except OSError:
        logger.warning("import job %s: upload %s not deleted", job.pk, job.file.name, exc_info=True)


# ---------------------------------------------------------------- read


def _import_office_ids(actor: Any) -> set[int]:
    ctx = actor_context(actor)
    return {u.pk for u in ctx.units_with(Role.CLERK, Role.DISPATCHER) if u.kind == Unit.Kind.XINFANG}


def import_job_get(*, actor: Any, job_id: int) -> ImportJob:
    """A job for its starter or a clerk / dispatcher of its office; absent and forbidden are the same 404.
    A job found dead (see module docstring) is marked 中断 first; a running one carries its live progress."""
    if not 0 < job_id <= MAX_JOB_ID:
        raise Http404("导入任务不存在或无权查看")
    job = ImportJob.objects.select_related("started_by", "office").filter(pk=job_id).first()
    if job is None or (job.started_by_id != actor.pk and job.office_id not in _import_office_ids(actor)):
        raise Http404("导入任务不存在或无权查看")
    return _refresh(job)


def import_job_list(*, actor: Any, limit: int = 10) -> list[ImportJob]:
    """The latest jobs of the actor's import offices, and the actor's own."""
    office_ids = _import_office_ids(actor)
    jobs = ImportJob.objects.filter(Q(office_id__in=office_ids) | Q(started_by_id=actor.pk)).select_related(
        "started_by"
    )
    return [_refresh(job) for job in jobs.defer("report")[:limit]]


def _refresh(job: ImportJob) -> ImportJob:
    """A running job with the progress its worker published; a dead one is marked 中断 first."""
    if job.status != ImportJob.State.RUNNING:
        return job
    live = _live(job.pk)
    if _is_dead(job, live):
        import_job_interrupt(job=job)
        return job
    if live is not None:
        job.rows_done = max(job.rows_done, int(live.get("done") or 0))
        job.rows_total = live.get("total") or job.rows_total
    return job


def _is_dead(job: ImportJob, live: dict[str, Any] | None, now: dt.datetime | None = None) -> bool:
    if live is not None and _process_gone(live):
        return True
    last = job.progress_at or job.started_at or job.created_at
    if live is not None and isinstance(live.get("at"), int | float):
        last = max(last, dt.datetime.fromtimestamp(live["at"], tz=dt.UTC))
    return (now or timezone.now()) - last > STALE_AFTER


def import_jobs_recover(*, now: dt.datetime | None = None) -> list[int]:
    """Mark every running job whose worker is gone as 中断 (see the module docstring); returns their ids.

    Queued jobs are left alone: their task is still in the queue and a worker will run them."""
    interrupted = []
    for job in ImportJob.objects.filter(status=ImportJob.State.RUNNING).defer("report"):
        if _is_dead(job, _live(job.pk), now) and import_job_interrupt(job=job):
            interrupted.append(job.pk)
    return interrupted


def import_job_interrupt(*, job: ImportJob) -> bool:
    """Mark a job whose worker is gone as interrupted and delete its upload. Conditional on its state,
    so that a job finishing at the same moment keeps its result. Nothing of it was imported: the
    import and the job's result are one transaction."""
    updated = ImportJob.objects.filter(pk=job.pk, status=job.status, progress_at=job.progress_at).update(
        status=ImportJob.State.INTERRUPTED, finished_at=timezone.now(), error=INTERRUPTED_MESSAGE, file=""
    )
    if not updated:
        return False
    _delete_upload(job)
    _forget(job.pk)
    job.status, job.error, job.file.name = ImportJob.State.INTERRUPTED, INTERRUPTED_MESSAGE, ""
    logger.warning("import job %s marked interrupted (last sign of life %s)", job.pk, job.progress_at)
    return True


@dataclass(frozen=True)
class JobView:
    """What the job page shows, computed once (no arithmetic in templates)."""

    job: ImportJob
    ended: bool
    percent: int | None
    problems: list[list[Any]]
    more_problems: int
    queued_long: bool  # waiting so long that the background service may not be running


def import_job_view(job: ImportJob) -> JobView:
    ended = job.status not in ACTIVE
    percent = None
    if job.rows_total:
        percent = min(100, job.rows_done * 100 // job.rows_total)
    report = job.report or {}
    problems = report.get("problems", []) if ended else []
    return JobView(
        job=job,
        ended=ended,
        percent=100 if ended and job.status == ImportJob.State.DONE else percent,
        problems=problems,
        more_problems=max(0, int(report.get("problems_total", 0)) - len(problems)) if ended else 0,
        queued_long=job.status == ImportJob.State.QUEUED and timezone.now() - job.created_at > QUEUED_LONG_AFTER,
    )


@task()
def run_import_job(job_id: int) -> None:
    """One staff-page import in the background (django-tasks; `manage.py db_worker`): `import_job_run`."""
    import_job_run(job_id=job_id)
