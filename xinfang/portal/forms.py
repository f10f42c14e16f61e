"""Portal forms only parse input; the petitions services hold the rules and the Chinese messages."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings

from xinfang.accounts.models import Area
from xinfang.core.validators import normalize_id_number, normalize_phone
from xinfang.petitions.forms import clean_uploads, domain_clean
from xinfang.petitions.models import Category, Purpose, Rating

from . import selectors

MAX_FILES = 5


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
        if len(files) > MAX_FILES:
            raise forms.ValidationError(f"附件最多{MAX_FILES}个，较多材料请合并后上传")
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class SubmitForm(forms.Form):
    # Field names match the service's error fields (name, phone, id_number, area, content …) so a
    # service message lands next to the right input.
    name = forms.CharField(label="姓名", max_length=100, error_messages={"required": "请填写您的姓名"})
    phone = forms.CharField(
        label="手机号码",
        max_length=20,
        error_messages={"required": "请填写手机号码，以便办理单位联系您"},
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    id_number = forms.CharField(
        label="身份证号", max_length=20, required=False, help_text="选填。填写后便于核实身份和合并处理同一事项"
    )
    address = forms.CharField(label="住址", max_length=200, required=False)
    email = forms.EmailField(
        label="电子邮箱",
        max_length=200,
        required=False,
        help_text="选填。填写后办理进展和答复也发到此邮箱",
        error_messages={"invalid": "请填写正确的电子邮箱地址，如 name@example.com"},
    )
    send_query_code = forms.BooleanField(
        label="把查询码用短信发到我的手机",
        required=False,
        help_text="查询码也会在提交后显示一次；短信中的查询码请妥善保管",
    )
    area = forms.ChoiceField(
        label="问题属地",
        error_messages={
            "required": "请选择问题发生地（县区或乡镇街道）",
            "invalid_choice": "请选择问题发生地（县区或乡镇街道）",
        },
        help_text="问题发生在哪个县区或乡镇街道，由当地信访部门登记办理",
    )
    category = forms.ChoiceField(
        label="内容分类", required=False, error_messages={"invalid_choice": "请从列表中选择内容分类"}
    )
    purpose = forms.ChoiceField(
        label="信访目的",
        required=False,
        choices=[("", "—— 请选择 ——"), *Purpose.choices],
        error_messages={"invalid_choice": "请从列表中选择信访目的"},
    )
    title = forms.CharField(label="标题", max_length=200, required=False, help_text="不填则取诉求内容的前30字")
    content = forms.CharField(
        label="主要诉求及事实理由",
        widget=forms.Textarea,
        max_length=20000,
        error_messages={"required": "请填写信访事项的主要诉求及事实理由"},
    )
    attachments = MultipleFileField(label="附件（证据材料）")
    accused_person = forms.CharField(
        label="被检举控告人（检举控告类填写）",
        max_length=100,
        required=False,
        help_text="检举控告材料不会转给被检举人或其所在单位（《信访工作条例》第三十条）",
    )
    confidential = forms.BooleanField(label="要求对我的身份保密", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["area"]).choices = selectors.portal_area_choices()
        cast(forms.ChoiceField, self.fields["category"]).choices = selectors.portal_category_choices()

    def clean_area(self) -> Area:
        area = selectors.portal_area_get(code=self.cleaned_data.get("area") or "")
        if area is None:
            raise forms.ValidationError("请选择问题发生地（县区或乡镇街道）")
        return area

    def clean_category(self) -> Category | None:
        return selectors.portal_category_get(pk=self.cleaned_data.get("category") or "")

    # The service's format checks, run here too: every field's error shows in one round.
    def clean_phone(self) -> str:
        return domain_clean(normalize_phone, self.cleaned_data.get("phone", ""))

    def clean_id_number(self) -> str:
        return domain_clean(normalize_id_number, self.cleaned_data.get("id_number", ""))

    def clean_attachments(self) -> list[Any]:
        return clean_uploads(
            self.cleaned_data.get("attachments") or [], limit_bytes=settings.XINFANG_MAX_ATTACHMENT_BYTES
        )


class LookupForm(forms.Form):
    number = forms.CharField(
        label="信访件编号",
        max_length=40,
        error_messages={"required": "请填写信访件编号"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "如 411621-2026-000123"}),
    )
    code = forms.CharField(
        label="查询码",
        max_length=40,
        error_messages={"required": "请填写查询码"},
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "placeholder": "XXXX-XXXX-XXXX-XXXX"}),
    )


class RateForm(forms.Form):
    rating = forms.ChoiceField(
        label="评价",
        choices=Rating.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择满意、基本满意或不满意", "invalid_choice": "请选择满意、基本满意或不满意"},
    )
    comment = forms.CharField(
        label="评价意见（选填）", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReviewRequestForm(forms.Form):
    reason = forms.CharField(
        label="请求复查的理由",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "请写明请求复查的理由"},
    )


class RecheckRequestForm(forms.Form):
    reason = forms.CharField(
        label="请求复核的理由",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "请写明请求复核的理由"},
    )
