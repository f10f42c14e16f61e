from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "xinfang.accounts"
    label = "accounts"
    verbose_name = _("机构与用户")

    def ready(self) -> None:
        from xinfang.core import versioned

        from . import models, signals  # noqa: F401 - signals connects the login audit receivers

        versioned.track(models.Area, models.Area.versioned_name)
        for model in (models.Unit, models.Membership):
            versioned.track(model, models.ACCESS)
        # A login saves last_login alone: no cache reads it, so logins renew nothing.
        versioned.track(models.User, models.ACCESS, ignore=frozenset({"last_login"}))
