from django.contrib import admin

from xinfang.core.admin_types import ModelAdmin

from .models import Category, RoutingRule


@admin.register(Category)
class CategoryAdmin(ModelAdmin):
    list_display = ["code", "name", "parent", "sort_order", "active"]
    list_filter = ["active", "parent"]
    search_fields = ["code", "name"]
    list_editable = ["sort_order", "active"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(ModelAdmin):
    list_display = ["__str__", "category", "area", "unit", "priority", "active"]
    list_filter = ["active", "category"]
    search_fields = ["unit__name", "area__name", "note"]
    raw_id_fields = ["area", "unit"]
