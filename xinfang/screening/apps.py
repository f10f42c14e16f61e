from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "xinfang.screening"
    label = "screening"
    verbose_name = "矛盾纠纷排查化解"

    def ready(self) -> None:
        from xinfang.core.audit import register_seal_kind

        from .seals import KIND, DisputeEventSeals

        register_seal_kind(KIND, DisputeEventSeals)
