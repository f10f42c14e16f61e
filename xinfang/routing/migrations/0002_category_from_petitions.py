"""The content categories move from petitions to routing (issue 14: routing sits below petitions and its
rules are keyed by category). The table keeps its name, so the database is untouched: only Django's state
moves, and the content type follows so that granted permissions keep working."""

import django.db.models.deletion
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    old = ContentType.objects.filter(app_label="petitions", model="category").first()
    if old is not None and not ContentType.objects.filter(app_label="routing", model="category").exists():
        old.app_label = "routing"
        old.save(update_fields=["app_label"])


def move_content_type_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    new = ContentType.objects.filter(app_label="routing", model="category").first()
    if new is not None and not ContentType.objects.filter(app_label="petitions", model="category").exists():
        new.app_label = "petitions"
        new.save(update_fields=["app_label"])


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("routing", "0001_initial"),
        ("petitions", "0018_merge_skip_level_sealed_names"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Category",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("code", models.CharField(max_length=20, unique=True, verbose_name="分类代码")),
                        ("name", models.CharField(max_length=60, verbose_name="名称")),
                        ("sort_order", models.PositiveIntegerField(default=0, verbose_name="排序")),
                        ("active", models.BooleanField(default=True, verbose_name="启用")),
                        (
                            "parent",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="children",
                                to="routing.category",
                                verbose_name="上级分类",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "内容分类",
                        "verbose_name_plural": "内容分类",
                        "db_table": "petitions_category",
                        "ordering": ["sort_order", "code"],
                    },
                ),
                migrations.AlterField(
                    model_name="routingrule",
                    name="category",
                    field=models.ForeignKey(
                        blank=True,
                        help_text="留空表示任意分类",
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="routing.category",
                        verbose_name="内容分类",
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
