# DeferredIndex moved here from core (core 0005/0006). A fresh table, created before core 0008 drops
# the old one; rows only exist while a bulk load runs or after one died, and those are copied across so
# that `restore_indexes` still finds what a dead load left missing.

from typing import Any

from django.db import migrations, models


def copy_from_core(apps: Any, schema_editor: Any) -> None:
    old = apps.get_model("core", "DeferredIndex")
    new = apps.get_model("demo", "DeferredIndex")
    db = schema_editor.connection.alias
    new.objects.using(db).bulk_create(
        [
            new(name=o.name, table=o.table, kind=o.kind, definition=o.definition, dropped_at=o.dropped_at)
            for o in old.objects.using(db).all()
        ]
    )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("core", "0006_deferred_foreign_keys"),
    ]
    run_before = [
        ("core", "0008_deferred_index_to_demo"),
    ]

    operations = [
        migrations.CreateModel(
            name="DeferredIndex",
            fields=[
                ("name", models.CharField(max_length=63, primary_key=True, serialize=False)),
                ("table", models.CharField(max_length=63)),
                (
                    "kind",
                    models.CharField(
                        choices=[("index", "索引"), ("foreign_key", "外键约束")], default="index", max_length=12
                    ),
                ),
                ("definition", models.TextField()),
                ("dropped_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "verbose_name": "暂缓重建的索引或约束",
                "verbose_name_plural": "暂缓重建的索引或约束",
            },
        ),
        migrations.RunPython(copy_from_core, migrations.RunPython.noop, elidable=True),
    ]
