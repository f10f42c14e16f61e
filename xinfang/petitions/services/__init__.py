"""Every write to a petition. Staff pages, the portal, the API, imports and commands call these.

Each business action: loads the row locked, checks the actor and the transition, writes the change,
one timeline event and one audit record in one transaction, and (re)schedules the deadlines (applying
the step's `steps.Effect`). The functions live in the modules of this package, by who acts; callers
keep `from xinfang.petitions import services; services.petition_accept(...)`.
"""

from __future__ import annotations

from ..notices import LEGAL_ROUTES, UNSATISFIED_NEXT
from ..persons import id_hash, person_seal, phone_hash
from ._common import (
    QUERY_ALPHABET,
    QUERY_CODE_LENGTH,
    Registration,
    check_files,
    format_query_code,
    new_query_code,
    normalize_query_code,
    office_for_area,
    query_code_hash,
)
from .handling import (
    petition_accept,
    petition_add_note,
    petition_decide_extension,
    petition_decide_reply,
    petition_object,
    petition_request_extension,
    petition_submit_reply,
)
from .intake import (
    petition_register,
    petition_register_submitted,
    petition_submit_online,
    representatives_problem,
)
from .materials import (
    UNMASK_ROLES,
    petition_attach,
    petition_hand_over,
    petition_release_identity,
    petition_release_leader,
    petition_take_on,
    petition_unmask,
)
from .office import (
    petition_close,
    petition_close_unsatisfied,
    petition_dispatch,
    petition_handle_directly,
    petition_rehandle,
    petition_reject,
)
from .petitioner import (
    petition_find_by_query_code,
    petition_rate,
    petition_reissue_query_code,
    petition_request_recheck,
    petition_request_review,
)
from .review import (
    petition_decide_recheck,
    petition_decide_review,
    petition_hearing,
)
from .revisit import petition_return_visit, rating_state, return_visits_sweep

__all__ = [
    "QUERY_ALPHABET",
    "QUERY_CODE_LENGTH",
    "Registration",
    "new_query_code",
    "format_query_code",
    "normalize_query_code",
    "query_code_hash",
    "office_for_area",
    "check_files",
    "representatives_problem",
    "petition_register",
    "petition_submit_online",
    "petition_register_submitted",
    "petition_dispatch",
    "petition_handle_directly",
    "petition_reject",
    "petition_rehandle",
    "petition_close_unsatisfied",
    "petition_close",
    "petition_accept",
    "petition_object",
    "petition_add_note",
    "petition_request_extension",
    "petition_decide_extension",
    "petition_submit_reply",
    "petition_decide_reply",
    "petition_rate",
    "petition_request_review",
    "petition_request_recheck",
    "petition_find_by_query_code",
    "petition_reissue_query_code",
    "petition_decide_review",
    "petition_hearing",
    "petition_decide_recheck",
    "petition_attach",
    "petition_release_identity",
    "petition_take_on",
    "petition_hand_over",
    "petition_release_leader",
    "petition_return_visit",
    "return_visits_sweep",
    "rating_state",
    "UNMASK_ROLES",
    "petition_unmask",
    "LEGAL_ROUTES",
    "UNSATISFIED_NEXT",
    "id_hash",
    "person_seal",
    "phone_hash",
]
