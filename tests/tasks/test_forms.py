from tasks.forms import attachment_fields, form_errors

SCHEMA = {
    "type": "object",
    "required": ["a", "b", "c"],
    "properties": {
        "a": {"type": "string", "minLength": 2},
        "b": {"type": "number", "minimum": 0},
        "c": {"type": "string", "enum": ["x", "y"]},
        "d": {"type": "string", "format": "date"},
        "rows": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["n"],
                "properties": {"n": {"type": "integer"}, "f": {"type": "integer", "format": "attachment"}},
            },
        },
    },
}


def test_each_missing_field_gets_one_message():
    assert form_errors(SCHEMA, {}) == {"a": ["此项为必填项"], "b": ["此项为必填项"], "c": ["此项为必填项"]}


def test_messages_are_chinese_and_keyed_by_path():
    errors = form_errors(SCHEMA, {"a": "x", "b": -1, "c": "z", "d": "2025-13-01", "rows": [{"n": 1.5}, {}]})
    assert errors == {
        "a": ["至少填写 2 个字"],
        "b": ["不能小于 0"],
        "c": ["请从给定选项中选择"],
        "d": ["日期格式应为 年-月-日（如 2025-03-01）"],
        "rows.0.n": ["应填写整数"],
        "rows.1.n": ["此项为必填项"],
    }


def test_valid_data_has_no_errors():
    assert form_errors(SCHEMA, {"a": "ab", "b": 0, "c": "x", "d": "2025-03-01", "rows": [{"n": 2}]}) == {}


def test_attachment_fields_are_found_in_arrays():
    assert attachment_fields(SCHEMA) == ["rows.*.f"]
