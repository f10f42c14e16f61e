from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django_otp import devices_for_user, match_token


class StaffLoginForm(AuthenticationForm):
    """Password, plus the 6-digit code when the account has an authenticator app enrolled."""

    otp_token = forms.CharField(
        label="动态验证码",
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    error_messages = {
        "invalid_login": "用户名或密码不正确。连续输错多次将暂时锁定。",
        "inactive": "该账号已停用。",
    }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        user = self.get_user()
        self.otp_device = None
        if user is not None and any(devices_for_user(user, confirmed=True)):
            token = (self.cleaned_data.get("otp_token") or "").strip()
            device = match_token(user, token) if token else None
            if device is None:
                raise forms.ValidationError(
                    "请输入身份验证器应用上显示的6位动态验证码" if not token else "动态验证码不正确或已过期", code="otp"
                )
            self.otp_device = device
        return cleaned


class OtpConfirmForm(forms.Form):
    token = forms.CharField(label="验证码", max_length=8)
