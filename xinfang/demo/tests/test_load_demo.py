"""`manage.py load_demo`: the whole demo load, once (it takes a while), checked from every side."""

from __future__ import annotations

import datetime as dt
import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from xinfang.accounts.models import Area, Membership, Unit, User
from xinfang.core import crypto
from xinfang.core.models import AuditEvent
from xinfang.core.timeutil import SHANGHAI, local_date
from xinfang.core.validators import MOBILE_RE, normalize_id_number
from xinfang.demo.city.logins import NAMED, PASSWORD
from xinfang.demo.city.org import COUNTIES
from xinfang.demo.city.plan import SEED_PERSON, SEED_TITLE, all_people, build_plan
from xinfang.petitions import services
from xinfang.petitions.deadlines.models import Deadline
from xinfang.petitions.models import Channel, Event, Petition, Purpose, Representative
from xinfang.petitions.workflow import Status
from xinfang.routing.models import RoutingRule

ID_RE = re.compile(r"(?<!\d)\d{17}[\dX](?!\d)")
PHONE_RE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
# Keyed hashes, digests and password hashes are hex; sealed values are "x1:<kid>:<base64>". Random
# hex often holds 11 digits in a row, so these are removed before looking for phone numbers.
HEX_RE = re.compile(r"[0-9a-fA-F]{32,}")
SEALED_RE = re.compile(r"x1:[0-9a-f]{8}:[A-Za-z0-9_=-]+")
ELEVEN_DIGITS = re.compile(r"\d{11}")  # every ID number and mobile number holds such a run


def _counts() -> dict[str, int]:
    return {
        "petitions": Petition.objects.count(),
        "events": Event.objects.count(),
        "representatives": Representative.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "units": Unit.objects.count(),
        "areas": Area.objects.count(),
        "rules": RoutingRule.objects.count(),
    }


def _text_values():
    """(table, column, text) for every text value in every table."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            columns = [c[0] for c in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if isinstance(value, dict | list):
                        value = json.dumps(value, ensure_ascii=False)
                    if isinstance(value, str) and value:
                        yield table, column, value


def _assert_no_clear_pii(known: set[str]) -> None:
    leaks = []
    for table, column, value in _text_values():
        if not ELEVEN_DIGITS.search(value):
            continue
        cleaned = SEALED_RE.sub(" ", HEX_RE.sub(" ", value))
        for pattern in (ID_RE, PHONE_RE):
            for match in pattern.findall(cleaned):
                leaks.append((table, column, match))
        leaks.extend((table, column, v) for v in known if v in value)
    assert not leaks, f"clear ID or phone numbers stored: {leaks[:10]}"


def _assert_no_clear_names(names: set[str], addresses: set[str]) -> None:
    leaks: list[tuple[str, str, str]] = []
    for table, column, value in _text_values():
        # A two-character name may occur inside ordinary words (常超 in 经常超载): whole values only.
        leaks.extend((table, column, n) for n in names if (n in value if len(n) >= 3 else n == value.strip()))
        leaks.extend((table, column, a) for a in addresses if a in value)
    assert not leaks, f"clear names or addresses stored: {leaks[:10]}"


@pytest.mark.slow
@pytest.mark.django_db
def test_load_demo(tmp_path, client):
    codes_file = tmp_path / "demo_codes.json"
    out = StringIO()
    call_command("load_demo", codes_file=codes_file, stdout=out)
    assert "演示数据就绪" in out.getvalue()

    # ~300 cases in every state and through every channel.
    total = Petition.objects.count()
    assert 250 <= total <= 350
    statuses = set(Petition.objects.values_list("status", flat=True))
    assert statuses == set(Status.values), set(Status.values) - statuses
    assert set(Petition.objects.values_list("channel", flat=True)) == set(Channel.values)
    assert Petition.objects.filter(received_at__lt=timezone.now() - dt.timedelta(days=300)).exists()
    assert Petition.objects.filter(status=Status.REGISTERED, deadline_state="overdue").exists()

    _check_history()
    seed = _check_seed_story(client)
    _check_counties()

    # The codes file: the seed and some 已答复待评价 cases open on the portal with their codes.
    codes = json.loads(codes_file.read_text(encoding="utf-8"))
    assert codes["seed"]["number"] == seed.number
    assert services.petition_find_by_query_code(number=seed.number, code=codes["seed"]["query_code"]) == seed
    assert len(codes["replied"]) == 3
    for entry in codes["replied"]:
        found = services.petition_find_by_query_code(number=entry["number"], code=entry["query_code"])
        assert found is not None and found.status == Status.REPLIED

    # Group visits, repeats, confidential cases and accusations.
    group = Petition.objects.filter(is_group=True, headcount__gte=5)
    assert group.count() >= 5
    assert Representative.objects.filter(petition__in=group).count() >= 10
    repeats = Petition.objects.filter(is_repeat=True, repeat_of__isnull=False).select_related("repeat_of")
    assert repeats.count() >= 5
    assert all(
        p.id_number_hash and p.repeat_of is not None and p.id_number_hash == p.repeat_of.id_number_hash for p in repeats
    )
    assert Petition.objects.filter(confidential=True).count() >= 3
    assert Petition.objects.filter(purpose=Purpose.ACCUSATION).exclude(accused_person="").count() >= 2
    assert Petition.objects.filter(leader__username="lingdao").count() >= 2  # 领导包案

    # Petitioners' numbers are valid: GB 11643 check digit, county code first; mobiles match the pattern.
    county_codes = set(Area.objects.filter(level=Area.Level.COUNTY).values_list("code", flat=True))
    for p in Petition.objects.exclude(id_number_enc=""):
        number = crypto.decrypt(p.id_number_enc)
        assert normalize_id_number(number) == number and number[:6] in county_codes
    for p in Petition.objects.exclude(phone_enc=""):
        assert MOBILE_RE.match(crypto.decrypt(p.phone_enc))

    # Logins work with the demo password; admin reaches /admin/.
    for login in NAMED:
        user = User.objects.get(username=login.username)
        assert user.is_active and user.check_password(PASSWORD), login.username
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    assert RoutingRule.objects.filter(category__code="602015", area__code="411621", unit__code="FG-ZJJ").exists()

    # No clear ID or phone number anywhere in the database.
    people = all_people(build_plan(timezone.now()))
    known = {p.id_number for p in people} | {p.phone for p in people}
    _assert_no_clear_pii(known)
    # Nor any petitioner's or representative's name or address (issue 20): every text column of every table.
    _assert_no_clear_names({p.name for p in people}, {p.address for p in people if p.address})

    # The audit chain of the whole history verifies.
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "审计链完整" in out.getvalue()

    # Idempotent: a second run adds nothing.
    before = _counts()
    out = StringIO()
    call_command("load_demo", codes_file=codes_file, stdout=out)
    assert "已存在" in out.getvalue()
    assert _counts() == before

    out = StringIO()
    call_command("demo_logins", codes_file=codes_file, stdout=out)
    text = out.getvalue()
    assert "dengji" in text and PASSWORD in text and "登记来电" in text
    assert seed.number in text and codes["seed"]["query_code"] in text


def _day(at: dt.datetime) -> dt.date:
    return at.astimezone(SHANGHAI).date()


def _check_history() -> None:
    """Every step carries its own past moment: a case received N days ago was registered that day, its
    limits count from that day, and its timeline runs forward from it to before now."""
    now = timezone.now()
    today = local_date()
    events: dict[int, list[Event]] = {}
    for e in Event.objects.order_by("at", "id"):
        events.setdefault(e.petition_id, []).append(e)
    old = 0
    for p in Petition.objects.all():
        timeline = events[p.pk]
        assert timeline[0].action in ("register", "submit") and _day(timeline[0].at) == _day(p.received_at), p.number
        assert all(p.received_at - dt.timedelta(minutes=1) <= e.at <= now for e in timeline), p.number
        if (today - _day(p.received_at)).days >= 30:
            old += 1
            assert all(_day(e.at) < today for e in timeline[:2]), p.number  # not stamped with the load day
    assert old >= 100
    # The 信访部门's 15-day limits count from the received day; cases left registered long ago are 已超期.
    overdue = 0
    for p in Petition.objects.filter(status=Status.REGISTERED):
        transfers = list(Deadline.objects.filter(petition=p, code="transfer").order_by("id"))
        assert transfers[0].start_date == _day(p.received_at), p.number  # the first: not an 异议's second
        transfer = transfers[-1]
        if transfer.status == Deadline.Status.OPEN and transfer.due_date < today:
            overdue += 1
            assert transfer.state == "overdue" and p.deadline_state == "overdue", p.number
    assert overdue >= 3
    # The sweep at the end set today's states: 即将到期 and 已超期 both occur, and agree with the due dates.
    assert Petition.objects.filter(deadline_state="soon").exists()
    for p in Petition.objects.filter(deadline_state="overdue"):
        assert p.due_date is not None and p.due_date < today, p.number
    # The audit records carry the same moments as the events.
    registered = Event.objects.filter(action="register").select_related("petition").order_by("id")[:50]
    for e in registered:
        audit = AuditEvent.objects.filter(
            target_type="petitions.petition", target_id=str(e.petition_id), action__startswith="petition.register"
        ).order_by("id")
        assert audit.exists() and abs((audit[0].at - e.at).total_seconds()) < 2, e.petition.number


def _check_seed_story(client) -> Petition:
    """杨国军's hotline call about the 窨井盖: found by his name, the cover replaced and replied the same day."""
    fenban = User.objects.get(username="fenban")
    client.force_login(fenban)
    body = client.get(reverse("petitions:list"), {"q": SEED_PERSON}).content.decode()
    seed = Petition.objects.select_related("current_unit", "registered_by").get(title=SEED_TITLE)
    assert seed.number in body and SEED_TITLE in body
    assert seed.petitioner_name == SEED_PERSON
    assert (seed.status, seed.rating, seed.channel) == (Status.CLOSED, "satisfied", Channel.CALL)
    assert seed.current_unit is not None and seed.registered_by is not None
    assert seed.current_unit.name == "扶沟县市政所" and seed.registered_by.username == "dengji"
    assert seed.reply_outcome == "support" and seed.dispatch_mode == "transfer"
    assert "已更换井盖" in seed.reply_opinion
    events = list(seed.events.order_by("at", "id"))
    assert [e.action for e in events] == [
        "register",
        "dispatch",
        "accept",
        "note",
        "submit_reply",
        "approve_reply",
        "rate",
    ]
    assert [e.actor.username if e.actor else None for e in events][:6] == [
        "dengji",
        "fenban",
        "chengban",
        "chengban",
        "chengban",
        "fuzeren",
    ]
    day = _day(seed.received_at)
    assert day == local_date() - dt.timedelta(days=2)
    assert all(_day(e.at) == day for e in events[:6])  # registered, dispatched, accepted, handled, replied
    assert "已更换井盖" in events[3].note and events[-1].data["via"] == "portal"
    page = client.get(reverse("petitions:detail", args=[seed.pk])).content.decode()
    assert "已更换井盖" in page and "扶沟县市政所" in page
    return seed


def _check_counties() -> None:
    """Every county has an even share and work in every inbox of its 信访局, 市政所 and 住建局."""
    counts = {
        c.name: Petition.objects.filter(area_path__startswith=Area.objects.get(code=c.code).path).count()
        for c in COUNTIES
    }
    assert all(25 <= n <= 35 for n in counts.values()), counts
    for c in COUNTIES:

        def statuses(**where: object) -> set[str]:
            return set(Petition.objects.filter(**where).values_list("status", flat=True))

        office = statuses(office_unit__code=f"{c.prefix}-XFJ")
        assert {Status.SUBMITTED, Status.REGISTERED, Status.REPLIED} <= office, (c.name, office)
        szs = statuses(current_unit__code=f"{c.prefix}-SZS")
        want = {Status.DISPATCHED, Status.ACCEPTED, Status.EXTENSION_PENDING, Status.REPLY_PENDING, Status.REPLIED}
        assert want <= szs, (c.name, want - szs)
        zjj = statuses(current_unit__code=f"{c.prefix}-ZJJ")
        assert {Status.DISPATCHED, Status.ACCEPTED, Status.REPLY_PENDING} <= zjj, (c.name, zjj)
        assert Status.REVIEWING in statuses(review_unit__code=f"{c.prefix}-GOV"), c.name
