"""The statistics read from two covering indexes (issue 17; EXPLAIN figures at 1M cases in
docs/performance.md): pet_area_path becomes (area_path, received_at) carrying the columns the figures
count, and the deadline index leads with the due date and carries status and case. PostgreSQL only carries
the INCLUDE columns; SQLite builds the key columns alone."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_unit_doc_word"),
        ("deadlines", "0008_deadline_moved_to_petitions"),
        ("petitions", "0020_merge_return_visit"),
        ("routing", "0002_category_from_petitions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="deadline",
            name="deadline_code_due",
        ),
        migrations.RemoveIndex(
            model_name="petition",
            name="pet_area_path",
        ),
        migrations.AddIndex(
            model_name="deadline",
            index=models.Index(
                fields=["due_date", "code"], include=("status", "petition_id"), name="deadline_due_code"
            ),
        ),
        migrations.AddIndex(
            model_name="petition",
            index=models.Index(
                fields=["area_path", "received_at"],
                include=(
                    "id",
                    "accused_path",
                    "headcount",
                    "channel",
                    "purpose",
                    "category_id",
                    "current_unit_id",
                    "office_unit_id",
                    "is_repeat",
                    "is_group",
                    "is_skip_level",
                    "skip_level_to",
                    "replied_at",
                    "rating",
                    "leader_id",
                    "closed_at",
                ),
                name="pet_area_path",
                opclasses=["varchar_pattern_ops", ""],
            ),
        ),
    ]
