"""pet_status_area and pet_deadline_area carry accused_path (INCLUDE, PostgreSQL only).

With the list's scope collapsed to the accusation rule when the user sees the filtered area anyway
(accounts.access.petition_scope_q(within_area=…)), a count of a state or a deadline state in a
subtree reads only these indexes. On a large live database build the new indexes CONCURRENTLY
under other names first, then swap; this migration rebuilds them in place.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('petitions', '0007_importjob'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='petition',
            name='pet_status_area',
        ),
        migrations.RemoveIndex(
            model_name='petition',
            name='pet_deadline_area',
        ),
        migrations.AddIndex(
            model_name='petition',
            index=models.Index(fields=['status', 'area_path'], include=('accused_path',), name='pet_status_area', opclasses=['varchar_pattern_ops', 'varchar_pattern_ops']),
        ),
        migrations.AddIndex(
            model_name='petition',
            index=models.Index(fields=['deadline_state', 'area_path'], include=('accused_path',), name='pet_deadline_area', opclasses=['varchar_pattern_ops', 'varchar_pattern_ops']),
        ),
    ]
