"""`manage.py stats_verify [--fix]`: check the copies the figures count by -- each deadline row's copy of its
case's area, units and accused path and its `shares_code` flag (petitions.deadlines.facts), and each case's
`has_repeat` (petitions.repeats) -- against what they are derived from. Prints one JSON object; exits 1 when something differs and
was not fixed. Every write path keeps them equal; this is for after a hand-made change to the database."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from xinfang.petitions.deadlines.facts import (
    deadline_facts_differ,
    deadline_shares_code_differ,
    deadlines_copy_facts,
    deadlines_reflag_shares_code,
)
from xinfang.petitions.deadlines.models import Deadline
from xinfang.petitions.repeats import repeats_differ, repeats_reflag


class Command(BaseCommand):
    help = "核对统计所依据的冗余数据（办理期限上的属地、单位副本和同类期限标记，重复信访标记）；--fix 按信访事项改正"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fix", action="store_true", help="改正不一致之处")

    def handle(self, *args: Any, **opts: Any) -> None:
        cases = sorted(set(deadline_facts_differ().values_list("petition_id", flat=True)))
        flags = sorted(repeats_differ().values_list("pk", flat=True))
        limits = sorted(deadline_shares_code_differ().values_list("pk", flat=True))
        out: dict[str, Any] = {
            "deadline_copies_differ_cases": len(cases),
            "repeat_flags_differ": len(flags),
            "shared_code_flags_differ": len(limits),
        }
        if opts["fix"] and (cases or flags or limits):
            with transaction.atomic():
                out["deadline_rows_rewritten"] = deadlines_copy_facts(Deadline.objects.filter(petition_id__in=cases))
                out["repeat_flags_rewritten"] = repeats_reflag(flags)
                out["shared_code_flags_rewritten"] = deadlines_reflag_shares_code(
                    Deadline.objects.filter(pk__in=limits)
                )
            out["fixed"] = True
        self.stdout.write(json.dumps(out, ensure_ascii=False))
        if (cases or flags or limits) and not opts["fix"]:
            self.stderr.write("统计所依据的冗余数据与信访事项不一致；可用 --fix 改正")
            sys.exit(1)
