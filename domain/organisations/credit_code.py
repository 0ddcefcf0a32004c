"""Unified social credit code (统一社会信用代码, GB 32100-2015) validation."""

from __future__ import annotations

from django.core.exceptions import ValidationError

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    """The 18th (check) character for the first 17 characters."""
    total = sum(CHARSET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def is_valid(code: str) -> bool:
    if not isinstance(code, str) or len(code) != 18:
        return False
    if any(ch not in CHARSET for ch in code):
        return False
    if not code[2:8].isdigit():  # administrative division code
        return False
    return check_character(code[:17]) == code[17]


def validate_credit_code(value: str) -> None:
    """Django validator with a message a person can act on."""
    code = (value or "").strip().upper()
    if len(code) != 18:
        raise ValidationError("统一社会信用代码应为18位，当前为%(n)d位。", params={"n": len(code)}, code="length")
    bad = sorted({ch for ch in code if ch not in CHARSET})
    if bad:
        raise ValidationError(
            "统一社会信用代码含有不允许的字符：%(chars)s（不使用 I、O、Z、S、V）。",
            params={"chars": "、".join(bad)},
            code="charset",
        )
    if not code[2:8].isdigit():
        raise ValidationError("统一社会信用代码第3-8位应为行政区划码（数字）。", code="division")
    expected = check_character(code[:17])
    if code[17] != expected:
        raise ValidationError("统一社会信用代码校验位错误，请核对后重新输入。", code="checksum")


def make_code(prefix17: str) -> str:
    """Complete a 17-character prefix with its check character (used by demo data and factories)."""
    return prefix17 + check_character(prefix17)
