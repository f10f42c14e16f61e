from __future__ import annotations

from typing import Any, cast

from django import forms

from .services import rule_codes


class CalculatorForm(forms.Form):
    rule = forms.ChoiceField(label="期限规则")
    start = forms.DateField(
        label="起算日（起算事件发生之日，次日开始计算）",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "请输入有效日期，格式为 YYYY-MM-DD"},
    )
    area = forms.CharField(
        label="区划代码（可选）",
        required=False,
        max_length=12,
        help_text="填写后按该区划适用的地方规则计算；留空按全国规则",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["rule"]).choices = [
            (code, f"{name}（{code}）") for code, name in rule_codes()
        ]
