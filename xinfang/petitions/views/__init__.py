"""Staff workbench pages: parse → access → service → render. No rules here. One module per seam."""

from .actions import ACTION_SPECS, SPEC_BY_KEY, ActionSpec
from .base import apply_domain_error, client_ip, staff_required
from .case import NOTICE_TITLES, act, attachment_download, detail, notice, unmask
from .intake import register, registered, same_person
from .lists import petition_list, workbench

__all__ = [
    "ACTION_SPECS",
    "NOTICE_TITLES",
    "SPEC_BY_KEY",
    "ActionSpec",
    "act",
    "apply_domain_error",
    "attachment_download",
    "client_ip",
    "detail",
    "notice",
    "petition_list",
    "register",
    "registered",
    "same_person",
    "staff_required",
    "unmask",
    "workbench",
]
