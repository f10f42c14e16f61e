"""Re-encrypt every sealed field under the current primary key.

Procedure: keep XINFANG_INDEX_KEY fixed (so the blind indexes and 查询码 hashes stay valid), set the
new key as XINFANG_FIELD_KEY and the old one in XINFANG_FIELD_OLD_KEYS, run this command, then drop
the old key. `--generate` prints a fresh key; `--show-index-key` prints the index key now in use.
"""

from __future__ import annotations

import base64
import os
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from xinfang.core import crypto
from xinfang.core.audit import audit_record


def sealed_fields() -> list[tuple[Any, list[str]]]:
    out = []
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if f.name.endswith("_enc")]
        if names:
            out.append((model, names))
    return out


class Command(BaseCommand):
    help = "轮换字段加密密钥：用当前主密钥重新加密全部身份证号和电话号码"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--generate", action="store_true", help="生成并打印一个新密钥")
        parser.add_argument("--show-index-key", action="store_true", help="打印当前使用的检索哈希密钥")
        parser.add_argument("--batch", type=int, default=1000)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["generate"]:
            self.stdout.write(crypto.generate_key())
            return
        if options["show_index_key"]:
            self.stdout.write(base64.urlsafe_b64encode(crypto.index_key()).decode())
            return
        if not (getattr(settings, "XINFANG_INDEX_KEY", "") or os.environ.get("XINFANG_INDEX_KEY")):
            raise CommandError(
                "请先把 XINFANG_INDEX_KEY 设为当前检索哈希密钥（rotate_field_key --show-index-key 可打印），"
                "否则轮换后无法再按身份证号、电话和查询码检索",
                returncode=2,
            )
        total = 0
        for model, names in sealed_fields():
            qs = model.objects.only("pk", *names).order_by("pk")
            batch: list[Any] = []
            for obj in qs.iterator(chunk_size=options["batch"]):
                changed = False
                for name in names:
                    token = getattr(obj, name)
                    if token and crypto.needs_rotation(token):
                        setattr(obj, name, crypto.encrypt(crypto.decrypt(token)))
                        changed = True
                if changed:
                    batch.append(obj)
                if len(batch) >= options["batch"]:
                    total += self._flush(model, batch, names)
            total += self._flush(model, batch, names)
        audit_record(actor="系统", action="crypto.rotate", data={"rows": total})
        self.stdout.write(self.style.SUCCESS(f"已用新密钥重新加密 {total} 行"))

    @staticmethod
    def _flush(model: Any, batch: list[Any], names: list[str]) -> int:
        if not batch:
            return 0
        with transaction.atomic():
            model.objects.bulk_update(batch, names)
        n = len(batch)
        batch.clear()
        return n
