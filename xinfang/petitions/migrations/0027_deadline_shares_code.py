"""A limit's `shares_code` flag: its case has another limit of the same code (handled again after 不满意,
dispatched again after an objection). The rows already there are flagged here. The statistics' two covering
indexes carry the flag, and two partial indexes hold those limits alone, so that the timeliness figures
count the rows as they are and take DISTINCT only over those few. At 1,000,000 cases (4,000,000
limits) the flagging and the four indexes take some 20 seconds."""

from django.db import migrations, models
from django.db.models import Exists, OuterRef


def flag_shared_codes(apps, schema_editor):
    Deadline = apps.get_model("petitions", "Deadline")
    others = Deadline.objects.filter(petition_id=OuterRef("petition_id"), code=OuterRef("code")).exclude(
        pk=OuterRef("pk")
    )
    Deadline.objects.filter(Exists(others)).update(shares_code=True)


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0026_workbench_unit_status"),
    ]

    operations = [
        migrations.AddField(
            model_name="deadline",
            name="shares_code",
            field=models.BooleanField(default=False, editable=False, verbose_name="同类期限不止一个"),
        ),
        migrations.RunPython(flag_shared_codes, migrations.RunPython.noop, elidable=True),
        migrations.RemoveIndex(model_name="deadline", name="deadline_due_code"),
        migrations.RemoveIndex(model_name="deadline", name="deadline_area_due"),
        migrations.AddIndex(
            model_name="deadline",
            index=models.Index(
                fields=["due_date", "code"], include=("status", "petition_id", "shares_code"), name="deadline_due_code"
            ),
        ),
        migrations.AddIndex(
            model_name="deadline",
            index=models.Index(
                fields=["area", "code", "due_date"],
                include=("status", "petition_id", "current_unit_id", "office_unit_id", "accused_path", "shares_code"),
                name="deadline_area_due",
            ),
        ),
        migrations.AddIndex(
            model_name="deadline",
            index=models.Index(
                condition=models.Q(("shares_code", True)),
                fields=["due_date", "code"],
                include=("status", "petition_id"),
                name="deadline_shared_due",
            ),
        ),
        migrations.AddIndex(
            model_name="deadline",
            index=models.Index(
                condition=models.Q(("shares_code", True)),
                fields=["area", "code", "due_date"],
                include=("status", "petition_id", "current_unit_id", "office_unit_id", "accused_path"),
                name="deadline_shared_area",
            ),
        ),
    ]
