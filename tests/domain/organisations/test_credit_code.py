import pytest
from django.core.exceptions import ValidationError

from domain.organisations.credit_code import is_valid, make_code, validate_credit_code

# Published codes of real registrants (public business-registration data).
REAL_CODES = ["91350100M000100Y43", "91310000132200821H", "91110000100017643K"]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_valid(code):
    assert is_valid(code)
    validate_credit_code(code)


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("91350100M000100Y4", "length"),
        ("91350100M000100Y44", "checksum"),
        ("91350100M0001O0Y43", "charset"),  # letter O is not allowed
        ("9135A100M000100Y43", "division"),
    ],
)
def test_invalid_codes_are_refused_with_a_reason(code, error):
    assert not is_valid(code)
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(code)
    assert exc.value.code == error
    assert "统一社会信用代码" in exc.value.messages[0]


def test_make_code_completes_the_check_character():
    code = make_code("91310115MA1K4A1B2")
    assert is_valid(code)
    assert not is_valid(code[:17] + ("0" if code[17] != "0" else "1"))
