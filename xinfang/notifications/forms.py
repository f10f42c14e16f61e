from __future__ import annotations

from django import forms

from .events import Event
from .models import Channel, State


class PreferenceForm(forms.Form):
    email = forms.BooleanField(label="同时用邮件通知我", required=False)
    sms = forms.BooleanField(label="紧急事项（超期、督办单、紧急线索）同时用短信通知我", required=False)
    mobile = forms.CharField(label="手机号码", required=False, max_length=11, help_text="加密保存；留空则保持原号码")


class OutboxFilterForm(forms.Form):
    channel = forms.ChoiceField(label="渠道", required=False, choices=[("", "全部"), *Channel.choices])
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *State.choices])
    event = forms.ChoiceField(label="事件", required=False, choices=[("", "全部"), *Event.choices])
    case = forms.CharField(label="信访件编号", required=False, max_length=40)
