import uuid

from django.db import migrations, models


def create_token(apps, schema_editor):
    apps.get_model("deadlines", "ConfigVersion").objects.update_or_create(id=1, defaults={"token": uuid.uuid4().hex})


class Migration(migrations.Migration):
    dependencies = [("deadlines", "0002_default_rules")]

    operations = [
        migrations.CreateModel(
            name="ConfigVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token", models.CharField(max_length=32)),
            ],
            options={"verbose_name": "期限配置版本", "verbose_name_plural": "期限配置版本"},
        ),
        migrations.RunPython(create_token, migrations.RunPython.noop),
    ]
