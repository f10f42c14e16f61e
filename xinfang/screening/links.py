"""The case page's 转为矛盾纠纷 link (petitions.case_links): for who may register disputes, while the petition
has none; a raised petition links to its dispute instead."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from xinfang.petitions.case_links import CaseLink
from xinfang.petitions.models import Petition

from .access import can_see_dispute, registrable_units


def raise_link(user: Any, petition: Petition) -> list[CaseLink]:
    links = [link.dispute for link in petition.dispute_links.select_related("dispute")]
    if links:
        return [
            CaseLink(f"矛盾纠纷 {d.number}", reverse("screening:detail", args=[d.pk]))
            for d in links
            if can_see_dispute(user, d)
        ]
    if not registrable_units(user):
        return []
    return [
        CaseLink(
            "转为矛盾纠纷", reverse("screening:raise", args=[petition.pk]), "一案一档：登记为矛盾纠纷，信访事项照常办理"
        )
    ]
