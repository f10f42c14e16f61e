"""Forms only parse input; the services hold the rules (and raise Chinese messages)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from xinfang.accounts.models import ACCESS, Area, Unit
from xinfang.core import versioned
from xinfang.core.errors import ValidationFailed
from xinfang.core.validators import normalize_id_number, normalize_phone
from xinfang.routing.services import TargetGroup, dispatch_targets

from . import uploads
from .models import (
    Attachment,
    Category,
    Channel,
    DispatchMode,
    Outcome,
    Petition,
    Purpose,
    Rating,
    ReturnVisit,
    ReviewOutcome,
    SkipLevelTo,
)
from .services import LEGAL_ROUTES, representatives_problem


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


def domain_clean(normalize: Any, value: str) -> str:
    """Run a service-layer check (core.validators) in a form, so its message shows in the same round as
    the form's own errors instead of after the next submit."""
    try:
        return str(normalize(value or ""))
    except ValidationFailed as exc:
        raise forms.ValidationError(exc.message) from None


def clean_uploads(files: list[Any], *, limit_bytes: int) -> list[Any]:
    """Size and kind by content (petitions.uploads) of every file, all problems at once; the service
    checks again (services.check_files) because it is the one place every storing path goes through."""
    problems = []
    for f in files:
        if f.size is not None and f.size > limit_bytes:
            problems.append(
                f"附件“{f.name}”大小为 {f.size / 1048576:.1f} MB，超过单个附件 {limit_bytes // 1048576} MB 的上限"
            )
        elif not f.size:
            problems.append(f"附件“{f.name}”是空文件")
        else:
            try:
                uploads.check_upload(f)
            except ValidationFailed as exc:
                problems.append(exc.message)
    if problems:
        raise forms.ValidationError(problems)
    return files


def area_choices(*, roots: list[str] | None = None, max_level: int = 4) -> list[tuple[str, str]]:
    """Areas as an indented select. `roots` (area paths) keeps a province-sized list short: a county
    信访局 sees its own county's townships, not the whole province's."""
    indent = {1: "", 2: "　", 3: "　　", 4: "　　　", 5: "　　　　"}
    qs = Area.objects.filter(active=True, level__lte=max_level)
    if roots:
        cond = Q(pk__in=[])
        for path in roots:
            cond |= Q(path__startswith=path)
        qs = qs.filter(cond)
    return [("", "（默认为本部门所在地）")] + [
        (a.code, f"{indent.get(a.level, '')}{a.name}") for a in qs.order_by("path").only("code", "name", "level")
    ]


def category_choices() -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = [("", "—— 请选择 ——")]
    for c in Category.objects.filter(active=True).select_related("parent").order_by("parent_id", "sort_order"):
        out.append((str(c.pk), str(c)))
    return out


class PetitionRegisterForm(forms.Form):
    channel = forms.ChoiceField(label="信访形式", choices=Channel.choices)
    received_at = forms.DateTimeField(
        label="收到时间",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        help_text="来信按实际收到日期登记（可以早于今天）",
    )
    name = forms.CharField(label="信访人姓名", max_length=100, required=False)
    id_number = forms.CharField(label="身份证号", max_length=20, required=False)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    address = forms.CharField(label="住址", max_length=200, required=False)
    headcount = forms.IntegerField(label="信访人数", min_value=1, max_value=100000, initial=1)
    area = forms.ChoiceField(label="问题属地", required=False)
    category = forms.ChoiceField(label="内容分类", required=False)
    purpose = forms.ChoiceField(label="信访目的", choices=[("", "—— 请选择 ——"), *Purpose.choices], required=False)
    title = forms.CharField(label="标题", max_length=200, required=False, help_text="不填则取诉求内容的前30字")
    content = forms.CharField(
        label="主要诉求及事实理由",
        widget=forms.Textarea,
        max_length=20000,
        error_messages={"required": "请填写信访事项的主要诉求及事实理由"},
    )
    attachments = MultipleFileField(label="附件（来信扫描件、证据材料）")
    no_representative_reason = forms.CharField(
        label="无代表原因",
        max_length=500,
        required=False,
        help_text="集体访未推选代表的，写明原因（如：群众拒绝推选代表）",
    )
    confidential = forms.BooleanField(label="信访人要求对其身份保密", required=False)
    accused_unit = forms.ModelChoiceField(label="被检举单位", queryset=Unit.objects.filter(active=True), required=False)
    accused_person = forms.CharField(label="被检举人", max_length=100, required=False)
    is_repeat = forms.BooleanField(label="重复信访", required=False)
    repeat_of = forms.CharField(label="重复件原件编号", max_length=40, required=False)
    is_skip_level = forms.BooleanField(
        label="越级信访", required=False, help_text="同一事项已被下级机关受理且仍在办理期限内（第十九条）"
    )
    skip_level_to = forms.ChoiceField(
        label="越级去向",
        choices=[("", "（未记录）"), *[(v, label) for v, label in SkipLevelTo.choices if v]],
        required=False,
        help_text="到省、进京走访或由省、国家信访局转来的，统计为赴省、赴京越级访",
    )

    def __init__(self, *args: Any, area_roots: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["area"]).choices = area_choices(roots=area_roots)
        cast(forms.ChoiceField, self.fields["category"]).choices = category_choices()
        self.fields["received_at"].initial = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        for i in range(1, 6):
            # A table row per representative: the column heading is the visible label, aria-label the spoken one.
            for key, label, length in (("name", "姓名", 100), ("id_number", "身份证号", 20), ("phone", "电话", 20)):
                self.fields[f"rep{i}_{key}"] = forms.CharField(
                    label=f"代表{i}{label}",
                    max_length=length,
                    required=False,
                    widget=forms.TextInput(attrs={"aria-label": f"代表{i}{label}"}),
                )

    def rep_rows(self) -> list[tuple[Any, Any, Any]]:
        return [(self[f"rep{i}_name"], self[f"rep{i}_id_number"], self[f"rep{i}_phone"]) for i in range(1, 6)]

    def representatives(self) -> list[dict[str, str]]:
        return [
            {
                "name": self.cleaned_data.get(f"rep{i}_name", ""),
                "id_number": self.cleaned_data.get(f"rep{i}_id_number", ""),
                "phone": self.cleaned_data.get(f"rep{i}_phone", ""),
            }
            for i in range(1, 6)
        ]

    def clean_area(self) -> Area | None:
        code = self.cleaned_data.get("area")
        return Area.objects.filter(code=code).first() if code else None

    def clean_category(self) -> Category | None:
        pk = self.cleaned_data.get("category")
        return Category.objects.filter(pk=pk).first() if pk else None

    def clean_id_number(self) -> str:
        return domain_clean(normalize_id_number, self.cleaned_data.get("id_number", ""))

    def clean_phone(self) -> str:
        return domain_clean(normalize_phone, self.cleaned_data.get("phone", ""))

    def clean_attachments(self) -> list[Any]:
        return clean_uploads(
            self.cleaned_data.get("attachments") or [], limit_bytes=settings.XINFANG_MAX_ATTACHMENT_BYTES
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for i in range(1, 6):
            for key, normalize in (("id_number", normalize_id_number), ("phone", normalize_phone)):
                name = f"rep{i}_{key}"
                if name in data:
                    try:
                        data[name] = domain_clean(normalize, data[name])
                    except forms.ValidationError as exc:
                        self.add_error(name, exc)
        if not data.get("is_skip_level"):
            data["skip_level_to"] = ""  # the choice shows only while 越级 is ticked
        headcount = data.get("headcount")
        if headcount:
            problem = representatives_problem(
                headcount=headcount,
                representatives=self.representatives(),
                reason=data.get("no_representative_reason", ""),
            )
            if problem:
                self.add_error("no_representative_reason", problem)
        return data

    def clean_repeat_of(self) -> Petition | None:
        number = (self.cleaned_data.get("repeat_of") or "").strip()
        if not number:
            return None
        found = Petition.objects.filter(number=number).first()
        if found is None:
            raise forms.ValidationError("找不到该编号的信访事项")
        return found


class RegisterSubmittedForm(forms.Form):
    category = forms.ChoiceField(label="内容分类", required=False)
    purpose = forms.ChoiceField(label="信访目的", choices=[("", "（不变）"), *Purpose.choices], required=False)
    is_repeat = forms.BooleanField(label="重复信访", required=False)
    is_skip_level = forms.BooleanField(label="越级信访", required=False)
    note = forms.CharField(label="登记说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["category"]).choices = category_choices()

    def clean_category(self) -> Category | None:
        pk = self.cleaned_data.get("category")
        return Category.objects.filter(pk=pk).first() if pk else None


class UnitPicker(forms.Select):
    """The dispatch form's unit <select>: the routing suggestions first, then the units the office may
    dispatch to, one <optgroup> per area (routing.dispatch_targets), with a filter box that hides the
    options not matching what is typed (static/js/unit-filter.js; without JavaScript a plain select).
    The groups' options are rendered once per office and reference version (core.versioned): a county's
    hundred-odd options cost two template includes each with Django's own select templates."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.groups: list[TargetGroup] = []
        self.suggested: list[tuple[int, str, str]] = []  # (unit id, name, reason)
        self.cache_key = ""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        selected = "" if value in (None, "") else str(value)
        suggested_ids = {str(pk) for pk, _name, _reason in self.suggested}
        if selected and selected not in suggested_ids:  # a unit picked from the groups: mark it there
            options = render_to_string("petitions/_unit_options.html", {"groups": self.groups, "selected": selected})
        else:
            options = versioned.cached(
                (ACCESS, Area.versioned_name),
                f"dispatch-options:{self.cache_key}",
                lambda: render_to_string("petitions/_unit_options.html", {"groups": self.groups, "selected": ""}),
            )
        return mark_safe(  # noqa: S308 - rendered by the template, which escapes every value
            render_to_string(
                "petitions/_unit_picker.html",
                {
                    "name": name,
                    "attrs": self.build_attrs(self.attrs, attrs),
                    "suggested": self.suggested,
                    "selected": selected,
                    "options": mark_safe(options),  # noqa: S308 - the template's own output
                },
            )
        )


def dispatch_form_setup(form: forms.Form, *, office_id: int | None, exclude_path: str, suggestions: list[Any]) -> None:
    """Offer (and accept) only the units the office may dispatch to; the suggestions among them first."""
    if office_id is None:
        return
    groups = dispatch_targets(office_id=office_id, exclude_path=exclude_path)
    allowed = {pk for group in groups for pk, _name in group.units}
    field = cast("forms.ModelChoiceField[Unit]", form.fields["unit"])
    field.queryset = Unit.objects.filter(pk__in=sorted(allowed))
    widget = cast(UnitPicker, field.widget)
    widget.groups = groups
    widget.cache_key = f"{office_id}:{exclude_path}"
    widget.suggested = [(s.unit.pk, s.unit.name, s.reason) for s in suggestions if s.unit.pk in allowed][:5]
    if widget.suggested and not form.is_bound:
        form.initial["unit"] = widget.suggested[0][0]


class DispatchForm(forms.Form):
    mode = forms.ChoiceField(
        label="分办方式",
        choices=[(DispatchMode.TRANSFER, "转送"), (DispatchMode.ASSIGN, "交办")],
        widget=forms.RadioSelect,
        initial=DispatchMode.TRANSFER,
    )
    unit = forms.ModelChoiceField(
        label="承办单位",
        queryset=Unit.objects.filter(active=True).order_by("path"),  # narrowed by dispatch_form_setup
        widget=UnitPicker,
        error_messages={"invalid_choice": "请从列表中选择本部门可以转送、交办的单位"},
    )
    assign_due_date = forms.DateField(
        label="交办期限",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="交办件须在期限内报送办结报告；不填按法定期限",
    )
    note = forms.CharField(label="拟办意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RejectForm(forms.Form):
    final = forms.TypedChoiceField(
        label="类型", choices=[("0", "不予受理"), ("1", "不再受理")], coerce=lambda v: v == "1", initial="0"
    )
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 3}))
    legal_route = forms.ChoiceField(label="告知信访人的途径", choices=[("", "—— 请选择 ——"), *LEGAL_ROUTES.items()])


class NoteForm(forms.Form):
    note = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class RequiredNoteForm(forms.Form):
    note = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 3}))


class HandlingNoteForm(forms.Form):
    note = forms.CharField(label="办理情况", widget=forms.Textarea(attrs={"rows": 3}))
    mediation = forms.BooleanField(label="这是调解/和解记录（第三十三条）", required=False)
    public = forms.BooleanField(label="向信访人公开此记录", required=False)


class ExtensionForm(forms.Form):
    days = forms.IntegerField(label="延长天数", min_value=1, max_value=90, initial=30)
    reason = forms.CharField(label="延期理由（将告知信访人）", widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label="审批意见",
        choices=[("1", "同意"), ("0", "不同意/退回")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    note = forms.CharField(label="意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReplyForm(forms.Form):
    outcome = forms.ChoiceField(label="处理意见", choices=Outcome.choices, widget=forms.RadioSelect)
    facts = forms.CharField(label="查明事实", widget=forms.Textarea(attrs={"rows": 3}))
    reasons = forms.CharField(label="处理理由", widget=forms.Textarea(attrs={"rows": 3}))
    basis = forms.CharField(label="法律政策依据", widget=forms.Textarea(attrs={"rows": 2}))
    opinion = forms.CharField(label="处理意见书正文", widget=forms.Textarea(attrs={"rows": 4}))
    completion_report = forms.CharField(
        label="办结报告（交办件必填）", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class RateForm(forms.Form):
    rating = forms.ChoiceField(label="评价", choices=Rating.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label="评价意见", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReturnVisitForm(forms.Form):
    method = forms.ChoiceField(label="回访方式", choices=ReturnVisit.Method.choices)
    visited_at = forms.DateTimeField(label="回访时间", required=False, help_text="留空为现在")
    reached = forms.BooleanField(label="已联系上信访人", required=False)
    rating = forms.ChoiceField(label="评价", required=False, choices=[("", "未评价"), *Rating.choices])
    comment = forms.CharField(
        label="信访人意见", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReviewDecisionForm(forms.Form):
    outcome = forms.ChoiceField(label="意见", choices=ReviewOutcome.choices, widget=forms.RadioSelect)
    text = forms.CharField(label="意见书正文", widget=forms.Textarea(attrs={"rows": 4}))


class AttachForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=Attachment.Kind.choices)
    # The metaclass moves declared fields into base_fields, so this does not shadow BaseForm.files (the uploads).
    files = MultipleFileField(label="文件")  # type: ignore[assignment]

    def clean_files(self) -> list[Any]:
        return clean_uploads(self.cleaned_data.get("files") or [], limit_bytes=settings.XINFANG_MAX_ATTACHMENT_BYTES)


class UnmaskForm(forms.Form):
    reason = forms.CharField(label="查看理由", max_length=200)
