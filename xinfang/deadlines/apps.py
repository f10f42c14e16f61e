from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "xinfang.deadlines"
    label = "deadlines"
    verbose_name = "办理期限"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from . import models, services

        # Any change to the rules or the calendar invalidates every worker's in-memory copy.
        for model in (models.TimeLimitRule, models.CalendarOverride, models.CalendarYear):
            post_save.connect(services.config_changed, sender=model, dispatch_uid=f"deadlines-config-{model.__name__}")
            post_delete.connect(
                services.config_changed, sender=model, dispatch_uid=f"deadlines-config-del-{model.__name__}"
            )
