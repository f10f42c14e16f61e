from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "xinfang.screening"
    label = "screening"
    verbose_name = "矛盾纠纷排查化解"

    def ready(self) -> None:
        from xinfang.core.audit import register_seal_kind

        from .seals import KIND, DisputeEventSeals

        register_seal_kind(KIND, DisputeEventSeals)

        from xinfang.petitions.case_links import register_case_links

        from .links import raise_link

        register_case_links(raise_link)
