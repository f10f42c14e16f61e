"""What local rules set differently ([?] in domain.md §3.1): settings, not code.

`XINFANG_STATS` in the settings overrides any of these keys (docs/statistics.md lists them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Which deadline rows (their codes in deadlines.TimeLimitRule) stand for each timeliness figure.
    "office_acceptance_codes": ["transfer"],  # 信访部门: 登记后转送/交办 (Art 22)
    "unit_acceptance_codes": ["notify_acceptance"],  # 责任单位: 书面告知是否受理 (Art 23)
    "reply_codes": ["handle"],  # 按期答复/办结 (Art 34; a re-handling opens a new `handle` limit)
    # Ratings that count as satisfied (满意 + 基本满意).
    "satisfied_ratings": ["satisfied", "basic"],
    # A unit with fewer cases in an indicator's denominator is listed, but not ranked (FixMyStreet #1957).
    "ranking_min_sample": 10,
    # 一次性化解率: shown only where the office tracks it.
    "one_time_resolution": True,
    # Months in the trend lines.
    "trend_months": 12,
}


@dataclass(frozen=True)
class StatsConfig:
    office_acceptance_codes: tuple[str, ...]
    unit_acceptance_codes: tuple[str, ...]
    reply_codes: tuple[str, ...]
    satisfied_ratings: tuple[str, ...]
    ranking_min_sample: int
    one_time_resolution: bool
    trend_months: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "office_acceptance_codes": list(self.office_acceptance_codes),
            "unit_acceptance_codes": list(self.unit_acceptance_codes),
            "reply_codes": list(self.reply_codes),
            "satisfied_ratings": list(self.satisfied_ratings),
            "ranking_min_sample": self.ranking_min_sample,
            "one_time_resolution": self.one_time_resolution,
            "trend_months": self.trend_months,
        }


def stats_config() -> StatsConfig:
    raw = {**DEFAULTS, **getattr(settings, "XINFANG_STATS", {})}
    return StatsConfig(
        office_acceptance_codes=tuple(raw["office_acceptance_codes"]),
        unit_acceptance_codes=tuple(raw["unit_acceptance_codes"]),
        reply_codes=tuple(raw["reply_codes"]),
        satisfied_ratings=tuple(raw["satisfied_ratings"]),
        ranking_min_sample=int(raw["ranking_min_sample"]),
        one_time_resolution=bool(raw["one_time_resolution"]),
        trend_months=max(1, min(36, int(raw["trend_months"]))),
    )
