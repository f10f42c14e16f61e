from django.contrib.auth import views as auth_views
from django.urls import path

from . import views, views_audit

app_name = "accounts"

urlpatterns = [
    path("login/", views.StaffLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("otp/", views.otp_setup, name="otp"),
    path("audit/access/", views_audit.access_log_page, name="access-log"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(template_name="accounts/password_change.html", success_url="/staff/"),
        name="password",
    ),
]
