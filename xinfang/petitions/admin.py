# The read-only admin of the cases' deadline rows.
from .deadlines import admin as _deadline_admin  # noqa: E402, F401
