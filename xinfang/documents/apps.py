from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "xinfang.documents"
    label = "documents"
    verbose_name = "公文"

    def ready(self) -> None:
        from xinfang.core.audit import register_seal_kind

        from .seals import KIND, DocumentSeals

        register_seal_kind(KIND, DocumentSeals)
