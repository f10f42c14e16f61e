"""core.Notification (a row and a log line, never sent) becomes notifications.Message: each old row an
in-system message, its dedupe key kept so that a warning already given is not given again."""

from django.db import migrations


def copy(apps, schema_editor):
    Old = apps.get_model("core", "Notification")
    Message = apps.get_model("notifications", "Message")
    User = apps.get_model("accounts", "User")
    users = set(User.objects.values_list("id", flat=True))
    batch = []
    for n in Old.objects.order_by("id").iterator(chunk_size=2000):
        user_id = n.user_id_target if n.user_id_target in users else None
        # The old keys were "deadline:<id>:<state>"; the new service keys a message by event, person, channel.
        key = f"{n.dedupe_key}:legacy:inbox" if n.dedupe_key else f"legacy:{n.pk}"
        batch.append(
            Message(
                key=key[:200],
                event=n.kind[:40],
                channel="inbox",
                user_id=user_id,
                unit_id=n.unit_id_target,
                case_id=n.petition_id_ref,
                subject=n.subject,
                body=n.body,
                state="delivered",
                sent_at=n.created_at,
                delivered_at=n.created_at,
                read_at=n.read_at,
                provider="inbox",
            )
        )
        if len(batch) >= 2000:
            Message.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    if batch:
        Message.objects.bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_default_templates"),
        ("core", "0008_deferred_index_to_demo"),
        ("accounts", "0003_chinese_labels"),
    ]
    operations = [migrations.RunPython(copy, migrations.RunPython.noop)]
