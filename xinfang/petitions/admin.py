from django.contrib import admin

from .models import Category


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "parent", "sort_order", "active"]
    list_filter = ["active", "parent"]
    search_fields = ["code", "name"]
    list_editable = ["sort_order", "active"]
