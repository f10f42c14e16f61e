from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "xinfang.notifications"
    label = "notifications"
    verbose_name = _("通知")

    def ready(self) -> None:
        from xinfang.accounts.models import ACCESS
        from xinfang.core import versioned

        from .models import MessageTemplate, Preference
        from .services import TEMPLATES

        versioned.track(MessageTemplate, TEMPLATES)
        # A unit's recipients with their channels are kept behind the "access" token (services._users_of).
        versioned.track(Preference, ACCESS)
