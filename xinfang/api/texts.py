"""Chinese texts shared by the API modules (no DRF imports here: loaded while DRF reads its settings)."""

# DRF's own texts are translated (LANGUAGE_CODE zh-hans); these replace the few that are not, or
# that read badly in an API answer.
DRF_MESSAGES: dict[str, str] = {
    "not_authenticated": "未提供身份认证信息：请在请求头中提供 Authorization: Token <令牌>",
    "authentication_failed": "身份认证失败：令牌无效或已吊销",
    "permission_denied": "您没有执行该操作的权限",
    "not_found": "资源不存在或无权查看",
    "method_not_allowed": "不支持该请求方法",
    "not_acceptable": "无法满足请求的 Accept 头",
    "unsupported_media_type": "不支持该请求内容类型，请使用 application/json",
    "throttled": "请求过于频繁，请稍后再试",
    "parse_error": "请求内容不是有效的 JSON",
}

# DRF texts that reach clients as field errors without a translation (ErrorDetail built from a plain
# string, not gettext), by their code; any other untranslated one gets INVALID_MESSAGE.
DRF_FIELD_MESSAGES: dict[str, str] = {
    "null": "未提供数据：请求体应为 JSON 对象",
}
INVALID_MESSAGE = "请求参数有误"
