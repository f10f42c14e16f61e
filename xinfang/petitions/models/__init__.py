"""The petitions app's models, one module per seam; every name is importable from here as before."""

# A case's deadline rows: their own module, registered with this app from here.
from ..deadlines.models import Deadline  # noqa: E402  (isort: after the case models it points at)
from .followup import PetitionerContact, ReturnVisit
from .imports import ImportJob, ImportRecord, import_upload_path
from .petition import Petition, Representative
from .records import Attachment, Event, NumberSequence, attachment_path
from .reference import (
    Category,
    Channel,
    DeadlineState,
    DispatchMode,
    Outcome,
    Purpose,
    Rating,
    ReviewOutcome,
    SkipLevelTo,
)

__all__ = [
    "Attachment",
    "Category",
    "Channel",
    "Deadline",
    "DeadlineState",
    "DispatchMode",
    "Event",
    "ImportJob",
    "ImportRecord",
    "NumberSequence",
    "Outcome",
    "Petition",
    "PetitionerContact",
    "Purpose",
    "Rating",
    "Representative",
    "ReturnVisit",
    "ReviewOutcome",
    "SkipLevelTo",
    "attachment_path",
    "import_upload_path",
]
