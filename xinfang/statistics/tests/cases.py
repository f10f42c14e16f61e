"""The hand-built set of cases (through the real services, on the real dates) whose figures the tests
compute by hand. Eight cases of 扶沟县 in 2025, handled by 扶沟县市政所; looked at on 2026-06-01.

    case  registered  dispatched  accepted  replied     rating       notes
    A     03-01       03-02       03-03     03-20       满意
    B     03-01       03-25 late  04-20 late 07-01 late 基本满意     (transfer due 03-16, notice due 04-09,
                                                                     handling due 06-19)
    C     04-01       04-02       04-03     --          --           handling due 06-02: overdue, open
    D     05-01       05-02       --        --          --           notice due 05-17: overdue, open
    E     05-10       --          --        --          --           transfer due 05-25: overdue, open
    F     06-01       06-02       06-03     06-10       (unrated)    重复信访
    G     06-05       06-06       06-07     06-15       不满意
    H     07-01       07-02       --        --          --           集体访 6人, 越级 赴京; notice overdue
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from xinfang.core.timeutil import SHANGHAI
from xinfang.petitions import services
from xinfang.petitions.models import Petition
from xinfang.petitions.tests.factories import register

TODAY = dt.date(2026, 6, 1)

PLAN: dict[str, dict[str, Any]] = {
    "A": {
        "reg": "2025-03-01",
        "dispatch": "2025-03-02",
        "accept": "2025-03-03",
        "reply": "2025-03-20",
        "rating": "satisfied",
    },
    "B": {
        "reg": "2025-03-01",
        "dispatch": "2025-03-25",
        "accept": "2025-04-20",
        "reply": "2025-07-01",
        "rating": "basic",
    },
    "C": {"reg": "2025-04-01", "dispatch": "2025-04-02", "accept": "2025-04-03"},
    "D": {"reg": "2025-05-01", "dispatch": "2025-05-02"},
    "E": {"reg": "2025-05-10"},
    "F": {"reg": "2025-06-01", "dispatch": "2025-06-02", "accept": "2025-06-03", "reply": "2025-06-10", "repeat": True},
    "G": {
        "reg": "2025-06-05",
        "dispatch": "2025-06-06",
        "accept": "2025-06-07",
        "reply": "2025-06-15",
        "rating": "unsatisfied",
    },
    "H": {"reg": "2025-07-01", "dispatch": "2025-07-02", "headcount": 6, "skip": "beijing"},
}

# What the tests expect, computed by hand from the table above.
EXPECTED = {
    "received": 8,
    "persons": 13,
    "group_visits": 1,
    "group_persons": 6,
    "skip_level": 1,
    "to_province": 0,
    "to_beijing": 1,
    "repeat": 1,
    "first_time": 7,
    # 信访部门 (transfer): met A C D F G H, late B, overdue E
    "timely_acceptance_rate": (6, 8),
    # 责任单位 (notice of acceptance): met A C F G, late B, overdue D H
    "unit_timely_acceptance_rate": (4, 7),
    # reply: met A F G, late B, overdue C
    "on_time_reply_rate": (3, 5),
    # answered A B F G; rated A B G; satisfied A B
    "satisfaction_rate": (2, 3),
    "participation_rate": (3, 4),
    "repeat_rate": (1, 8),
}


def at(day: str) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(10, 0), tzinfo=SHANGHAI)


def build(personas: Any, time_machine: Any) -> dict[str, Petition]:
    org = personas.org
    out: dict[str, Petition] = {}
    for key, plan in PLAN.items():
        time_machine.move_to(at(plan["reg"]), tick=False)
        extra: dict[str, Any] = {}
        if plan.get("headcount"):
            extra.update(headcount=plan["headcount"], no_representative_reason="现场未推选代表")
        reg = register(
            personas.clerk,
            received_at=at(plan["reg"]),
            title=f"统计用例{key}",
            is_repeat=bool(plan.get("repeat")),
            skip_level_to=plan.get("skip", ""),
            **extra,
        )
        pk = reg.petition.pk
        if "dispatch" in plan:
            time_machine.move_to(at(plan["dispatch"]), tick=False)
            services.petition_dispatch(actor=personas.dispatcher, petition_id=pk, unit=org.municipal, mode="transfer")
        if "accept" in plan:
            time_machine.move_to(at(plan["accept"]), tick=False)
            services.petition_accept(actor=personas.handler, petition_id=pk)
        if "reply" in plan:
            time_machine.move_to(at(plan["reply"]), tick=False)
            services.petition_submit_reply(
                actor=personas.handler,
                petition_id=pk,
                outcome="support",
                facts="经查属实",
                reasons="理由",
                basis="依据",
                opinion="已处理。",
            )
            services.petition_decide_reply(actor=personas.head, petition_id=pk, approve=True)
        if "rating" in plan:
            services.petition_rate(petition_id=pk, rating=plan["rating"])
        out[key] = Petition.objects.get(pk=pk)
    time_machine.move_to(at(TODAY.isoformat()), tick=False)
    return out
