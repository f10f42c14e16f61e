"""Petitions over REST: parse (input serializer) → access → service → render. One class per action."""

from __future__ import annotations

from typing import Any, ClassVar

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from xinfang.accounts.models import Unit
from xinfang.petitions import selectors, services
from xinfang.petitions.access import access_petition, can_act
from xinfang.petitions.deadlines.schedule import petition_deadlines
from xinfang.petitions.models import DeadlineState, Petition
from xinfang.petitions.workflow import ACTIONS, allowed

from ..idempotency import IDEMPOTENCY_PARAMETER, idempotent
from . import serializers as s

TAG = "信访事项"
NUMBER_PARAMETER = OpenApiParameter(
    "number",
    str,
    OpenApiParameter.PATH,
    required=True,
    pattern=r"^[0-9]{6}-[0-9]{4}-[0-9]{6,}$",
    description="信访件编号，如 411621-2026-000123（不接受数据库序号）",
)


class PetitionCursorPagination(CursorPagination):
    # -id breaks ties between cases received at the same instant: the order is total, so no case is
    # skipped or repeated between pages.
    ordering = ("-received_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def client_ip(request: Request) -> str | None:
    return request.META.get("REMOTE_ADDR")


def load(request: Request, number: str) -> Petition:
    """Cases are addressed by number only; absent and not-yours are the same 404."""
    if number.isdigit():
        raise Http404("信访事项不存在或无权查看")
    return access_petition(request.user, number)


def detail_payload(
    request: Request,
    petition: Petition,
    serializer: type[s.PetitionSerializer] | None = None,
    *,
    registration: services.Registration | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """`registration`: the service's result for a case registered in this request; the answer is
    built from the objects it wrote instead of reading the case again."""
    if registration is None:
        petition.refresh_from_db()
        petition.api_timeline = list(selectors.petition_detail_events(petition))  # type: ignore[attr-defined]
        petition.api_deadlines = petition_deadlines(petition=petition)  # type: ignore[attr-defined]
    else:
        petition.api_timeline = registration.events  # type: ignore[attr-defined]
        petition.api_deadlines = petition_deadlines(petition=petition, rows=registration.deadlines)  # type: ignore[attr-defined]
    petition.api_actions = [  # type: ignore[attr-defined]
        a.value for a in ACTIONS if allowed(petition.status, a) and can_act(request.user, petition, a)
    ]
    for key, value in extra.items():
        setattr(petition, key, value)
    cls = serializer or s.PetitionDetailSerializer
    return cls(petition, context={"request": request}).data


def _parse(serializer_class: type[serializers.Serializer[Any]], request: Request) -> dict[str, Any]:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


class PetitionListCreateApi(generics.ListAPIView[Petition]):
    """GET: the caller's cases (same scope as the pages), newest first. POST: register a case (登记)."""

    serializer_class = s.PetitionSerializer
    pagination_class = PetitionCursorPagination

    def get_queryset(self) -> Any:
        params = s.PetitionFilterSerializer(data=self.request.query_params.dict())
        params.is_valid(raise_exception=True)
        f = params.validated_data
        overdue = f.get("overdue")
        qs = selectors.petition_list(
            user=self.request.user,
            q=f.get("q", ""),
            status=f.get("state", ""),
            channel=f.get("channel", ""),
            category=f.get("category", ""),
            area=f.get("area", ""),
            unit=f.get("unit", ""),
            deadline_state=DeadlineState.OVERDUE if overdue is True else f.get("deadline_state", ""),
            date_from=f.get("received_from"),
            date_to=f.get("received_to"),
        )
        if overdue is False:
            qs = qs.exclude(deadline_state=DeadlineState.OVERDUE)
        return qs.select_related("review_unit")

    @extend_schema(tags=[TAG], operation_id="petitions_list", parameters=[s.PetitionFilterSerializer])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=[TAG],
        operation_id="petitions_register",
        request=s.RegisterInSerializer,
        responses={201: s.RegisteredSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
        summary="登记信访事项",
        description="调用 petition_register：返回编号、状态、期限，以及只出现这一次的查询码。",
    )
    @idempotent
    def post(self, request: Request) -> Response:
        data = _parse(s.RegisterInSerializer, request)
        office: Unit | None = data.get("office_code")
        reg = services.petition_register(
            actor=request.user,
            channel=data["channel"],
            content=data["content"],
            received_at=data.get("received_at"),
            petitioner=data.get("petitioner") or {},
            representatives=list(data.get("representatives") or []),
            no_representative_reason=data.get("no_representative_reason", ""),
            office=office,
            area=data.get("area_code"),
            category=data.get("category_code"),
            purpose=data.get("purpose", ""),
            title=data.get("title", ""),
            headcount=data["headcount"],
            is_repeat=data["is_repeat"],
            is_skip_level=data["is_skip_level"],
            skip_level_to=data.get("skip_level_to", ""),
            confidential=data["confidential"],
            accused_unit=data.get("accused_unit_code"),
            accused_person=data.get("accused_person", ""),
        )
        body = detail_payload(
            request,
            reg.petition,
            s.RegisteredSerializer,
            registration=reg,
            api_query_code=services.format_query_code(reg.query_code),
        )
        response = Response(body, status=201)
        response["Location"] = f"{request.path.rstrip('/')}/{reg.petition.number}/"
        return response


class PetitionDetailApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="petitions_retrieve",
        responses={200: s.PetitionDetailSerializer},
        parameters=[NUMBER_PARAMETER],
        summary="信访事项详情（含办理记录和期限）",
    )
    def get(self, request: Request, number: str) -> Response:
        return Response(detail_payload(request, load(request, number)))


class PetitionActionApi(APIView):
    """POST /petitions/{number}/<action>/: load for the caller, run the one service, answer the case."""

    input_serializer: ClassVar[type[serializers.Serializer[Any]]] = s.NoteOnlySerializer

    def run(self, request: Request, petition: Petition, data: dict[str, Any]) -> None:  # pragma: no cover
        raise NotImplementedError

    @idempotent
    def post(self, request: Request, number: str) -> Response:
        petition = load(request, number)
        data = _parse(self.input_serializer, request)
        self.run(request, petition, data)
        return Response(detail_payload(request, petition))


def action_api(name: str, summary: str, input_serializer: type[serializers.Serializer[Any]], run: Any) -> type[APIView]:
    """Build one documented endpoint class for one business action."""

    @extend_schema(
        tags=[TAG],
        operation_id=f"petitions_{name}",
        summary=summary,
        request=input_serializer,
        responses={200: s.PetitionDetailSerializer},
        parameters=[NUMBER_PARAMETER, IDEMPOTENCY_PARAMETER],
    )
    def post(self: PetitionActionApi, request: Request, number: str) -> Response:
        return PetitionActionApi.post(self, request, number)

    def run_action(self: PetitionActionApi, request: Request, petition: Petition, data: dict[str, Any]) -> None:
        run(request, petition, data)

    cls_name = "Petition" + "".join(p.title() for p in name.split("_")) + "Api"
    Api = type(
        cls_name,
        (PetitionActionApi,),
        {
            "input_serializer": input_serializer,
            "run": run_action,
            "post": post,
            "__module__": __name__,
        },
    )
    return Api


def _dispatch(request: Request, p: Petition, d: dict[str, Any]) -> None:
    services.petition_dispatch(
        actor=request.user,
        petition_id=p.pk,
        unit=d["unit_code"],
        mode=d["mode"],
        note=d["note"],
        assign_due_date=d["assign_due_date"],
    )


PetitionDispatchApi = action_api("dispatch", "转送/交办", s.DispatchInSerializer, _dispatch)
PetitionAcceptApi = action_api(
    "accept",
    "受理",
    s.NoteOnlySerializer,
    lambda r, p, d: services.petition_accept(actor=r.user, petition_id=p.pk, note=d["note"]),
)
PetitionObjectApi = action_api(
    "object",
    "提出异议（不属于本单位职责）",
    s.ReasonInSerializer,
    lambda r, p, d: services.petition_object(actor=r.user, petition_id=p.pk, reason=d["reason"]),
)
PetitionRejectApi = action_api(
    "reject",
    "不予受理/不再受理",
    s.RejectInSerializer,
    lambda r, p, d: services.petition_reject(
        actor=r.user, petition_id=p.pk, reason=d["reason"], legal_route=d["legal_route"], final=d["final"]
    ),
)
PetitionNotesApi = action_api(
    "notes",
    "办理记录/调解记录",
    s.NoteInSerializer,
    lambda r, p, d: services.petition_add_note(
        actor=r.user, petition_id=p.pk, note=d["note"], mediation=d["mediation"], public=d["public"]
    ),
)
PetitionExtensionApi = action_api(
    "extension",
    "申请延期",
    s.ExtensionInSerializer,
    lambda r, p, d: services.petition_request_extension(
        actor=r.user, petition_id=p.pk, days=d["days"], reason=d["reason"]
    ),
)
PetitionExtensionDecisionApi = action_api(
    "extension_decision",
    "审批延期",
    s.DecisionInSerializer,
    lambda r, p, d: services.petition_decide_extension(
        actor=r.user, petition_id=p.pk, approve=d["approve"], note=d["note"]
    ),
)
PetitionReplyApi = action_api(
    "reply",
    "提交处理意见书",
    s.ReplyInSerializer,
    lambda r, p, d: services.petition_submit_reply(actor=r.user, petition_id=p.pk, **d),
)
PetitionReplyDecisionApi = action_api(
    "reply_decision",
    "审批处理意见书（通过并答复 / 退回修改）",
    s.DecisionInSerializer,
    lambda r, p, d: services.petition_decide_reply(
        actor=r.user, petition_id=p.pk, approve=d["approve"], note=d["note"]
    ),
)
PetitionRateApi = action_api(
    "rate",
    "记录信访人的满意度评价（回访）",
    s.RateInSerializer,
    lambda r, p, d: services.petition_rate(
        actor=r.user, petition_id=p.pk, rating=d["rating"], comment=d["comment"], via="api"
    ),
)
PetitionReturnVisitApi = action_api(
    "return_visit",
    "回访（日期、回访人、方式、是否联系上、评价和意见）",
    s.ReturnVisitInSerializer,
    lambda r, p, d: services.petition_return_visit(actor=r.user, petition_id=p.pk, **d),
)
PetitionRehandleApi = action_api(
    "rehandle",
    "信访人不满意：责成承办单位重新办理（新的办理期限）",
    s.ReasonInSerializer,
    lambda r, p, d: services.petition_rehandle(actor=r.user, petition_id=p.pk, reason=d["reason"]),
)
PetitionCloseUnsatisfiedApi = action_api(
    "close_unsatisfied",
    "信访人不满意：办结并告知复查权利（《信访工作条例》第三十五条）",
    s.NoteOnlySerializer,
    lambda r, p, d: services.petition_close_unsatisfied(actor=r.user, petition_id=p.pk, note=d["note"]),
)
PetitionCloseApi = action_api(
    "close",
    "办结归档",
    s.NoteOnlySerializer,
    lambda r, p, d: services.petition_close(actor=r.user, petition_id=p.pk, note=d["note"]),
)
PetitionReviewDecisionApi = action_api(
    "review_decision",
    "复查答复",
    s.ReviewDecisionInSerializer,
    lambda r, p, d: services.petition_decide_review(
        actor=r.user, petition_id=p.pk, outcome=d["outcome"], text=d["text"]
    ),
)
PetitionRecheckDecisionApi = action_api(
    "recheck_decision",
    "复核答复",
    s.ReviewDecisionInSerializer,
    lambda r, p, d: services.petition_decide_recheck(
        actor=r.user, petition_id=p.pk, outcome=d["outcome"], text=d["text"]
    ),
)


class CitizenRequestApi(APIView):
    """复查 / 复核 requested on the petitioner's behalf: the 查询码 proves it, as on the portal."""

    request_service: ClassVar[Any] = None

    @idempotent
    def post(self, request: Request, number: str) -> Response:
        data = _parse(s.CitizenRequestInSerializer, request)
        petition = services.petition_find_by_query_code(number=number, code=data["query_code"])
        if petition is None:  # wrong number and wrong code look the same
            raise Http404("信访事项不存在或查询码不正确")
        type(self).request_service(petition_id=petition.pk, reason=data["reason"], ip=client_ip(request))
        petition.refresh_from_db()
        return Response(s.CitizenStatusSerializer(petition).data)


CITIZEN_RESPONSES = {200: s.CitizenStatusSerializer, 404: OpenApiResponse(s.ErrorSerializer, "编号或查询码不正确")}


class PetitionReviewRequestApi(CitizenRequestApi):
    request_service = staticmethod(services.petition_request_review)

    @extend_schema(
        tags=[TAG],
        operation_id="petitions_review_request",
        request=s.CitizenRequestInSerializer,
        responses=CITIZEN_RESPONSES,
        parameters=[NUMBER_PARAMETER, IDEMPOTENCY_PARAMETER],
        summary="申请复查（信访人，凭查询码）",
    )
    def post(self, request: Request, number: str) -> Response:
        return super().post(request, number)


class PetitionRecheckRequestApi(CitizenRequestApi):
    request_service = staticmethod(services.petition_request_recheck)

    @extend_schema(
        tags=[TAG],
        operation_id="petitions_recheck_request",
        request=s.CitizenRequestInSerializer,
        responses=CITIZEN_RESPONSES,
        parameters=[NUMBER_PARAMETER, IDEMPOTENCY_PARAMETER],
        summary="申请复核（信访人，凭查询码）",
    )
    def post(self, request: Request, number: str) -> Response:
        return super().post(request, number)
