"""Petitioners' and representatives' names and addresses sealed like ID and phone numbers (issue 20):
ciphertext, keyed index (exact full-name search), masked form. Existing rows are sealed here, then the
clear columns dropped."""

from django.conf import settings
from django.db import migrations, models


def seal_names(apps, schema_editor):
    from xinfang.core import crypto

    Petition = apps.get_model("petitions", "Petition")
    Representative = apps.get_model("petitions", "Representative")
    with crypto.pinned():
        batch = []
        for p in Petition.objects.only("pk", "petitioner_name", "petitioner_address").iterator(chunk_size=2000):
            p.petitioner_name_enc, p.petitioner_name_hash, p.petitioner_name_masked = crypto.seal_name(
                p.petitioner_name
            )
            p.petitioner_address_enc = crypto.seal_text(p.petitioner_address)
            batch.append(p)
            if len(batch) >= 2000:
                Petition.objects.bulk_update(
                    batch,
                    ["petitioner_name_enc", "petitioner_name_hash", "petitioner_name_masked", "petitioner_address_enc"],
                )
                batch = []
        Petition.objects.bulk_update(
            batch, ["petitioner_name_enc", "petitioner_name_hash", "petitioner_name_masked", "petitioner_address_enc"]
        )
        reps = []
        for r in Representative.objects.only("pk", "name").iterator(chunk_size=2000):
            r.name_enc, r.name_hash, r.name_masked = crypto.seal_name(r.name)
            reps.append(r)
        Representative.objects.bulk_update(reps, ["name_enc", "name_hash", "name_masked"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_chinese_labels"),
        ("petitions", "0016_deadline_moved_from_deadlines"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="petition",
            name="petitioner_address_enc",
            field=models.TextField(blank=True, editable=False, verbose_name="住址（加密）"),
        ),
        migrations.AddField(
            model_name="petition",
            name="petitioner_name_enc",
            field=models.TextField(blank=True, editable=False, verbose_name="信访人姓名（加密）"),
        ),
        migrations.AddField(
            model_name="petition",
            name="petitioner_name_hash",
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name="信访人姓名（检索摘要）"),
        ),
        migrations.AddField(
            model_name="petition",
            name="petitioner_name_masked",
            field=models.CharField(blank=True, editable=False, max_length=100, verbose_name="信访人姓名"),
        ),
        migrations.AddField(
            model_name="representative",
            name="name_enc",
            field=models.TextField(blank=True, editable=False, verbose_name="姓名（加密）"),
        ),
        migrations.AddField(
            model_name="representative",
            name="name_hash",
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name="姓名（检索摘要）"),
        ),
        migrations.AddField(
            model_name="representative",
            name="name_masked",
            field=models.CharField(blank=True, editable=False, max_length=100, verbose_name="姓名"),
        ),
        migrations.RunPython(seal_names, migrations.RunPython.noop, elidable=False),
        migrations.RemoveField(
            model_name="petition",
            name="petitioner_address",
        ),
        migrations.RemoveField(
            model_name="petition",
            name="petitioner_name",
        ),
        migrations.RemoveField(
            model_name="representative",
            name="name",
        ),
        migrations.AddIndex(
            model_name="petition",
            index=models.Index(
                fields=["petitioner_name_hash"], name="pet_name_hash", opclasses=["varchar_pattern_ops"]
            ),
        ),
        migrations.AddIndex(
            model_name="representative",
            index=models.Index(fields=["name_hash"], name="rep_name_hash", opclasses=["varchar_pattern_ops"]),
        ),
    ]
