"""The statistics' answered cohort read area by area (issue 17): pet_area_replied is (area, replied_at) of the
answered cases, carrying what the figures count, so that the cases a city answered in a month are read
from their own index range instead of every case the city ever received (the statistics query the
received and the answered cases apart: xinfang.statistics.figures._cohort_rows). PostgreSQL only carries
the INCLUDE columns; SQLite builds the key columns alone."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0005_unit_doc_word'),
        ('petitions', '0024_has_repeat'),
        ('routing', '0002_category_from_petitions'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='petition',
            index=models.Index(condition=models.Q(('replied_at__isnull', False)), fields=['area', 'replied_at'], include=('id', 'accused_path', 'headcount', 'channel', 'purpose', 'category_id', 'current_unit_id', 'office_unit_id', 'is_repeat', 'is_group', 'is_skip_level', 'skip_level_to', 'rating', 'leader_id', 'closed_at', 'has_repeat', 'received_at'), name='pet_area_replied'),
        ),
    ]
