"""Safety-management staff (安管人员): people, employments, certificates and their procedures' records."""

from .certificates import (
    ACTIVE_STATES,
    IN_FORCE_STATES,
    CertificateClass,
    CertificateEvent,
    CertificateNumberCounter,
    CertificateState,
    SafetyCertificate,
)
from .people import Employment, PenaltyRecord, Person, TrainingRecord
from .records import HelpRequest, HelpRequestState, PublicNotice, RenameBatch, RenameBatchState

__all__ = [
    "ACTIVE_STATES",
    "CertificateClass",
    "CertificateEvent",
    "CertificateNumberCounter",
    "CertificateState",
    "Employment",
    "IN_FORCE_STATES",
    "HelpRequest",
    "HelpRequestState",
    "PenaltyRecord",
    "Person",
    "PublicNotice",
    "RenameBatch",
    "RenameBatchState",
    "SafetyCertificate",
    "TrainingRecord",
]
