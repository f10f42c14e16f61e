"""The content categories' in-memory reference, as petitions' callers knew it: it lives in routing now."""

from xinfang.routing.categories import active_category, category_copy, category_filter_choices

__all__ = ["active_category", "category_copy", "category_filter_choices"]
