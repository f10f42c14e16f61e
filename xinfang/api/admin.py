"""Admin pages: issue and revoke API tokens and Open311 keys (the clear value is shown once, the
stored digest is read-only); Open311 service definitions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from xinfang.accounts.models import Role, Unit
from xinfang.core.admin_types import ModelAdmin, ModelForm, TabularInline
from xinfang.core.errors import ValidationFailed

from . import services
from .models import ApiToken, IdempotencyRecord, Open311Attribute, Open311Key, Open311Service, Open311Submission

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldGroups

ROLE_CHOICES = [(value, label) for value, label in Role.choices if value != Role.ADMIN]


class ApiTokenForm(ModelForm):
    roles = forms.MultipleChoiceField(
        label="岗位",
        choices=ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text="接口账号在所属单位的岗位，决定它能看到和办理哪些信访事项",
    )

    class Meta:
        model = ApiToken
        fields = ["name", "unit"]


class Open311KeyForm(ModelForm):
    class Meta:
        model = Open311Key
        fields = ["name", "unit"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "unit" in self.fields:
            unit = cast("forms.ModelChoiceField[Unit]", self.fields["unit"])  # the form field of a foreign key
            unit.queryset = Unit.objects.filter(kind=Unit.Kind.XINFANG, active=True)
            unit.help_text = "登记单位：通过该密钥提交的事项登记在此信访部门"


class CredentialAdmin(ModelAdmin):
    list_display = ["name", "unit", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "unit__name", "prefix"]
    readonly_fields = ["unit", "user", "prefix", "digest", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> _FieldGroups:
        if obj is None:
            return list(self.form.base_fields)
        return ["name", *self.readonly_fields]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["name", *self.readonly_fields] if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoke instead: the service user and its history stay for the audit trail

    def issue(self, request: HttpRequest, obj: Any, form: forms.ModelForm[Any]) -> services.Issued:
        raise NotImplementedError

    def save_model(self, request: HttpRequest, obj: Any, form: forms.ModelForm[Any], change: bool) -> None:
        if change:
            return
        try:
            issued = self.issue(request, obj, form)
        except ValidationFailed as exc:
            # The form already checked the fields; a refusal here is shown rather than half-saved.
            messages.error(request, exc.message)
            raise
        messages.warning(request, f"“{obj.name}”已签发，请立即复制保存（只显示这一次）：{issued.raw}")

    @admin.action(description="吊销所选")
    def revoke(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        count = 0
        for credential in queryset.filter(revoked_at__isnull=True):
            services.credential_revoke(credential=credential, actor=request.user)
            count += 1
        messages.success(request, f"已吊销 {count} 个")


@admin.register(ApiToken)
class ApiTokenAdmin(CredentialAdmin):
    form = ApiTokenForm

    def issue(self, request: HttpRequest, obj: Any, form: forms.ModelForm[Any]) -> services.Issued:
        return services.api_token_create(
            name=form.cleaned_data["name"],
            unit=form.cleaned_data["unit"],
            roles=form.cleaned_data["roles"],
            actor=request.user,
            instance=obj,
        )


@admin.register(Open311Key)
class Open311KeyAdmin(CredentialAdmin):
    form = Open311KeyForm

    def issue(self, request: HttpRequest, obj: Any, form: forms.ModelForm[Any]) -> services.Issued:
        return services.open311_key_create(
            name=form.cleaned_data["name"], unit=form.cleaned_data["unit"], actor=request.user, instance=obj
        )


class Open311AttributeInline(TabularInline):
    model = Open311Attribute
    extra = 0


@admin.register(Open311Service)
class Open311ServiceAdmin(ModelAdmin):
    list_display = ["category", "type", "keywords", "group", "updated_at"]
    list_filter = ["type"]
    raw_id_fields = ["category"]
    inlines = [Open311AttributeInline]


@admin.register(Open311Submission)
class Open311SubmissionAdmin(ModelAdmin):
    list_display = ["token", "key", "petition", "service_type", "created_at"]
    readonly_fields = [f.name for f in Open311Submission._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(ModelAdmin):
    list_display = ["scope", "key", "method", "path", "status_code", "created_at", "completed_at"]
    readonly_fields = [f.name for f in IdempotencyRecord._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
