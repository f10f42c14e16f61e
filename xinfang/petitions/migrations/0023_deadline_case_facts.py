"""Deadline rows carry copies of their case's area, units and accused path (petitions.deadlines.facts), so
that the statistics count a scope's limits from deadline_area_due alone (issue 17). The copies of the rows
already there are written from their cases before the index is built."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_case_facts(apps, schema_editor):
    Deadline = apps.get_model("petitions", "Deadline")
    Petition = apps.get_model("petitions", "Petition")
    case = Petition.objects.filter(pk=OuterRef("petition_id"))
    Deadline.objects.update(
        **{name: Subquery(case.values(name)[:1]) for name in ("area_id", "current_unit_id", "office_unit_id", "accused_path")}
    )


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0005_unit_doc_word'),
        ('deadlines', '0008_deadline_moved_to_petitions'),
        ('petitions', '0022_statistics_by_area_ids'),
    ]

    operations = [
        migrations.AddField(
            model_name='deadline',
            name='accused_path',
            field=models.CharField(blank=True, default='', editable=False, max_length=400, verbose_name='被检举单位层级路径'),
        ),
        migrations.AddField(
            model_name='deadline',
            name='area',
            field=models.ForeignKey(db_constraint=False, db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='accounts.area', verbose_name='问题属地'),
        ),
        migrations.AddField(
            model_name='deadline',
            name='current_unit',
            field=models.ForeignKey(db_constraint=False, db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='accounts.unit', verbose_name='承办单位'),
        ),
        migrations.AddField(
            model_name='deadline',
            name='office_unit',
            field=models.ForeignKey(db_constraint=False, db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='accounts.unit', verbose_name='登记部门'),
        ),
        migrations.RunPython(copy_case_facts, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name='deadline',
            index=models.Index(fields=['area', 'code', 'due_date'], include=('status', 'petition_id', 'current_unit_id', 'office_unit_id', 'accused_path'), name='deadline_area_due'),
        ),
    ]
