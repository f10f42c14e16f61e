"""Petition.has_repeat (issue 17): the statistics' 一次性化解 reads a column instead of a subquery per case
(at 1M cases PostgreSQL sometimes chose to hash every case's repeat link instead: 1 s a query). Written
for the cases there are from their repeats, then carried in pet_area_stats."""

from django.conf import settings
from django.db import migrations, models
from django.db.models import Exists, OuterRef


def flag_repeated(apps, schema_editor):
    Petition = apps.get_model("petitions", "Petition")
    Petition.objects.filter(Exists(Petition.objects.filter(repeat_of_id=OuterRef("pk")))).update(has_repeat=True)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0005_unit_doc_word'),
        ('petitions', '0023_deadline_case_facts'),
        ('routing', '0002_category_from_petitions'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='petition',
            name='pet_area_stats',
        ),
        migrations.AddField(
            model_name='petition',
            name='has_repeat',
            field=models.BooleanField(default=False, editable=False, verbose_name='此后有重复信访'),
        ),
        migrations.RunPython(flag_repeated, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name='petition',
            index=models.Index(fields=['area', 'received_at'], include=('id', 'accused_path', 'headcount', 'channel', 'purpose', 'category_id', 'current_unit_id', 'office_unit_id', 'is_repeat', 'is_group', 'is_skip_level', 'skip_level_to', 'replied_at', 'rating', 'leader_id', 'closed_at', 'has_repeat'), name='pet_area_stats'),
        ),
    ]
