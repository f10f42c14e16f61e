from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "xinfang.demo"
    label = "demo"
    verbose_name = "演示与批量数据"

    def ready(self) -> None:
        from xinfang.demo import checks  # noqa: F401  (registers the system checks)
