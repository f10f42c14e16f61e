"""0027's `repeated` flag is renamed `shares_code`: it says the case has another limit of the same code, which is
not 重复信访 (Petition.has_repeat). The indexes that carry it are rebuilt under their names; the partial ones
become deadline_shared_due and deadline_shared_area."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0005_unit_doc_word'),
        ('deadlines', '0008_deadline_moved_to_petitions'),
        ('petitions', '0027_deadline_repeated'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='deadline',
            name='deadline_due_code',
        ),
        migrations.RemoveIndex(
            model_name='deadline',
            name='deadline_area_due',
        ),
        migrations.RemoveIndex(
            model_name='deadline',
            name='deadline_repeated_due',
        ),
        migrations.RemoveIndex(
            model_name='deadline',
            name='deadline_repeated_area',
        ),
        migrations.RenameField(
            model_name='deadline',
            old_name='repeated',
            new_name='shares_code',
        ),
        migrations.AddIndex(
            model_name='deadline',
            index=models.Index(fields=['due_date', 'code'], include=('status', 'petition_id', 'shares_code'), name='deadline_due_code'),
        ),
        migrations.AddIndex(
            model_name='deadline',
            index=models.Index(fields=['area', 'code', 'due_date'], include=('status', 'petition_id', 'current_unit_id', 'office_unit_id', 'accused_path', 'shares_code'), name='deadline_area_due'),
        ),
        migrations.AddIndex(
            model_name='deadline',
            index=models.Index(condition=models.Q(('shares_code', True)), fields=['due_date', 'code'], include=('status', 'petition_id'), name='deadline_shared_due'),
        ),
        migrations.AddIndex(
            model_name='deadline',
            index=models.Index(condition=models.Q(('shares_code', True)), fields=['area', 'code', 'due_date'], include=('status', 'petition_id', 'current_unit_id', 'office_unit_id', 'accused_path'), name='deadline_shared_area'),
        ),
    ]
