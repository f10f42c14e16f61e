"""The fixed choices of a case. Its content categories are routing's `Category` (re-exported here)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinfang.routing.models import Category as Category


class Channel(models.TextChoices):
    LETTER = "letter", _("来信")
    VISIT = "visit", _("来访")
    CALL = "call", _("来电/热线")
    ONLINE = "online", _("网上信访")
    SMS = "sms", _("短信")
    FAX = "fax", _("传真")
    MAILBOX = "mailbox", _("民情意见箱")
    LEADER = "leader", _("领导接访")
    CONTACT_POINT = "contact_point", _("群众诉求举报联系点")


class Purpose(models.TextChoices):
    # Codes as used by provincial systems (domain.md §4).
    SUGGESTION = "601001", _("意见建议")
    APPEAL = "601002", _("申诉")
    DEMAND = "601003", _("求决")
    ACCUSATION = "601004", _("揭发控告")
    INQUIRY = "601005", _("咨询")
    OTHER = "601006", _("其他")


class DispatchMode(models.TextChoices):
    TRANSFER = "transfer", _("转送")
    ASSIGN = "assign", _("交办")
    DIRECT = "direct", _("直接办理")


class Outcome(models.TextChoices):
    """Art 32 《信访工作条例》."""

    SUPPORT = "support", _("支持")
    EXPLAIN = "explain", _("解释说明")
    NOT_SUPPORTED = "not_supported", _("不予支持")


class ReviewOutcome(models.TextChoices):
    UPHOLD = "uphold", _("维持原处理意见")
    CHANGE = "change", _("变更原处理意见")
    REVOKE = "revoke", _("撤销原处理意见，责令重新办理")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class SkipLevelTo(models.TextChoices):
    """越级访: where the visit was made or reported from (the statistics split 赴省 / 赴京)."""

    NONE = "", _("未越级或未记录")
    PROVINCE = "province", _("赴省")
    BEIJING = "beijing", _("赴京")


class DeadlineState(models.TextChoices):
    NONE = "", _("无期限")
    NORMAL = "normal", _("正常")
    SOON = "soon", _("即将到期")
    OVERDUE = "overdue", _("已超期")
