"""A case's deadlines: the Deadline rows, their scheduling through the workflow (schedule), the sweep and
the recompute after a rule or calendar change (sweep), and their admin. The rules, the calendar and the
pure engine they count with are the deadlines app's, below this one (architecture.md)."""
