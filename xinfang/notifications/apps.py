from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "xinfang.notifications"
    label = "notifications"
    verbose_name = _("通知")

    def ready(self) -> None:
        from xinfang.core import versioned

        from .models import MessageTemplate
        from .services import TEMPLATES

        versioned.track(MessageTemplate, TEMPLATES)
