"""The Chinese templates each event starts with (administrators edit them afterwards)."""

from django.db import migrations

# A snapshot, so that later edits of events.py do not change what this migration wrote.
from xinfang.notifications.events import DEFAULTS


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    MessageTemplate.objects.bulk_create(
        [
            MessageTemplate(
                event=str(event), channel=channel, subject=t.subject, body=t.body, provider_params=list(t.params)
            )
            for (event, channel), t in sorted(DEFAULTS.items())
        ],
        ignore_conflicts=True,
    )


def unseed(apps, schema_editor):
    apps.get_model("notifications", "MessageTemplate").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_messages_templates_preferences")]
    operations = [migrations.RunPython(seed, unseed)]
