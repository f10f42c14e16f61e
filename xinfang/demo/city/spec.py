"""One planned demo case: who petitions about what, where, when, and the steps it walks through (pure data)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from xinfang.demo.fake import Person

from . import texts


@dataclass
class CaseSpec:
    key: int
    scenario: str
    steps: tuple[str, ...]
    county: str
    office: str  # unit code of the registering 信访部门
    channel: str
    category: str
    template: int
    area: str  # area code of the problem
    title: str
    content: str
    person: Person
    received_at: dt.datetime
    unit: str = ""  # unit code the case is dispatched to (final)
    wrong_unit: str = ""  # first dispatch, objected to
    mode: str = "transfer"
    with_id: bool = True
    with_phone: bool = True
    headcount: int = 1
    representatives: list[Person] = field(default_factory=list)
    confidential: bool = False
    accused_person: str = ""
    accused_unit: str = ""
    repeat_of: int | None = None
    skip_level: bool = False
    purpose: str = ""
    outcome: str = "support"
    rating: str = "satisfied"
    review_outcome: str = "uphold"
    recheck_outcome: str = "uphold"
    seed: bool = False
    take_on: bool = False  # 领导包案 by the county leader (扶沟 only: the `lingdao` login)
    ctx: dict[str, str] = field(default_factory=dict)  # the names filled into the template
    times: list[dt.datetime] = field(default_factory=list)  # when each step happens (see `schedule`)
    pinned: bool = False  # one of its county's QUOTA cases: not made into another case's repeat

    @property
    def tpl(self) -> texts.Template:
        return texts.TEMPLATES[self.category][self.template]
