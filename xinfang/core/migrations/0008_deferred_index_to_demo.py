# The bookkeeping of the volume generator's bulk loads moved to the demo app (xinfang.demo.models),
# which creates its own table and copies any rows across first (demo 0001 runs before this one).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_chinese_labels"),
    ]

    operations = [
        migrations.DeleteModel(name="DeferredIndex"),
    ]
