"""The mix of generated cases: channels, purposes, end states and the gaps between steps, as weights."""

from __future__ import annotations

import bisect
import random
from collections.abc import Sequence
from itertools import accumulate
from typing import Generic, TypeVar

from xinfang.petitions.models import Channel, Purpose
from xinfang.petitions.workflow import Status

CHANNELS = (
    (Channel.LETTER, 30),
    (Channel.VISIT, 25),
    (Channel.ONLINE, 30),
    (Channel.CALL, 10),
    (Channel.MAILBOX, 1.5),
    (Channel.LEADER, 1.5),
    (Channel.SMS, 1),
    (Channel.FAX, 0.5),
    (Channel.CONTACT_POINT, 0.5),
)
PURPOSES = (
    (Purpose.DEMAND, 55),
    (Purpose.INQUIRY, 12),
    (Purpose.APPEAL, 10),
    (Purpose.SUGGESTION, 8),
    (Purpose.ACCUSATION, 8),
    (Purpose.OTHER, 7),
)
# Target states with weights. Terminal ones are old cases; open ones are recent.
STATES = (
    (Status.CLOSED, 50),
    (Status.NOT_ACCEPTED, 7),
    (Status.FINAL, 1),
    (Status.REPLIED, 4),
    (Status.REVIEWING, 1),
    (Status.REVIEWED, 1),
    (Status.RECHECKING, 0.5),
    (Status.ACCEPTED, 14),
    (Status.EXTENSION_PENDING, 1),
    (Status.REPLY_PENDING, 2.5),
    (Status.DISPATCHED, 6),
    (Status.REGISTERED, 7),
    (Status.SUBMITTED, 3),
)
# The path of actions to each state (after register/submit); DIRECT is handle_directly instead of dispatch+accept.
PATHS: dict[str, tuple[str, ...]] = {
    Status.SUBMITTED: (),
    Status.REGISTERED: (),
    Status.DISPATCHED: ("dispatch",),
    Status.ACCEPTED: ("dispatch", "accept"),
    Status.EXTENSION_PENDING: ("dispatch", "accept", "request_extension"),
    Status.REPLY_PENDING: ("dispatch", "accept", "submit_reply"),
    Status.REPLIED: ("dispatch", "accept", "submit_reply", "approve_reply"),
    Status.CLOSED: ("dispatch", "accept", "submit_reply", "approve_reply", "rate"),
    Status.NOT_ACCEPTED: ("reject",),
    Status.REVIEWING: ("dispatch", "accept", "submit_reply", "approve_reply", "rate", "request_review"),
    Status.REVIEWED: ("dispatch", "accept", "submit_reply", "approve_reply", "rate", "request_review", "decide_review"),
    Status.RECHECKING: (
        "dispatch",
        "accept",
        "submit_reply",
        "approve_reply",
        "rate",
        "request_review",
        "decide_review",
        "request_recheck",
    ),
    Status.FINAL: (
        "dispatch",
        "accept",
        "submit_reply",
        "approve_reply",
        "rate",
        "request_review",
        "decide_review",
        "request_recheck",
        "decide_recheck",
    ),
}
# Days after the previous step: (low, high), drawn uniformly; a few steps are late on purpose.
GAPS = {
    "register": (0, 3),
    "dispatch": (1, 13),
    "accept": (0, 9),
    "request_extension": (35, 55),
    "approve_extension": (1, 3),
    "submit_reply": (8, 58),
    "approve_reply": (0, 3),
    "rate": (1, 20),
    "close": (10, 30),
    "reject": (1, 12),
    "handle_directly": (0, 5),
    "request_review": (3, 25),
    "decide_review": (8, 29),
    "request_recheck": (3, 25),
    "decide_recheck": (8, 29),
}
# How far back an open case in this state may have started (days beyond its steps): some become overdue.
OPEN_SLACK = {
    Status.SUBMITTED: 20,
    Status.REGISTERED: 25,
    Status.DISPATCHED: 25,
    Status.ACCEPTED: 100,
    Status.EXTENSION_PENDING: 20,
    Status.REPLY_PENDING: 20,
    Status.REPLIED: 25,
    Status.REVIEWING: 40,
    Status.REVIEWED: 25,
    Status.RECHECKING: 40,
}


_T = TypeVar("_T")


class Weighted(Generic[_T]):
    def __init__(self, items: Sequence[tuple[_T, float]]) -> None:
        self.values = [v for v, _ in items]
        self.cum = list(accumulate(w for _, w in items))

    def pick(self, rng: random.Random) -> _T:
        return self.values[bisect.bisect_right(self.cum, rng.random() * self.cum[-1])]


# ---------------------------------------------------------------- organisation
