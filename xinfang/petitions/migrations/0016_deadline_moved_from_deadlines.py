# The Deadline rows move from the deadlines app to petitions (architecture.md: petitions holds the
# per-case deadlines; deadlines keeps the rules and the calendar, below petitions). The table keeps its
# name and its rows: state only here (created in petitions), deadlines 0008 removes it from the old app's
# state, and the database is not touched (Django's SeparateDatabaseAndState).

import django.db.models.deletion
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    # Permissions and admin history point at the content type: keep them by relabelling it.
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label="petitions", model="deadline").exists():
        ContentType.objects.using(db).filter(app_label="deadlines", model="deadline").update(app_label="petitions")


def restore_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label="deadlines", model="deadline").exists():
        ContentType.objects.using(db).filter(app_label="petitions", model="deadline").update(app_label="deadlines")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("deadlines", "0007_chinese_labels"),
        ("petitions", "0015_merge_labels_revisit"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Deadline",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("code", models.CharField(max_length=40, verbose_name="期限代码")),
                        (
                            "party",
                            models.CharField(
                                choices=[("organ", "机关办理期限"), ("petitioner", "信访人申请期限")],
                                default="organ",
                                max_length=12,
                                verbose_name="期限约束方",
                            ),
                        ),
                        ("start_date", models.DateField(verbose_name="起算日")),
                        ("base_due_date", models.DateField(verbose_name="法定到期日")),
                        ("due_override", models.DateField(blank=True, null=True, verbose_name="交办指定期限")),
                        ("due_date", models.DateField(verbose_name="到期日")),
                        ("extension_days", models.PositiveSmallIntegerField(default=0, verbose_name="延长天数")),
                        ("paused_days", models.PositiveSmallIntegerField(default=0, verbose_name="暂停天数")),
                        ("pause_started", models.DateField(blank=True, null=True, verbose_name="暂停开始")),
                        ("estimated", models.BooleanField(default=False, verbose_name="预计")),
                        ("basis", models.TextField(blank=True, verbose_name="计算依据")),
                        ("note", models.CharField(blank=True, max_length=200, verbose_name="备注")),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("open", "进行中"),
                                    ("met", "按期完成"),
                                    ("late", "逾期完成"),
                                    ("cancelled", "已取消"),
                                ],
                                default="open",
                                max_length=10,
                                verbose_name="状态",
                            ),
                        ),
                        (
                            "state",
                            models.CharField(
                                choices=[("normal", "正常"), ("soon", "即将到期"), ("overdue", "已超期")],
                                default="normal",
                                max_length=10,
                                verbose_name="期限状态",
                            ),
                        ),
                        (
                            "warned_soon",
                            models.BooleanField(default=False, editable=False, verbose_name="已发即将到期提醒"),
                        ),
                        (
                            "warned_overdue",
                            models.BooleanField(default=False, editable=False, verbose_name="已发逾期提醒"),
                        ),
                        ("closed_at", models.DateTimeField(blank=True, null=True, verbose_name="结束时间")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="创建时间")),
                        (
                            "petition",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="deadlines",
                                to="petitions.petition",
                                verbose_name="信访事项",
                            ),
                        ),
                        (
                            "rule",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="deadlines",
                                to="deadlines.timelimitrule",
                                verbose_name="期限规则",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "办理期限",
                        "verbose_name_plural": "办理期限",
                        "db_table": "deadlines_deadline",
                        "ordering": ["due_date", "id"],
                        "indexes": [
                            models.Index(
                                condition=models.Q(("status", "open")),
                                fields=["party", "due_date"],
                                name="deadline_open_due",
                            )
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("status", "open")),
                                fields=("petition", "code"),
                                name="uniq_open_deadline_per_code",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, restore_content_type),
    ]
