from django.urls import path

from . import views

app_name = "statistics"

urlpatterns = [
    path("", views.stats_page, name="page"),
    path("ranking/", views.stats_ranking, name="ranking"),
    path("cases/", views.stats_cases, name="cases"),
    path("export.xlsx", views.stats_export, name="export"),
    path("report.docx", views.stats_report, name="report"),
]
