"""Business guards that need the database (the FSM conditions check the single certificate)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import IntegrityError
from django_fsm import TransitionNotAllowed as FSMRefused

from domain.errors import ConflictError, ProcedureError, TransitionNotAllowed
from domain.organisations.models import Organisation

from .models import ACTIVE_STATES, Person, SafetyCertificate
from .models.certificates import category_of


def check_employed_by(person: Person, enterprise: Organisation) -> None:
    if not person.employments.filter(ended_on__isnull=True, enterprise=enterprise).exists():
        raise ProcedureError(f"{person.name} 当前不在 {enterprise.name} 任职，请先由聘用单位登记聘用关系。")


def check_no_active_certificate(person: Person, klass: str) -> None:
    category = category_of(klass)
    existing = SafetyCertificate.objects.filter(person=person, category=category, state__in=ACTIVE_STATES).first()
    if existing is not None:
        raise ConflictError(
            f"{person.name} 已有{category}类证书（{existing.number or '申请办理中'}，{existing.get_state_display()}），"
            "同一类别只能持有一本有效证书，不能重复申请。"
        )


def check_constructor_registration(person: Person, klass: str) -> None:
    if category_of(klass) == "B" and not person.constructor_registration.strip():
        raise ProcedureError("申请B类证书（项目负责人）须持有注册建造师证书，请先补充注册编号。")


@contextmanager
def refused_as_domain_error(what: str) -> Iterator[None]:
    """Turn a refused FSM transition (or the one-active-certificate constraint) into a Chinese 409."""
    try:
        yield
    except FSMRefused as exc:
        raise TransitionNotAllowed(f"当前状态不允许{what}。") from exc
    except IntegrityError as exc:
        raise TransitionNotAllowed(f"{what}失败：同一类别只能持有一本有效证书。") from exc
