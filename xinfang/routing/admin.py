from typing import TYPE_CHECKING, Any, TypeAlias

from django.contrib import admin

from .models import RoutingRule

if TYPE_CHECKING:  # the stubs' ModelAdmin is generic; Django's own is not subscriptable at run time
    _ModelAdmin: TypeAlias = admin.ModelAdmin[Any]
else:
    _ModelAdmin = admin.ModelAdmin


@admin.register(RoutingRule)
class RoutingRuleAdmin(_ModelAdmin):
    list_display = ["__str__", "category", "area", "unit", "priority", "active"]
    list_filter = ["active", "category"]
    search_fields = ["unit__name", "area__name", "note"]
    raw_id_fields = ["area", "unit"]
