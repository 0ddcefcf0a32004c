"""Help assistant (智能客服): FAQ retrieval quality on a labelled question set, and the hand-off to a person."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from domain.errors import ProcedureError
from domain.personnel.assistant.handoff import ask
from domain.personnel.assistant.retrieval import assistant, load_faq
from domain.personnel.models import HelpRequest, HelpRequestState
from processes import engine
from tasks.models import WorkItem

from .conftest import complete, open_items

LABELLED = yaml.safe_load((Path(__file__).with_name("faq_labelled.yaml")).read_text(encoding="utf-8"))


def test_faq_has_at_least_30_entries_with_unique_ids():
    entries = load_faq()
    assert len(entries) >= 30
    assert len({e.id for e in entries}) == len(entries)


def test_precision_at_1_on_the_labelled_questions():
    bot = assistant()
    answerable = [row for row in LABELLED if row["expected"]]
    hits = [row["q"] for row in answerable if bot.best(row["q"]).entry and bot.best(row["q"]).entry.id == row["expected"]]
    confident_hits = [q for q in hits if bot.best(q).confident]
    precision = len(hits) / len(answerable)
    print(f"\nFAQ precision@1 = {precision:.3f} ({len(hits)}/{len(answerable)}); answered confidently: "
          f"{len(confident_hits)}/{len(answerable)}")
    assert precision >= 0.85
    assert len(confident_hits) / len(answerable) >= 0.8


def test_out_of_scope_questions_are_not_answered_confidently():
    bot = assistant()
    for row in LABELLED:
        if row["expected"] is None:
            assert not bot.best(row["q"]).confident, row["q"]


@pytest.mark.django_db
def test_a_confident_answer_creates_no_work_item(directory, person_user):
    reply = ask(question="证书有效期几年", user=person_user)
    assert reply.faq_id == "validity" and not reply.handed_off and "3年" in reply.answer
    assert not HelpRequest.objects.exists() and not WorkItem.objects.exists()


@pytest.mark.django_db
def test_low_confidence_hands_off_to_an_officer_who_answers(directory, person_user, publish_models):
    publish_models("safety_staff_help")
    reply = ask(question="食堂几点开饭", user=person_user)
    assert reply.handed_off and reply.help_request_id
    request = HelpRequest.objects.get(pk=reply.help_request_id)
    assert request.state == HelpRequestState.OPEN and request.asked_by == person_user
    from processes.models import ProcessInstance

    instance = ProcessInstance.objects.get(pk=request.instance_id)
    assert [i.element_id for i in open_items(instance)] == ["human_answer"]
    complete(instance, "officer_city", {"answer": "本平台只解答安管人员证书相关问题。"})
    request = HelpRequest.objects.get(pk=request.pk)
    assert request.state == HelpRequestState.ANSWERED and request.answered_by.username == "officer_city"
    assert engine.instance_history(instance).filter(element_id="human_answer").exists()


@pytest.mark.django_db
def test_empty_question_is_refused(directory):
    with pytest.raises(ProcedureError, match="请输入"):
        ask(question=" ")
