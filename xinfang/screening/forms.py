"""Staff forms: parse only; the rules are in services."""

from __future__ import annotations

from typing import Any

from django import forms

from xinfang.accounts.models import Area, Role, Unit, User

from .models import Campaign, CampaignMember, CaseClass, DisputeParty, DisputeType, Outcome, RiskGrade, Source

DATE = forms.DateInput(attrs={"type": "date"})
TIME = forms.TimeInput(attrs={"type": "time"})
PARTY_SLOTS = 3


class AreaChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(f"{'　' * max(0, obj.level - 3)}{obj.name}（{obj.code}）")


class UserChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name())


def areas_under(paths: list[str]) -> Any:
    from django.db.models import Q

    q = Q(pk__in=[])
    for path in paths:
        q |= Q(path__startswith=path)
    return Area.objects.filter(q, active=True).order_by("path")


def units_under(paths: list[str]) -> Any:
    from django.db.models import Q

    q = Q(pk__in=[])
    for path in paths:
        q |= Q(area__path__startswith=path)
    return Unit.objects.filter(q, active=True).order_by("path")


def leaders_under(paths: list[str]) -> Any:
    from django.db.models import Q

    q = Q(pk__in=[])
    for path in paths:
        q |= Q(memberships__unit__area__path__startswith=path)
    return User.objects.filter(q, memberships__role=Role.LEADER, is_active=True).distinct().order_by("full_name")


class DisputeForm(forms.Form):
    area = AreaChoice(label="所在区划（到村）", queryset=Area.objects.none())
    dispute_type = forms.ChoiceField(label="纠纷类型", choices=DisputeType.choices)
    case_class = forms.ChoiceField(label="案件类别", choices=CaseClass.choices)
    source = forms.ChoiceField(label="来源", choices=[c for c in Source.choices if c[0] != Source.PETITION])
    grade = forms.ModelChoiceField(label="风险等级", queryset=RiskGrade.objects.filter(active=True))
    title = forms.CharField(label="标题", max_length=200, required=False)
    summary = forms.CharField(label="简要情况", widget=forms.Textarea(attrs={"rows": 4}))
    found_on = forms.DateField(label="排查发现日期", widget=DATE)
    headcount = forms.IntegerField(label="涉及人数", min_value=1, initial=1)
    measures = forms.CharField(label="稳控措施", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    responsible_unit = forms.ModelChoiceField(label="责任单位", queryset=Unit.objects.none(), required=False)
    responsible_person = forms.CharField(label="责任人", max_length=50, required=False)

    def __init__(self, *args: Any, paths: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas_under(paths)  # type: ignore[attr-defined]
        self.fields["responsible_unit"].queryset = units_under(paths)  # type: ignore[attr-defined]
        for i in range(1, PARTY_SLOTS + 1):
            self.fields[f"party{i}_side"] = forms.ChoiceField(
                label=f"当事人{i} 身份", choices=DisputeParty.Side.choices, required=False
            )
            self.fields[f"party{i}_name"] = forms.CharField(label=f"当事人{i} 姓名", max_length=50, required=False)
            self.fields[f"party{i}_id_number"] = forms.CharField(label="身份证号", max_length=20, required=False)
            self.fields[f"party{i}_phone"] = forms.CharField(label="联系电话", max_length=20, required=False)

    def parties(self) -> list[dict[str, Any]]:
        out = []
        for i in range(1, PARTY_SLOTS + 1):
            party = {k: self.cleaned_data.get(f"party{i}_{k}") or "" for k in ("name", "id_number", "phone")}
            if any(party.values()):
                out.append({**party, "side": self.cleaned_data.get(f"party{i}_side") or DisputeParty.Side.CLAIMANT})
        return out


class RaiseForm(forms.Form):
    grade = forms.ModelChoiceField(label="风险等级", queryset=RiskGrade.objects.filter(active=True))
    dispute_type = forms.ChoiceField(label="纠纷类型", choices=DisputeType.choices)
    note = forms.CharField(label="研判意见", max_length=500, required=False)


class GradeForm(forms.Form):
    grade = forms.ModelChoiceField(label="新等级", queryset=RiskGrade.objects.filter(active=True))
    reason = forms.CharField(label="调整理由", widget=forms.Textarea(attrs={"rows": 2}))


class AssignForm(forms.Form):
    unit = forms.ModelChoiceField(label="责任单位", queryset=Unit.objects.none())
    person = forms.CharField(label="责任人", max_length=50, required=False)

    def __init__(self, *args: Any, paths: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_under(paths)  # type: ignore[attr-defined]


class LeaderForm(forms.Form):
    leader = UserChoice(label="包案领导", queryset=User.objects.none(), required=False)
    reason = forms.CharField(label="理由/说明", max_length=500, required=False)

    def __init__(self, *args: Any, paths: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = leaders_under(paths)  # type: ignore[attr-defined]


class NoteForm(forms.Form):
    note = forms.CharField(label="化解进展", widget=forms.Textarea(attrs={"rows": 3}))


class PlanForm(forms.Form):
    measures = forms.CharField(label="稳控措施", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    plan = forms.CharField(label="化解方案（一案一策）", widget=forms.Textarea(attrs={"rows": 4}), required=False)


class StepForm(forms.Form):
    description = forms.CharField(label="化解步骤", max_length=300)
    owner_unit = forms.ModelChoiceField(label="责任单位", queryset=Unit.objects.none(), required=False)
    owner_person = forms.CharField(label="责任人", max_length=50, required=False)
    due_date = forms.DateField(label="完成时限", widget=DATE)

    def __init__(self, *args: Any, paths: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = units_under(paths)  # type: ignore[attr-defined]


class ConcludeForm(forms.Form):
    outcome = forms.ChoiceField(label="化解结果", choices=[c for c in Outcome.choices if c[0]])
    note = forms.CharField(label="化解情况", widget=forms.Textarea(attrs={"rows": 3}))
    confirmed = forms.NullBooleanField(
        label="当事人确认",
        required=False,
        widget=forms.Select(
            choices=[("unknown", "无须/未回访"), ("true", "已确认（签字或回访满意）"), ("false", "未确认")]
        ),
    )
    confirmation_note = forms.CharField(label="确认情况", max_length=300, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", max_length=500)


class CampaignChoiceForm(forms.Form):
    campaign = forms.ModelChoiceField(label="专项攻坚", queryset=Campaign.objects.none(), required=False)
    marked = forms.BooleanField(label="挂图作战（重点难点案件）", required=False)

    def __init__(self, *args: Any, campaigns: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns  # type: ignore[attr-defined]


class CampaignForm(forms.Form):
    name = forms.CharField(label="攻坚名称", max_length=100)
    area = AreaChoice(label="攻坚范围", queryset=Area.objects.none())
    starts_on = forms.DateField(label="开始日期", widget=DATE)
    ends_on = forms.DateField(label="结束日期", widget=DATE)
    target_first = forms.DecimalField(label="初信初访化解率目标（%）", initial=90, max_digits=5, decimal_places=2)
    target_repeat = forms.DecimalField(label="重信重访化解率目标（%）", initial=80, max_digits=5, decimal_places=2)
    target_old = forms.DecimalField(label="历史积案化解率目标（%）", initial=70, max_digits=5, decimal_places=2)
    description = forms.CharField(label="工作要求", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, paths: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas_under(paths).filter(level__lte=Area.Level.TOWNSHIP)  # type: ignore[attr-defined]


class MemberForm(forms.Form):
    user = UserChoice(label="人员", queryset=User.objects.filter(is_active=True).order_by("full_name"))
    role = forms.ChoiceField(label="职务", choices=CampaignMember.Role.choices)
    group = forms.CharField(label="工作组", max_length=50, required=False)


class MapUploadForm(forms.Form):
    file = forms.FileField(label="辖区 GeoJSON（乡镇边界，properties.code 为区划代码）")


class ReceptionDayForm(forms.Form):
    leader = UserChoice(label="接访领导", queryset=User.objects.none())
    leader_title = forms.CharField(label="领导职务（门户公开）", max_length=60)
    area = AreaChoice(label="接访区域", queryset=Area.objects.none())
    date = forms.DateField(label="日期", widget=DATE)
    start_time = forms.TimeField(label="开始时间", widget=TIME)
    end_time = forms.TimeField(label="结束时间", widget=TIME)
    place = forms.CharField(label="接访地点", max_length=200)
    topics = forms.CharField(label="重点接待事项", max_length=200, required=False)
    published = forms.BooleanField(label="在门户公开", required=False, initial=True)

    def __init__(self, *args: Any, paths: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = leaders_under(paths)  # type: ignore[attr-defined]
        self.fields["area"].queryset = areas_under(paths).filter(level__lte=Area.Level.TOWNSHIP)  # type: ignore[attr-defined]


class VisitForm(forms.Form):
    interviewer = forms.CharField(label="接谈人", max_length=100)
    name = forms.CharField(label="来访人姓名", max_length=100, required=False)
    id_number = forms.CharField(label="身份证号", max_length=20, required=False)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    headcount = forms.IntegerField(label="来访人数", min_value=1, initial=1)
    title = forms.CharField(label="标题", max_length=200, required=False)
    content = forms.CharField(label="反映的问题", widget=forms.Textarea(attrs={"rows": 4}))
    leader_instruction = forms.CharField(label="领导批示意见", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class DownVisitForm(forms.Form):
    leader = UserChoice(label="下访领导", queryset=User.objects.none())
    area = AreaChoice(label="下访地点（区划）", queryset=Area.objects.none())
    date = forms.DateField(label="日期", widget=DATE)
    place = forms.CharField(label="具体地点", max_length=200)
    people_met = forms.CharField(label="走访对象", widget=forms.Textarea(attrs={"rows": 2}))
    matters_found = forms.CharField(label="发现的问题", widget=forms.Textarea(attrs={"rows": 3}))
    disputes = forms.CharField(label="形成的矛盾纠纷（编号，逗号分隔）", required=False)

    def __init__(self, *args: Any, paths: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = leaders_under(paths)  # type: ignore[attr-defined]
        self.fields["area"].queryset = areas_under(paths)  # type: ignore[attr-defined]


class ImportForm(forms.Form):
    file = forms.FileField(label="排查台账（.xlsx）")
    campaign = forms.ModelChoiceField(label="纳入专项攻坚", queryset=Campaign.objects.none(), required=False)
    partial = forms.BooleanField(label="只导入正确的行（默认有错则全部不导入）", required=False)

    def __init__(self, *args: Any, campaigns: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns  # type: ignore[attr-defined]
