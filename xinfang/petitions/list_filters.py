"""The list page's filter form: its selects and inputs written in Python (the list page's hot path),
and the choices of its area, category and unit selects kept in the worker's memory (core.versioned)."""

from __future__ import annotations

import html
from typing import Any

from django import forms
from django.utils.choices import normalize_choices
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from xinfang.accounts.models import Unit
from xinfang.accounts.reference import area_filter_choices
from xinfang.core import versioned

from .models import Channel, DeadlineState
from .reference import category_filter_choices
from .workflow import Status


def _attrs_html(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html, in Python."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _escape(value: Any) -> str:
    """django.utils.html.conditional_escape without its lazy-argument wrapper (called per <option>)."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


# The escaped <option> lines of a choices list, per list object: the area, category and unit choices are
# one list per reference version (core.versioned), so their ~3,000 options are escaped once per version,
# not on every page. Holding the list keeps its id from being reused; old versions go when the memo fills.
_OPTIONS: dict[int, tuple[Any, list[tuple[str, str, str]] | None]] = {}


def _options(choices: Any) -> list[tuple[str, str, str]] | None:
    """(value, the option's line, the same line selected) for each choice; None where the choices have
    option groups (Django's own templates write those)."""
    hit = _OPTIONS.get(id(choices))
    if hit is not None and hit[0] is choices:
        return hit[1]
    if any(isinstance(label, (list, tuple)) for _v, label in choices):
        return None
    esc = _escape
    lines = []
    for option_value, label in choices:
        value = "" if option_value is None else str(option_value)
        head = f'\n  <option value="{esc(value)}"'
        tail = f">{esc(label)}</option>\n"  # select_option.html ends with a newline
        lines.append((value, head + tail, head + " selected" + tail))
    if len(lines) >= 50:  # the versioned lists; a small list is a per-form copy, cheaper to redo
        if len(_OPTIONS) > 32:
            _OPTIONS.clear()
        _OPTIONS[id(choices)] = (choices, lines)
    return lines


class FastSelect(forms.Select):
    """A `forms.Select` that writes the very HTML of Django's select.html/select_option.html, but in
    Python: the template renderer includes two templates per <option>, and the list page's area, category
    and unit selects have a province's worth of options (≈ 3,000; most of the page's time)."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        options = None if self.allow_multiple_selected else _options(self.choices)
        if options is None:
            return super().render(name, value, attrs, renderer)  # option groups: Django's own templates
        values = self.format_value(value)
        out = [f'<select name="{_escape(name)}"{_attrs_html(self.build_attrs(self.attrs, attrs))}>']
        has_selected = False
        for option_value, line, selected_line in options:
            # ChoiceWidget.optgroups: the first matching option of a single select is the selected one.
            if not has_selected and option_value in values:
                has_selected = True
                out.append(selected_line)
            else:
                out.append(line)
        out.append("\n</select>")
        return mark_safe("".join(out))  # noqa: S308 - every part above is escaped


class _FastInput:
    """Django's input.html (and attrs.html) written in Python, for the list filter's inputs."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        w = self.get_context(name, value, attrs)["widget"]  # type: ignore[attr-defined]
        shown = "" if w["value"] is None else f' value="{conditional_escape(str(w["value"]))}"'
        return mark_safe(  # noqa: S308 - every part is escaped
            f'<input type="{conditional_escape(w["type"])}" name="{conditional_escape(w["name"])}"'
            f"{shown}{_attrs_html(w['attrs'])}>"
        )


class FastTextInput(_FastInput, forms.TextInput):
    pass


class FastDateInput(_FastInput, forms.DateInput):
    pass


YES_NO = [("", "不限"), ("1", "是"), ("0", "否")]


class ListFilterForm(forms.Form):
    q = forms.CharField(
        label="搜索",
        required=False,
        widget=FastTextInput(attrs={"placeholder": "编号、姓名、电话、身份证号或关键词"}),
    )
    status = forms.ChoiceField(
        label="状态", required=False, widget=FastSelect, choices=[("", "全部状态"), *Status.choices]
    )
    channel = forms.ChoiceField(
        label="信访形式", required=False, widget=FastSelect, choices=[("", "全部形式"), *Channel.choices]
    )
    category = forms.ChoiceField(label="内容分类", required=False, widget=FastSelect)
    area = forms.ChoiceField(label="问题属地", required=False, widget=FastSelect)
    unit = forms.ChoiceField(label="承办单位", required=False, widget=FastSelect)
    is_group = forms.ChoiceField(label="集体访", required=False, widget=FastSelect, choices=YES_NO)
    is_repeat = forms.ChoiceField(label="重复信访", required=False, widget=FastSelect, choices=YES_NO)
    is_skip_level = forms.ChoiceField(label="越级信访", required=False, widget=FastSelect, choices=YES_NO)
    deadline_state = forms.ChoiceField(
        label="期限",
        required=False,
        widget=FastSelect,
        choices=[("", "全部"), *[c for c in DeadlineState.choices if c[0]]],
    )
    date_from = forms.DateField(label="收到日期自", required=False, widget=FastDateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="至", required=False, widget=FastDateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, choices in zip(("category", "area", "unit"), (*_filter_choices(), _unit_choices()), strict=True):
            # What the fields' and widgets' `choices` setters do, without normalizing the ~3,000 pairs
            # (already normalized, once per version) again on every page view.
            field = self.fields[name]
            field._choices = field.widget._choices = choices  # type: ignore[attr-defined]


def _filter_choices() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The category and area choices of the list filter: from the worker's memory while no area or
    category has changed (core.versioned; one token query)."""
    return versioned.cached(
        "reference",
        "list-filter-choices",
        lambda: (
            normalize_choices([("", "全部分类"), *category_filter_choices()]),
            normalize_choices([("", "全部属地"), *area_filter_choices()]),
        ),
    )


def _unit_choices() -> list[tuple[str, str]]:
    """The 承办单位 filter's choices: every active unit in tree order, kept while no unit changes."""
    return versioned.cached(
        Unit.versioned_name,
        "list-filter-units",
        lambda: normalize_choices(
            [
                ("", "全部承办单位"),
                *(
                    (str(pk), name)
                    for pk, name in Unit.objects.filter(active=True).values_list("pk", "name").order_by("path")
                ),
            ]
        ),
    )
