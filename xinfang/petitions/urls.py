from django.urls import path

from . import views
from .views import documents as views_documents
from .views import io as views_io

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
    path("petitions/<int:pk>/notice/<int:event_id>/", views.notice, name="notice"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("petitions/<int:pk>/documents/", views_documents.documents, name="documents"),
    path("petitions/<int:pk>/documents/issue/", views_documents.document_issue, name="documents-issue"),
    path("petitions/<int:pk>/documents/<int:doc_id>/", views_documents.document_download, name="documents-download"),
    path(
        "petitions/<int:pk>/documents/<int:doc_id>/deliver/",
        views_documents.document_deliver,
        name="documents-deliver",
    ),
    path("petitions/io/", views_io.io_page, name="io"),
    path("petitions/io/import/<int:pk>/", views_io.io_job, name="io-job"),
    path("petitions/io/import/<int:pk>/status/", views_io.io_job_status, name="io-job-status"),
    path("petitions/io/template/", views_io.io_template, name="io-template"),
    path("petitions/export.xlsx", views_io.export, name="io-export"),
]
