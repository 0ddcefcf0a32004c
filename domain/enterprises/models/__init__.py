"""Models of the enterprises context, split by concern."""

from .checks import (
    BatchState,
    CaseState,
    CheckCase,
    CheckKind,
    Evidence,
    RectificationSubmission,
    SignOff,
    VerificationBatch,
)
from .credentials import (
    Accident,
    AccidentLevel,
    LicenceState,
    Qualification,
    QualificationState,
    ReapplicationBan,
    SafetyLicence,
    Suspension,
)
from .notices import DeliveryMethod, Notice, NoticeKind, NoticeState
from .revocation import RevocationCase, RevocationGround, RevocationKind, RevocationState

__all__ = [
    "Accident",
    "AccidentLevel",
    "BatchState",
    "CaseState",
    "CheckCase",
    "CheckKind",
    "DeliveryMethod",
    "Evidence",
    "LicenceState",
    "Notice",
    "NoticeKind",
    "NoticeState",
    "Qualification",
    "QualificationState",
    "ReapplicationBan",
    "RectificationSubmission",
    "RevocationCase",
    "RevocationGround",
    "RevocationKind",
    "RevocationState",
    "SafetyLicence",
    "SignOff",
    "Suspension",
    "VerificationBatch",
]
