"""Input serializers parse; output serializers render. No rules here: the services decide."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rest_framework import serializers

from xinfang.accounts.models import Area, Unit
from xinfang.accounts.reference import active_area
from xinfang.core.errors import ValidationFailed
from xinfang.core.validators import normalize_id_number, normalize_phone
from xinfang.deadlines.models import TimeLimitRule
from xinfang.petitions.models import (
    Category,
    Channel,
    DeadlineState,
    DispatchMode,
    Event,
    Outcome,
    Petition,
    Purpose,
    Rating,
    ReturnVisit,
    ReviewOutcome,
    SkipLevelTo,
)
from xinfang.petitions.reference import active_category
from xinfang.petitions.services import LEGAL_ROUTES
from xinfang.petitions.workflow import Action, Status
from xinfang.routing.models import RoutingRule

from .representation import petition_detail, petition_summary, petitioner_output

# ---------------------------------------------------------------- errors


class ErrorSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="机器可读的错误代码，如 invalid、not_found、invalid_transition")
    message = serializers.CharField(help_text="中文说明，可直接展示给用户")
    # SerializerMetaclass moves declared fields off the class: the `errors` property is not shadowed
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.JSONField(), help_text="字段 → 中文错误列表；嵌套对象的字段嵌套表示"
    )


# ---------------------------------------------------------------- reference data


class RefSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()


class AreaSerializer(serializers.ModelSerializer[Area]):
    parent_code = serializers.CharField(source="parent.code", allow_null=True, default=None)
    level_label = serializers.CharField(source="get_level_display")

    class Meta:
        model = Area
        fields = ["code", "name", "level", "level_label", "parent_code", "active"]


class UnitSerializer(serializers.ModelSerializer[Unit]):
    kind_label = serializers.CharField(source="get_kind_display")
    area_code = serializers.CharField(source="area.code")
    parent_code = serializers.CharField(source="parent.code", allow_null=True, default=None)

    class Meta:
        model = Unit
        fields = ["code", "name", "short_name", "kind", "kind_label", "area_code", "parent_code", "active"]


class CategorySerializer(serializers.ModelSerializer[Category]):
    parent_code = serializers.CharField(source="parent.code", allow_null=True, default=None)

    class Meta:
        model = Category
        fields = ["code", "name", "parent_code", "sort_order", "active"]


class RoutingRuleSerializer(serializers.ModelSerializer[RoutingRule]):
    category = RefSerializer(allow_null=True)
    area = RefSerializer(allow_null=True)
    unit = RefSerializer()

    class Meta:
        model = RoutingRule
        fields = ["id", "category", "area", "unit", "priority", "active", "note"]


class TimeLimitRuleSerializer(serializers.ModelSerializer[TimeLimitRule]):
    class Meta:
        model = TimeLimitRule
        fields = [
            "id",
            "code",
            "name",
            "legal_basis",
            "days",
            "unit",
            "start_event",
            "roll_forward",
            "party",
            "area_code",
            "effective_from",
            "effective_to",
            "active",
        ]


# ---------------------------------------------------------------- petitions: output
#
# The petition serializers declare their fields (the OpenAPI schema and the documentation come from
# them) but render with the functions of `representation.py` (why: there).


class PetitionerOutSerializer(serializers.Serializer[Petition]):
    """Masked numbers only; a confidential petitioner is hidden from a caller who may not see them."""

    name = serializers.CharField()
    id_number_masked = serializers.CharField()
    phone_masked = serializers.CharField()
    address = serializers.CharField()
    confidential = serializers.BooleanField()
    identity_hidden = serializers.BooleanField()

    def to_representation(self, petition: Petition) -> dict[str, Any]:
        return petitioner_output(petition, self.context)


class PetitionSerializer(serializers.Serializer[Petition]):
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    status_label = serializers.CharField(source="get_status_display")
    channel = serializers.ChoiceField(choices=Channel.choices)
    channel_label = serializers.CharField(source="get_channel_display")
    received_at = serializers.DateTimeField()
    registered_at = serializers.DateTimeField(allow_null=True)
    title = serializers.CharField()
    purpose = serializers.CharField(help_text="信访目的代码（601001–601006），可为空")
    headcount = serializers.IntegerField()
    is_group = serializers.BooleanField()
    is_repeat = serializers.BooleanField()
    is_skip_level = serializers.BooleanField()
    skip_level_to = serializers.CharField(help_text="越级去向：province 赴省 / beijing 赴京，可为空")
    area = RefSerializer()
    category = RefSerializer(allow_null=True)
    office_unit = RefSerializer()
    current_unit = RefSerializer(allow_null=True)
    review_unit = RefSerializer(allow_null=True)
    dispatch_mode = serializers.CharField(help_text="transfer 转送 / assign 交办 / direct 直接办理，可为空")
    due_date = serializers.DateField(allow_null=True, help_text="当前机关办理期限（最早到期的一项）")
    deadline_state = serializers.ChoiceField(choices=DeadlineState.choices, allow_blank=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()
    petitioner = PetitionerOutSerializer(source="*")

    def to_representation(self, instance: Petition) -> dict[str, Any]:
        return petition_summary(instance, self.context)


class EventSerializer(serializers.Serializer[Event]):
    at = serializers.DateTimeField()
    action = serializers.CharField()
    action_label = serializers.CharField(source="get_action_label")
    actor_name = serializers.CharField()
    unit = RefSerializer(allow_null=True)
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    note = serializers.CharField()
    public = serializers.BooleanField()


class DeadlineSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    party = serializers.CharField()
    start_date = serializers.DateField()
    due_date = serializers.DateField()
    days_left = serializers.IntegerField()
    state = serializers.CharField()
    state_label = serializers.CharField()
    estimated = serializers.BooleanField()
    basis = serializers.CharField()
    status = serializers.CharField()
    paused = serializers.BooleanField()
    extension_days = serializers.IntegerField()
    legal_basis = serializers.CharField()


class ReplySerializer(serializers.Serializer[Petition]):
    outcome = serializers.CharField(source="reply_outcome")
    facts = serializers.CharField(source="reply_facts")
    reasons = serializers.CharField(source="reply_reasons")
    basis = serializers.CharField(source="reply_basis")
    opinion = serializers.CharField(source="reply_opinion")
    completion_report = serializers.CharField()
    replied_at = serializers.DateTimeField(allow_null=True)


class PetitionDetailSerializer(PetitionSerializer):
    content = serializers.CharField()
    purpose_label = serializers.CharField(source="get_purpose_display")
    accused_person = serializers.CharField()
    not_accepted_reason = serializers.CharField()
    extension_days_requested = serializers.IntegerField(allow_null=True)
    reply = ReplySerializer(source="*")
    rating = serializers.CharField()
    rating_comment = serializers.CharField()
    review_level = serializers.IntegerField()
    review_outcome = serializers.CharField()
    review_text = serializers.CharField()
    recheck_outcome = serializers.CharField()
    recheck_text = serializers.CharField()
    timeline = EventSerializer(many=True, source="api_timeline")
    deadlines = DeadlineSerializer(many=True, source="api_deadlines")
    available_actions = serializers.ListField(
        child=serializers.ChoiceField(choices=Action.choices),
        source="api_actions",
        help_text="当前调用方在该事项当前状态下可执行的操作",
    )

    def to_representation(self, instance: Petition) -> dict[str, Any]:
        return petition_detail(instance, self.context)


class RegisteredSerializer(PetitionDetailSerializer):
    query_code = serializers.CharField(
        source="api_query_code", help_text="查询码：只在本响应中出现一次，请告知信访人（系统只保存其摘要）"
    )

    def to_representation(self, instance: Petition) -> dict[str, Any]:
        return {**petition_detail(instance, self.context), "query_code": instance.api_query_code}  # type: ignore[attr-defined]


class CitizenStatusSerializer(serializers.Serializer[Petition]):
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    status_label = serializers.CharField(source="get_status_display")
    review_unit = RefSerializer(allow_null=True)
    due_date = serializers.DateField(allow_null=True)


# ---------------------------------------------------------------- petitions: input


class TextField(serializers.CharField):
    """A text input that takes JSON strings only. DRF's CharField also takes a number and stores its
    text (`"content": 12345` became the content "12345"); a client sending a number for a text has a
    bug worth a clear answer, not a stored case."""

    default_error_messages = {"not_text": "请填写文字（JSON 字符串），不能是数字、布尔值或其他类型"}

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("not_text")
        return super().to_internal_value(data)


def _domain_check(func: Callable[..., str], value: str, field: str) -> str:
    try:
        return func(value, field=field)
    except ValidationFailed as exc:
        raise serializers.ValidationError(exc.message) from None


class PersonInSerializer(serializers.Serializer[Any]):
    name = TextField(max_length=100, required=False, allow_blank=True, default="")
    id_number = TextField(
        max_length=32,
        required=False,
        allow_blank=True,
        default="",
        help_text="18位公民身份号码（或旧15位），校验位按 GB 11643",
    )
    phone = TextField(
        max_length=32, required=False, allow_blank=True, default="", help_text="11位手机号或带区号的固定电话"
    )
    address = TextField(max_length=200, required=False, allow_blank=True, default="")

    def validate_id_number(self, value: str) -> str:
        return _domain_check(normalize_id_number, value, "id_number")

    def validate_phone(self, value: str) -> str:
        return _domain_check(normalize_phone, value, "phone")


class RepresentativeInSerializer(PersonInSerializer):
    name = TextField(max_length=100)


class RegisterInSerializer(serializers.Serializer[Any]):
    channel = serializers.ChoiceField(choices=Channel.choices)
    received_at = serializers.DateTimeField(required=False, help_text="收到时间，默认为当前时间；可早于今天")
    petitioner = PersonInSerializer(required=False)
    # max_length goes to the ListSerializer that many=True builds; the stubs' __init__ does not list it
    representatives = RepresentativeInSerializer(many=True, required=False, max_length=20)  # type: ignore[call-arg]
    headcount = serializers.IntegerField(min_value=1, max_value=100000, default=1)
    no_representative_reason = TextField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text="集体访（人数达到集体访标准）未推选代表的原因；不填则须至少提供一名代表",
    )
    area_code = TextField(
        max_length=12, required=False, allow_blank=True, help_text="问题属地区划代码；默认为登记单位所在区划"
    )
    category_code = TextField(max_length=20, required=False, allow_blank=True, help_text="内容分类代码")
    purpose = serializers.ChoiceField(choices=Purpose.choices, required=False, allow_blank=True, default="")
    title = TextField(max_length=200, required=False, allow_blank=True, default="")
    content = TextField(max_length=20000)
    confidential = serializers.BooleanField(default=False)
    is_repeat = serializers.BooleanField(default=False)
    is_skip_level = serializers.BooleanField(default=False)
    skip_level_to = serializers.ChoiceField(
        choices=SkipLevelTo.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="越级访的去向：province 赴省、beijing 赴京（填写即视为越级信访）",
    )
    accused_unit_code = TextField(max_length=40, required=False, allow_blank=True)
    accused_person = TextField(max_length=100, required=False, allow_blank=True, default="")
    office_code = TextField(
        max_length=40,
        required=False,
        allow_blank=True,
        help_text="登记单位（信访部门）编码；调用方只有一个登记岗位时可省略",
    )

    def validate_area_code(self, value: str) -> Area | None:
        if not value:
            return None
        area = active_area(value)
        if area is None:
            raise serializers.ValidationError(f"未知的区划代码：{value}")
        return area

    def validate_category_code(self, value: str) -> Category | None:
        if not value:
            return None
        category = active_category(value)
        if category is None:
            raise serializers.ValidationError(f"未知的内容分类代码：{value}")
        return category

    def _unit(self, value: str) -> Unit | None:
        if not value:
            return None
        unit: Unit | None = Unit.objects.filter(code=value.strip()).select_related("area").first()
        if unit is None:
            raise serializers.ValidationError(f"未知的单位编码：{value}")
        return unit

    def validate_accused_unit_code(self, value: str) -> Unit | None:
        return self._unit(value)

    def validate_office_code(self, value: str) -> Unit | None:
        return self._unit(value)


class PetitionFilterSerializer(serializers.Serializer[Any]):
    state = serializers.ChoiceField(choices=Status.choices, required=False, help_text="状态")
    unit = TextField(max_length=40, required=False, help_text="承办单位编码")
    area = TextField(max_length=12, required=False, help_text="问题属地区划代码（含下级）")
    category = TextField(max_length=20, required=False, help_text="内容分类代码（含下级分类）")
    channel = serializers.ChoiceField(choices=Channel.choices, required=False, help_text="信访形式")
    received_from = serializers.DateField(required=False, help_text="收到日期起（含）")
    received_to = serializers.DateField(required=False, help_text="收到日期止（含）")
    overdue = serializers.BooleanField(required=False, help_text="true：只列已超期；false：排除已超期")
    deadline_state = serializers.ChoiceField(choices=[c for c in DeadlineState.choices if c[0]], required=False)
    q = TextField(max_length=100, required=False, help_text="编号、标题、内容、姓名、身份证号或电话")

    def validate_unit(self, value: str) -> str:
        unit = Unit.objects.filter(code=value.strip()).first()
        if unit is None:
            raise serializers.ValidationError(f"未知的单位编码：{value}")
        return str(unit.pk)

    def validate_category(self, value: str) -> str:
        category = Category.objects.filter(code=value.strip()).first()
        if category is None:
            raise serializers.ValidationError(f"未知的内容分类代码：{value}")
        return str(category.pk)

    def validate_area(self, value: str) -> str:
        if not Area.objects.filter(code=value.strip()).exists():
            raise serializers.ValidationError(f"未知的区划代码：{value}")
        return value.strip()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("received_from"), attrs.get("received_to")
        if start and end and start > end:
            raise serializers.ValidationError({"received_to": ["截止日期不能早于起始日期"]})
        return attrs


class NoteOnlySerializer(serializers.Serializer[Any]):
    note = TextField(max_length=2000, required=False, allow_blank=True, default="")


class DispatchInSerializer(serializers.Serializer[Any]):
    unit_code = TextField(max_length=40, help_text="承办单位编码")
    mode = serializers.ChoiceField(choices=[(DispatchMode.TRANSFER, "转送"), (DispatchMode.ASSIGN, "交办")])
    note = TextField(max_length=2000, required=False, allow_blank=True, default="")
    assign_due_date = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="交办期限（仅交办）"
    )

    def validate_unit_code(self, value: str) -> Unit:
        unit: Unit | None = Unit.objects.filter(code=value.strip()).first()
        if unit is None:
            raise serializers.ValidationError(f"未知的单位编码：{value}")
        return unit


class ReasonInSerializer(serializers.Serializer[Any]):
    reason = TextField(max_length=2000)


class RejectInSerializer(serializers.Serializer[Any]):
    reason = TextField(max_length=2000)
    legal_route = serializers.ChoiceField(choices=list(LEGAL_ROUTES.items()), help_text="告知信访人的途径")
    final = serializers.BooleanField(default=False, help_text="true：不再受理；false：不予受理")


class NoteInSerializer(serializers.Serializer[Any]):
    note = TextField(max_length=5000)
    mediation = serializers.BooleanField(default=False, help_text="true：调解记录")
    public = serializers.BooleanField(default=False, help_text="true：向信访人公开")


class ExtensionInSerializer(serializers.Serializer[Any]):
    days = serializers.IntegerField(min_value=1, max_value=365, help_text="延长天数（法定不超过30日）")
    reason = TextField(max_length=2000)


class DecisionInSerializer(serializers.Serializer[Any]):
    approve = serializers.BooleanField(help_text="true 批准 / false 不批准（退回）")
    note = TextField(max_length=2000, required=False, allow_blank=True, default="")


class ReplyInSerializer(serializers.Serializer[Any]):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    facts = TextField(max_length=20000)
    reasons = TextField(max_length=20000)
    basis = TextField(max_length=5000)
    opinion = TextField(max_length=20000)
    completion_report = TextField(
        max_length=20000, required=False, allow_blank=True, default="", help_text="交办件必填"
    )


class RateInSerializer(serializers.Serializer[Any]):
    rating = serializers.ChoiceField(choices=Rating.choices)
    comment = TextField(max_length=2000, required=False, allow_blank=True, default="")


class ReturnVisitInSerializer(serializers.Serializer[Any]):
    method = serializers.ChoiceField(choices=ReturnVisit.Method.choices, help_text="回访方式")
    reached = serializers.BooleanField(help_text="是否联系上信访人")
    rating = serializers.ChoiceField(choices=Rating.choices, required=False, allow_blank=True, default="")
    comment = TextField(max_length=2000, required=False, allow_blank=True, default="")
    visited_at = serializers.DateTimeField(required=False, allow_null=True, default=None, help_text="默认为现在")


class CitizenRequestInSerializer(serializers.Serializer[Any]):
    query_code = TextField(max_length=40, help_text="信访人的查询码")
    reason = TextField(max_length=5000)


class ReviewDecisionInSerializer(serializers.Serializer[Any]):
    outcome = serializers.ChoiceField(choices=ReviewOutcome.choices)
    text = TextField(max_length=20000)
