from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    """统计分析: the indicators (三率/四率, volumes), rankings, frozen snapshots, exports and reports.

    Read-only over the cases: it imports petitions' models and access rules; only api and demo import it."""

    name = "xinfang.statistics"
    label = "statistics"
    verbose_name = "统计分析"
    default_auto_field = "django.db.models.BigAutoField"
