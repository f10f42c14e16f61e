from django.urls import path

from . import views

app_name = "petitions"

urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("petitions/", views.petition_list, name="list"),
    path("petitions/register/", views.register, name="register"),
    path("petitions/register/same-person/", views.same_person, name="same-person"),
    path("petitions/<int:pk>/", views.detail, name="detail"),
    path("petitions/<int:pk>/registered/", views.registered, name="registered"),
    path("petitions/<int:pk>/act/<slug:key>/", views.act, name="act"),
    path("petitions/<int:pk>/unmask/", views.unmask, name="unmask"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
]
