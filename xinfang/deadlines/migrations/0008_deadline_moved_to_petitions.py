# The Deadline rows now belong to petitions (petitions 0016 took them over in the migration state, same
# table, same rows); here they only leave this app's state. Nothing in the database changes.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("deadlines", "0007_chinese_labels"),
        ("petitions", "0016_deadline_moved_from_deadlines"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Deadline")],
            database_operations=[],
        ),
    ]
