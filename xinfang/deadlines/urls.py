from django.urls import path

from . import views

app_name = "deadlines"

urlpatterns = [
    path("calculator/", views.calculator, name="calculator"),
]
