"""ID number (GB 11643-1999, ISO 7064 MOD 11-2) and phone number checks, with Chinese messages."""

from __future__ import annotations

import datetime as dt
import re

from .errors import ValidationFailed

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK_CHARS = "10X98765432"
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


def is_ascii_digits(value: str) -> bool:
    """0-9 only. str.isdigit() is also true for "²" (which int() refuses: a 500) and "٣" (which int()
    reads as 3): every "is this a number" test of input uses this instead."""
    return value.isascii() and value.isdigit()


def id_check_char(first17: str) -> str:
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def normalize_id_number(value: str, *, field: str = "id_number") -> str:
    """Return the canonical 18-character number (upper-case X); raise ValidationFailed if invalid.

    15-digit numbers (pre-1999 cards) are accepted as a legacy form: digits and a valid birth date.
    An unknown address code is not an error (old codes stay valid on old cards).
    """
    v = (value or "").strip().upper().replace(" ", "")
    if not v:
        return ""
    if len(v) == 15 and is_ascii_digits(v):
        _check_birth(v[6:12], century="19", field=field)
        return v
    if len(v) != 18 or not is_ascii_digits(v[:17]) or not (is_ascii_digits(v[17]) or v[17] == "X"):
        raise ValidationFailed("身份证号应为18位（最后一位可以是X），请核对", field=field)
    _check_birth(v[6:14], century="", field=field)
    if id_check_char(v[:17]) != v[17]:
        raise ValidationFailed("身份证号校验位不正确，请核对是否抄错", field=field)
    return v


def _check_birth(text: str, *, century: str, field: str) -> None:
    try:
        born = dt.datetime.strptime(century + text, "%Y%m%d").date()  # noqa: DTZ007 - a date, not a time
    except ValueError:
        raise ValidationFailed("身份证号中的出生日期不存在，请核对", field=field) from None
    if born.year < 1880 or born > dt.date.today():  # noqa: DTZ011
        raise ValidationFailed("身份证号中的出生日期不合理，请核对", field=field)


def normalize_phone(value: str, *, field: str = "phone") -> str:
    """Mobile (11 digits starting 13–19, optional +86) or a landline with area code."""
    v = re.sub(r"[\s()（）]", "", value or "")
    if not v:
        return ""
    if v.startswith("+86"):
        v = v[3:]
    elif v.startswith("86") and len(v) == 13:
        v = v[2:]
    if MOBILE_RE.match(v) or LANDLINE_RE.match(v):
        return v
    if is_ascii_digits(v) and len(v) == 11:
        raise ValidationFailed("手机号码格式不正确：应为1开头、第二位为3至9的11位数字", field=field)
    raise ValidationFailed("电话号码格式不正确：请填写11位手机号或带区号的固定电话（如0394-8123456）", field=field)
