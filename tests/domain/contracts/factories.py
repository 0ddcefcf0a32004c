"""One factory per model for the contract tests (demo directory organisations as parties)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import count
from typing import Any

from domain.contracts import services
from domain.contracts.models import Contract, FundingType, Project, TenderAward
from domain.organisations.models import District, Organisation, User

_seq = count(1)


def employer_org() -> Organisation:
    org = User.objects.get(username="ent_employer").organisation
    assert org is not None
    return org


def contractor_org() -> Organisation:
    org = User.objects.get(username="ent_contractor").organisation
    assert org is not None
    return org


def project(*, district: str = "310115", funding_type: str = FundingType.STATE, **extra: Any) -> Project:
    n = next(_seq)
    return Project.objects.create(
        code=extra.pop("code", f"3101152026{n:04d}"), name=extra.pop("name", f"浦东新区测试项目{n}号"),
        district=District.objects.get(pk=district), funding_type=funding_type, employer=employer_org(),
        registered_on=dt.date(2026, 3, 1), **extra)


def award(*, project: Project, **extra: Any) -> TenderAward:
    fields = {"scope": "主体结构及装饰工程", "price": Decimal("12500000.00"), "duration_days": 540,
              "quality_standard": "合格", "project_manager_name": "王建国", "awarded_on": dt.date(2026, 5, 10)}
    fields.update(extra)
    return TenderAward.objects.create(tender_reference=f"ZB{next(_seq):08d}", project=project,
                                      winner=contractor_org(), **fields)


def contract_data(**extra: Any) -> dict[str, Any]:
    data = {"title": "某住宅项目施工总承包合同", "scope": "主体结构及装饰工程", "price": "12500000.00",
            "pricing_method": "unit_price", "duration_days": 540, "quality_standard": "合格",
            "project_manager_name": "王建国", "project_manager_cert_no": "沪1312015201600001",
            "contract_type": "construction"}
    data.update(extra)
    return data


def draft(*, project: Project | None = None, award: TenderAward | None = None, **extra: Any) -> Contract:
    project = project or award.project if award else project or globals()["project"]()
    employer = User.objects.get(username="ent_employer")
    return services.contract_draft(project=project, contractor=contractor_org(), data=contract_data(**extra),
                                   acting_user=employer, award=award)


def announced(*, project: Project | None = None, **extra: Any) -> Contract:
    """A small private contract taken to announcement through the services (no public notice applies)."""
    employer = User.objects.get(username="ent_employer")
    contractor = User.objects.get(username="ent_contractor")
    contract = draft(project=project or globals()["project"](funding_type="private"),
                     **{"price": "900000.00", **extra})
    services.contract_generate(contract=contract, acting_user=employer)
    services.contract_confirm(contract=contract, acting_user=employer)
    services.contract_confirm(contract=contract, acting_user=contractor)
    services.contract_decide_notice(contract=contract)
    services.contract_skip_notice(contract=contract)
    services.contract_seal(contract=contract, acting_user=employer)
    services.contract_seal(contract=contract, acting_user=contractor)
    return services.contract_file_and_announce(contract=contract, acting_user=employer)
