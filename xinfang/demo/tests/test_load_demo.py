"""`manage.py load_demo`: the whole demo load, once (it takes a while), checked from every side."""

from __future__ import annotations

import datetime as dt
import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from xinfang.accounts.models import Area, Membership, Unit, User
from xinfang.core import crypto
from xinfang.core.validators import MOBILE_RE, normalize_id_number
from xinfang.demo.city.logins import NAMED, PASSWORD
from xinfang.demo.city.plan import SEED_TITLE, all_people, build_plan
from xinfang.petitions import services
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


@pytest.mark.django_db
def test_load_demo(tmp_path):
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

    # The seed story, step by step.
    seed = Petition.objects.select_related("current_unit", "registered_by").get(title__contains="窨井盖")
    assert seed.title == SEED_TITLE
    assert (seed.status, seed.rating, seed.channel) == (Status.CLOSED, "satisfied", Channel.CALL)
    assert seed.petitioner_name == "王秀英"
    assert seed.current_unit is not None and seed.registered_by is not None
    assert seed.current_unit.name == "扶沟县市政所" and seed.registered_by.username == "dengji"
    assert seed.reply_outcome == "support" and seed.dispatch_mode == "transfer"
    events = list(seed.events.order_by("at", "id").values_list("action", "actor__username", "note"))
    assert [e[0] for e in events] == ["register", "dispatch", "accept", "note", "submit_reply", "approve_reply", "rate"]
    assert [e[1] for e in events][:6] == ["dengji", "fenban", "chengban", "chengban", "chengban", "fuzeren"]
    assert events[3][2] == "当日更换井盖"
    assert seed.events.get(action="rate").data["via"] == "portal"

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
