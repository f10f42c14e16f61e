"""矛盾纠纷, 专项攻坚 and 领导接访日 over REST: parse → access → service → render (xinfang.screening)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from xinfang.accounts.models import Area, Unit
from xinfang.core.errors import ValidationFailed
from xinfang.core.timeutil import today
from xinfang.screening import selectors, services
from xinfang.screening.access import access_dispute, disputes_visible_to, scope_paths
from xinfang.screening.models import ACTION_LABELS, CaseClass, Dispute, DisputeType, Outcome, ReceptionDay, Source

TAG = "矛盾纠纷排查化解"
# Named enums in the schema (config.settings SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]): petitions use
# "outcome" and "source" for other choice sets.
CONCLUDE_CHOICES = [c for c in Outcome.choices if c[0]]
SOURCE_CHOICES = [c for c in Source.choices if c[0] != Source.PETITION]


class DisputeSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    area = serializers.CharField(source="area.code")
    area_name = serializers.CharField(source="area.name")
    grade = serializers.CharField(source="grade.code")
    grade_name = serializers.CharField(source="grade.name")
    responsible_unit = serializers.CharField(source="responsible_unit.code", default=None)
    leader = serializers.CharField(source="leader.get_full_name", default=None)
    campaign = serializers.IntegerField(source="campaign_id")
    source = serializers.CharField(help_text="来源：" + "、".join(f"{v} {lbl}" for v, lbl in Source.choices))  # type: ignore[assignment]  # a declared field, not Field.source
    outcome = serializers.CharField(
        help_text="化解结果（空为化解中）：" + "、".join(f"{v} {lbl}" for v, lbl in CONCLUDE_CHOICES)
    )

    class Meta:
        model = Dispute
        fields = [
            "number", "source", "area", "area_name", "dispute_type", "case_class", "title", "headcount",
            "grade", "grade_name", "responsible_unit", "responsible_person", "leader", "found_on", "due_date",
            "deadline_state", "outcome", "closed_at", "campaign", "marked",
        ]  # fmt: skip


class DisputeDetailSerializer(DisputeSerializer):
    parties = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()
    steps = serializers.SerializerMethodField()
    petitions = serializers.SerializerMethodField()

    class Meta(DisputeSerializer.Meta):
        fields = [*DisputeSerializer.Meta.fields, "summary", "measures", "plan", "due_basis", "outcome_note",
                  "confirmed", "parties", "timeline", "steps", "petitions"]  # fmt: skip

    def get_parties(self, obj: Dispute) -> list[dict[str, str]]:
        # masked only: the full numbers are shown on the staff page, with a reason, and audited
        return [
            {
                "side": p.side,
                "name": p.name_masked or p.organisation,
                "id_number": p.id_number_masked,
                "phone": p.phone_masked,
            }
            for p in obj.parties.all()
        ]

    def get_timeline(self, obj: Dispute) -> list[dict[str, Any]]:
        return [
            {
                "at": e.at.isoformat(),
                "action": e.action,
                "label": ACTION_LABELS.get(e.action, e.action),
                "actor": e.actor_name,
                "note": e.note,
            }
            for e in obj.events.all()
        ]

    def get_steps(self, obj: Dispute) -> list[dict[str, Any]]:
        return [
            {
                "order": s.order,
                "description": s.description,
                "due_date": s.due_date.isoformat(),
                "done": s.done_at is not None,
            }
            for s in obj.steps.all()
        ]

    def get_petitions(self, obj: Dispute) -> list[str]:
        return list(obj.petitions.values_list("number", flat=True))


class DisputeInput(serializers.Serializer):  # type: ignore[type-arg]
    area = serializers.CharField(help_text="区划代码")
    dispute_type = serializers.ChoiceField(choices=DisputeType.choices)
    case_class = serializers.ChoiceField(choices=CaseClass.choices, default=CaseClass.FIRST)
    source = serializers.ChoiceField(choices=SOURCE_CHOICES, default=Source.SCREENING)  # type: ignore[assignment]
    grade = serializers.CharField(help_text="风险等级代码：red/orange/yellow/blue")
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    summary = serializers.CharField()
    found_on = serializers.DateField(required=False)
    headcount = serializers.IntegerField(min_value=1, default=1)
    measures = serializers.CharField(required=False, allow_blank=True)
    responsible_unit = serializers.CharField(required=False, allow_blank=True, help_text="单位编码")
    responsible_person = serializers.CharField(required=False, allow_blank=True, max_length=50)
    parties = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField(allow_blank=True)), required=False
    )


class DisputePageSerializer(serializers.Serializer):  # type: ignore[type-arg]
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = DisputeSerializer(many=True)


class AreaCountSerializer(serializers.Serializer):  # type: ignore[type-arg]
    area = serializers.CharField()
    name = serializers.CharField()
    screened = serializers.IntegerField()
    marked = serializers.IntegerField()
    resolved = serializers.IntegerField()


class ProgressSerializer(serializers.Serializer):  # type: ignore[type-arg]
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field, not Field.label
    total = serializers.IntegerField()
    resolved = serializers.IntegerField()
    rate = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True, coerce_to_string=False)
    target = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True, coerce_to_string=False)


class BoardSerializer(serializers.Serializer):  # type: ignore[type-arg]
    name = serializers.CharField()
    screened = serializers.IntegerField()
    marked = serializers.IntegerField()
    resolved = serializers.IntegerField()
    by_area = AreaCountSerializer(many=True)
    progress = ProgressSerializer(many=True)


class DisputePagination(CursorPagination):
    ordering = ("-found_on", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class DisputeListCreateApi(APIView):
    @extend_schema(tags=[TAG], operation_id="disputes_list", summary="矛盾纠纷台账", responses=DisputePageSerializer)
    def get(self, request: Request) -> Response:
        qs = disputes_visible_to(request.user).select_related("area", "grade", "responsible_unit", "leader")
        if request.query_params.get("area"):
            area = Area.objects.filter(code=request.query_params["area"]).first()
            qs = qs.filter(area_path__startswith=area.path) if area else qs.none()
        if request.query_params.get("open") == "1":
            qs = qs.exclude(outcome__in=Outcome.closed())
        paginator = DisputePagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(DisputeSerializer(page, many=True).data)

    @extend_schema(
        tags=[TAG],
        operation_id="disputes_create",
        summary="登记矛盾纠纷",
        request=DisputeInput,
        responses={201: DisputeDetailSerializer},
    )
    def post(self, request: Request) -> Response:
        data = DisputeInput(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        area = Area.objects.filter(code=d.pop("area")).first()
        if area is None:
            raise ValidationFailed("区划代码不存在", field="area")
        unit_code = d.pop("responsible_unit", "")
        unit = Unit.objects.filter(code=unit_code).first() if unit_code else None
        if unit_code and unit is None:
            raise ValidationFailed("责任单位编码不存在", field="responsible_unit")
        dispute = services.dispute_register(
            actor=request.user, area=area, grade=services.grade_get(d.pop("grade")), responsible_unit=unit, **d
        )
        return Response(DisputeDetailSerializer(access_dispute(request.user, dispute.pk)).data, status=201)


def _load(request: Request, number: str) -> Dispute:
    if number.isdigit():
        raise Http404("矛盾纠纷不存在或无权查看")
    return access_dispute(request.user, number)


class DisputeDetailApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="disputes_retrieve",
        summary="矛盾纠纷详情（一案一档）",
        responses=DisputeDetailSerializer,
    )
    def get(self, request: Request, number: str) -> Response:
        return Response(DisputeDetailSerializer(_load(request, number)).data)


class NoteInput(serializers.Serializer):  # type: ignore[type-arg]
    note = serializers.CharField()


class GradeInput(serializers.Serializer):  # type: ignore[type-arg]
    grade = serializers.CharField()
    reason = serializers.CharField()


class ConcludeInput(serializers.Serializer):  # type: ignore[type-arg]
    outcome = serializers.ChoiceField(choices=CONCLUDE_CHOICES)
    note = serializers.CharField()
    confirmed = serializers.BooleanField(required=False, allow_null=True, default=None)
    confirmation_note = serializers.CharField(required=False, allow_blank=True, default="")


class DisputeProgressApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="disputes_progress",
        summary="记录化解进展",
        request=NoteInput,
        responses=DisputeDetailSerializer,
    )
    def post(self, request: Request, number: str) -> Response:
        dispute = _load(request, number)
        data = NoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.dispute_record_progress(actor=request.user, dispute_id=dispute.pk, note=data.validated_data["note"])
        return Response(DisputeDetailSerializer(access_dispute(request.user, dispute.pk)).data)


class DisputeGradeApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="disputes_grade",
        summary="调整风险等级",
        request=GradeInput,
        responses=DisputeDetailSerializer,
    )
    def post(self, request: Request, number: str) -> Response:
        dispute = _load(request, number)
        data = GradeInput(data=request.data)
        data.is_valid(raise_exception=True)
        grade = services.grade_get(data.validated_data["grade"])
        services.dispute_change_grade(
            actor=request.user, dispute_id=dispute.pk, grade=grade, reason=data.validated_data["reason"]
        )
        return Response(DisputeDetailSerializer(access_dispute(request.user, dispute.pk)).data)


class DisputeConcludeApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="disputes_conclude",
        summary="化解结果",
        request=ConcludeInput,
        responses=DisputeDetailSerializer,
    )
    def post(self, request: Request, number: str) -> Response:
        dispute = _load(request, number)
        data = ConcludeInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.dispute_conclude(actor=request.user, dispute_id=dispute.pk, **data.validated_data)
        return Response(DisputeDetailSerializer(access_dispute(request.user, dispute.pk)).data)


class CampaignSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    name = serializers.CharField()
    area = serializers.CharField(source="area.code")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    target_first = serializers.DecimalField(max_digits=5, decimal_places=2)
    target_repeat = serializers.DecimalField(max_digits=5, decimal_places=2)
    target_old = serializers.DecimalField(max_digits=5, decimal_places=2)


class CampaignListApi(APIView):
    @extend_schema(
        tags=[TAG], operation_id="campaigns_list", summary="专项攻坚", responses=CampaignSerializer(many=True)
    )
    def get(self, request: Request) -> Response:
        return Response(CampaignSerializer(selectors.campaigns_visible_to(request.user), many=True).data)


class CampaignBoardApi(APIView):
    @extend_schema(
        tags=[TAG], operation_id="campaigns_board", summary="攻坚作战图数据（按区域）", responses=BoardSerializer
    )
    def get(self, request: Request, pk: str) -> Response:
        if not pk.isdigit() or len(pk) > 18:
            raise Http404("专项攻坚不存在或无权查看")
        campaign = selectors.campaigns_visible_to(request.user).filter(pk=int(pk)).first()
        if campaign is None:
            raise Http404("专项攻坚不存在或无权查看")
        board = selectors.board_build(request.user, area=campaign.area, campaign=campaign).as_json()
        board["progress"] = [
            {"label": r.label, "total": r.total, "resolved": r.resolved, "rate": r.rate, "target": r.target}
            for r in selectors.campaign_progress(request.user, campaign)
        ]
        return Response(BoardSerializer(board).data)


class ReceptionDaySerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    leader = serializers.CharField(source="leader.get_full_name")
    area = serializers.CharField(source="area.code")
    area_name = serializers.CharField(source="area.name")
    visits = serializers.IntegerField(source="visits.count")

    class Meta:
        model = ReceptionDay
        fields = ["id", "leader", "leader_title", "area", "area_name", "date", "start_time", "end_time", "place",
                  "topics", "published", "cancelled", "cancel_reason", "visits"]  # fmt: skip


class ReceptionDayListApi(APIView):
    @extend_schema(
        tags=[TAG],
        operation_id="reception_days_list",
        summary="领导接访日（今天起）",
        responses=ReceptionDaySerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        days = [
            day
            for day in ReceptionDay.objects.filter(date__gte=today()).select_related("leader", "area")[:500]
            if any(day.area_path.startswith(p) for p in scope_paths(request.user))
        ]
        return Response(ReceptionDaySerializer(days, many=True).data)
