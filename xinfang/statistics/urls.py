from django.urls import path

from . import views

app_name = "statistics"

urlpatterns = [
    path("", views.stats_page, name="page"),
    path("cases/", views.stats_cases, name="cases"),
    path("export.xlsx", views.stats_export, name="export"),
]
