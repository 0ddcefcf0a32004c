"""``webapp.refusals``: which exceptions are a refusal, the 4xx each one answers with (the API's statuses), the
message shown, and ``attempt`` rolling the action's transaction back before the page is drawn again."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.test import RequestFactory
from rest_framework.exceptions import ValidationError as DrfValidationError

from domain.errors import (
    ConflictError,
    DomainError,
    NotVisibleError,
    PermissionDeniedError,
    ProcedureError,
    TransitionNotAllowed,
)
from domain.organisations.models import District
from webapp.refusals import attempt, refusal_message, refusal_status


@pytest.mark.parametrize(("exc", "status", "message"), [
    (DomainError("请选择证书类别。"), 400, "请选择证书类别。"),
    (ProcedureError("承包人尚无企业经办人账号。"), 400, "承包人尚无企业经办人账号。"),
    (TransitionNotAllowed("该结算已确认。", state="confirmed"), 409, "该结算已确认。"),
    (ConflictError("该事项刚刚已被他人认领。"), 409, "该事项刚刚已被他人认领。"),
    (PermissionDeniedError("只有本合同的发包人可以办理此事项。"), 403, "只有本合同的发包人可以办理此事项。"),
    (NotVisibleError("合同不存在或您无权查看。"), 404, "合同不存在或您无权查看。"),
    (ValidationError({"price": ["合同价款超出可登记的范围。"], "title": ["请填写合同名称。"]}), 400,
     "合同价款超出可登记的范围。；请填写合同名称。"),
    (ValidationError("请选择结算清单文件。"), 400, "请选择结算清单文件。"),
    (DrfValidationError({"project_id": ["找不到该项目。"], "x": {"y": ["嵌套的消息"]}}), 400, "找不到该项目。；嵌套的消息"),
    (DrfValidationError("一条消息"), 400, "一条消息"),
    (PermissionDenied("您没有试算决策表的权限。"), 403, "您没有试算决策表的权限。"),
    (PermissionDenied(), 403, "您没有执行该操作的权限。"),
])
def test_status_and_message_of_each_refusal(exc, status, message):
    assert refusal_status(exc) == status
    assert refusal_message(exc) == message


def _request():
    request = RequestFactory().post("/somewhere/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    return request


@pytest.mark.django_db
def test_attempt_rolls_back_and_draws_the_page_with_the_status():
    request = _request()
    seen = {}

    def action() -> HttpResponse:
        District.objects.create(code="319999", name="半截区")
        raise ConflictError("该事项状态已变化，请刷新后重试。")

    def page(status: int) -> HttpResponse:
        seen["rows"] = District.objects.filter(code="319999").count()  # drawn after the rollback
        return HttpResponse("page", status=status)

    response = attempt(request, action, page)
    assert response.status_code == 409 and seen["rows"] == 0
    assert not District.objects.filter(code="319999").exists()
    assert [m.message for m in get_messages(request)] == ["该事项状态已变化，请刷新后重试。"]


@pytest.mark.django_db
def test_attempt_answers_the_action_on_success_and_lets_bugs_through():
    request = _request()
    assert attempt(request, lambda: HttpResponse(status=302), lambda s: HttpResponse(status=s)).status_code == 302

    def bug() -> HttpResponse:
        raise KeyError("a bug stays a 500")

    with pytest.raises(KeyError):
        attempt(request, bug, lambda s: HttpResponse(status=s))
