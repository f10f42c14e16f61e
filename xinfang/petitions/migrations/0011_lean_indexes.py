# Indexes no query uses, dropped (they cost every insert and every update of their columns; see
# docs/performance.md, fourth round): the varchar_pattern_ops copies of the keyed hashes (compared whole
# only), the default-opclass copies of the paths (only ever prefix-matched), the event's own index on its
# case (event_petition_at leads with it). PostgreSQL renames the index kept instead of rebuilding it.

import django.db.models.deletion
from django.db import migrations, models

from xinfang.core.index_ops import drop_field_index, slim_field_index


def _hash_field() -> "models.CharField[str, str]":
    return models.CharField(blank=True, editable=False, max_length=64)


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0010_autovacuum"),
    ]

    operations = [
        slim_field_index(
            "petitions",
            "petition",
            "id_number_hash",
            _hash_field(),
            models.Index(fields=["id_number_hash"], name="pet_id_hash"),
            keep_like=False,
        ),
        slim_field_index(
            "petitions",
            "petition",
            "phone_hash",
            _hash_field(),
            models.Index(fields=["phone_hash"], name="pet_phone_hash"),
            keep_like=False,
        ),
        slim_field_index(
            "petitions",
            "petition",
            "area_path",
            models.CharField(editable=False, max_length=255),
            models.Index(fields=["area_path"], name="pet_area_path", opclasses=["varchar_pattern_ops"]),
            keep_like=True,
        ),
        slim_field_index(
            "petitions",
            "petition",
            "office_path",
            models.CharField(editable=False, max_length=400),
            models.Index(fields=["office_path"], name="pet_office_path", opclasses=["varchar_pattern_ops"]),
            keep_like=True,
        ),
        slim_field_index(
            "petitions",
            "petition",
            "current_path",
            models.CharField(blank=True, editable=False, max_length=400),
            models.Index(fields=["current_path"], name="pet_current_path", opclasses=["varchar_pattern_ops"]),
            keep_like=True,
        ),
        slim_field_index(
            "petitions",
            "representative",
            "id_number_hash",
            _hash_field(),
            models.Index(fields=["id_number_hash"], name="rep_id_hash"),
            keep_like=False,
        ),
        slim_field_index(
            "petitions",
            "representative",
            "phone_hash",
            _hash_field(),
            models.Index(fields=["phone_hash"], name="rep_phone_hash"),
            keep_like=False,
        ),
        drop_field_index(
            "petitions",
            "event",
            "petition",
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="events",
                to="petitions.petition",
            ),
        ),
    ]
