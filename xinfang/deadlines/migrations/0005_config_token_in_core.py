"""The rules-and-calendar token moves to core.DataVersion ("deadlines"), the one mechanism for the
workers' in-memory reference data (core.versioned); the one-row ConfigVersion table goes."""

import uuid

from django.db import migrations


def first_token(apps, schema_editor):
    apps.get_model("core", "DataVersion").objects.get_or_create(name="deadlines", defaults={"token": uuid.uuid4().hex})


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_dataversion"),
        ("deadlines", "0004_autovacuum"),
    ]

    operations = [
        migrations.RunPython(first_token, migrations.RunPython.noop),
        migrations.DeleteModel(name="ConfigVersion"),
    ]
