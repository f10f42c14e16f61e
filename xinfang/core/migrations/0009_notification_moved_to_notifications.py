"""Notifications moved to their own app (xinfang.notifications); its migration 0003 copied the rows."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0008_deferred_index_to_demo"),
        ("notifications", "0003_copy_core_notifications"),
    ]

    operations = [
        migrations.DeleteModel(name="Notification"),
    ]
