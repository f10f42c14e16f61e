"""Administrators maintain the rules and the holiday calendar here. Every save or delete asks for the open
deadlines to be recomputed (from save_model/delete_model, not model signals, so imports and migrations stay
silent; the cases' app answers `services.recompute_requested`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from xinfang.accounts.models import Area
from xinfang.core.admin_types import ModelAdmin, ModelForm

from .models import CalendarOverride, CalendarYear, TimeLimitRule
from .services import calendar_missing_years, recompute_request


def _recompute(admin_obj: admin.ModelAdmin[Any], request: HttpRequest, reason: str) -> None:
    changed = recompute_request(reason=reason)
    if changed:
        admin_obj.message_user(request, f"已重新计算进行中的期限：{changed}项期限的到期日发生变化，已记入办理记录。")


def _warn_calendar(request: HttpRequest) -> None:
    missing = calendar_missing_years()
    if missing:
        years = "、".join(f"{y}年" for y in missing)
        messages.warning(
            request,
            f"{years}的法定节假日安排尚未录入：日历库（chinesecalendar）和节假日调整表都没有该年数据，"
            f"工作日期限只能按周末推算并显示为“预计”。请按国务院办公厅通知录入“节假日调整”，"
            f"并在“已录入节假日安排的年份”中登记该年；或升级 chinesecalendar。",
        )


class RecomputeMixin:
    recompute_label = "期限规则"

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        _recompute(self, request, f"{self.recompute_label}“{obj}”{'已修改' if change else '已新增'}")  # type: ignore[arg-type]

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        label = str(obj)
        super().delete_model(request, obj)  # type: ignore[misc]
        _recompute(self, request, f"{self.recompute_label}“{label}”已删除")  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        count = queryset.count()
        super().delete_queryset(request, queryset)  # type: ignore[misc]
        _recompute(self, request, f"删除{count}条{self.recompute_label}")  # type: ignore[arg-type]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if request.method == "GET":
            _warn_calendar(request)
        return super().changelist_view(request, extra_context)  # type: ignore[misc, no-any-return]


class TimeLimitRuleForm(ModelForm):
    class Meta:
        model = TimeLimitRule
        fields = [
            "code",
            "name",
            "legal_basis",
            "note",
            "days",
            "unit",
            "start_event",
            "roll_forward",
            "party",
            "area_code",
            "effective_from",
            "effective_to",
            "active",
        ]

    def clean_area_code(self) -> str:
        code = (self.cleaned_data.get("area_code") or "").strip()
        if code and not Area.objects.filter(code=code).exists():
            raise forms.ValidationError("区划代码不存在，请先在“行政区划”中维护")
        return code


@admin.register(TimeLimitRule)
class TimeLimitRuleAdmin(RecomputeMixin, ModelAdmin):
    form = TimeLimitRuleForm
    recompute_label = "期限规则"
    list_display = [
        "code",
        "name",
        "legal_basis",
        "days",
        "unit",
        "roll_forward",
        "party",
        "area_code",
        "effective_from",
        "effective_to",
        "active",
    ]
    list_filter = ["active", "party", "unit", "code"]
    search_fields = ["code", "name", "legal_basis", "area_code"]
    fieldsets = [
        (None, {"fields": ["code", "name", "legal_basis", "note"]}),
        ("期限", {"fields": ["days", "unit", "start_event", "roll_forward", "party"]}),
        ("适用范围与版本", {"fields": ["area_code", "effective_from", "effective_to", "active"]}),
    ]


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(RecomputeMixin, ModelAdmin):
    recompute_label = "节假日调整"
    list_display = ["date", "kind", "note"]
    list_filter = ["kind"]
    search_fields = ["note"]
    date_hierarchy = "date"


@admin.register(CalendarYear)
class CalendarYearAdmin(RecomputeMixin, ModelAdmin):
    recompute_label = "节假日安排年份"
    list_display = ["year", "source", "created_at"]
