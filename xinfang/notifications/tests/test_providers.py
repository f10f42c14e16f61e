"""阿里云 and 腾讯云 backends against fake SDK modules: what they are asked, and what we make of the answers."""

from __future__ import annotations

import sys
import types
from types import SimpleNamespace as NS

import pytest
from django.core.exceptions import ImproperlyConfigured

from xinfang.notifications.channels.base import LookupUnavailable, Outgoing, SendFailed
from xinfang.notifications.channels.sms import AliyunSmsBackend, TencentSmsBackend

OUT = Outgoing(
    key="case:1:ev:2:p1:sms",
    to="13812345678",
    to_masked="138****5678",
    subject="",
    text="【信访】已受理",
    params={"number": "411621-2026-000001", "link": "https://x/"},
    template_codes={"aliyun": "SMS_100", "tencent": "200"},
)


def _install(monkeypatch, modules: dict[str, types.ModuleType]) -> None:
    for name, mod in modules.items():
        monkeypatch.setitem(sys.modules, name, mod)


@pytest.fixture
def aliyun(monkeypatch, settings):
    settings.XINFANG_SMS_SIGN_NAME = "扶沟信访"
    settings.XINFANG_SMS_ACCESS_KEY_ID, settings.XINFANG_SMS_ACCESS_KEY_SECRET = "id", "secret"
    sent: list[NS] = []
    answer = {"code": "OK"}

    class Client:
        def __init__(self, config):
            self.config = config

        def send_sms(self, request):
            sent.append(request)
            return NS(body=NS(code=answer["code"], message="msg", biz_id="BIZ-1"))

        def query_send_details(self, request):
            rows = [NS(out_id=r.out_id, biz_id="BIZ-1") for r in sent]
            return NS(body=NS(sms_send_detail_dtos=NS(sms_send_detail_dto=rows)))

    client_mod = types.ModuleType("alibabacloud_dysmsapi20170525.client")
    client_mod.Client = Client  # type: ignore[attr-defined]
    models = types.ModuleType("alibabacloud_dysmsapi20170525.models")
    models.SendSmsRequest = lambda **kw: NS(**kw)  # type: ignore[attr-defined]
    models.QuerySendDetailsRequest = lambda **kw: NS(**kw)  # type: ignore[attr-defined]
    openapi = types.ModuleType("alibabacloud_tea_openapi.models")
    openapi.Config = lambda **kw: NS(**kw)  # type: ignore[attr-defined]
    _install(
        monkeypatch,
        {
            "alibabacloud_dysmsapi20170525": types.ModuleType("alibabacloud_dysmsapi20170525"),
            "alibabacloud_dysmsapi20170525.client": client_mod,
            "alibabacloud_dysmsapi20170525.models": models,
            "alibabacloud_tea_openapi": types.ModuleType("alibabacloud_tea_openapi"),
            "alibabacloud_tea_openapi.models": openapi,
        },
    )
    return NS(sent=sent, answer=answer)


def test_aliyun_sends_the_approved_template_with_our_key(aliyun):
    result = AliyunSmsBackend().send(OUT)
    [req] = aliyun.sent
    assert (result.provider, result.provider_id) == ("aliyun", "BIZ-1")
    assert req.phone_numbers == "13812345678" and req.sign_name == "扶沟信访" and req.template_code == "SMS_100"
    assert req.out_id == OUT.idempotency_key and '"number": "411621-2026-000001"' in req.template_param
    # After a lost answer the send is found again by its OutId.
    assert AliyunSmsBackend().lookup(OUT).provider_id == "BIZ-1"  # type: ignore[union-attr]


def test_aliyun_refusals(aliyun):
    aliyun.answer["code"] = "isv.BUSINESS_LIMIT_CONTROL"
    with pytest.raises(SendFailed) as exc:
        AliyunSmsBackend().send(OUT)
    assert not exc.value.permanent and "isv.BUSINESS_LIMIT_CONTROL" in exc.value.message
    aliyun.answer["code"] = "isv.MOBILE_NUMBER_ILLEGAL"
    with pytest.raises(SendFailed) as exc:
        AliyunSmsBackend().send(OUT)
    assert exc.value.permanent


def test_a_template_without_the_providers_code_is_refused_for_good(aliyun):
    with pytest.raises(SendFailed) as exc:
        AliyunSmsBackend().send(Outgoing(key="k", to="1", to_masked="", subject="", text="t"))
    assert exc.value.permanent and "模板编号" in exc.value.message


def test_tencent_sends_with_plus86_and_params_in_order(monkeypatch, settings):
    settings.XINFANG_SMS_APP_ID, settings.XINFANG_SMS_SIGN_NAME = "1400000000", "扶沟信访"
    seen: dict[str, object] = {}

    class SmsClient:
        def __init__(self, cred, region):
            seen["region"] = region

        def SendSms(self, req):  # noqa: N802 (the SDK's name)
            seen["req"] = req
            return NS(SendStatusSet=[NS(Code="Ok", Message="send success", SerialNo="2019:123")])

    credential = types.ModuleType("tencentcloud.common.credential")
    credential.Credential = lambda a, b: (a, b)  # type: ignore[attr-defined]
    client_mod = types.ModuleType("tencentcloud.sms.v20210111.sms_client")
    client_mod.SmsClient = SmsClient  # type: ignore[attr-defined]
    models = types.ModuleType("tencentcloud.sms.v20210111.models")
    models.SendSmsRequest = lambda: NS()  # type: ignore[attr-defined]
    _install(
        monkeypatch,
        {
            "tencentcloud": types.ModuleType("tencentcloud"),
            "tencentcloud.common": types.ModuleType("tencentcloud.common"),
            "tencentcloud.common.credential": credential,
            "tencentcloud.sms": types.ModuleType("tencentcloud.sms"),
            "tencentcloud.sms.v20210111": types.ModuleType("tencentcloud.sms.v20210111"),
            "tencentcloud.sms.v20210111.sms_client": client_mod,
            "tencentcloud.sms.v20210111.models": models,
        },
    )
    result = TencentSmsBackend().send(OUT)
    req = seen["req"]
    assert result.provider_id == "2019:123"
    assert req.PhoneNumberSet == ["+8613812345678"] and req.TemplateId == "200"  # type: ignore[attr-defined]
    assert req.TemplateParamSet == ["411621-2026-000001", "https://x/"]  # type: ignore[attr-defined]
    assert req.SessionContext == OUT.idempotency_key  # type: ignore[attr-defined]
    with pytest.raises(LookupUnavailable):
        TencentSmsBackend().lookup(OUT)


def test_a_missing_sdk_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "alibabacloud_dysmsapi20170525.client", None)
    with pytest.raises(ImproperlyConfigured, match="sms-aliyun"):
        AliyunSmsBackend().send(OUT)
