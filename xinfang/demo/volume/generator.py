"""Realistic generated petitions for benchmarks and demos (`manage.py generate_petitions`).

Everything is drawn from one `random.Random(seed)`: a fixed seed gives the same cases (the same
people, texts, dates, states and query codes; only the AES nonces differ). The cases are written by
`petitions.bulk`, so their numbers, sealed personal data, timelines and deadlines are those the
services would have produced.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import multiprocessing
import random
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.pool import AsyncResult
from typing import Any

from django.db import connection, connections
from django.utils import timezone

from xinfang.accounts.models import Area, Unit
from xinfang.demo import fake
from xinfang.demo.fake import Person
from xinfang.petitions import services
from xinfang.petitions.bulk import BatchContext, PetitionPlan, Step, bulk_write, no_gc, reserve
from xinfang.petitions.models import Category, Channel, DispatchMode, Outcome, Purpose, Rating, ReviewOutcome
from xinfang.petitions.workflow import Action, Status

from . import texts, writers
from .mix import CHANNELS, GAPS, OPEN_SLACK, PATHS, PURPOSES, STATES, Weighted
from .province import County, load_counties


def blanked(person: Person, rng: random.Random) -> Person:
    """Not every petitioner gives an ID number (letters, calls) or a phone number."""
    no_id, no_phone = rng.random() >= 0.85, rng.random() >= 0.95
    if no_id or no_phone:
        person = dataclasses.replace(
            person, id_number="" if no_id else person.id_number, phone="" if no_phone else person.phone
        )
    return person


def query_code(rng: random.Random) -> str:
    """A 查询码 of services' alphabet and length, from the seeded generator (one call, not sixteen)."""
    bits = rng.getrandbits(5 * services.QUERY_CODE_LENGTH)
    return "".join(services.QUERY_ALPHABET[(bits >> (5 * i)) & 31] for i in range(services.QUERY_CODE_LENGTH))


# ---------------------------------------------------------------- the generator


@dataclass
class Origin:
    """An earlier case a repeat petition refers to."""

    pid: int
    person: Person
    county: County
    area: Area
    category: Category
    title: str
    content: str


class Generator:
    def __init__(self, *, seed: int, now: dt.datetime | None = None, days: int = 730) -> None:
        self.rng = random.Random(seed)
        self.now = (now or timezone.now()).replace(microsecond=0)
        self.days = days
        self.counties = load_counties()
        if not self.counties:
            raise RuntimeError("没有设有信访部门的县级区划")
        weights = [c.area.population for c in self.counties]
        if not any(weights):
            weights = [1] * len(self.counties)
        self.county_pick = Weighted([(c, w or 1) for c, w in zip(self.counties, weights, strict=True)])
        cats = {c.code: c for c in Category.objects.filter(parent__isnull=True)}
        self.category_pick = Weighted(
            [(cats[code], w) for code, (w, _r) in texts.CATEGORY_ROUTES.items() if code in cats]
        )
        self.channel_pick = Weighted(CHANNELS)
        self.purpose_pick = Weighted(PURPOSES)
        self.state_pick = Weighted(STATES)
        self.people: list[Person] = []
        self.origins: list[Origin] = []
        self.staff: dict[int, list[str]] = {}

    # -- people

    def _person(self, county: County) -> Person:
        rng = self.rng
        if self.people and rng.random() < 0.2:
            return rng.choice(self.people)  # a repeat petitioner on another matter
        town = rng.choice(county.towns).name if county.towns else ""
        address = (
            f"{county.area.name}{town}{rng.choice(fake.VILLAGES)}{rng.randrange(1, 12)}组"
            if rng.random() < 0.5
            else f"{county.area.name}{rng.choice(fake.STREETS)}{rng.randrange(1, 300)}号"
        )
        p = blanked(fake.make_person(rng, area_code=county.area.code, address=address), rng)
        if len(self.people) < 50_000:
            self.people.append(p)
        else:
            self.people[rng.randrange(len(self.people))] = p
        return p

    def _staff_name(self, unit: Unit) -> str:
        names = self.staff.get(unit.pk)
        if names is None:
            names = [fake.person_name(self.rng) for _ in range(3)]
            self.staff[unit.pk] = names
        return self.rng.choice(names)

    # -- texts

    def _fill(self, template: str, county: County, area: Area) -> str:
        rng = self.rng
        town = (
            area.name
            if area.level >= Area.Level.TOWNSHIP
            else (rng.choice(county.towns).name if county.towns else "城关镇")
        )
        day = self.now.date() - dt.timedelta(days=rng.randrange(20, 900))
        return template.format(
            county=county.area.name,
            town=town,
            village=rng.choice(fake.VILLAGES).removesuffix("村"),  # the templates say {village}村
            street=rng.choice(fake.STREETS),
            road=rng.choice(fake.STREETS),
            company=rng.choice(fake.COMPANIES),
            estate=rng.choice(fake.ESTATES),
            amount=f"{rng.choice((3, 5, 8, 12, 18, 26, 35, 48, 60, 85, 120, 260))}{rng.choice(('00', '000', '600'))}",
            months=rng.randrange(2, 19),
            n=rng.randrange(2, 40),
            date=f"{day.year}年{day.month}月{day.day}日",
            year=rng.randrange(2015, self.now.year + 1),
            name=fake.person_name(rng),
        )

    # -- one case

    def _responsible(self, county: County, category: Category, accusation: bool) -> Unit:
        if accusation:
            return county.departments.get("JW") or county.gov
        for key in texts.CATEGORY_ROUTES.get(category.code, (0, ("GOV",)))[1]:
            if key in county.departments:
                return county.departments[key]
        return county.gov

    def plan(self) -> tuple[PetitionPlan, Origin | None]:
        rng = self.rng
        repeat = self.origins[rng.randrange(len(self.origins))] if self.origins and rng.random() < 0.08 else None
        if repeat:
            county, area, category, person = repeat.county, repeat.area, repeat.category, repeat.person
            title = f"再次反映：{repeat.title}"[:200]
            content = f"{repeat.content}\n此前已反映过，至今问题仍未解决，再次请求处理。"
        else:
            county = self.county_pick.pick(rng)
            area = rng.choice(county.towns) if county.towns and rng.random() < 0.4 else county.area
            category = self.category_pick.pick(rng)
            person = self._person(county)
            title_t, content_t = rng.choice(texts.TEMPLATES.get(category.code, texts.TEMPLATES["602018"]))
            title, content = self._fill(title_t, county, area), self._fill(content_t, county, area)
        channel = self.channel_pick.pick(rng)
        purpose = Purpose.ACCUSATION if category.code == "602004" else self.purpose_pick.pick(rng)
        if purpose == Purpose.INQUIRY and category.code != "602018" and rng.random() < 0.5:
            purpose = Purpose.DEMAND
        accusation = purpose == Purpose.ACCUSATION
        state = self.state_pick.pick(rng)
        if state == Status.SUBMITTED and channel != Channel.ONLINE:
            state = Status.REGISTERED
        headcount = 1
        reps: list[dict[str, str]] = []
        if channel == Channel.VISIT and rng.random() < 0.12:  # 集体访, representatives at most 5 (Art 20)
            headcount = rng.choice((5, 6, 8, 12, 15, 20, 30, 50, 80))
            for _ in range(rng.randrange(1, 6)):
                rep = fake.make_person(rng, area_code=county.area.code, address="")
                reps.append({"name": rep.name, "id_number": rep.id_number, "phone": rep.phone})
        elif rng.random() < 0.05:
            headcount = rng.randrange(2, 5)
        office = county.office
        responsible = self._responsible(county, category, accusation)
        accused = None
        if accusation and rng.random() < 0.7:
            candidates = [u for k, u in county.departments.items() if k not in ("JW", "GOV", "ZFW")]
            accused = rng.choice(candidates) if candidates else None
            if accused is not None and responsible.path.startswith(accused.path):
                responsible = county.gov if not county.gov.path.startswith(accused.path) else responsible
        direct = purpose == Purpose.INQUIRY or responsible.pk == office.pk
        handler = office if direct else responsible
        reviewer = handler.parent
        if state in (Status.REVIEWING, Status.REVIEWED, Status.RECHECKING, Status.FINAL) and reviewer is None:
            state = Status.CLOSED
        if state in (Status.RECHECKING, Status.FINAL) and (reviewer is None or reviewer.parent is None):
            state = Status.REVIEWED
        path = list(PATHS[state])
        direct = direct and "dispatch" in path
        if direct:
            path = ["handle_directly", *path[2:]]
        if state in (Status.CLOSED,) and rng.random() < 0.25:
            path[-1] = "close"
        if state in (Status.REPLY_PENDING, Status.REPLIED, Status.CLOSED) and rng.random() < 0.06:
            i = path.index("submit_reply")
            path[i:i] = ["request_extension", "approve_extension"]
        # Offsets in seconds from receipt, then the receipt date so that the last step lies in the past.
        offsets: list[int] = []
        t = rng.randrange(0, 3 * 86400) if channel == Channel.LETTER else rng.randrange(0, 3600)
        reg_offset = t
        for action in path:
            lo, hi = GAPS[action]
            t += rng.randrange(lo * 86400, hi * 86400 + 1) + rng.randrange(600, 8 * 3600)
            offsets.append(t)
        span = t
        if state in Status.terminal():
            back = span + rng.randrange(0, max(1, self.days * 86400 - span))
        else:
            back = span + rng.randrange(0, OPEN_SLACK.get(state, 20) * 86400) + rng.randrange(0, 4 * 3600)
        received = self.now - dt.timedelta(seconds=back)
        steps: list[Step] = []
        for action, off in zip(path, offsets, strict=True):
            step = self._step(action, received + dt.timedelta(seconds=off), office, responsible, category, rng)
            steps.append(step)
            if step.rating == Rating.UNSATISFIED:
                # 不满意 goes back to the office (不满意待研判), which closes it telling of the 复查 right, at once here.
                later = step.at + dt.timedelta(minutes=rng.randrange(5, 60))
                steps.append(Step(action=Action.CLOSE_UNSATISFIED, at=later, actor_name=self._staff_name(office)))
        origin_pid = repeat.pid if repeat else None
        plan = PetitionPlan(
            office=office,
            channel=channel,
            received_at=received,
            area=area,
            title=title,
            content=content,
            petitioner={
                "name": person.name,
                "id_number": person.id_number,
                "phone": person.phone,
                "address": person.address,
            },
            category=category,
            purpose=purpose,
            headcount=headcount,
            confidential=accusation and rng.random() < 0.5,
            accused_unit=accused,
            accused_person=f"{fake.person_name(rng)}（{accused.name}工作人员）" if accused else "",
            is_repeat=repeat is not None,
            repeat_of_id=origin_pid,
            is_skip_level=rng.random() < 0.02,
            representatives=reps,
            query_code=query_code(rng),
            submitted=state == Status.SUBMITTED or (channel == Channel.ONLINE and rng.random() < 0.5 and path != []),
            registered_at=received + dt.timedelta(seconds=reg_offset),
            registrar_name=self._staff_name(office),
            steps=steps,
        )
        if plan.submitted and state != Status.SUBMITTED:
            plan.steps.insert(
                0, Step(action=Action.REGISTER, at=plan.registered_at or received, actor_name=self._staff_name(office))
            )
        origin = None if repeat else Origin(0, person, county, area, category, title, content)
        return plan, origin

    def _step(
        self, action: str, at: dt.datetime, office: Unit, responsible: Unit, category: Category, rng: random.Random
    ) -> Step:
        basis = texts.REPLY_BASIS.get(category.code, "《信访工作条例》及相关政策规定")
        if action == "dispatch":
            mode = DispatchMode.ASSIGN if rng.random() < 0.15 else DispatchMode.TRANSFER
            due = (at + dt.timedelta(days=rng.randrange(20, 50))).date() if mode == DispatchMode.ASSIGN else None
            return Step(
                action=action,
                at=at,
                actor_name=self._staff_name(office),
                unit=responsible,
                mode=mode,
                assign_due_date=due,
                note="请依法依规办理并及时答复信访人",
            )
        if action == "reject":
            route = rng.choice(("litigation", "arbitration", "reconsideration", "accepted_below", "other"))
            return Step(
                action=action,
                at=at,
                actor_name=self._staff_name(office),
                legal_route=route,
                reason="该事项应当通过法定途径解决",
                final=route == "accepted_below" and rng.random() < 0.3,
            )
        if action == "request_extension":
            return Step(
                action=action,
                at=at,
                actor_name=self._staff_name(responsible),
                days=rng.choice((15, 20, 30)),
                reason="案情复杂，需进一步调查核实",
            )
        if action == "submit_reply":
            outcome = Weighted(((Outcome.SUPPORT, 45), (Outcome.EXPLAIN, 40), (Outcome.NOT_SUPPORTED, 15))).pick(rng)
            return Step(
                action=action,
                at=at,
                actor_name=self._staff_name(responsible),
                outcome=str(outcome),
                facts="经调查核实，信访人反映的情况基本属实。",
                reasons="依据有关规定并结合实际情况作出处理。",
                basis=basis,
                text="已责成相关单位限期整改，并将处理结果书面告知信访人。",
                reason="已按交办要求办结，附调查材料。",
            )
        if action == "rate":
            rating = Weighted(((Rating.SATISFIED, 70), (Rating.BASIC, 20), (Rating.UNSATISFIED, 10))).pick(rng)
            return Step(action=action, at=at, rating=str(rating))
        if action in ("request_review", "request_recheck"):
            return Step(action=action, at=at, reason="对处理意见不服，认为事实认定不清")
        if action in ("decide_review", "decide_recheck"):
            review = Weighted(((ReviewOutcome.UPHOLD, 80), (ReviewOutcome.CHANGE, 15), (ReviewOutcome.REVOKE, 5)))
            return Step(
                action=action,
                at=at,
                actor_name=self._staff_name(responsible),
                outcome=str(review.pick(rng)),
                text="经复查，原处理意见认定事实清楚，适用依据正确。",
            )
        unit = office if action in ("handle_directly", "close") else responsible
        return Step(action=action, at=at, actor_name=self._staff_name(unit))

    def run(
        self,
        count: int,
        *,
        batch_size: int = 2000,
        progress: Callable[[int], None] | None = None,
        workers: int = 1,
    ) -> list[tuple[str, str]]:
        """Write `count` petitions in batches; returns (number, query code) of the first 100.

        `workers` > 1 (PostgreSQL): this process draws the cases and reserves their numbers and ids batch by
        batch (so the data is the same as with one writer); `workers` processes, each with its own
        connection, build and write the batches concurrently."""
        # Writers in other processes only see committed rows: inside a transaction (a test) write here.
        with no_gc():  # see bulk.no_gc: drawing a case allocates much and frees it all by reference counting
            if workers > 1 and connection.vendor == "postgresql" and not connection.in_atomic_block:
                return self._run_parallel(count, batch_size=batch_size, progress=progress, workers=workers)
            return self._run(count, batch_size=batch_size, progress=progress)

    def _run(self, count: int, *, batch_size: int, progress: Callable[[int], None] | None) -> list[tuple[str, str]]:
        codes: list[tuple[str, str]] = []
        left = count
        context = BatchContext()
        while left > 0:
            n = min(batch_size, left)
            pairs = [self.plan() for _ in range(n)]
            result = bulk_write([p for p, _o in pairs], actor="数据生成", source="generate_petitions", context=context)
            self._remember(pairs, result.ids)
            if len(codes) < 100:
                codes.extend(result.codes[: 100 - len(codes)])
            left -= n
            gc.collect(1)  # the young objects only: cycles, if any, do not pile up while the collector is off
            if progress:
                progress(n)
        return codes

    def _remember(self, pairs: list[tuple[PetitionPlan, Origin | None]], ids: list[int]) -> None:
        for (_plan, origin), pid in zip(pairs, ids, strict=True):
            if origin is not None:
                origin.pid = pid
                if len(self.origins) < 20_000:
                    self.origins.append(origin)
                else:
                    self.origins[self.rng.randrange(len(self.origins))] = origin

    def shared_objects(self) -> dict[tuple[str, int], Any]:
        """What a parallel writer inherits and a plan refers to (see writers)."""
        objs: list[Any] = []
        for c in self.counties:
            objs += [c.area, c.office, c.gov, *c.towns, *c.town_units, *c.departments.values()]
        objs += self.category_pick.values
        return {(type(o).__name__, o.pk): o for o in objs}

    def _run_parallel(
        self, count: int, *, batch_size: int, progress: Callable[[int], None] | None, workers: int
    ) -> list[tuple[str, str]]:
        writers.share(self.shared_objects())
        codes: list[tuple[str, str]] = []
        connections.close_all()  # the writers must not inherit this process's connection
        gc.freeze()  # the writers' collections then leave the inherited objects (and their pages) alone
        pool = multiprocessing.get_context("fork").Pool(workers)
        gc.unfreeze()
        pending: deque[tuple[AsyncResult[int], int, list[tuple[int, int]]]] = deque()
        try:
            left = count
            while left > 0 or pending:
                # Keep every writer busy with one batch queued behind it; wait for the oldest otherwise.
                if left > 0 and len(pending) < 2 * workers:
                    n = min(batch_size, left)
                    pairs = [self.plan() for _ in range(n)]
                    plans = [p for p, _o in pairs]
                    ids = reserve(plans)
                    self._remember(pairs, ids)
                    if len(codes) < 100:
                        codes.extend((p.number, p.query_code) for p in plans[: 100 - len(codes)])
                    # A repeat refers to a case of an earlier batch, which another writer may not have
                    # committed yet (or not even begun): the reference is set once both are in (below).
                    repeats = [(pid, p.repeat_of_id) for p, pid in zip(plans, ids, strict=True) if p.repeat_of_id]
                    for p in plans:
                        p.repeat_of_id = None  # is_repeat stays set
                    pending.append((pool.apply_async(writers.write_batch, (writers.dumps(plans, ids),)), n, repeats))
                    left -= n
                    gc.collect(1)
                    continue
                result, n, repeats = pending.popleft()
                result.get()
                # Batches finish here in the order they were drawn: this one and every earlier one are in.
                writers.link_repeats(repeats)
                if progress:
                    progress(n)
            pool.close()
        except BaseException:
            pool.terminate()
            raise
        finally:
            pool.join()
            writers.unshare()
        return codes
