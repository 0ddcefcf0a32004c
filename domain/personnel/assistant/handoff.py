"""Asking the help assistant (智能客服) and the hand-off to a person (转人工): a low-confidence question becomes a
help request with a work item for the city's case officers (process ``safety_staff_help``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from domain.errors import ConflictError, ProcedureError
from security import audit

from ..models import HelpRequest, HelpRequestState
from .retrieval import assistant

HELP_PROCESS = "safety_staff_help"


@dataclass(frozen=True)
class Reply:
    answer: str
    faq_id: str | None
    question_matched: str
    score: float
    handed_off: bool
    help_request_id: int | None = None


def ask(*, question: str, user: Any = None) -> Reply:
    """Answer from the FAQ, or hand off to a person when the match is weak."""
    question = question.strip()
    if len(question) < 2:
        raise ProcedureError("请输入您的问题（至少2个字）。")
    if len(question) > 500:
        raise ProcedureError("问题太长了，请精简到500字以内。")
    match = assistant().best(question)
    if match.confident and match.entry is not None:
        return Reply(match.entry.answer, match.entry.id, match.entry.question, match.score, False)
    request = hand_off(question=question, user=user, best_guess=match.entry.question if match.entry else "",
                       score=match.score)
    return Reply("这个问题我暂时无法准确回答，已为您转接人工客服，工作人员答复后会显示在本页面。",
                 None, "", match.score, True, request.pk)


def hand_off(*, question: str, user: Any = None, best_guess: str = "", score: float = 0.0) -> HelpRequest:
    from processes import engine

    asker = user if getattr(user, "is_authenticated", False) else None
    with transaction.atomic():
        request = HelpRequest.objects.create(asked_by=asker, question=question[:500], best_guess=best_guess[:300],
                                             score=score)
        instance = engine.start(HELP_PROCESS, subject=request, acting_user=asker, business_key=f"HELP-{request.pk}",
                                variables={"help_id": request.pk, "question": question[:60]})
        request.instance_id = instance.pk
        request.save(update_fields=["instance_id"])
        audit.record(action="personnel.help_handed_off", actor=asker, subject=request, summary=f"智能客服转人工：{question[:80]}")
    return request


def answer(*, help_id: int, text: str, acting_user: Any = None) -> HelpRequest:
    with transaction.atomic():
        request = HelpRequest.objects.select_for_update().get(pk=help_id)
        if request.state != HelpRequestState.OPEN:
            raise ConflictError("该问题已答复。")
        request.state, request.answer = HelpRequestState.ANSWERED, text
        request.answered_by = acting_user if getattr(acting_user, "is_authenticated", False) else None
        request.answered_at = timezone.now()
        request.save(update_fields=["state", "answer", "answered_by", "answered_at"])
        audit.record(action="personnel.help_answered", actor=request.answered_by, subject=request, summary="人工客服答复")
    return request
