# The keyed hashes' indexes compare bytes (varchar_pattern_ops), not through the database's collation: they
# are only ever compared whole, and a locale collation compares random hex slowly and sorts it without
# abbreviated keys (at 1M cases 1.6 s to build instead of 3.2 s; docs/performance.md, seventh round).

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_manager"),
        ("petitions", "0012_partial_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="petition",
            name="pet_id_hash",
        ),
        migrations.RemoveIndex(
            model_name="petition",
            name="pet_phone_hash",
        ),
        migrations.RemoveIndex(
            model_name="representative",
            name="rep_id_hash",
        ),
        migrations.RemoveIndex(
            model_name="representative",
            name="rep_phone_hash",
        ),
        migrations.AddIndex(
            model_name="petition",
            index=models.Index(fields=["id_number_hash"], name="pet_id_hash", opclasses=["varchar_pattern_ops"]),
        ),
        migrations.AddIndex(
            model_name="petition",
            index=models.Index(fields=["phone_hash"], name="pet_phone_hash", opclasses=["varchar_pattern_ops"]),
        ),
        migrations.AddIndex(
            model_name="representative",
            index=models.Index(fields=["id_number_hash"], name="rep_id_hash", opclasses=["varchar_pattern_ops"]),
        ),
        migrations.AddIndex(
            model_name="representative",
            index=models.Index(fields=["phone_hash"], name="rep_phone_hash", opclasses=["varchar_pattern_ops"]),
        ),
    ]
