"""Spreadsheet imports started on the staff page, run in the background with visible progress.

`import_job_create()` checks what is cheap to check (size, type, an .xlsx's zip structure, a .csv's
header), stores the upload and queues an `ImportJob`; once the creating transaction commits a daemon
thread runs `import_job_run()`, which calls `importer.import_file()` and publishes its progress.
With the setting XINFANG_IMPORT_INLINE (tests) the job runs in the request instead, deterministically.

Why progress is not simply written to the job row by the importing thread: the importer writes a
whole file in one transaction (all-or-nothing), so anything written on its connection stays invisible
until the end. On PostgreSQL a helper thread with its own connection writes rows_done / rows_total /
progress_at (at most once a second, and only when the importer reports, i.e. every 500 rows, or as a
30 s heartbeat). On SQLite the import holds the database's single write lock from its first to its
last row, so no other connection can write at all; progress is then kept in this process's memory
and shown by the pages this process serves (runserver, or the gunicorn worker that got the poll).

A job whose process died (restart, crash) stays `running` in the table; once it has shown no sign
of life for STALE_AFTER it is marked 中断 and its upload deleted. Nothing half-done is left behind
(the import is one transaction), and uploading the same file again is safe: every row's fingerprint
and every 编号 already stored is recognised as a duplicate, so nothing is registered twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, connection, connections, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from xinfang.accounts.access import actor_context
from xinfang.accounts.models import Role, Unit

from . import importer
from .models import ImportJob, import_upload_path

logger = logging.getLogger(__name__)

STALE_AFTER = dt.timedelta(minutes=10)
HEARTBEAT_S = 30.0
MAX_STORED_PROBLEMS = 2000
MAX_JOB_ID = 2**63 - 1  # a larger id in a URL is simply absent (and must not overflow the database driver)

INTERRUPTED_MESSAGE = (
    "导入已中断（服务器可能重启或出错），本次结果未知。请重新上传同一文件：已导入过的行会被识别为重复，不会重复登记。"
)
FAILED_MESSAGE = "导入时发生系统错误，本次未导入任何数据。请稍后重新上传同一文件；如仍失败，请联系系统管理员。"

ACTIVE = (ImportJob.State.QUEUED, ImportJob.State.RUNNING)

# job id -> (rows read, rows in the file or None): the progress of jobs this process is running.
_LIVE: dict[int, tuple[int, int | None]] = {}
_LIVE_LOCK = threading.Lock()
# One import at a time per process: on SQLite a second one would only wait for the write lock (and
# fail after the busy timeout); queued jobs show 排队中 meanwhile.
_RUN_LOCK = threading.Lock()


def _inline() -> bool:
    return bool(getattr(settings, "XINFANG_IMPORT_INLINE", False))


def _publish(job_id: int, done: int, total: int | None) -> None:
    with _LIVE_LOCK:
        _LIVE[job_id] = (done, total)


def _forget(job_id: int) -> None:
    with _LIVE_LOCK:
        _LIVE.pop(job_id, None)


def _live(job_id: int) -> tuple[int, int | None] | None:
    with _LIVE_LOCK:
        return _LIVE.get(job_id)


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
        importer._header_keys(next(rows, None))
    else:
        raise importer.FileRejected("只能导入.xlsx或.csv文件")
    upload.seek(0)


def import_job_create(*, actor: Any, upload: UploadedFile[Any], filename: str, partial: bool) -> ImportJob:
    """Queue an import of `upload` for the 信访部门 where `actor` is clerk or dispatcher.

    Raises NotPermitted (no such post) or FileRejected / ValidationFailed (a Chinese message for the
    form) before anything is stored. Effects: the upload under MEDIA_ROOT/imports/ (random name), an
    ImportJob row, and after commit a background thread running it (inline with XINFANG_IMPORT_INLINE).
    """
    office = importer.import_office(actor)
    _precheck(upload, filename)
    name = filename[:200] or "upload"
    job = ImportJob(started_by=actor, office=office, filename=name, partial=partial)
    stored = job.file.storage.save(import_upload_path(job, name), upload)
    try:
        with transaction.atomic():
            job.file.name = stored
            job.save()
            if not _inline():
                transaction.on_commit(lambda: _start_thread(job.pk))
    except BaseException:
        job.file.storage.delete(stored)
        raise
    if _inline():
        import_job_run(job_id=job.pk)
        job.refresh_from_db()
    return job


def _start_thread(job_id: int) -> None:
    _publish(job_id, 0, None)  # alive in this process from now on, even while waiting for _RUN_LOCK
    threading.Thread(target=_run_in_thread, args=(job_id,), name=f"import-job-{job_id}", daemon=True).start()


def _run_in_thread(job_id: int) -> None:
    try:
        import_job_run(job_id=job_id)
    except Exception:
        logger.exception("import job %s could not be run", job_id)
    finally:
        _forget(job_id)
        connections.close_all()  # this thread's connections only


# ---------------------------------------------------------------- run


class _Progress:
    """Receives the importer's callbacks; see the module docstring for where they go."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.done = 0
        self.total: int | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._writer: threading.Thread | None = None
        if connection.vendor != "sqlite" and not _inline():
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
                ImportJob.objects.filter(pk=self.job_id, status=ImportJob.State.RUNNING).update(
                    rows_done=self.done, rows_total=self.total, progress_at=timezone.now()
                )
                self._stop.wait(1.0)  # at most one write a second
        except DatabaseError:
            logger.warning("import job %s: progress not written", self.job_id, exc_info=True)
        finally:
            connections.close_all()

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
    with _RUN_LOCK:
        now = timezone.now()
        claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.State.QUEUED).update(
            status=ImportJob.State.RUNNING, started_at=now, progress_at=now
        )
        if not claimed:
            return
        job = ImportJob.objects.select_related("started_by", "office").get(pk=job_id)
        progress = _Progress(job.pk)
        _publish(job.pk, 0, None)
        try:
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
        except Exception:
            logger.exception("import job %s failed", job.pk)
            progress.stop()
            _finish(job, progress, status=ImportJob.State.FAILED)
        else:
            progress.stop()
            _finish(job, progress, status=ImportJob.State.DONE, report=report_json(report))
        finally:
            _forget(job.pk)


def _finish(job: ImportJob, progress: _Progress, *, status: str, report: dict[str, Any] | None = None) -> None:
    """The final write (file cleared, upload deleted). Unconditional: if another process marked the job
    interrupted meanwhile, what really happened wins."""
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
    _delete_upload(job)


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
    if job.status not in ACTIVE:
        return job
    live = _live(job.pk)
    if live is not None:
        job.rows_done, total = max(job.rows_done, live[0]), live[1]
        job.rows_total = total if total is not None else job.rows_total
        return job
    last = job.progress_at or job.started_at or job.created_at
    if timezone.now() - last > STALE_AFTER:
        import_job_interrupt(job=job)
    return job


def import_job_interrupt(*, job: ImportJob) -> None:
    """Mark a job that has shown no sign of life for STALE_AFTER as interrupted and delete its upload.
    Conditional on its state, so that a job finishing at the same moment keeps its result."""
    last = job.progress_at or job.started_at or job.created_at
    updated = ImportJob.objects.filter(pk=job.pk, status=job.status, progress_at=job.progress_at).update(
        status=ImportJob.State.INTERRUPTED, finished_at=timezone.now(), error=INTERRUPTED_MESSAGE, file=""
    )
    if updated:
        _delete_upload(job)
        job.status, job.error, job.file.name = ImportJob.State.INTERRUPTED, INTERRUPTED_MESSAGE, ""
        logger.warning("import job %s marked interrupted (last sign of life %s)", job.pk, last)


@dataclass(frozen=True)
class JobView:
    """What the job page shows, computed once (no arithmetic in templates)."""

    job: ImportJob
    ended: bool
    percent: int | None
    problems: list[list[Any]]
    more_problems: int


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
    )
