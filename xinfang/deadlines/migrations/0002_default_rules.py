"""National time limits of 《信访工作条例》 (2022, in force 2022-05-01), plus the 2012 《河南省信访条例》
handling limits shipped DISABLED as an example of a provincial rule (domain.md §1.2, §2)."""

import datetime as dt

from django.db import migrations

XFGZTL_FROM = dt.date(2022, 5, 1)
XFGZTL_NOTE = "《信访工作条例》（中共中央、国务院2022年2月25日印发，2022年5月1日起施行）"

NATIONAL = [
    # code, name, legal basis, days, unit, start event, roll forward, party
    ("transfer", "转送交办", "《信访工作条例》第二十二条", 15, "calendar", "registered", False, "organ"),
    ("notify_acceptance", "书面告知是否受理", "《信访工作条例》第二十三条", 15, "calendar", "received", False, "organ"),
    ("objection", "提出异议", "《信访工作条例》第二十三条第三款", 5, "working", "received", False, "organ"),
    ("handle", "办理", "《信访工作条例》第三十四条", 60, "calendar", "accepted", False, "organ"),
    ("extension", "延长办理期限", "《信访工作条例》第三十四条", 30, "calendar", "due_date", False, "organ"),
    ("review_request", "请求复查", "《信访工作条例》第三十五条", 30, "calendar", "reply_received", True, "petitioner"),
    ("review_decision", "复查意见", "《信访工作条例》第三十五条", 30, "calendar", "review_requested", False, "organ"),
    ("recheck_request", "请求复核", "《信访工作条例》第三十六条", 30, "calendar", "review_reply_received", True,
     "petitioner"),
    ("recheck_decision", "复核意见", "《信访工作条例》第三十六条", 30, "calendar", "recheck_requested", False,
     "organ"),
]

NOTES = {
    "objection": "5个工作日，条例中唯一按工作日计算的期限。",
    "extension": "延长的天数加在当前期限上；须经本机关负责人批准并告知信访人延期理由。",
    "recheck_decision": "复核机关举行听证的，听证所需时间不计算在内（暂停计时）。",
    "review_request": "信访人的申请期限：末日为节假日的顺延至其后第一个工作日（民法典第二百零三条类推）。",
    "recheck_request": "信访人的申请期限：末日为节假日的顺延至其后第一个工作日（民法典第二百零三条类推）。",
}

HENAN = [
    ("handle", "办理（河南省）", "《河南省信访条例》（2012年修订）", 30, "calendar", "accepted", False, "organ"),
    ("extension", "延长办理期限（河南省）", "《河南省信访条例》（2012年修订）", 60, "calendar", "due_date", False,
     "organ"),
]


def forwards(apps, schema_editor):
    Rule = apps.get_model("deadlines", "TimeLimitRule")
    for code, name, basis, days, unit, event, roll, party in NATIONAL:
        Rule.objects.get_or_create(
            code=code, area_code="", effective_from=XFGZTL_FROM,
            defaults={"name": name, "legal_basis": basis, "days": days, "unit": unit, "start_event": event,
                      "roll_forward": roll, "party": party, "active": True,
                      "note": (NOTES.get(code, "") + XFGZTL_NOTE)},
        )
    for code, name, basis, days, unit, event, roll, party in HENAN:
        Rule.objects.get_or_create(
            code=code, area_code="41", effective_from=dt.date(2012, 11, 29),
            defaults={"name": name, "legal_basis": basis, "days": days, "unit": unit, "start_event": event,
                      "roll_forward": roll, "party": party, "active": False,
                      "note": "示例：省级规则。办理期限30日，可延长至总计90日。未核实2022年后是否修订，默认停用；"
                              "核实后由管理员启用。"},
        )


def backwards(apps, schema_editor):
    Rule = apps.get_model("deadlines", "TimeLimitRule")
    Deadline = apps.get_model("deadlines", "Deadline")
    used = Deadline.objects.values_list("rule_id", flat=True)
    Rule.objects.filter(area_code="", effective_from=XFGZTL_FROM).exclude(pk__in=used).delete()
    Rule.objects.filter(area_code="41", effective_from=dt.date(2012, 11, 29)).exclude(pk__in=used).delete()


class Migration(migrations.Migration):
    dependencies = [("deadlines", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
