from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "xinfang.petitions"
    label = "petitions"
    verbose_name = _("信访事项")

    def ready(self) -> None:
        from xinfang.core import versioned

        from .models import Category

        versioned.track(Category, Category.versioned_name)
