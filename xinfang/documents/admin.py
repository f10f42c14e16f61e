"""Offices replace the shipped notice templates here: upload (checked at once), preview, download the
default to start from. Generated documents and 送达 records are read-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from xinfang.core.admin_types import ModelAdmin, ModelForm
from xinfang.core.errors import ValidationFailed

from . import services
from .models import Delivery, Document, DocumentTemplate

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx_response(content: bytes, filename: str) -> HttpResponse:
    resp = HttpResponse(content, content_type=DOCX)
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return resp


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


class TemplateForm(ModelForm):
    kind = forms.ChoiceField(label="文书种类", choices=list(services.KINDS.items()))

    class Meta:
        model = DocumentTemplate
        fields = ["office", "kind", "file", "active", "note"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload and data.get("kind") and hasattr(upload, "read"):
            upload.seek(0)
            content = upload.read()
            try:
                services.template_check(kind=data["kind"], content=content)
            except ValidationFailed as exc:
                self.add_error("file", exc.message)
            else:
                self.content = content
        return data


@admin.register(DocumentTemplate)
class DocumentTemplateAdmin(ModelAdmin):
    form = TemplateForm
    list_display = ["office", "kind_label", "version", "active", "created_at", "preview_link"]
    list_filter = ["kind", "active"]
    search_fields = ["office__name", "office__code"]
    readonly_fields = ["version", "checksum", "uploaded_by"]

    @admin.display(description="文书种类")
    def kind_label(self, obj: DocumentTemplate) -> str:
        return services.KINDS.get(obj.kind, obj.kind)

    @admin.display(description="预览")
    def preview_link(self, obj: DocumentTemplate) -> str:
        return format_html('<a href="{}">下载样例</a>', reverse("admin:documents_template_preview", args=[obj.pk]))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # A stored version is never edited in place (documents name it); upload a new one instead.
        return [*self.readonly_fields, "office", "kind", "file"] if obj else list(self.readonly_fields)

    def save_model(self, request: HttpRequest, obj: DocumentTemplate, form: Any, change: bool) -> None:
        if change:
            obj.save(update_fields=["active", "note", "updated_at"])
        else:
            services.template_save(actor=request.user, template=obj, content=form.content)

    def get_urls(self) -> list[URLPattern]:
        extra = [
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="documents_template_preview",
            ),
            path(
                "default/<slug:kind>/",
                self.admin_site.admin_view(self.default_view),
                name="documents_template_default",
            ),
        ]
        return extra + super().get_urls()

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        tpl = get_object_or_404(DocumentTemplate, pk=pk)
        content = services.template_preview(template=tpl)
        return docx_response(content, f"样例-{services.KINDS.get(tpl.kind, tpl.kind)}-v{tpl.version}.docx")

    def default_view(self, request: HttpRequest, kind: str) -> HttpResponse:
        """The shipped default, filled with the sample: what an office starts its own from is the raw
        template (`?raw=1`), which keeps the {{ }} fields."""
        if not self.has_view_permission(request) or kind not in services.KINDS:
            raise PermissionDenied
        template, _ = services.template_for(kind=kind, owners=[])
        if request.GET.get("raw"):
            return docx_response(template, f"默认模板-{services.KINDS[kind]}.docx")
        content = services.render_docx(template=template, context=services.SAMPLE_CONTEXT)
        return docx_response(content, f"样例-{services.KINDS[kind]}.docx")


class DeliveryInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Delivery
    extra = 0
    can_delete = False
    fields = ["method", "tracking_number", "delivered_at", "recipient", "recorded_by_name", "note"]
    readonly_fields = ["method", "tracking_number", "delivered_at", "recipient", "recorded_by_name", "note"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Document)
class DocumentAdmin(ModelAdmin):
    list_display = ["reference", "title", "doc_number", "version", "issuer", "created_at"]
    list_filter = ["kind"]
    search_fields = ["reference", "doc_number"]
    inlines = [DeliveryInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
