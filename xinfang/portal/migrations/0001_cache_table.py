"""The database cache's table (settings.CACHES), so that `migrate` alone makes a working installation.

createcachetable does nothing for caches that are not database caches (REDIS_URL) and leaves an
existing table alone; after switching from Redis back to the database run `manage.py createcachetable`.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    atomic = False  # createcachetable manages its own transaction

    dependencies = []

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop, elidable=False)]
