"""Every name an administrator reads in the admin is Chinese (issue 15): apps, models, fields, columns,
filters and form labels, on the pages themselves and in the models behind them."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import label_for_field
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

CJK = re.compile(r"[\u4e00-\u9fff]")
ASCII_ALLOWED = {"ID"}  # Django's automatic primary key; everything else carries Chinese (e.g. "IP 地址")


def _foreign(labels: dict[str, object]) -> dict[str, str]:
    return {
        where: str(text)
        for where, text in labels.items()
        if str(text) not in ASCII_ALLOWED and not CJK.search(str(text))
    }


def test_every_model_and_field_of_our_apps_has_a_chinese_name():
    labels: dict[str, object] = {}
    with translation.override("zh-hans"):
        for config in apps.get_app_configs():
            if not config.name.startswith("xinfang."):
                continue
            labels[config.label] = config.verbose_name
            for model in config.get_models():
                meta = model._meta
                labels[meta.label] = meta.verbose_name
                labels[f"{meta.label} (plural)"] = meta.verbose_name_plural
                for field in [*meta.local_fields, *meta.local_many_to_many]:
                    labels[f"{meta.label}.{field.name}"] = field.verbose_name
        assert _foreign(labels) == {}


@pytest.fixture
def superuser(db):
    from xinfang.accounts.models import User

    return User.objects.create_superuser(username="root", password="pass-word-123")


def test_every_label_the_admin_shows_is_chinese(superuser):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    labels: dict[str, object] = {}
    with translation.override("zh-hans"):
        for model, model_admin in admin.site._registry.items():
            meta = model._meta
            labels[f"app {meta.app_label}"] = meta.app_config.verbose_name
            labels[meta.label] = meta.verbose_name
            labels[f"{meta.label} (plural)"] = meta.verbose_name_plural
            for name in model_admin.get_list_display(request):
                if name != "__str__":
                    labels[f"{meta.label} column {name}"] = label_for_field(name, model, model_admin)
            for spec in model_admin.get_list_filter(request):
                if isinstance(spec, str):
                    labels[f"{meta.label} filter {spec}"] = label_for_field(spec, model, model_admin)
                elif isinstance(spec, type):
                    labels[f"{meta.label} filter {spec.__name__}"] = spec.title
            for title, _options in model_admin.get_fieldsets(request):
                if title:
                    labels[f"{meta.label} fieldset"] = title
            for name in model_admin.get_readonly_fields(request):
                labels[f"{meta.label} readonly {name}"] = label_for_field(name, model, model_admin)
            form = model_admin.get_form(request)()
            for name, field in form.fields.items():
                labels[f"{meta.label} form {name}"] = field.label
            if model_admin.search_help_text:
                labels[f"{meta.label} search help"] = model_admin.search_help_text
        assert _foreign(labels) == {}


def _texts(html: str, tag: str) -> list[str]:
    found = re.findall(rf"<{tag}\b[^>]*>(.*?)</{tag}>", html, re.S)
    return [t for t in (unescape(re.sub(r"<[^>]+>", "", f)).strip().rstrip("：:") for f in found) if t]


def test_admin_index_changelists_and_add_pages_are_200_and_chinese(client, superuser):
    client.force_login(superuser)
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    shown = _texts(index.content.decode(), "caption") + _texts(index.content.decode(), "th")
    assert shown and [t for t in shown if not CJK.search(t)] == []

    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        changelist = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        assert changelist.status_code == 200, meta.label
        html = changelist.content.decode()
        # filter titles (<h3>) and the page heading
        for text in _texts(html, "h3") + _texts(html, "h1"):
            assert CJK.search(text), (meta.label, text)

        request = RequestFactory().get("/")
        request.user = superuser
        if not model_admin.has_add_permission(request):
            continue
        add = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
        assert add.status_code == 200, meta.label
        html = add.content.decode()
        for text in _texts(html, "label") + _texts(html, "h2") + _texts(html, "h1"):
            assert CJK.search(text) or text in ASCII_ALLOWED, (meta.label, text)


def test_idempotency_records_are_named_for_a_clerk():
    from xinfang.api.models import IdempotencyRecord

    with translation.override("zh-hans"):
        assert str(IdempotencyRecord._meta.verbose_name) == "接口重复提交记录"
        assert "重复" in str(IdempotencyRecord._meta.get_field("key").help_text)
