# Indexes a registration no longer writes (docs/performance.md, seventh round): the four foreign keys a case
# mostly lacks (accused unit, repeat of, review unit, leader) get partial indexes, and the case number's
# varchar_pattern_ops copy, which no query uses, goes (its uniqueness becomes a named constraint).
# PostgreSQL renames the unique constraint instead of rebuilding it; the foreign key constraints stay.

from typing import Any

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from xinfang.core.index_ops import UniqueFieldToConstraint, partial_field_index


def _partial(field_name: str, field: "models.Field[Any, Any]") -> migrations.SeparateDatabaseAndState:
    return partial_field_index(
        "petitions",
        "petition",
        field_name,
        field,
        models.Index(
            condition=models.Q((f"{field_name}__isnull", False)), fields=[field_name], name=f"pet_{field_name}"
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("petitions", "0011_lean_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        _partial(
            "accused_unit",
            models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.unit",
                verbose_name="被检举单位",
            ),
        ),
        _partial(
            "repeat_of",
            models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="repeats",
                to="petitions.petition",
                verbose_name="重复件原件",
            ),
        ),
        _partial(
            "review_unit",
            models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="reviewed_petitions",
                to="accounts.unit",
                verbose_name="复查/复核机关",
            ),
        ),
        _partial(
            "leader",
            models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="led_petitions",
                to=settings.AUTH_USER_MODEL,
                verbose_name="包案领导",
            ),
        ),
        UniqueFieldToConstraint(
            model_name="petition",
            name="number",
            field=models.CharField(max_length=40, verbose_name="信访件编号"),
            constraint=models.UniqueConstraint(fields=("number",), name="pet_number_unique"),
        ),
    ]
