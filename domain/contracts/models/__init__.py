"""Construction contracts (建设工程合同): projects, awards, contracts, objections, changes, payments, settlements."""

from .bill import BillLine, BillOfQuantities, BillPart, Settlement, SettlementState
from .contract import Contract, ContractState, ContractType, PricingMethod
from .events import ChangeKind, ChangeState, ContractChange, Objection, ObjectionState
from .payment import PaymentApplication, PaymentState
from .project import FundingType, Project, TenderAward

__all__ = [
    "BillLine",
    "BillOfQuantities",
    "BillPart",
    "ChangeKind",
    "ChangeState",
    "Contract",
    "ContractChange",
    "ContractState",
    "ContractType",
    "FundingType",
    "Objection",
    "ObjectionState",
    "PaymentApplication",
    "PaymentState",
    "PricingMethod",
    "Project",
    "Settlement",
    "SettlementState",
    "TenderAward",
]
