from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "xinfang.screening"
    label = "screening"
    verbose_name = "矛盾纠纷排查化解"
