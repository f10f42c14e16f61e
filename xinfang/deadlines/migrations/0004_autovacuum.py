"""Autovacuum thresholds for the deadline table (PostgreSQL only; docs/postgresql.md "Autovacuum for the big tables").

The defaults wait for 20% of a table to change: at a million cases, 200,000 rows, so statistics go stale
for weeks and recent rows stay out of the visibility map (the list's index-only counts then read the
heap). Measured at 1,050,000 cases after a 50,000-row import into one county (`bench/run.py --large`):
that county's list 85 → 41 ms median once analyzed and vacuumed."""

from django.db import migrations

from xinfang.core.table_options import table_options

SETTINGS = {
    "deadlines_deadline": "autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.01, "
    "autovacuum_vacuum_insert_scale_factor = 0.02",
}


class Migration(migrations.Migration):
    dependencies = [("deadlines", "0003_configversion")]

    operations = [table_options(SETTINGS)]
