"""Seed the 18 first-level 内容分类 (domain.md §4). Editable afterwards in the admin."""

from django.db import migrations

CATEGORIES = [
    ("602001", "政治综合"), ("602002", "经济综合"), ("602003", "宣传舆论"), ("602004", "纪检监察"),
    ("602005", "政法"), ("602006", "劳动社保"), ("602007", "教育"), ("602008", "卫生计生"),
    ("602009", "科技文体"), ("602010", "组织人事"), ("602011", "交通能源环保"), ("602012", "民政"),
    ("602013", "农村农业"), ("602014", "国土资源水利林业"), ("602015", "城乡建设"), ("602016", "信息产业"),
    ("602017", "商贸旅游"), ("602018", "其他"),
]


def seed(apps, schema_editor):
    Category = apps.get_model("petitions", "Category")
    for order, (code, name) in enumerate(CATEGORIES, start=1):
        Category.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})


def unseed(apps, schema_editor):
    apps.get_model("petitions", "Category").objects.filter(code__in=[c for c, _ in CATEGORIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("petitions", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
