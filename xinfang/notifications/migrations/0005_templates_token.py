"""A token for the message templates from the start ("notify_templates"), so that workers keep the
templates in memory before an administrator first edits one; without it every notice read its templates
from the database (two queries a registration)."""

import uuid

from django.db import migrations


def first_token(apps, schema_editor):
    apps.get_model("core", "DataVersion").objects.get_or_create(
        name="notify_templates", defaults={"token": uuid.uuid4().hex}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0011_merge_notifications_accesslog"),
        ("notifications", "0004_chinese_labels"),
    ]

    operations = [migrations.RunPython(first_token, migrations.RunPython.noop)]
