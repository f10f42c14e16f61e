"""A limit's `repeated` flag: its case has another limit of the same code (handled again after 不满意,
dispatched again after an objection). The rows already there are flagged here. The statistics' two covering
indexes carry the flag, and two partial indexes hold the repeated limits alone, so that the timeliness figures
count the rows as they are and take DISTINCT only over the repeated few. At 1,000,000 cases (4,000,000
limits) the flagging and the four indexes take some 20 seconds."""

from django.db import migrations, models
from django.db.models import Exists, OuterRef


def flag_repeated(apps, schema_editor):
    Deadline = apps.get_model("petitions", "Deadline")
    others = Deadline.objects.filter(petition_id=OuterRef("petition_id"), code=OuterRef("code")).exclude(
        pk=OuterRef("pk")
    )
    Deadline.objects.filter(Exists(others)).update(repeated=True)


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0026_workbench_unit_status"),
    ]

    operations = [
        migrations.AddField(
            model_name="deadline",
            name="repeated",
            field=models.BooleanField(default=False, editable=False, verbose_name="同类期限不止一个"),
        ),
        migrations.RunPython(flag_repeated, migrations.RunPython.noop, elidable=True),
        migrations.RemoveIndex(model_name="deadline", name="deadline_due_code"),
        migrations.RemoveIndex(model_name="deadline", name="deadline_area_due"),
        migrations.AddIndex(
            model_name="deadline",
            index=models.Index(
                fields=["due_date", "code"], include=("status", "petition_id", "repeated"), name="deadline_due_code"
            ),
        ),
        migrations.AddIndex(
            model_name="deadline",
            index=models.Index(
                fields=["area", "code", "due_date"],
                include=("status", "petition_id", "current_unit_id", "office_unit_id", "accused_path", "repeated"),
                name="deadline_area_due",
            ),
        ),
        migrations.AddIndex(
            model_name="deadline",
            index=models.Index(
                condition=models.Q(("repeated", True)),
                fields=["due_date", "code"],
                include=("status", "petition_id"),
                name="deadline_repeated_due",
            ),
        ),
        migrations.AddIndex(
            model_name="deadline",
            index=models.Index(
                condition=models.Q(("repeated", True)),
                fields=["area", "code", "due_date"],
                include=("status", "petition_id", "current_unit_id", "office_unit_id", "accused_path"),
                name="deadline_repeated_area",
            ),
        ),
    ]
