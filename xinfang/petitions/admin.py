from typing import TYPE_CHECKING, TypeAlias

from django.contrib import admin

from .models import Category

if TYPE_CHECKING:  # the stubs' ModelAdmin is generic; Django's own is not subscriptable at run time
    _CategoryModelAdmin: TypeAlias = admin.ModelAdmin[Category]
else:
    _CategoryModelAdmin = admin.ModelAdmin


@admin.register(Category)
class CategoryAdmin(_CategoryModelAdmin):
    list_display = ["code", "name", "parent", "sort_order", "active"]
    list_filter = ["active", "parent"]
    search_fields = ["code", "name"]
    list_editable = ["sort_order", "active"]


# The read-only admin of the cases' deadline rows.
from .deadlines import admin as _deadline_admin  # noqa: E402, F401
