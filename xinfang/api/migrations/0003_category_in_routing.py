"""State only: the Open311 service's category is routing's now (same table, see routing 0002)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0002_chinese_labels"),
        ("routing", "0002_category_from_petitions"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="open311service",
                    name="category",
                    field=models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="routing.category",
                        verbose_name="内容分类",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
