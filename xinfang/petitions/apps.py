from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "xinfang.petitions"
    label = "petitions"
    verbose_name = _("信访事项")

    def ready(self) -> None:
        from xinfang.accounts.signals import areas_moved, units_moved
        from xinfang.core import versioned
        from xinfang.core.audit import register_seal_backfill, register_seal_kind
        from xinfang.deadlines.services import recompute_requested

        from . import paths
        from .deadlines.sweep import recompute_on_request
        from .models import Category
        from .seals import KIND, EventSeals, events_backfill

        versioned.track(Category, Category.versioned_name)
        # The audit chain seals the timeline: audit_verify finds a row changed, deleted or inserted.
        register_seal_kind(KIND, EventSeals)
        register_seal_backfill(KIND, events_backfill)  # audit_seal_backfill: an upgraded database's older rows
        # A rule or calendar change in the deadlines admin recomputes the cases' open deadlines.
        recompute_requested.connect(recompute_on_request, dispatch_uid="petitions.deadlines.recompute")
        # Cases' copies of area and unit paths follow a move in accounts' trees.
        units_moved.connect(paths.on_units_moved, dispatch_uid="petitions.paths.units")
        areas_moved.connect(paths.on_areas_moved, dispatch_uid="petitions.paths.areas")
        # A message's case link on the staff site (notifications sits below petitions).
        from xinfang.notifications.links import register_case_url

        from .messaging import staff_link

        register_case_url(staff_link)
