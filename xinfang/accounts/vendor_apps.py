"""Chinese names for third-party apps whose AppConfig has none (Django's documented way: a subclass in
INSTALLED_APPS). Their models' and fields' texts are translated in locale/zh_Hans where the app marks them
for translation (django-axes, django-tasks-db); django-otp does not, so its device is shown through accounts.Authenticator."""

from __future__ import annotations

from axes.apps import AppConfig as _AxesConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.apps import DefaultConfig as _TOTPConfig
from django_tasks_db.apps import TasksAppConfig as _TasksDatabaseConfig


class AxesConfig(_AxesConfig):  # type: ignore[misc]  # django-axes is untyped to mypy here
    verbose_name = _("登录安全")


class TOTPConfig(_TOTPConfig):  # type: ignore[misc]  # django-otp ships no types
    verbose_name = _("动态验证码")


class TasksDatabaseConfig(_TasksDatabaseConfig):
    verbose_name = _("后台任务")  # type: ignore[assignment]  # a lazy text, as Django allows
