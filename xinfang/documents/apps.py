from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "xinfang.documents"
    label = "documents"
    verbose_name = "公文"

    def ready(self) -> None:
        from xinfang.core.audit import register_seal_backfill, register_seal_kind

        from .seals import KIND, DocumentSeals, documents_backfill

        register_seal_kind(KIND, DocumentSeals)
        register_seal_backfill(KIND, documents_backfill)  # audit_seal_backfill: an upgraded database's older rows
