"""Spreadsheet imports: one record per imported row (dedupe) and the background job."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinfang.accounts.models import Unit

from .petition import Petition

if TYPE_CHECKING:
    pass


class ImportRecord(models.Model):
    """One imported spreadsheet row: a keyed fingerprint of its normalized content, so that importing the
    same file again (or an overlapping one) creates nothing twice."""

    fingerprint = models.CharField(_("行内容校验值"), max_length=64, unique=True)
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="+", verbose_name=_("信访事项"))
    source = models.CharField(_("来源文件"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("导入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("导入记录")
        verbose_name_plural = _("导入记录")

    def __str__(self) -> str:
        return f"{self.source} → {self.petition_id}"


def import_upload_path(instance: ImportJob, filename: str) -> str:
    """A random name: the clerk's file name may itself carry a petitioner's name."""
    import uuid

    suffix = ".xlsx" if filename.lower().endswith(".xlsx") else ".csv"
    return f"imports/{uuid.uuid4().hex}{suffix}"


class ImportJob(models.Model):
    """One spreadsheet import started on the staff page and run in the background (see import_jobs.py).

    The upload is kept only while the job waits or runs; it is deleted when the job ends (done,
    failed or found interrupted), since it holds ID and phone numbers in clear text."""

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("正在导入")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")
        INTERRUPTED = "interrupted", _("中断")

    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("导入人")
    )
    office = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("信访部门"))
    filename = models.CharField(_("原文件名"), max_length=200)
    file = models.FileField(_("上传文件"), upload_to=import_upload_path, max_length=200, blank=True)
    partial = models.BooleanField(_("只导入正确的行"), default=False)
    status = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.QUEUED)
    rows_done = models.PositiveIntegerField(_("已处理行数"), default=0)
    rows_total = models.PositiveIntegerField(_("总行数"), null=True, blank=True)
    report = models.JSONField(_("导入结果"), default=dict, blank=True)
    error = models.TextField(_("错误信息"), blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    progress_at = models.DateTimeField(_("最近进度时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["office", "-created_at"], name="importjob_office_created")]
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")

    def __str__(self) -> str:
        return f"{self.filename}（{self.get_status_display()}）"
