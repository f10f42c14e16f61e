from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "xinfang.api"
    label = "api"
    verbose_name = _("接口")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from xinfang.accounts.models import ACCESS
        from xinfang.core import versioned

        from .models import ApiToken, Open311Key

        # Issued, revoked, deleted: the credential caches of every worker renew (api.services.credential_lookup).
        for model in (ApiToken, Open311Key):
            versioned.track(model, ACCESS, ignore=frozenset({"last_used_at"}))
        from xinfang.core.edge import register_refusal

        from .errors import edge_refusal
        from .open311.render import edge_refusal as open311_edge_refusal

        register_refusal("/api/", edge_refusal)
        register_refusal("/open311/", open311_edge_refusal)
