"""Every write of the screening app (disputes, campaigns, leaders). Callers: `from xinfang.screening import services`."""

from .campaigns import (
    area_map_upload,
    campaign_add_member,
    campaign_add_petitions,
    campaign_create,
    can_manage_area,
    geojson_check,
)
from .disputes import (
    deadlines_sweep,
    dispute_assign,
    dispute_change_grade,
    dispute_conclude,
    dispute_hand_over,
    dispute_link_petition,
    dispute_raise_from_petition,
    dispute_register,
    dispute_release,
    dispute_reopen,
    dispute_set_campaign,
    dispute_take_on,
    grade_get,
)
from .leaders import down_visit_record, reception_day_cancel, reception_day_create, reception_register_visit
from .plans import dispute_record_progress, dispute_update_plan, plan_step_add, plan_step_done

__all__ = [
    "area_map_upload",
    "campaign_add_member",
    "campaign_add_petitions",
    "campaign_create",
    "can_manage_area",
    "geojson_check",
    "deadlines_sweep",
    "dispute_assign",
    "dispute_change_grade",
    "dispute_conclude",
    "dispute_hand_over",
    "dispute_link_petition",
    "dispute_raise_from_petition",
    "dispute_record_progress",
    "dispute_register",
    "dispute_release",
    "dispute_reopen",
    "dispute_set_campaign",
    "dispute_take_on",
    "dispute_update_plan",
    "grade_get",
    "plan_step_add",
    "plan_step_done",
    "down_visit_record",
    "reception_day_cancel",
    "reception_day_create",
    "reception_register_visit",
]
