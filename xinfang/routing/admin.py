from django.contrib import admin

from xinfang.core.admin_types import ModelAdmin

from .models import RoutingRule


@admin.register(RoutingRule)
class RoutingRuleAdmin(ModelAdmin):
    list_display = ["__str__", "category", "area", "unit", "priority", "active"]
    list_filter = ["active", "category"]
    search_fields = ["unit__name", "area__name", "note"]
    raw_id_fields = ["area", "unit"]
