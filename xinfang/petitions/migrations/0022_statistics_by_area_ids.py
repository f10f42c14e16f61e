"""The statistics bound their scans by area (issue 17): pet_area_stats is (area, received_at) carrying the
columns the figures count, read by the subtree's area ids; pet_area_path keeps its key (the list's area
filter, Open311) without them; the area's own foreign-key index gives way to pet_area_stats, which leads
with the same column. PostgreSQL only carries the INCLUDE columns; SQLite builds the key columns alone."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0005_unit_doc_word'),
        ('petitions', '0021_statistics_covering_indexes'),
        ('routing', '0002_category_from_petitions'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='petition',
            name='pet_area_path',
        ),
        migrations.AlterField(
            model_name='petition',
            name='area',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.area', verbose_name='问题属地'),
        ),
        migrations.AddIndex(
            model_name='petition',
            index=models.Index(fields=['area_path', 'received_at'], name='pet_area_path', opclasses=['varchar_pattern_ops', '']),
        ),
        migrations.AddIndex(
            model_name='petition',
            index=models.Index(fields=['area', 'received_at'], include=('id', 'accused_path', 'headcount', 'channel', 'purpose', 'category_id', 'current_unit_id', 'office_unit_id', 'is_repeat', 'is_group', 'is_skip_level', 'skip_level_to', 'replied_at', 'rating', 'leader_id', 'closed_at'), name='pet_area_stats'),
        ),
    ]
