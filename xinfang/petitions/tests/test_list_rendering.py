"""The list and workbench pages render from precomputed labels and hand-written <select>s: the same
output as Django's own widgets and get_FOO_display(), and the same inbox counts as one count per inbox."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from typing import cast

import pytest
from django import forms
from django.forms.widgets import Input
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from xinfang.core.errors import DomainError
from xinfang.demo.volume.generator import Generator
from xinfang.petitions import forms as f
from xinfang.petitions import list_filters, selectors
from xinfang.petitions.access import petitions_visible_to
from xinfang.petitions.models import Petition
from xinfang.petitions.tests.factories import register
from xinfang.petitions.views import lists as list_views
from xinfang.petitions.views.lists import PAGE_SIZE
from xinfang.petitions.workflow import Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(personas):
    Generator(seed=5).run(90)  # every state and deadline state
    return personas


def _django_select_form(data):
    """ListFilterForm as it was: Django's Select and input widgets and the register form's choice helpers."""
    form = list_filters.ListFilterForm(data)
    category, area = form.fields["category"], form.fields["area"]
    assert isinstance(category, forms.ChoiceField) and isinstance(area, forms.ChoiceField)
    category.choices = [("", "全部分类"), *f.category_choices()[1:]]
    area.choices = [("", "全部属地"), *f.area_choices(max_level=3)[1:]]
    for field in form.fields.values():
        if isinstance(field.widget, list_filters.FastSelect):
            widget = forms.Select(attrs=field.widget.attrs)
            widget.choices = field.widget.choices
            widget.is_required = field.widget.is_required
            field.widget = widget
        elif isinstance(field.widget, list_filters._FastInput):
            fast = cast(Input, field.widget)  # the mixin is only ever used over Django's inputs
            plain = forms.DateInput if isinstance(fast, forms.DateInput) else forms.TextInput
            inp = plain(attrs=fast.attrs)
            assert fast.input_type is not None
            inp.input_type = fast.input_type  # type="date" was taken from attrs
            inp.is_required = fast.is_required
            field.widget = inp
    return form


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"status": "accepted", "area": "411621", "channel": "visit", "deadline_state": "overdue"},
        {"status": '"><script>', "area": "nowhere", "category": "x"},
        {"category": "__second_level__"},
        {"q": '张三"><b>&', "date_from": "2026-01-02", "date_to": "not a date"},
    ],
)
def test_filter_form_html_is_djangos(personas, data):
    from xinfang.petitions.models import Category

    top = Category.objects.filter(parent__isnull=True).first()
    child = Category.objects.create(code="T-CHILD", name="子类<&>", parent=top, sort_order=1)
    if data and data.get("category") == "__second_level__":
        data = {"category": str(child.pk)}
    ours, theirs = list_filters.ListFilterForm(data), _django_select_form(data)
    if data:
        ours.is_valid(), theirs.is_valid()
    assert [str(bf) for bf in ours] == [str(bf) for bf in theirs]
    category = ours.fields["category"]
    assert isinstance(category, forms.ChoiceField)
    choices = cast(Iterable[tuple[str, str]], category.choices)  # the stubs also allow the unnormalized inputs
    assert any(" / " in label for _v, label in choices)  # second-level labels


def test_fast_select_falls_back_for_option_groups():
    widget = list_filters.FastSelect(choices=[("", "全部"), ("组", [("a", "甲"), ("b", "乙")])])
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


def test_rows_show_the_local_day_and_the_case_link(client, personas):
    """The row's link and dates are worked out in the view (lists._list_page), as {% url %} and |date
    wrote them: the day is Beijing's (16:30 UTC is the next morning)."""
    import datetime as dt

    p = register(personas.clerk).petition
    Petition.objects.filter(pk=p.pk).update(
        received_at=dt.datetime(2026, 9, 2, 16, 30, tzinfo=dt.UTC), due_date=dt.date(2026, 10, 9)
    )
    p.refresh_from_db()
    client.force_login(personas.dispatcher)
    body = client.get(reverse("petitions:list")).content.decode()
    assert f'<td class="nowrap"><a href="{reverse("petitions:detail", args=[p.pk])}">{p.number}</a></td>' in body
    assert '<td class="nowrap">2026-09-03</td>' in body and "2026-09-02" not in body
    assert f'<span class="badge {p.deadline_state}">10-09 ' in body


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
    assert selectors.inbox_counts_capped(user, 999) == expected
    assert selectors.inbox_counts_capped(user, 2) == {k: min(v, 3) for k, v in expected.items()}
    # An inbox without the scope's OR holds exactly the cases of the inbox the user may see.
    visible = petitions_visible_to(user)
    for inbox in selectors.inboxes_for(user):
        ours = set(selectors.inbox_queryset(user, inbox).values_list("pk", flat=True))
        scoped = set(
            visible.filter(pk__in=selectors.inbox_queryset(user, inbox).values("pk")).values_list("pk", flat=True)
        )
        assert ours == scoped, inbox.key
    if who in ("dispatcher", "supervisor"):
        assert any(expected.values())


def test_the_list_page_shows_each_row_as_a_person_reads_it(client, many):
    """The rows come from petitions/_rows.html: escaped values, labels, one line per cell of a number,
    a date or a badge, and the flags as badges."""
    hostile = register(many.clerk, title='<script>alert("x")</script>&amp;' + "长" * 40).petition
    hostile.petitioner_name = "<b>张&三</b>"  # sealed; the dispatcher of the office sees it whole
    hostile.save(update_fields=["petitioner_name_enc", "petitioner_name_hash", "petitioner_name_masked"])
    Petition.objects.filter(pk=hostile.pk).update(is_group=True, is_repeat=True, is_skip_level=True)
    client.force_login(many.dispatcher)
    body = client.get(reverse("petitions:list"), {"q": hostile.number}).content.decode()
    assert (
        f'<td class="nowrap"><a href="{reverse("petitions:detail", args=[hostile.pk])}">{hostile.number}</a></td>'
        in body
    )
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body and "<script>alert" not in body
    assert "&lt;b&gt;张&amp;三&lt;/b&gt;" in body
    for badge in ("集体访", "重复", "越级"):
        assert f'nowrap">{badge}</span>' in body
    received = timezone.localtime(hostile.received_at).strftime("%Y-%m-%d")
    assert f'<td class="nowrap">{received}</td>' in body
    # Every case of the first page is a row of the page, in the list's order.
    body = client.get(reverse("petitions:list")).content.decode()
    first = list(selectors.petition_list(user=many.dispatcher)[:PAGE_SIZE])
    positions = [body.index(f">{p.number}</a>") for p in first]
    assert positions == sorted(positions)
    for p in first:
        assert p.get_status_display() in body


def test_list_page_shows_empty_row(client, personas):
    client.force_login(personas.dispatcher)
    body = client.get(reverse("petitions:list") + "?q=没有这样的事项").content.decode()
    assert "没有符合条件的信访事项。" in body


def test_workbench_caps_badges_and_links_to_the_exact_list(client, many, monkeypatch):
    monkeypatch.setattr(list_views, "WORKBENCH_CAP", 3)
    exact = selectors.inbox_counts(many.dispatcher)
    big = [k for k, n in exact.items() if n > 3]
    assert big, exact
    client.force_login(many.dispatcher)
    body = client.get(reverse("petitions:workbench"), {"inbox": big[0]}).content.decode()
    assert f'data-inbox="{big[0]}">' in body and '<span class="count">3+</span>' in body
    assert "共 3+ 件" in body and f'href="{reverse("petitions:list")}?inbox={big[0]}">查看全部' in body
    small = [k for k, n in exact.items() if n <= 3]
    for key in small:
        assert f'data-inbox="{key}">' in body
    listed = client.get(reverse("petitions:list"), {"inbox": big[0]}).content.decode()
    assert f"共 {exact[big[0]]} 件" in listed  # the list page counts exactly
