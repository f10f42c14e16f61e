"""接访日: a visit received is a petition (channel 领导接访) with leader, place and 接谈人; 下访 records;
the Excel import of a screening list with its validation report."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from openpyxl import Workbook

from xinfang.core.errors import InvalidTransition, ValidationFailed
from xinfang.petitions.models import Channel
from xinfang.screening import importer, services
from xinfang.screening.models import Dispute, DownVisit

pytestmark = pytest.mark.django_db


@time_machine.travel("2026-11-18 10:00 +0800")
def test_visit_on_a_reception_day_is_registered_as_a_petition(scene):
    day = services.reception_day_create(
        actor=scene.p.clerk, leader=scene.p.leader, leader_title="县委书记", office=scene.p.org.county_office,
        area=scene.p.org.chengguan, date=dt.date(2026, 11, 18), start_time=dt.time(8, 30), end_time=dt.time(12),
        place="城关镇群众接待中心",
    )  # fmt: skip
    visit = services.reception_register_visit(
        actor=scene.p.clerk, day_id=day.pk, interviewer="信访局 李静", content="小区物业乱收费，要求退还",
        petitioner={"name": "周大妈", "phone": "13700009999"}, leader_instruction="请住建局一周内答复",
    )  # fmt: skip
    p = visit.petition
    assert p.channel == Channel.LEADER and p.status == "registered" and p.area == scene.p.org.chengguan
    assert (visit.leader, visit.place, visit.interviewer) == (scene.p.leader, "城关镇群众接待中心", "信访局 李静")
    assert p.events.filter(action="register").exists() and p.due_date  # the normal intake: timeline and deadline
    with pytest.raises(ValidationFailed, match="时段"):
        services.reception_day_create(
            actor=scene.p.clerk, leader=scene.p.leader, leader_title="县委书记", office=scene.p.org.county_office,
            area=scene.p.org.chengguan, date=dt.date(2026, 11, 18), start_time=dt.time(10), end_time=dt.time(11), place="x",
        )  # fmt: skip
    services.reception_day_cancel(actor=scene.p.clerk, day_id=day.pk, reason="临时会议")
    with pytest.raises(InvalidTransition):
        services.reception_register_visit(actor=scene.p.clerk, day_id=day.pk, interviewer="x", content="y")


def test_down_visit_links_the_disputes_it_found(scene):
    d = scene.dispute(source="down_visit")
    visit = services.down_visit_record(
        actor=scene.p.clerk, leader=scene.p.leader, office=scene.p.org.county_office, area=scene.p.org.chengguan,
        date=dt.date(2026, 11, 2), place="城关镇东关村", people_met="村两委、12户群众", matters_found="宅基地边界纠纷1起",
        disputes=[d],
    )  # fmt: skip
    assert list(visit.disputes.all()) == [d]
    with pytest.raises(ValidationFailed) as exc:
        services.down_visit_record(
            actor=scene.p.clerk, leader=scene.p.clerk, office=scene.p.org.county_office, area=scene.p.org.chengguan,
            date=dt.date(2026, 11, 2), place="", people_met="", matters_found="",
        )  # fmt: skip
    assert {"leader", "place", "people_met", "matters_found"} <= set(exc.value.errors)
    assert DownVisit.objects.count() == 1


def _sheet(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(list(importer.COLUMNS))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD = [
    "城关镇",
    "",
    "邻里纠纷",
    "黄色",
    "初信初访",
    "",
    "两户因排水沟发生争执",
    "张三",
    "",
    "13800001111",
    2,
    dt.date(2026, 11, 2),
    "扶沟县市政所",
    "王磊",
    "网格员每日走访",
    "否",
]
RED = [
    "崔桥镇",
    "",
    "土地征收与流转",
    "红",
    "历史积案",
    "征地补偿",
    "征地补偿款分配争议，涉及30户",
    "",
    "",
    "",
    30,
    "2026-10-15",
    "",
    "",
    "",
    "是",
]
BAD = ["不存在镇", "", "打架", "紫色", "", "", "", "李四", "", "12345", "很多", "昨天", "", "", "", ""]


def test_import_all_good(scene):
    report = importer.screening_import(actor=scene.p.clerk, office=scene.p.org.county_office, data=_sheet([GOOD, RED]))
    assert report.ok and len(report.created) == 2
    red = Dispute.objects.get(grade__code="red")
    assert (
        red.marked and red.case_class == "old" and red.area == scene.cuiqiao and red.found_on == dt.date(2026, 10, 15)
    )
    good = Dispute.objects.get(grade__code="yellow")
    assert good.responsible_unit == scene.p.org.municipal and good.parties.get().phone_masked == "138****1111"


def test_import_with_errors_writes_nothing_and_reports_every_problem(scene):
    report = importer.screening_import(actor=scene.p.clerk, office=scene.p.org.county_office, data=_sheet([GOOD, BAD]))
    assert not report.ok and not report.written and not Dispute.objects.exists()
    ((row, msgs),) = report.errors
    assert row == 3
    text = "；".join(msgs)
    for expected in ("不存在镇", "纠纷类型“打架”", "风险等级“紫色”", "涉及人数", "排查日期", "简要情况"):
        assert expected in text
    partial = importer.screening_import(
        actor=scene.p.clerk, office=scene.p.org.county_office, data=_sheet([GOOD, BAD]), partial=True
    )
    assert partial.written and len(partial.created) == 1 and Dispute.objects.count() == 1


def test_import_refuses_a_file_that_is_not_a_screening_list(scene):
    assert (
        "Excel" in importer.screening_import(actor=scene.p.clerk, office=scene.p.org.county_office, data=b"hello").fatal
    )
    book = Workbook()
    book.active.append(["姓名", "电话"])
    out = io.BytesIO()
    book.save(out)
    assert (
        "表头缺少列"
        in importer.screening_import(actor=scene.p.clerk, office=scene.p.org.county_office, data=out.getvalue()).fatal
    )


def test_portal_shows_the_published_schedule(client, scene):
    today = dt.date.today()
    kw = dict(
        actor=scene.p.clerk,
        leader=scene.p.leader,
        leader_title="县长",
        office=scene.p.org.county_office,
        area=scene.p.org.chengguan,
        start_time=dt.time(9),
        end_time=dt.time(11),
    )
    services.reception_day_create(date=today + dt.timedelta(days=2), place="城关镇便民服务中心", **kw)
    services.reception_day_create(date=today + dt.timedelta(days=3), place="内部不公开", published=False, **kw)
    services.reception_day_create(date=today - dt.timedelta(days=3), place="已过去", **kw)
    page = client.get("/portal/reception-days/").content.decode()
    assert "城关镇便民服务中心" in page and "县长" in page
    assert "内部不公开" not in page and "已过去" not in page
    assert "城关镇便民服务中心" not in client.get("/portal/reception-days/?area=411627").content.decode()
