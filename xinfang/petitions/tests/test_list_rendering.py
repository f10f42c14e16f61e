"""The list and workbench pages render from precomputed labels and hand-written <select>s: the same
output as Django's own widgets and get_FOO_display(), and the same inbox counts as one count per inbox."""

from __future__ import annotations

import contextlib

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from xinfang.core.errors import DomainError
from xinfang.petitions import forms as f
from xinfang.petitions import selectors, views
from xinfang.petitions.management.generator import Generator
from xinfang.petitions.models import Petition
from xinfang.petitions.tests.factories import register
from xinfang.petitions.workflow import Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(personas):
    Generator(seed=5).run(90)  # every state and deadline state
    return personas


def _django_select_form(data):
    """ListFilterForm as it was: Django's Select widget and the register form's choice helpers."""
    form = views.ListFilterForm(data)
    form.fields["category"].choices = [("", "全部分类"), *f.category_choices()[1:]]
    form.fields["area"].choices = [("", "全部属地"), *f.area_choices(max_level=3)[1:]]
    for field in form.fields.values():
        if isinstance(field.widget, views.FastSelect):
            widget = forms.Select(attrs=field.widget.attrs)
            widget.choices = field.widget.choices
            widget.is_required = field.widget.is_required
            field.widget = widget
    return form


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"status": "accepted", "area": "411621", "channel": "visit", "deadline_state": "overdue"},
        {"status": '"><script>', "area": "nowhere", "category": "x"},
        {"category": "__second_level__"},
    ],
)
def test_filter_form_html_is_djangos(personas, data):
    from xinfang.petitions.models import Category

    top = Category.objects.filter(parent__isnull=True).first()
    child = Category.objects.create(code="T-CHILD", name="子类<&>", parent=top, sort_order=1)
    if data and data.get("category") == "__second_level__":
        data = {"category": str(child.pk)}
    ours, theirs = views.ListFilterForm(data), _django_select_form(data)
    if data:
        ours.is_valid(), theirs.is_valid()
    assert [str(bf) for bf in ours] == [str(bf) for bf in theirs]
    assert any(" / " in label for _v, label in ours.fields["category"].choices)  # second-level labels


def test_fast_select_falls_back_for_option_groups():
    widget = views.FastSelect(choices=[("", "全部"), ("组", [("a", "甲"), ("b", "乙")])])
    plain = forms.Select(choices=widget.choices)
    assert widget.render("x", "b") == plain.render("x", "b")


def test_rows_show_labels_dates_and_masking(client, personas):
    long_title = "一个" + "很长" * 20 + "的标题<b>"
    shown = register(personas.clerk, title=long_title).petition
    hidden = register(personas.clerk, confidential=True, title="保密件").petition
    client.force_login(personas.dispatcher)
    body = client.get(reverse("petitions:list")).content.decode()
    assert f'<a href="{reverse("petitions:detail", args=[shown.pk])}">{shown.number}</a>' in body
    assert shown.get_channel_display() in body and shown.get_status_display() in body
    assert timezone.localtime(shown.received_at).strftime("%Y-%m-%d") in body
    assert Truncator(long_title).chars(30) in body and long_title not in body  # truncatechars:30
    assert shown.petitioner_name in body
    assert hidden.number in body and "（保密）" in body
    shown.refresh_from_db()
    if shown.due_date:
        assert f"{shown.due_date:%m-%d} {shown.get_deadline_state_display()}" in body


@pytest.mark.parametrize("who", ["clerk", "dispatcher", "handler", "head", "supervisor", "leader"])
def test_inbox_counts_equal_one_count_per_inbox(many, who):
    user = getattr(many, who)
    if who == "leader":  # something in 我包案的, open and closed
        from xinfang.petitions import services

        for p in Petition.objects.filter(status__in=[Status.ACCEPTED, Status.CLOSED])[:4]:
            Petition.objects.filter(pk=p.pk).update(leader=None)
            with contextlib.suppress(DomainError):  # not every case may be taken on; the counts matter
                services.petition_take_on(actor=user, petition_id=p.pk, note="包案")
    counts = selectors.inbox_counts(user)
    expected = {
        inbox.key: selectors.inbox_queryset(user, inbox).exclude(status__in=Status.terminal()).count()
        for inbox in selectors.inboxes_for(user)
    }
    assert counts == expected
    if who in ("dispatcher", "supervisor"):
        assert any(expected.values())
