"""The demo's scenarios: the step sequences a case walks through, how often each happens, and which units
handle which matters (pure data)."""

from __future__ import annotations

from dataclasses import dataclass

# Steps a case walks through (see loader.Runner.step_*).
R = ("register",)
D = (*R, "dispatch")
A = (*D, "accept")
AN = (*A, "note")
RP = (*AN, "reply")
RD = (*RP, "reply_approve")
RV = (*RD, "review", "review_decide")


@dataclass(frozen=True)
class Scenario:
    name: str
    count: int
    steps: tuple[str, ...]
    age: tuple[int, int]  # received this many days ago (min, max)
    review: bool = False  # needs a county unit above it (复查/复核)
    direct: bool = False  # the 信访局 answers itself (咨询)
    reject: bool = False


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("submitted", 22, ("submit",), (0, 6)),
    Scenario("submitted_rejected", 2, ("submit", "reject_office"), (1, 8), reject=True),
    Scenario("online_registered", 2, ("submit", "register_submitted"), (1, 6)),
    Scenario("online_dispatched", 3, ("submit", "register_submitted", "dispatch"), (1, 8)),
    Scenario("online_accepted", 2, ("submit", "register_submitted", "dispatch", "accept", "note"), (5, 30)),
    Scenario("registered", 22, R, (0, 10)),
    Scenario("registered_overdue", 6, R, (20, 75)),
    Scenario("objected", 4, (*D, "object"), (2, 12)),
    Scenario("dispatched", 22, D, (1, 12)),
    Scenario("redispatched", 3, (*D, "object", "dispatch"), (2, 14)),
    Scenario("accepted", 22, A, (3, 40)),
    Scenario("accepted_note", 22, AN, (5, 50)),
    Scenario("accepted_mediation", 4, (*AN, "mediate"), (10, 50)),
    Scenario("accepted_extended", 5, (*AN, "ext_request", "ext_approve"), (40, 70)),
    Scenario("accepted_ext_refused", 2, (*A, "ext_request", "ext_refuse"), (30, 60)),
    Scenario("accepted_returned", 3, (*RP, "reply_return"), (20, 60)),
    Scenario("direct_accepted", 3, (*R, "direct", "note"), (1, 20), direct=True),
    Scenario("extension_pending", 11, (*AN, "ext_request"), (45, 70)),
    Scenario("reply_pending", 22, RP, (15, 60)),
    Scenario("replied", 22, RD, (12, 40)),
    Scenario("closed_rated", 40, (*RD, "rate"), (30, 365)),
    Scenario("closed_callback", 11, (*RD, "rate_callback"), (30, 365)),
    Scenario("closed_filed", 8, (*RD, "close"), (60, 365)),
    Scenario("closed_direct", 5, (*R, "direct", "reply", "reply_approve", "rate"), (20, 300), direct=True),
    Scenario(
        "closed_after_objection",
        3,
        (*D, "object", "dispatch", "accept", "note", "reply", "reply_approve", "rate"),
        (30, 200),
    ),
    Scenario("closed_after_return", 3, (*RP, "reply_return", "reply", "reply_approve", "rate"), (30, 250)),
    Scenario("rejected_by_office", 9, (*R, "reject_office"), (3, 365), reject=True),
    Scenario("rejected_by_unit", 5, (*D, "reject_unit"), (3, 200), reject=True),
    Scenario("reviewing", 11, (*RD, "review"), (40, 90), review=True),
    Scenario("reviewing_after_rating", 4, (*RD, "rate", "review"), (45, 100), review=True),
    Scenario("reviewed", 5, RV, (60, 120), review=True),
    Scenario("closed_after_review", 3, (*RV, "close"), (120, 330), review=True),
    Scenario("rechecking", 3, (*RV, "recheck"), (80, 160), review=True),
    Scenario("rechecking_hearing", 1, (*RV, "recheck", "hearing"), (90, 160), review=True),
    Scenario("final", 6, (*RV, "recheck", "recheck_decide"), (150, 365), review=True),
)
# 不再受理: the same matter again after 复核终结 (added as repeats of the `final` cases).
FINAL_REPEATS = 2

CHANNEL_WEIGHTS = {
    "letter": 22,
    "visit": 24,
    "call": 20,
    "online": 14,
    "sms": 4,
    "fax": 3,
    "mailbox": 4,
    "leader": 5,
    "contact_point": 4,
}
# Every county gets an even share and, in each inbox state, cases for its 信访局 and its 市政所 and
# 住建局 (the units a visitor tries first): scenario → (unit key or "*", how many per county). The
# rest of each scenario is dealt round the counties in turn.
QUOTA: dict[str, tuple[tuple[str, int], ...]] = {
    "submitted": (("*", 2),),
    "registered": (("*", 2),),
    "dispatched": (("SZS", 1), ("ZJJ", 1)),
    "accepted": (("SZS", 1), ("ZJJ", 1)),
    "accepted_note": (("SZS", 1), ("*", 1)),
    "extension_pending": (("SZS", 1),),
    "reply_pending": (("SZS", 1), ("ZJJ", 1)),
    "replied": (("SZS", 1), ("*", 1)),
    "reviewing": (("SZS", 1),),
}
# Which city unit a city-registered case goes to, by the template's county unit; None: the county government.
CITY_UNIT = {
    "SZS": "ZK-CGJ",
    "ZJJ": "ZK-ZJJ",
    "RSJ": "ZK-RSJ",
    "GAJ": "ZK-GAJ",
    "JW": "ZK-JW",
    "JYJ": "ZK-JYJ",
    "ZRZY": "ZK-ZRZY",
}
# A wrong first dispatch that the unit objects to (异议), by the right unit.
WRONG_UNIT = {
    "SZS": "ZJJ",
    "ZJJ": "SZS",
    "RSJ": "TOWN",
    "GAJ": "TOWN",
    "JYJ": "TOWN",
    "ZRZY": "TOWN",
    "WJW": "TOWN",
    "SCJG": "TOWN",
    "TOWN": "ZJJ",
    "JW": "GAJ",
}
