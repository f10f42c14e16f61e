"""Admin pages for areas, units and users. Writes go through the services (paths, audit)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

from axes import admin as axes_admin  # registers axes' admins first, so that ours replace them
from axes.models import AccessAttempt
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp import admin as _totp_admin  # noqa: F401 - registered first, replaced below
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db import admin as tasks_admin  # registers its admin first, replaced below
from django_tasks_db.models import DBTaskResult

from xinfang.core.admin_types import ModelAdmin, TabularInline
from xinfang.core.audit import audit_record
from xinfang.core.errors import ValidationFailed

from . import services
from .models import Area, Authenticator, Membership, Unit, User

if TYPE_CHECKING:  # the stubs' classes are generic; Django's own are not subscriptable at run time
    _UserAdmin: TypeAlias = BaseUserAdmin[User]
    _CsvImportBase: TypeAlias = ModelAdmin  # what the mixin is mixed into
else:
    _UserAdmin = BaseUserAdmin
    _CsvImportBase = object


class CsvUploadForm(forms.Form):
    file = forms.FileField(label="CSV 文件（UTF-8 或 GB18030 编码）")


class CsvImportMixin(_CsvImportBase):
    import_columns = ""
    import_service: Any = None

    def get_urls(self) -> list[Any]:
        urls = super().get_urls()
        return [
            path(
                "import-csv/", self.admin_site.admin_view(self.import_csv), name=f"{self.model._meta.model_name}_import"
            )
        ] + urls

    def import_csv(self, request: HttpRequest) -> HttpResponse:
        form = CsvUploadForm(request.POST or None, request.FILES or None)
        errors: dict[str, list[str]] = {}
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > 5 * 1024 * 1024:
                form.add_error("file", "文件超过 5 MB")
            else:
                try:
                    count = type(self).import_service(data=upload.read(), actor=request.user)
                except ValidationFailed as exc:
                    errors = exc.errors
                except UnicodeDecodeError:
                    form.add_error("file", "无法识别文件编码，请另存为 UTF-8 或 GB18030 编码的 CSV")
                else:
                    messages.success(request, f"已导入 {count} 行")
                    return redirect(f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_changelist")
        return render(
            request,
            "admin/csv_import.html",
            {
                "form": form,
                "errors": errors,
                "columns": self.import_columns,
                "title": "从 CSV 导入",
                "opts": self.model._meta,
            },
            status=400 if errors or form.errors else 200,
        )


@admin.register(Area)
class AreaAdmin(CsvImportMixin, ModelAdmin):
    list_display = ["code", "name", "level", "parent", "population", "active"]
    list_filter = ["level", "active"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]
    import_columns = "区划代码, 名称, 层级（省/市/县区/乡镇街道/村社区）, 上级代码"
    import_service = staticmethod(services.areas_import_csv)
    change_list_template = "admin/import_changelist.html"

    def save_model(self, request: HttpRequest, obj: Area, form: Any, change: bool) -> None:
        services.area_upsert(
            code=obj.code, name=obj.name, level=obj.level, parent=obj.parent, population=obj.population
        )
        saved = Area.objects.get(code=obj.code)
        obj.pk, obj.path = saved.pk, saved.path
        if change:
            services.area_refresh_paths(area=saved)
        audit_record(actor=request.user, action="area.save", target=saved)


class MembershipInline(TabularInline):
    model = Membership
    extra = 1
    raw_id_fields = ["unit"]


@admin.register(Unit)
class UnitAdmin(CsvImportMixin, ModelAdmin):
    list_display = ["name", "code", "kind", "area", "parent", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent", "area"]
    import_columns = "单位编码, 单位名称, 类别（信访部门/党委政府/职能部门/乡镇街道/村社区/纪检监察/政法部门）, 区划代码, 上级单位编码"
    import_service = staticmethod(services.units_import_csv)
    change_list_template = "admin/import_changelist.html"

    def save_model(self, request: HttpRequest, obj: Unit, form: Any, change: bool) -> None:
        if (
            obj.parent_id
            and change
            and obj.parent is not None
            and obj.parent.path.startswith(Unit.objects.get(pk=obj.pk).path)
        ):
            messages.error(request, "不能把单位移到它自己的下级单位之下")
            return
        obj.path = obj.path or "pending"
        super().save_model(request, obj, form, change)
        services.unit_refresh_paths(unit=obj)
        audit_record(actor=request.user, action="unit.save", target=obj)


@admin.register(User)
class UserAdmin(_UserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "full_name", "is_active", "last_login"]
    search_fields = ["username", "full_name"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("个人信息", {"fields": ["full_name", "phone", "email"]}),
        ("权限", {"fields": ["is_active", "is_staff", "is_superuser"]}),
        ("时间", {"fields": ["last_login", "date_joined"]}),
    ]

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_record(actor=request.user, action="user.change" if change else "user.create", target=obj)


# django-axes: its texts are translated in locale/zh_Hans; two columns are methods without a description.
admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class AccessAttemptAdmin(axes_admin.AccessAttemptAdmin):  # type: ignore[misc]  # untyped to mypy here
    @admin.display(description=_("状态"))
    def status(self, obj: AccessAttempt) -> str:
        return str(super().status(obj))

    @admin.display(description=_("解除锁定时间"))
    def expiration(self, obj: AccessAttempt) -> Any:
        return super().expiration(obj)


class AuthenticatorForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Authenticator
        fields = ["name", "confirmed"]
        labels = {"name": _("设备名称"), "confirmed": _("已启用")}
        help_texts = {"confirmed": _("取消勾选即停用；用户换手机时删除设备，由本人重新绑定。")}


# django-otp's TOTP device, under the accounts.Authenticator proxy: Chinese labels, and no secret key or
# QR code on the page. People enrol themselves (accounts:otp); an administrator renames, disables or deletes.
admin.site.unregister(TOTPDevice)


@admin.register(Authenticator)
class AuthenticatorAdmin(ModelAdmin):
    form = AuthenticatorForm
    list_display = ["owner", "device_name", "enabled", "created", "last_used"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__full_name", "name"]
    search_help_text = _("按用户名、姓名或设备名称查找")
    fields = ["owner", "name", "confirmed", "created", "last_used"]
    readonly_fields = ["owner", "created", "last_used"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the person scans the QR code on their own page (accounts:otp)

    @admin.display(description=_("用户"), ordering="user__username")
    def owner(self, obj: Authenticator) -> str:
        return str(obj.user)

    @admin.display(description=_("设备名称"), ordering="name")
    def device_name(self, obj: Authenticator) -> str:
        return str(obj.name)

    @admin.display(description=_("已启用"), boolean=True, ordering="confirmed")
    def enabled(self, obj: Authenticator) -> bool:
        return bool(obj.confirmed)

    @admin.display(description=_("绑定时间"), ordering="created_at")
    def created(self, obj: Authenticator) -> Any:
        return obj.created_at

    @admin.display(description=_("最近使用"), ordering="last_used_at")
    def last_used(self, obj: Authenticator) -> Any:
        return obj.last_used_at


admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(tasks_admin.DBTaskResultAdmin):
    """The background tasks (imports, sweeps) with Chinese column names; read-only like the library's own."""

    list_display = (
        "task_id",
        "task_label",
        "status",
        "enqueued_at",
        "started_at",
        "finished_at",
        "priority",
        "queue_name",
    )
    list_filter = ("status", "priority", "queue_name")

    @admin.display(description=_("任务编号"))
    def task_id(self, obj: Any) -> str:
        return str(obj.id)

    @admin.display(description=_("任务"))
    def task_label(self, obj: Any) -> str:
        return str(obj.task_name)

    @admin.display(description=_("错误追踪"))
    def formatted_traceback(self, obj: Any) -> str:
        return str(super().formatted_traceback(obj))

    @admin.display(description=_("最早执行时间"))
    def display_run_after(self, obj: Any) -> Any:
        return super().display_run_after(obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        return ["task_id" if name == "id" else name for name in fields]
