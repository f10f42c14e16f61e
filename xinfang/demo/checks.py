"""System checks of the demo app."""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.db import DatabaseError, connections


@checks.register(checks.Tags.database)
def deferred_indexes_check(app_configs: Any = None, databases: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Indexes and foreign keys a bulk load dropped and did not build again (demo.volume.deferred_indexes): queries
    on those tables run without them, and references go unchecked, until `manage.py restore_indexes`."""
    from xinfang.demo.models import DeferredIndex

    messages: list[checks.CheckMessage] = []
    for alias in databases or []:
        if connections[alias].vendor != "postgresql":
            continue
        try:
            names = [str(d) for d in DeferredIndex.objects.using(alias).order_by("table", "name")]
        except DatabaseError:  # not migrated yet: nothing can have been deferred
            continue
        if names:
            shown = "、".join(names[:5]) + ("等" if len(names) > 5 else "")
            messages.append(
                checks.Warning(
                    f"有 {len(names)} 个索引或外键约束在批量载入时被暂时删除，尚未重建：{shown}",
                    hint="运行 python manage.py restore_indexes 重建（重建前查询会变慢，引用也不受检查）",
                    id="xinfang.demo.W001",
                )
            )
    return messages
