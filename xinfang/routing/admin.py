from django.contrib import admin

from .models import RoutingRule


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "category", "area", "unit", "priority", "active"]
    list_filter = ["active", "category"]
    search_fields = ["unit__name", "area__name", "note"]
    raw_id_fields = ["area", "unit"]
