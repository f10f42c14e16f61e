"""What the petitioner sees of a timeline event, for the staff page (petitions.timeline decides)."""

from __future__ import annotations

from django import template

from xinfang.petitions import timeline
from xinfang.petitions.models import Event

register = template.Library()


@register.filter
def shown_to_petitioner(event: Event) -> bool:
    return timeline.shown_to_petitioner(event)


@register.filter
def public_title(event: Event) -> str:
    return timeline.public_title(event.action)
