"""The database cache's table (config/settings/base.py: CACHES), so that `migrate` alone makes a working
installation. Made even while REDIS_URL selects Redis (or the tests use memory), so that a switch back to
the database cache needs no extra step; createcachetable leaves an existing table alone.
"""

from django.core.management import call_command
from django.db import migrations

TABLE = "xinfang_cache"  # CACHES["default"]["LOCATION"] in base.py


def create_cache_table(apps, schema_editor):
    alias = schema_editor.connection.alias
    call_command("createcachetable", TABLE, database=alias, verbosity=0)
    call_command("createcachetable", database=alias, verbosity=0)  # any other table CACHES names


class Migration(migrations.Migration):
    atomic = False  # createcachetable manages its own transaction

    dependencies = []

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop, elidable=False)]
