"""The default grade scheme (修水 四色; research-wave2 §1.4). Editable in the admin: the days and the
leader levels are local choices ([?] no national resolution deadline exists)."""

from django.db import migrations

GRADES = [
    ("red", "红色", "#d93025", "重大复杂、跨部门，可能引发群体性或极端事件；一事一策，县级领导包案", 1, 3, 60),
    ("orange", "橙色", "#f08a24", "有激化、升级可能，须重点稳控；县级领导包案", 2, 3, 45),
    ("yellow", "黄色", "#f2c230", "一般矛盾纠纷（婚姻家庭、邻里等），乡镇就地化解", 3, 4, 30),
    ("blue", "蓝色", "#3b7dd8", "潜在风险隐患，村（社区）跟踪化解", 4, 5, 15),
]


def seed(apps, schema_editor):
    RiskGrade = apps.get_model("screening", "RiskGrade")
    for code, name, color, meaning, rank, level, days in GRADES:
        RiskGrade.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "color": color,
                "meaning": meaning,
                "rank": rank,
                "leader_level": level,
                "deadline_days": days,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("screening", "0001_disputes_campaigns_leaders")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
