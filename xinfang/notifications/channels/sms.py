"""SMS backends: `log` (the default: the outbox page and a file, nothing leaves the machine), 阿里云短信
and 腾讯云短信 through their official SDKs. The SDKs are optional (`pip install xinfang[sms-aliyun]` or
`[sms-tencent]`) and imported only when that backend is configured and first used."""

from __future__ import annotations

import importlib
import json
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils import timezone

from .base import LookupUnavailable, Outgoing, SendFailed, SendResult


def _sdk(module: str, extra: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImproperlyConfigured(
            f"短信服务商 SDK 未安装：{module}。请安装 pip install 'xinfang[{extra}]'，或将 XINFANG_SMS_BACKEND 设为 log"
        ) from exc


def _template(out: Outgoing, provider: str) -> str:
    code = out.template_codes.get(provider, "")
    if not code:
        raise SendFailed(f"该通知模板没有{provider}审核通过的模板编号，请在系统管理中填写", permanent=True)
    return code


class LogSmsBackend:
    """Writes each SMS to ProviderReceipt (shown on the outbox page) and a line to XINFANG_SMS_LOG_FILE.
    Like a provider that honours an idempotency key, a second send with the same key returns the first
    receipt and writes nothing."""

    name = "log"

    def send(self, out: Outgoing) -> SendResult:
        from ..models import ProviderReceipt

        found = self._receipt(out)
        if found is not None:
            return found
        provider_id = f"log-{secrets.token_hex(6)}"
        try:
            with transaction.atomic():
                ProviderReceipt.objects.create(
                    key=out.idempotency_key, provider_id=provider_id, to_masked=out.to_masked, text=out.text
                )
        except IntegrityError:  # a concurrent send of the same key won
            again = self._receipt(out)
            assert again is not None
            return again
        path = Path(settings.XINFANG_SMS_LOG_FILE)
        path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(
            {"at": timezone.now().isoformat(), "id": provider_id, "to": out.to_masked, "text": out.text},
            ensure_ascii=False,
        )
        with path.open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")
        return SendResult(self.name, provider_id)

    def lookup(self, out: Outgoing) -> SendResult | None:
        return self._receipt(out)

    def _receipt(self, out: Outgoing) -> SendResult | None:
        from ..models import ProviderReceipt

        receipt = ProviderReceipt.objects.filter(key=out.idempotency_key).first()
        return SendResult(self.name, receipt.provider_id) if receipt else None


class AliyunSmsBackend:
    """阿里云短信 (Dysmsapi 2017-05-25, SDK alibabacloud_dysmsapi20170525). OutId carries our idempotency
    key, so a send whose result was lost is found again with QuerySendDetails."""

    name = "aliyun"

    def _client(self) -> tuple[Any, Any]:
        client_mod = _sdk("alibabacloud_dysmsapi20170525.client", "sms-aliyun")
        models = _sdk("alibabacloud_dysmsapi20170525.models", "sms-aliyun")
        openapi = _sdk("alibabacloud_tea_openapi.models", "sms-aliyun")
        config = openapi.Config(
            access_key_id=settings.XINFANG_SMS_ACCESS_KEY_ID, access_key_secret=settings.XINFANG_SMS_ACCESS_KEY_SECRET
        )
        config.endpoint = settings.XINFANG_SMS_ENDPOINT or "dysmsapi.aliyuncs.com"
        return client_mod.Client(config), models

    def send(self, out: Outgoing) -> SendResult:
        client, models = self._client()
        request = models.SendSmsRequest(
            phone_numbers=out.to,
            sign_name=settings.XINFANG_SMS_SIGN_NAME,
            template_code=_template(out, self.name),
            template_param=json.dumps(out.params, ensure_ascii=False),
            out_id=out.idempotency_key,
        )
        try:
            response = client.send_sms(request)
        except Exception as exc:  # the SDK raises its own TeaException and network errors
            raise SendFailed(f"阿里云短信接口调用失败：{exc}") from exc
        body = response.body
        if body.code != "OK":
            permanent = body.code in {
                "isv.MOBILE_NUMBER_ILLEGAL",
                "isv.SMS_TEMPLATE_ILLEGAL",
                "isv.SMS_SIGNATURE_ILLEGAL",
            }
            raise SendFailed(f"阿里云短信拒绝发送：{body.code} {body.message}", permanent=permanent)
        return SendResult(self.name, str(body.biz_id))

    def lookup(self, out: Outgoing) -> SendResult | None:
        client, models = self._client()
        request = models.QuerySendDetailsRequest(
            phone_number=out.to, send_date=timezone.localdate().strftime("%Y%m%d"), page_size=50, current_page=1
        )
        try:
            response = client.query_send_details(request)
        except Exception as exc:
            raise LookupUnavailable(f"无法查询阿里云发送记录：{exc}") from exc
        details = response.body.sms_send_detail_dtos
        for row in getattr(details, "sms_send_detail_dto", None) or []:
            if getattr(row, "out_id", "") == out.idempotency_key:
                return SendResult(self.name, str(getattr(row, "biz_id", "") or out.idempotency_key))
        return None


class TencentSmsBackend:
    """腾讯云短信 (SMS API 2021-01-11, SDK tencentcloud-sdk-python-sms). Tencent offers no look-up by our
    key, so a send whose result was lost is given up, not repeated (see sending.message_send)."""

    name = "tencent"

    def send(self, out: Outgoing) -> SendResult:
        credential = _sdk("tencentcloud.common.credential", "sms-tencent")
        sms_client = _sdk("tencentcloud.sms.v20210111.sms_client", "sms-tencent")
        models = _sdk("tencentcloud.sms.v20210111.models", "sms-tencent")
        cred = credential.Credential(settings.XINFANG_SMS_ACCESS_KEY_ID, settings.XINFANG_SMS_ACCESS_KEY_SECRET)
        client = sms_client.SmsClient(cred, settings.XINFANG_SMS_REGION or "ap-guangzhou")
        request = models.SendSmsRequest()
        number = out.to if out.to.startswith("+") else f"+86{out.to}"
        request.PhoneNumberSet = [number]
        request.SmsSdkAppId = settings.XINFANG_SMS_APP_ID
        request.SignName = settings.XINFANG_SMS_SIGN_NAME
        request.TemplateId = _template(out, self.name)
        request.TemplateParamSet = [str(v) for v in out.params.values()]
        request.SessionContext = out.idempotency_key
        try:
            response = client.SendSms(request)
        except Exception as exc:  # TencentCloudSDKException and network errors
            raise SendFailed(f"腾讯云短信接口调用失败：{exc}") from exc
        status = response.SendStatusSet[0]
        if status.Code != "Ok":
            permanent = status.Code.startswith(("InvalidParameterValue", "FailedOperation.TemplateIncorrect"))
            raise SendFailed(f"腾讯云短信拒绝发送：{status.Code} {status.Message}", permanent=permanent)
        return SendResult(self.name, str(status.SerialNo))

    def lookup(self, out: Outgoing) -> SendResult | None:
        raise LookupUnavailable("腾讯云短信不支持按幂等键查询发送记录")
