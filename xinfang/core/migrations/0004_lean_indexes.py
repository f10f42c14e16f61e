# The audit log's action and target are filtered by equality only: their varchar_pattern_ops copies
# dropped (PostgreSQL renames the plain index kept; see core.index_ops).

from django.db import migrations, models

from xinfang.core.index_ops import slim_field_index


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_autovacuum"),
    ]

    operations = [
        slim_field_index(
            "core",
            "auditevent",
            "action",
            models.CharField(max_length=64, verbose_name="动作"),
            models.Index(fields=["action"], name="audit_action"),
            keep_like=False,
        ),
        slim_field_index(
            "core",
            "auditevent",
            "target_id",
            models.CharField(blank=True, max_length=64, verbose_name="对象ID"),
            models.Index(fields=["target_id"], name="audit_target"),
            keep_like=False,
        ),
    ]
