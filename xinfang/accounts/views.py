"""Login (with optional TOTP), and enrolling an authenticator app."""

from __future__ import annotations

import base64
import io
from typing import TYPE_CHECKING, Any, TypeAlias

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from xinfang.core.audit import audit_record

from .forms import OtpConfirmForm, StaffLoginForm

if TYPE_CHECKING:  # the stubs' LoginView is generic in its form; Django's own is not subscriptable at run time
    _LoginView: TypeAlias = auth_views.LoginView[StaffLoginForm]
else:
    _LoginView = auth_views.LoginView


class StaffLoginView(_LoginView):
    template_name = "accounts/login.html"
    form_class = StaffLoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # Django's LoginView puts the request's host (get_current_site without django.contrib.sites)
        # into site_name, over the context processor's; the page is to show the system's name.
        context = super().get_context_data(**kwargs)
        context["site_name"] = settings.XINFANG_SITE_NAME
        return context

    def form_valid(self, form: StaffLoginForm) -> HttpResponse:
        response = super().form_valid(form)
        if form.otp_device is not None:
            otp_login(self.request, form.otp_device)
        return response


@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Enrol a TOTP authenticator: scan the QR code, confirm with one code."""
    confirmed = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if confirmed:
        if request.method == "POST" and request.POST.get("remove") == "1":
            TOTPDevice.objects.filter(user=request.user).delete()
            audit_record(actor=request.user, action="auth.otp_removed", target=request.user)
            messages.success(request, "已停用动态验证码")
            return redirect("accounts:otp")
        return render(request, "accounts/otp_setup.html", {"confirmed": True})
    device, _ = TOTPDevice.objects.get_or_create(user=request.user, confirmed=False, defaults={"name": "身份验证器"})
    form = OtpConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit_record(actor=request.user, action="auth.otp_enrolled", target=request.user)
            messages.success(request, "已启用动态验证码，今后登录需同时输入验证码")
            return redirect("accounts:otp")
        form.add_error("token", "验证码不正确，请确认手机时间准确后重试")
    img = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    buf = io.BytesIO()
    img.save(buf)
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "qr": "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode(),
            "secret": base64.b32encode(device.bin_key).decode(),
        },
    )
