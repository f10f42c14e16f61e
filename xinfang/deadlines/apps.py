from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeadlinesConfig(AppConfig):
    name = "xinfang.deadlines"
    label = "deadlines"
    verbose_name = _("办理期限")

    def ready(self) -> None:
        from xinfang.core import versioned

        from . import models

        # Any change to the rules or the calendar invalidates every worker's in-memory copy.
        for model in (models.TimeLimitRule, models.CalendarOverride, models.CalendarYear):
            versioned.track(model, model.versioned_name)
