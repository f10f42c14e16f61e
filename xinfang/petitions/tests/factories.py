"""Petitions made through the real services, so every test case has a consistent timeline."""

from __future__ import annotations

from typing import Any

from xinfang.petitions import services
from xinfang.petitions.models import Category, Channel, Petition

VALID_ID = "11010519491231002X"
VALID_ID_2 = "360426199101010071"


def register(actor: Any, **overrides: Any) -> services.Registration:
    data: dict[str, Any] = {
        "channel": Channel.CALL,
        "content": "建设街与棉麻一场交叉口的窨井盖破损，老人小孩夜间经过很危险，请尽快修复。",
        "title": "建设街窨井盖破损",
        "petitioner": {"name": "王大爷", "id_number": VALID_ID, "phone": "13812345678", "address": "扶沟县建设街"},
        "category": Category.objects.get(code="602015"),
    }
    data.update(overrides)
    return services.petition_register(actor=actor, **data)


def advance(petition: Petition, to: str, *, personas: Any) -> Petition:
    """Walk a registered case through the workflow to the named stage."""
    org = personas.org
    steps = ["dispatched", "accepted", "reply_pending", "replied", "closed"]
    for step in steps:
        if step == "dispatched":
            services.petition_dispatch(
                actor=personas.dispatcher, petition_id=petition.pk, unit=org.municipal, mode="transfer"
            )
        elif step == "accepted":
            services.petition_accept(actor=personas.handler, petition_id=petition.pk)
        elif step == "reply_pending":
            services.petition_submit_reply(
                actor=personas.handler,
                petition_id=petition.pk,
                outcome="support",
                facts="经查属实",
                reasons="井盖破损影响通行安全",
                basis="《城市道路管理条例》",
                opinion="已于当日更换井盖。",
            )
        elif step == "replied":
            services.petition_decide_reply(actor=personas.head, petition_id=petition.pk, approve=True)
        elif step == "closed":
            services.petition_rate(petition_id=petition.pk, rating="satisfied", comment="很及时")
        if step == to:
            break
    petition.refresh_from_db()
    return petition
