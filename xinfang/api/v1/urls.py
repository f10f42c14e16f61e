from django.urls import path

from . import petition_apis as p
from . import reference_apis as r
from . import screening_apis as sc
from . import stats_apis

urlpatterns = [
    path("stats/", stats_apis.StatsApi.as_view(), name="stats"),
    path("petitions/", p.PetitionListCreateApi.as_view(), name="petition-list"),
    path("petitions/<str:number>/", p.PetitionDetailApi.as_view(), name="petition-detail"),
    path("petitions/<str:number>/dispatch/", p.PetitionDispatchApi.as_view(), name="petition-dispatch"),
    path("petitions/<str:number>/accept/", p.PetitionAcceptApi.as_view(), name="petition-accept"),
    path("petitions/<str:number>/object/", p.PetitionObjectApi.as_view(), name="petition-object"),
    path("petitions/<str:number>/reject/", p.PetitionRejectApi.as_view(), name="petition-reject"),
    path("petitions/<str:number>/notes/", p.PetitionNotesApi.as_view(), name="petition-notes"),
    path("petitions/<str:number>/extension/", p.PetitionExtensionApi.as_view(), name="petition-extension"),
    path(
        "petitions/<str:number>/extension/decision/",
        p.PetitionExtensionDecisionApi.as_view(),
        name="petition-extension-decision",
    ),
    path("petitions/<str:number>/reply/", p.PetitionReplyApi.as_view(), name="petition-reply"),
    path(
        "petitions/<str:number>/reply/decision/", p.PetitionReplyDecisionApi.as_view(), name="petition-reply-decision"
    ),
    path("petitions/<str:number>/rate/", p.PetitionRateApi.as_view(), name="petition-rate"),
    path("petitions/<str:number>/return-visit/", p.PetitionReturnVisitApi.as_view(), name="petition-return-visit"),
    path("petitions/<str:number>/close/", p.PetitionCloseApi.as_view(), name="petition-close"),
    path("petitions/<str:number>/rehandle/", p.PetitionRehandleApi.as_view(), name="petition-rehandle"),
    path(
        "petitions/<str:number>/close-unsatisfied/",
        p.PetitionCloseUnsatisfiedApi.as_view(),
        name="petition-close-unsatisfied",
    ),
    path("petitions/<str:number>/review/", p.PetitionReviewRequestApi.as_view(), name="petition-review"),
    path(
        "petitions/<str:number>/review/decision/",
        p.PetitionReviewDecisionApi.as_view(),
        name="petition-review-decision",
    ),
    path("petitions/<str:number>/recheck/", p.PetitionRecheckRequestApi.as_view(), name="petition-recheck"),
    path(
        "petitions/<str:number>/recheck/decision/",
        p.PetitionRecheckDecisionApi.as_view(),
        name="petition-recheck-decision",
    ),
    path("disputes/", sc.DisputeListCreateApi.as_view(), name="dispute-list"),
    path("disputes/<str:number>/", sc.DisputeDetailApi.as_view(), name="dispute-detail"),
    path("disputes/<str:number>/progress/", sc.DisputeProgressApi.as_view(), name="dispute-progress"),
    path("disputes/<str:number>/grade/", sc.DisputeGradeApi.as_view(), name="dispute-grade"),
    path("disputes/<str:number>/conclude/", sc.DisputeConcludeApi.as_view(), name="dispute-conclude"),
    path("campaigns/", sc.CampaignListApi.as_view(), name="campaign-list"),
    path("campaigns/<str:pk>/board/", sc.CampaignBoardApi.as_view(), name="campaign-board"),
    path("reception-days/", sc.ReceptionDayListApi.as_view(), name="reception-day-list"),
    path("areas/", r.AreaListApi.as_view(), name="area-list"),
    path("units/", r.UnitListApi.as_view(), name="unit-list"),
    path("categories/", r.CategoryListApi.as_view(), name="category-list"),
    path("routing-rules/", r.RoutingRuleListApi.as_view(), name="routing-rule-list"),
    path("time-limit-rules/", r.TimeLimitRuleListApi.as_view(), name="time-limit-rule-list"),
]
