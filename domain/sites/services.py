"""Writes for site supervision: permit intake (M17), draws (M18), notices (M19), supervision steps (M20)."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from domain.errors import ConflictError, ProcedureError
from domain.organisations.models import District, Organisation, OrganisationKind
from domain.organisations.roles import Role
from domain.organisations.selectors import users_with_role
from integrations import outbox
from security import audit
from security.context import system_actor

from . import draw, permit_format
from .models import ELIGIBLE_FOR_DRAW, DrawRound, DrawRoundState, InspectorConflict, Permit, Site, SmsNotice

DEFAULT_PROPORTION = Decimal("0.10")
#: A round of draws: its month, with an optional suffix for an extra round (``2026-11``, ``2026-11-b``).
ROUND_KEY = re.compile(r"\d{4}-(0[1-9]|1[0-2])(-[A-Za-z0-9]{1,8})?")


# ---------------------------------------------------------------- permit intake (M17)


def receive_permit(*, body: bytes, content_type: str) -> tuple[Permit, bool]:
    """Accept a permit message from the approval system. Idempotent on the permit number: the same message again
    returns the stored permit (``created`` False); different content under the same number is a conflict."""
    data = permit_format.parse(body, content_type)
    permit_format.validate(data)
    digest = hashlib.new("sm3", json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    existing = Permit.objects.filter(permit_number=data["permit_number"]).first()
    if existing is not None:
        if existing.payload_digest != digest:
            raise ConflictError(f"施工许可证 {existing.permit_number} 已接收且内容不同，如需变更请走变更流程。")
        return existing, False
    try:
        with system_actor("施工许可审批系统"), transaction.atomic():  # what follows is the approval system's push
            permit = _store_permit(data, digest)
            classify_and_open_site(permit=permit)
    except IntegrityError:  # a concurrent delivery of the same permit won
        return Permit.objects.get(permit_number=data["permit_number"]), False
    return permit, True


def _store_permit(data: dict[str, Any], digest: str) -> Permit:
    district = District.objects.filter(pk=data["district_code"]).first()
    if district is None:
        raise ProcedureError(f"行政区划代码 {data['district_code']} 不是上海市的区。")
    permit = Permit.objects.create(
        permit_number=data["permit_number"],
        project_name=data["project_name"],
        district=district,
        address=data["address"],
        employer_name=data["employer"]["name"],
        employer_credit_code=data["employer"]["credit_code"],
        employer_contact=data["employer"]["contact"],
        employer_phone=data["employer"]["phone"],
        contractor_name=data["contractor"]["name"],
        contractor_credit_code=data["contractor"]["credit_code"],
        contract_amount=Decimal(data["contract_amount"]),
        floor_area=Decimal(data["floor_area"]),
        works_description=data["works_description"],
        touches_structure=data["scope"]["structure"],
        touches_fire_system=data["scope"]["fire_system"],
        touches_facade=data["scope"]["facade"],
        issued_on=data["issued_on"],
        payload_digest=digest,
    )
    audit.record(action="sites.permit_received", subject=permit, summary=f"接收施工许可证 {permit.permit_number}")
    return permit


def classify(permit: Permit) -> tuple[bool, str]:
    """Decide whether the works are general decoration works (一般类装饰装修) with the DMN table."""
    from decisions.api import evaluate

    result = evaluate(
        "sites_general_decoration",
        {
            "touches_structure": permit.touches_structure,
            "touches_fire_system": permit.touches_fire_system,
            "touches_facade": permit.touches_facade,
            "contract_amount": permit.contract_amount,
            "floor_area": permit.floor_area,
        },
    )
    outputs = result.outputs if isinstance(result.outputs, dict) else {}
    return bool(outputs.get("is_general_decoration")), str(outputs.get("reason", ""))


def classify_and_open_site(*, permit: Permit) -> Site | None:
    general, reason = classify(permit)
    audit.record(
        action="sites.permit_classified",
        subject=permit,
        summary=f"{'认定为' if general else '不属于'}一般类装饰装修：{reason}",
        after={"is_general_decoration": general, "reason": reason},
    )
    if not general:
        return None
    site = Site.objects.create(
        permit=permit,
        district=permit.district,
        name=permit.project_name,
        is_general_decoration=True,
        classification_reason=reason,
    )
    audit.record(action="sites.site_created", subject=site, summary=f"自动建立工地并标记一般类装饰装修：{site}")
    from .supervision import issue_task_sheet, start_supervision

    issue_task_sheet(site=site)
    start_supervision(site=site)
    return site


# ---------------------------------------------------------------- the draw (M18)


def eligible_population(district: District) -> list[dict[str, Any]]:
    """Eligible sites of one district: general decoration works from permit issued until the safety-standard
    completion confirmation."""
    sites = (
        Site.objects.filter(district=district, is_general_decoration=True, state__in=ELIGIBLE_FOR_DRAW)
        .select_related("permit")
        .order_by("permit__permit_number")
    )
    return [
        {"permit_number": s.permit.permit_number, "site_id": s.pk, "name": s.name, "issued_on": str(s.permit.issued_on)}
        for s in sites
    ]


def inspector_pool(district: District) -> list[str]:
    return sorted(users_with_role(Role.INSPECTOR, district_code=district.pk).values_list("username", flat=True))


def exclusions_for(population: list[dict[str, Any]], pool: list[str]) -> list[list[str]]:
    """Conflict-of-interest pairs (回避): an inspector whose organisation is the employer or contractor of a site,
    or who declared a conflict with either party."""
    permits = {
        p.permit_number: p
        for p in Permit.objects.filter(permit_number__in=[x["permit_number"] for x in population])
    }
    declared = InspectorConflict.objects.filter(inspector__username__in=pool).select_related("inspector")
    pairs: set[tuple[str, str]] = set()
    for conflict in declared:
        for number, permit in permits.items():
            if conflict.credit_code in (permit.employer_credit_code, permit.contractor_credit_code):
                pairs.add((conflict.inspector.username, number))
    return sorted([list(p) for p in pairs])


def commit_draw(
    *, district: District, round_key: str, proportion: Decimal = DEFAULT_PROPORTION, acting_user: Any = None
) -> tuple[DrawRound, bool]:
    """Freeze the population and publish the commitment (SM3 of a fresh secret seed). Re-running the same round
    returns the existing record (``created`` False)."""
    if not ROUND_KEY.fullmatch(round_key):
        raise ProcedureError("轮次格式应为 YYYY-MM（可加后缀，如 2026-11-b）。")
    existing = DrawRound.objects.filter(district=district, round_key=round_key).first()
    if existing is not None:
        return existing, False
    if not (proportion.is_finite() and Decimal(0) < proportion <= Decimal(1)):  # NaN does not compare: check first
        raise ProcedureError("抽取比例应大于0且不超过1。")
    population = eligible_population(district)
    pool = inspector_pool(district)
    seed = secrets.token_hex(32)
    try:
        with transaction.atomic():
            record = DrawRound.objects.create(
                district=district,
                round_key=round_key,
                proportion=proportion,
                commitment=draw.commitment_for(seed),
                seed=seed,
                population=population,
                population_digest=draw.population_digest(population),
                inspector_pool=pool,
                exclusions=exclusions_for(population, pool),
                started_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
            )
            audit.record(
                action="sites.draw_committed",
                actor=acting_user,
                subject=record,
                summary=f"{district.name} {round_key} 抽查：公布种子承诺值，冻结 {len(population)} 个项目",
                after={"commitment": record.commitment, "population_digest": record.population_digest},
            )
    except IntegrityError:
        return DrawRound.objects.get(district=district, round_key=round_key), False
    return record, True


def public_record(record: DrawRound) -> dict[str, Any]:
    """What is published for verification (the seed only once revealed)."""
    revealed = record.state == DrawRoundState.COMPLETED
    return {
        "district": record.district_id,
        "round": record.round_key,
        "commitment": record.commitment,
        "seed": record.seed if revealed else None,
        "population": record.population,
        "population_digest": record.population_digest,
        "proportion": str(record.proportion),
        "inspector_pool": record.inspector_pool,
        "exclusions": record.exclusions,
        "inspectors_per_site": record.inspectors_per_site,
        "selected": record.selected if revealed else None,
        "assignments": record.assignments if revealed else None,
        "record_hmac": record.record_hmac if revealed else None,
    }


def _record_hmac(payload: dict[str, Any]) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, draw.canonical(payload), "sm3").hexdigest()


def reveal_draw(*, record: DrawRound, acting_user: Any = None) -> DrawRound:
    """Reveal the seed, compute the selection, flag the drawn sites, assign the drawn inspectors and queue the
    SMS notices — all in one transaction (nothing is sent if it rolls back). Revealing twice is a no-op."""
    with transaction.atomic():
        record = DrawRound.objects.select_for_update().get(pk=record.pk)
        if record.state == DrawRoundState.COMPLETED:
            return record
        result = draw.run_draw(
            seed=record.seed,
            population=record.population,
            proportion=record.proportion,
            inspector_pool=record.inspector_pool,
            exclusions=record.exclusions,
            inspectors_per_site=record.inspectors_per_site,
        )
        record.selected = result.selected
        record.assignments = result.assignments
        record.revealed_at = timezone.now()
        record.reveal()
        record.record_hmac = _record_hmac({**public_record(record), "seed": record.seed,
                                            "selected": result.selected, "assignments": result.assignments})
        record.save()
        sites = Site.objects.filter(permit__permit_number__in=result.selected).select_related("permit", "district")
        from domain.organisations.models import User

        for site in sites:
            Site.objects.filter(pk=site.pk).update(drawn=True)
            site.drawn = True
            team = User.objects.filter(username__in=result.assignments[site.permit.permit_number])
            site.supervision_team.set(team)
            audit.record(
                action="sites.site_drawn",
                actor=acting_user,
                subject=site,
                summary=f"被 {record.round_key} 随机抽查抽中，监督组：{'、'.join(u.display_name for u in team)}",
            )
            _queue_sms(site=site, record=record)
        audit.record(
            action="sites.draw_revealed",
            actor=acting_user,
            subject=record,
            summary=f"公布种子并开奖：抽中 {len(result.selected)} / {len(record.population)} 个项目",
            after={"seed": record.seed, "selected": result.selected},
        )
    return record


def _district_contact(district: District) -> Organisation | None:
    return Organisation.objects.filter(kind=OrganisationKind.REGULATOR, district=district).first()


def _queue_sms(*, site: Site, record: DrawRound) -> None:
    text = (
        f"【上海建管】{site.name}（施工许可证{site.permit.permit_number}）已被{record.district.name}"
        f"{record.round_key}一般类装饰装修随机抽查抽中，请做好过程监督准备。"
    )
    recipients = [("employer_contact", site.permit.employer_phone)]
    contact = _district_contact(site.district)
    if contact is not None and contact.contact_phone:
        recipients.insert(0, ("district_contact", contact.contact_phone))
    for role, phone in recipients:
        notice = SmsNotice.objects.create(
            site=site, draw_round=record, recipient_role=role, phone=phone, text=text
        )
        outbox.enqueue(
            channel="sms.send", payload={"notice_id": notice.pk}, idempotency_key=f"sms:draw:{record.pk}:{site.pk}:{role}",
            subject=notice,
        )
