from django.urls import path

from . import views, views_documents, views_reception

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("submit/", views.submit, name="submit"),
    path("submit/done/", views.submitted, name="submitted"),
    path("lookup/", views.lookup, name="lookup"),
    path("reception-days/", views_reception.reception_days, name="reception-days"),
    path("leave/", views.leave, name="leave"),
    path("case/<str:number>/", views.case, name="case"),
    path("case/<str:number>/notice/<int:event_id>/", views.case_notice, name="case-notice"),
    path("case/<str:number>/rate/", views.case_rate, name="case-rate"),
    path("case/<str:number>/review/", views.case_review, name="case-review"),
    path("case/<str:number>/recheck/", views.case_recheck, name="case-recheck"),
    path("case/<str:number>/documents/", views_documents.case_documents, name="case-documents"),
    path("case/<str:number>/documents/<int:doc_id>/", views_documents.case_document, name="case-document"),
]
