from django.apps import AppConfig


class PetitionsConfig(AppConfig):
    name = "xinfang.petitions"
    label = "petitions"
    verbose_name = "信访事项"

    def ready(self) -> None:
        from xinfang.core import versioned

        from .models import Category

        versioned.track(Category, Category.versioned_name)
