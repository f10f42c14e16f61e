"""The import's columns (headers, aliases, notes), the words each column accepts, and the limits."""

from __future__ import annotations

from django.conf import settings

from ..models import Channel, Outcome, Purpose
from ..workflow import Status

# key, header, required, note shown in the template's second sheet
COLUMNS: list[tuple[str, str, bool, str]] = [
    ("number", "编号(可空)", False, "原系统的信访件编号；填写的编号不得与已有编号重复，空则按本部门编号规则生成"),
    ("channel", "信访形式", True, "来信、来访、来电、网上信访、短信、传真、民情意见箱、领导接访、群众诉求举报联系点"),
    ("received", "收到日期", True, "如 2024-03-15 或 2024-03-15 09:30"),
    ("name", "信访人姓名", False, ""),
    ("id_number", "身份证号", False, "18位（或15位旧号）；导入后加密保存"),
    ("phone", "联系电话", False, "11位手机号或带区号的固定电话；导入后加密保存"),
    ("address", "住址", False, ""),
    ("headcount", "信访人数", False, "空为1"),
    ("area", "问题属地代码", True, "行政区划代码，须在本部门辖区内"),
    ("category", "内容分类代码", False, "如 602015（城乡建设）"),
    ("purpose", "信访目的", False, "意见建议、申诉、求决、揭发控告、咨询、其他（或代码601001等）"),
    ("title", "标题", False, "空则取主要诉求前30字"),
    ("content", "主要诉求", True, ""),
    ("status", "状态(可空: 待分办/待受理/办理中/已答复/已办结/不予受理)", False, "空为待分办"),
    ("unit", "承办单位编码(可空)", False, "状态为待受理、办理中、已办结时填写承办单位编码；空则由本部门直接办理"),
    ("closed", "办结日期(可空)", False, "状态为已办结、不予受理时必填"),
    ("outcome", "处理意见(可空: 支持/解释说明/不予支持)", False, ""),
    ("result", "办理结果(可空)", False, "处理意见书正文或不予受理理由"),
    ("representatives", "代表姓名(可空)", False, "集体访的代表，多人用顿号分隔（不超过5人）"),
    ("no_representative_reason", "无代表原因(可空)", False, "集体访未推选代表的，写明原因"),
    # The dates and results an office brings from its old system: they count in the statistics exactly
    # as cases handled here (the deadlines they met or missed, the ratings).
    ("dispatched", "转送日期(可空)", False, "转送交办或直接办理的日期；空为收到日期"),
    ("accepted", "受理日期(可空)", False, "承办单位受理（告知受理）的日期；空为转送日期"),
    ("replied", "答复日期(可空)", False, "出具处理意见（答复）的日期；状态为已答复时必填，已办结时空为办结日期"),
    ("rating", "评价(可空: 满意/基本满意/不满意)", False, "信访人对答复的评价；须已答复"),
    ("repeat", "重复信访(可空: 是/否)", False, "同人同事再次信访的填“是”"),
    ("skip", "越级(可空: 赴省/赴京)", False, "越级访的去向；空为未越级"),
]
# Columns added later: left out of a row's fingerprint while empty, so rows imported before still match.
LATER_COLUMNS = (
    "representatives",
    "no_representative_reason",
    "dispatched",
    "accepted",
    "replied",
    "rating",
    "repeat",
    "skip",
)
HEADERS = [c[1] for c in COLUMNS]
KEY_BY_HEADER = {c[1]: c[0] for c in COLUMNS}
# Shorter spellings a clerk may have typed in a header cell.
HEADER_ALIASES = {
    "编号": "number",
    "状态": "status",
    "承办单位编码": "unit",
    "办结日期": "closed",
    "处理意见": "outcome",
    "办理结果": "result",
    "问题属地": "area",
    "内容分类": "category",
}
LABEL = {c[0]: c[1].split("(")[0] for c in COLUMNS}

CHANNEL_WORDS = (
    {str(label): value for value, label in Channel.choices}
    | {v: v for v in Channel.values}
    | {
        "网上": Channel.ONLINE,
        "来电": Channel.CALL,
        "热线": Channel.CALL,
        "电话": Channel.CALL,
        "信件": Channel.LETTER,
        "走访": Channel.VISIT,
        "意见箱": Channel.MAILBOX,
        "联系点": Channel.CONTACT_POINT,
        "网络": Channel.ONLINE,
    }
)
PURPOSE_WORDS = (
    {str(label): value for value, label in Purpose.choices}
    | {v: v for v in Purpose.values}
    | {
        "建议": Purpose.SUGGESTION,
        "意见": Purpose.SUGGESTION,
        "检举控告": Purpose.ACCUSATION,
        "控告": Purpose.ACCUSATION,
        "举报": Purpose.ACCUSATION,
    }
)
OUTCOME_WORDS = {str(label): value for value, label in Outcome.choices} | {v: v for v in Outcome.values}
STATUS_WORDS = {
    "": Status.REGISTERED,
    "待分办": Status.REGISTERED,
    "已登记": Status.REGISTERED,
    "待受理": Status.DISPATCHED,
    "已转送": Status.DISPATCHED,
    "已交办": Status.DISPATCHED,
    "办理中": Status.ACCEPTED,
    "已受理": Status.ACCEPTED,
    "已答复": Status.REPLIED,
    "已答复待评价": Status.REPLIED,
    "已办结": Status.CLOSED,
    "办结": Status.CLOSED,
    "不予受理": Status.NOT_ACCEPTED,
    "不再受理": Status.NOT_ACCEPTED,
}
RATING_WORDS = {"满意": "satisfied", "基本满意": "basic", "不满意": "unsatisfied"}
YES_NO_WORDS = {"": False, "否": False, "不是": False, "是": True}
SKIP_WORDS = {"": "", "无": "", "否": "", "赴省": "province", "省": "province", "赴京": "beijing", "京": "beijing"}
DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%Y年%m月%d日",
)
HISTORY_NOTE = "历史数据导入"


def max_bytes() -> int:
    return int(getattr(settings, "XINFANG_IMPORT_MAX_BYTES", 20 * 1024 * 1024))


def max_rows() -> int:
    return int(getattr(settings, "XINFANG_IMPORT_MAX_ROWS", 200_000))


MAX_COLUMNS = 60
MAX_CELL = 20_000
# An honest .xlsx of max_rows() rows unpacks to a few hundred MB at most; a zip bomb declares far more.
MAX_UNZIPPED = 400 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed, per member (text XML compresses ~10-30x)
MAX_MEMBERS = 2000
