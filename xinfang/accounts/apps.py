from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "xinfang.accounts"
    label = "accounts"
    verbose_name = "机构与用户"

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the login audit receivers
