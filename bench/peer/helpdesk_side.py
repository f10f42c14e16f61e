"""The peer's side of bench/peer/peer.py: django-helpdesk's setup (5 queues, the staff superuser), the data
preparation (migrate, bulk_created tickets from the texts below) and the child measurement. Runs in the peer's
child process (bench/peer/.venv-helpdesk, helpdesk_project's settings); Django is imported only there."""

from __future__ import annotations

import json
import random
import re
import time
from typing import Any
from urllib.parse import quote

from peer_common import CONTENT, TITLE, measure

# Titles and descriptions of the seeded peer tickets: one template in 18 mentions 物业 (the default keyword), one 窨井盖.
PLACES = ["建设路", "人民路", "解放路", "中山路", "青年路", "工业路", "黄河路", "迎宾大道", "育才路", "文化路"]
ESTATES = ["阳光花园", "御景华府", "紫荆城", "盛世华庭", "金色家园", "锦绣江南"]
TEMPLATES = [
    ("{p}窨井盖破损存在安全隐患", "{p}与{q}交叉口的窨井盖破损，老人小孩夜间经过很危险。请求有关部门尽快修复。"),
    ("反映{p}道路破损严重", "{p}自2019年以来路面坑洼不平，雨天积水严重，已发生多起交通事故。请求交通部门尽快维修。"),
    ("反映{e}物业乱收费", "{e}物业公司上调物业费，未经业主大会同意，且小区卫生、安保服务很差。请求住建部门调查处理。"),
    (
        "反映孩子入学难问题",
        "我家住{e}，孩子今年适龄入学，按学区应划入{p}小学，但学校以学位已满为由拒收。请求协调解决。",
    ),
    ("反映征地补偿款未足额发放", "因修建{p}征收耕地，按标准应补偿18000元，实际只收到一半。请求自然资源部门核查。"),
    ("反映{p}夜间施工噪音扰民", "{p}工地每天夜里施工到凌晨，噪音很大，居民无法休息。请求生态环境部门查处。"),
    ("反映{e}小区停车难", "{e}小区车位严重不足，消防通道被长期占用。请求有关部门协调解决。"),
    ("反映拖欠农民工工资", "本人在{p}某工地务工，工程结束后老板拖欠工资3万元至今未付。请求人社部门帮助追讨。"),
    ("反映{p}路灯不亮", "{p}一段路灯已坏了两个月，夜间出行很不安全。请求城管部门维修。"),
    ("反映{e}供暖不热", "{e}今年供暖温度只有十几度，家中老人孩子受冻。请求供热公司解决。"),
    ("反映{p}占道经营", "{p}两侧商贩长期占道经营，堵塞交通，垃圾遍地。请求城管部门整治。"),
    ("反映{e}电梯故障频发", "{e}3号楼电梯经常停运，曾发生困人事件。请求市场监管部门检查。"),
    ("反映{p}垃圾清运不及时", "{p}附近垃圾站垃圾堆积多日无人清运，臭气熏天。请求环卫部门处理。"),
    ("反映低保待遇问题", "本人家住{p}，家庭困难，申请低保多次未获批准。请求民政部门核实。"),
    ("反映{e}漏水问题", "{e}楼顶防水层破损，雨天家中漏水严重，开发商推诿不修。请求住建部门督促。"),
    ("反映{p}公交线路调整", "{p}公交线路取消后居民出行不便。请求交通部门恢复线路。"),
    ("反映医保报销问题", "本人在{p}医院住院，医保报销比例与政策不符。请求医保部门核查。"),
    ("反映{e}违章搭建", "{e}一楼住户私自搭建阳光房，占用公共绿地。请求有关部门拆除。"),
]


def _peer_setup() -> Any:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from helpdesk.models import Queue

    for i in range(1, 6):
        Queue.objects.get_or_create(slug=f"q{i:02d}", defaults={"title": f"责任单位{i:02d}", "escalate_days": 15})
    users = get_user_model().objects
    staff = users.filter(username="bench_staff").first() or users.create_superuser(
        "bench_staff", "bench_staff@example.invalid", "bench-pass-123"
    )
    return staff


def peer_prepare(count: int, seed: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    t0 = time.perf_counter()
    call_command("migrate", "--noinput", verbosity=0)
    migrate_s = time.perf_counter() - t0
    staff = _peer_setup()
    import datetime

    from django.db import connection, transaction
    from django.utils import timezone
    from helpdesk.models import FollowUp, Queue, Ticket

    queues = list(Queue.objects.filter(slug__startswith="q").order_by("slug"))
    have = Ticket.objects.count()
    todo = max(0, count - have)
    rng = random.Random(seed + have)
    now = timezone.now()
    span = 2 * 365 * 86400
    fields = [Ticket._meta.get_field("created"), Ticket._meta.get_field("modified")]
    saved = [(f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:  # keep the spread-out `created` (bulk_create would stamp now)
        f.auto_now = f.auto_now_add = False
    t0 = time.perf_counter()
    try:
        done = 0
        while done < todo:
            batch = []
            for _ in range(min(2000, todo - done)):
                i = have + done + len(batch)
                title, body = rng.choice(TEMPLATES)
                p, q = rng.sample(PLACES, 2)
                e = rng.choice(ESTATES)
                created = now - datetime.timedelta(seconds=rng.randrange(span))
                r = rng.random()
                status = (
                    Ticket.CLOSED_STATUS
                    if r < 0.30
                    else Ticket.RESOLVED_STATUS
                    if r < 0.40
                    else Ticket.REOPENED_STATUS
                    if r < 0.45
                    else Ticket.OPEN_STATUS
                )
                batch.append(
                    Ticket(
                        title=title.format(p=p, q=q, e=e),
                        description=body.format(p=p, q=q, e=e),
                        queue=rng.choice(queues),
                        submitter_email=f"citizen{i}@example.com",
                        status=status,
                        priority=rng.randint(1, 5),
                        assigned_to=staff if rng.random() < 0.20 else None,
                        created=created,
                        modified=created,
                    )
                )
            with transaction.atomic():
                tickets = Ticket.objects.bulk_create(batch)
                FollowUp.objects.bulk_create(
                    FollowUp(ticket=t, date=t.created, title="Ticket Opened", comment=t.description, public=True)
                    for t in tickets
                )
            done += len(batch)
    finally:
        for f, (auto_now, auto_now_add) in zip(fields, saved, strict=True):
            f.auto_now, f.auto_now_add = auto_now, auto_now_add
    seed_s = time.perf_counter() - t0
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(
        json.dumps(
            {
                "migrate_s": round(migrate_s, 1),
                "seeded": todo,
                "seed_s": round(seed_s, 1),
                "tickets": Ticket.objects.count(),
            }
        )
    )


def peer_child(n: int, repeat: int, keyword: str) -> dict[str, Any]:
    staff = _peer_setup()
    from django.db import connection
    from django.test import Client
    from helpdesk.models import Queue, Ticket

    q1 = Queue.objects.get(slug="q01")
    c = Client()
    c.force_login(staff)
    counter = [time.time_ns() % 1_000_000_000]

    def create() -> int:
        counter[0] += 1
        body = {
            "queue": q1.pk,
            "title": TITLE,
            "description": CONTENT,
            "submitter_email": f"bench{counter[0]}@example.com",
            "priority": 3,
        }
        r = c.post("/helpdesk/api/tickets/", json.dumps(body, ensure_ascii=False), content_type="application/json")
        return r.status_code

    def data_url(page: str) -> str:
        r = c.get(page)
        assert r.status_code == 200, (page, r.status_code)
        m = re.search(r"/helpdesk/datatables_ticket_list/([A-Za-z0-9+/=]+)", r.content.decode())
        assert m, f"no datatables URL in {page}"
        return f"/helpdesk/datatables_ticket_list/{m.group(1)}?draw=1&start=0&length=25"

    filtered_url = data_url(f"/helpdesk/tickets/?queue={q1.pk}&status={Ticket.OPEN_STATUS}")
    search_url = data_url(
        f"/helpdesk/tickets/?q={quote(keyword)}&status={Ticket.OPEN_STATUS}&status={Ticket.REOPENED_STATUS}"
    )
    found: dict[str, int] = {}

    def reader(name: str, url: str):
        def get() -> int:
            r = c.get(url)
            if r.status_code == 200:
                found[name] = int(json.loads(r.content)["recordsFiltered"])
            return r.status_code

        return get

    before = Ticket.objects.count()
    out = measure(
        connection,
        {
            "create": create,
            "list_filtered": reader("list_filtered", filtered_url),
            "search": reader("search", search_url),
        },
        {"create": n, "list_filtered": repeat, "search": repeat},
    )
    expected = Ticket.objects.filter(queue=q1, status=Ticket.OPEN_STATUS).count()
    assert found["list_filtered"] == expected, (found, expected)
    out["rows"] = {"list_filtered": found["list_filtered"], "search": found["search"]}
    out["cases_before"] = before
    import django
    import helpdesk
    import rest_framework

    out["versions"] = {
        "django": django.get_version(),
        "django-helpdesk": getattr(helpdesk, "__version__", "") or _dist_version("django-helpdesk"),
        "djangorestframework": rest_framework.VERSION,
        "database": f"{connection.vendor} {getattr(connection, 'pg_version', '')}",
    }
    return out


def _dist_version(name: str) -> str:
    from importlib.metadata import version

    return version(name)
