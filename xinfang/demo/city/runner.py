"""Runs the planned cases step by step through the petitions services, each step at its own past moment."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import time_machine

from xinfang.accounts.models import Unit, User
from xinfang.core.timeutil import local_date
from xinfang.petitions import services
from xinfang.petitions.models import Category, Petition

from . import texts
from .org import DemoOrg
from .plan import SEED
from .spec import CaseSpec

if TYPE_CHECKING:
    pass

from .staff import Staff

SEED_NOTE = "已更换井盖（防坠落球墨铸铁井盖，加装防坠网），现场已恢复通行"


@dataclass
class Loaded:
    petition: Petition
    query_code: str
    spec: CaseSpec


@dataclass
class CaseState:
    """Where one case stands between its steps (the steps of all cases are interleaved)."""

    pk: int = 0
    code: str = ""
    dispatches: int = 0
    current: Unit | None = None  # the handling unit, tracked here rather than re-read
    review: Unit | None = None
    mode: str = ""


class Runner:
    """Walks the `CaseSpec`s through their steps, each step at its moment and with the right account."""

    def __init__(self, org: DemoOrg, staff: Staff) -> None:
        self.org = org
        self.staff = staff
        self.categories = {c.code: c for c in Category.objects.filter(parent__isnull=True)}
        self.rng = random.Random(SEED + 2)
        self.by_key: dict[int, Petition] = {}
        self.units_by_id = {u.pk: u for u in org.units.values()}
        self.c = CaseState()

    # -- helpers

    def _petition(self, pk: int) -> Petition:
        return Petition.objects.select_related("current_unit", "review_unit", "office_unit").get(pk=pk)

    def _unit_staff(self, role: str, unit: Unit | None) -> User:
        table = self.staff.handler if role == "handler" else self.staff.head
        if unit is None or unit.code not in table:
            raise RuntimeError(f"演示数据缺少 {unit} 的{role}账号")
        return table[unit.code]

    def _parent(self, unit: Unit | None) -> Unit | None:
        return self.units_by_id.get(unit.parent_id) if unit is not None and unit.parent_id else None

    def _office(self, spec: CaseSpec) -> Unit:
        return self.org.unit(spec.office)

    def _clerk(self, spec: CaseSpec) -> User:
        return self.staff.clerk[spec.office]

    def _dispatcher(self, spec: CaseSpec) -> User:
        return self.staff.dispatcher[spec.office]

    # -- the run

    def run_all(self, specs: list[CaseSpec]) -> list[Loaded]:
        """Every step of every case in the order of their moments, each with the clock set to its moment."""
        states = {spec.key: CaseState() for spec in specs}
        order = sorted((at, n, i) for n, spec in enumerate(specs) for i, at in enumerate(spec.times))
        for at, n, i in order:
            spec = specs[n]
            self.c = states[spec.key]
            step = spec.steps[i]
            with time_machine.travel(at, tick=False):
                if step in ("register", "submit"):
                    petition, self.c.code = getattr(self, f"step_{step}")(spec)
                    self.c.pk = petition.pk
                    self.by_key[spec.key] = petition
                else:
                    getattr(self, f"step_{step}")(spec, self.c.pk)
        return [Loaded(self._petition(states[spec.key].pk), states[spec.key].code, spec) for spec in specs]

    def step_take_on(self, spec: CaseSpec, pk: int) -> None:
        services.petition_take_on(
            actor=self.staff.users["lingdao"], petition_id=pk, note="群众反映强烈，本人包案，限期化解"
        )

    def _intake_kwargs(self, spec: CaseSpec) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "content": spec.content,
            "title": spec.title,
            "category": self.categories.get(spec.category),
            "purpose": spec.purpose,
            "headcount": spec.headcount,
            "confidential": spec.confidential,
            "accused_person": spec.accused_person,
            "accused_unit": self.org.unit(spec.accused_unit) if spec.accused_unit else None,
            "area": self.org.area(spec.area),
        }
        return kwargs

    def step_register(self, spec: CaseSpec) -> tuple[Petition, str]:
        repeat_of = self.by_key.get(spec.repeat_of) if spec.repeat_of is not None else None
        reg = services.petition_register(
            actor=self._clerk(spec),
            channel=spec.channel,
            received_at=spec.received_at,
            petitioner=spec.person.as_petitioner(with_id=spec.with_id, with_phone=spec.with_phone),
            office=self._office(spec),
            representatives=[p.as_petitioner() for p in spec.representatives],
            repeat_of=repeat_of,
            is_repeat=repeat_of is not None,
            is_skip_level=spec.skip_level,
            **self._intake_kwargs(spec),
        )
        return reg.petition, reg.query_code

    def step_submit(self, spec: CaseSpec) -> tuple[Petition, str]:
        kwargs = self._intake_kwargs(spec)
        area = kwargs.pop("area")
        reg = services.petition_submit_online(
            petitioner=spec.person.as_petitioner(with_id=spec.with_id, with_phone=True),
            area=area,
            ip="127.0.0.1",
            **kwargs,
        )
        spec.office = reg.petition.office_unit.code
        return reg.petition, reg.query_code

    def step_register_submitted(self, spec: CaseSpec, pk: int) -> None:
        services.petition_register_submitted(
            actor=self._clerk(spec), petition_id=pk, note="网上信访，信息完整，予以登记"
        )

    def step_dispatch(self, spec: CaseSpec, pk: int) -> None:
        wrong = self.c.dispatches == 0 and "object" in spec.steps
        self.c.dispatches += 1
        unit = self.org.unit(spec.wrong_unit if wrong else spec.unit)
        mode = "transfer" if wrong else spec.mode
        due = local_date() + dt.timedelta(days=self.rng.randint(20, 45)) if mode == "assign" else None
        note = "请依法依规办理并按期答复" if mode == "transfer" else "交办件，请按期报送办结报告"
        if spec.seed:
            note = "涉及群众出行安全，请尽快处置"
        services.petition_dispatch(
            actor=self._dispatcher(spec), petition_id=pk, unit=unit, mode=mode, note=note, assign_due_date=due
        )
        self.c.current, self.c.mode = unit, mode

    def step_object(self, spec: CaseSpec, pk: int) -> None:
        right = self.org.unit(spec.unit)
        reason = self.rng.choice(texts.OBJECTION_REASONS).format(unit=right.name)
        services.petition_object(actor=self._unit_staff("handler", self.c.current), petition_id=pk, reason=reason)
        self.c.current, self.c.mode = None, ""

    def step_direct(self, spec: CaseSpec, pk: int) -> None:
        services.petition_handle_directly(
            actor=self._dispatcher(spec), petition_id=pk, note="咨询类事项，由本局直接答复"
        )
        self.c.current, self.c.mode = self._office(spec), "direct"

    def _rejection(self, spec: CaseSpec) -> tuple[str, str]:
        return texts.REJECTIONS.get(spec.category, texts.REJECT_DEFAULT)

    def step_reject_office(self, spec: CaseSpec, pk: int) -> None:
        reason, route = self._rejection(spec)
        services.petition_reject(actor=self._dispatcher(spec), petition_id=pk, reason=reason, legal_route=route)

    def step_reject_unit(self, spec: CaseSpec, pk: int) -> None:
        reason, route = self._rejection(spec)
        services.petition_reject(
            actor=self._unit_staff("handler", self.c.current), petition_id=pk, reason=reason, legal_route=route
        )

    def step_reject_final(self, spec: CaseSpec, pk: int) -> None:
        services.petition_reject(
            actor=self._dispatcher(spec),
            petition_id=pk,
            final=True,
            legal_route="finished",
            reason="信访人以同一事实和理由再次提出，该事项已经复核终结",
        )

    def step_accept(self, spec: CaseSpec, pk: int) -> None:
        services.petition_accept(
            actor=self._unit_staff("handler", self.c.current), petition_id=pk, note="已受理，书面告知信访人"
        )

    def step_note(self, spec: CaseSpec, pk: int) -> None:
        if spec.seed:
            note, public = SEED_NOTE, True
        else:
            note, public = self.rng.choice(texts.NOTES), self.rng.random() < 0.3
        services.petition_add_note(
            actor=self._unit_staff("handler", self.c.current), petition_id=pk, note=note, public=public
        )

    def step_mediate(self, spec: CaseSpec, pk: int) -> None:
        services.petition_add_note(
            actor=self._unit_staff("handler", self.c.current),
            petition_id=pk,
            note=self.rng.choice(texts.MEDIATIONS),
            mediation=True,
        )

    def step_ext_request(self, spec: CaseSpec, pk: int) -> None:
        services.petition_request_extension(
            actor=self._unit_staff("handler", self.c.current),
            petition_id=pk,
            days=self.rng.choice((15, 20, 30)),
            reason=self.rng.choice(texts.EXTENSION_REASONS),
        )

    def step_ext_approve(self, spec: CaseSpec, pk: int) -> None:
        services.petition_decide_extension(actor=self._unit_staff("head", self.c.current), petition_id=pk, approve=True)

    def step_ext_refuse(self, spec: CaseSpec, pk: int) -> None:
        services.petition_decide_extension(
            actor=self._unit_staff("head", self.c.current),
            petition_id=pk,
            approve=False,
            note="不同意延期，请抓紧办理，按期答复",
        )

    def step_reply(self, spec: CaseSpec, pk: int) -> None:
        tpl = spec.tpl
        if spec.seed:
            facts = "经现场核查，建设街与棉麻一场路口东侧人行道窨井盖因重车碾压破损，井口外露，存在安全隐患。"
            opinion = "已更换井盖：受理当日即更换为防坠落球墨铸铁井盖并加装防坠网，今后将加强市政设施日常巡查。"
        elif spec.outcome == "support":
            facts, opinion = tpl.facts.format_map(spec.ctx), tpl.opinion.format_map(spec.ctx)
        else:
            facts, opinion = texts.EXPLAIN if spec.outcome == "explain" else texts.NOT_SUPPORTED
        report = ""
        if self.c.mode == "assign":
            report = f"交办事项已办结。{facts}{opinion}"
        services.petition_submit_reply(
            actor=self._unit_staff("handler", self.c.current),
            petition_id=pk,
            outcome=spec.outcome,
            facts=facts,
            reasons=texts.REASONS[spec.outcome],
            basis=texts.BASIS.get(spec.category, "《信访工作条例》"),
            opinion=opinion,
            completion_report=report,
        )

    def step_reply_return(self, spec: CaseSpec, pk: int) -> None:
        services.petition_decide_reply(
            actor=self._unit_staff("head", self.c.current),
            petition_id=pk,
            approve=False,
            note="事实部分请补充现场核查情况和相关证据后重新提交",
        )

    def step_reply_approve(self, spec: CaseSpec, pk: int) -> None:
        services.petition_decide_reply(actor=self._unit_staff("head", self.c.current), petition_id=pk, approve=True)

    def step_rate(self, spec: CaseSpec, pk: int) -> None:
        comment = "井盖当天就换好了，感谢政府！" if spec.seed else self.rng.choice(texts.RATING_COMMENTS[spec.rating])
        services.petition_rate(petition_id=pk, rating=spec.rating, comment=comment, via="portal")

    def step_rate_callback(self, spec: CaseSpec, pk: int) -> None:
        services.petition_rate(
            petition_id=pk, rating=spec.rating, comment="电话回访记录", actor=self._dispatcher(spec), via="callback"
        )

    def step_close(self, spec: CaseSpec, pk: int) -> None:
        services.petition_close(
            actor=self._dispatcher(spec), petition_id=pk, note="已电话回访，信访人未作评价，办结归档"
        )

    def step_review(self, spec: CaseSpec, pk: int) -> None:
        services.petition_request_review(petition_id=pk, reason=self.rng.choice(texts.REVIEW_REASONS), ip="127.0.0.1")
        self.c.review = self._parent(self.c.current)

    def step_review_decide(self, spec: CaseSpec, pk: int) -> None:
        services.petition_decide_review(
            actor=self._unit_staff("handler", self.c.review),
            petition_id=pk,
            outcome=spec.review_outcome,
            text=texts.REVIEW_TEXTS[spec.review_outcome],
        )

    def step_recheck(self, spec: CaseSpec, pk: int) -> None:
        services.petition_request_recheck(petition_id=pk, reason=self.rng.choice(texts.RECHECK_REASONS), ip="127.0.0.1")
        self.c.review = self._parent(self.c.review)

    def step_hearing(self, spec: CaseSpec, pk: int) -> None:
        services.petition_hearing(
            actor=self._unit_staff("handler", self.c.review),
            petition_id=pk,
            start=True,
            note="案情复杂，组织召开听证会，听证期间不计入复核期限",
        )

    def step_recheck_decide(self, spec: CaseSpec, pk: int) -> None:
        services.petition_decide_recheck(
            actor=self._unit_staff("handler", self.c.review),
            petition_id=pk,
            outcome=spec.recheck_outcome,
            text=texts.REVIEW_TEXTS[spec.recheck_outcome].replace("复查", "复核"),
        )
