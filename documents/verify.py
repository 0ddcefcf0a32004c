"""Verifying a PDF (验证): ``verify_pdf(data) -> Verification``.

Statuses, worst first: ``altered`` (a byte changed or appended after sealing, or the file is not the one
issued), ``unknown_seal`` (sealed with a seal this platform did not make), ``revoked_seal`` (sealed with a seal
since revoked), ``not_found`` (no seal and no document of ours with this content), ``valid``.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from security.crypto import constant_time_equal, sm2_verify, sm3_hex

from .models import Document, Seal
from .render import NUMBER_KEYWORD
from .sealing import CATALOG_KEY, VALUE_RE, covered_range, tbs_bytes
from .seals import maker_signature_valid

log = logging.getLogger("jianguan.documents")

VALID, ALTERED, UNKNOWN_SEAL, REVOKED_SEAL, NOT_FOUND = "valid", "altered", "unknown_seal", "revoked_seal", "not_found"
LABELS = {
    VALID: "真实有效：文件与出具时一致，签章验证通过。",
    ALTERED: "文件已被篡改：内容与签章不一致，请勿采信。",
    UNKNOWN_SEAL: "签章无法识别：所用印章不是本平台制发的印章。",
    REVOKED_SEAL: "印章已吊销：该文件所用电子印章已被吊销。",
    NOT_FOUND: "未找到：本平台没有出具过与该文件一致的文书。",
}
_SEVERITY = [ALTERED, UNKNOWN_SEAL, REVOKED_SEAL, NOT_FOUND, VALID]


class InvalidPdf(ValueError):
    """The upload is not a readable PDF."""


class _Malformed(ValueError):
    """The PDF reads, but a signature record in it is not one we wrote: it was altered."""


@dataclass
class SignatureCheck:
    index: int
    status: str
    seal_name: str = ""
    organisation: str = ""
    es_id: str = ""
    signer: str = ""
    signed_at: str = ""


@dataclass
class Verification:
    status: str
    document: Document | None = None
    number: str = ""
    signatures: list[SignatureCheck] = field(default_factory=list)

    @property
    def label(self) -> str:
        return LABELS[self.status]

    @property
    def is_valid(self) -> bool:
        return self.status == VALID

    def as_dict(self) -> dict[str, Any]:
        doc = self.document
        return {
            "status": self.status,
            "valid": self.is_valid,
            "message": self.label,
            "number": self.number,
            "document": (
                {
                    "number": doc.number,
                    "title": doc.title,
                    "kind": doc.get_kind_display(),
                    "issuer": doc.issuer.name if doc.issuer else "",
                    "issued_at": doc.issued_at.isoformat(),
                    "verification_code": doc.verification_code,
                }
                if doc
                else None
            ),
            "signatures": [s.__dict__ for s in self.signatures],
        }


def _worst(statuses: list[str]) -> str:
    return min(statuses, key=_SEVERITY.index) if statuses else VALID


def _records(reader: PdfReader) -> list[dict[str, Any]]:
    root: Any = reader.trailer["/Root"]
    refs = root.get(CATALOG_KEY)
    if refs is None:
        return []
    records = [json.loads(str(ref.get_object()["/Record"])) for ref in refs.get_object()]
    for record in records:
        if not (
            isinstance(record, dict)
            and isinstance(record.get("seal"), dict)
            and isinstance(record["seal"].get("property"), dict)
        ):
            raise _Malformed("签章记录格式不正确。")
    return records


def _number(reader: PdfReader, records: list[dict[str, Any]]) -> str:
    if records:
        return str(records[0].get("document", ""))
    metadata: Any = reader.metadata or {}
    keywords = str(metadata.get("/Keywords", ""))
    m = re.search(re.escape(NUMBER_KEYWORD) + r"(\S+)", keywords)
    return m.group(1) if m else ""


def _check_signature(data: bytes, record: dict[str, Any], slot: re.Match[bytes]) -> tuple[SignatureCheck, int]:
    seal_info = record.get("seal", {})
    prop = seal_info.get("property", {})
    check = SignatureCheck(
        index=int(record.get("index", 0)),
        status=VALID,
        seal_name=str(prop.get("name", "")),
        organisation=str(prop.get("organisation", "")),
        es_id=str(seal_info.get("esID", "")),
        signer=str(record.get("signer", "")),
        signed_at=str(record.get("timeInfo", "")),
    )
    start, end = slot.span(1)
    covered, revision_end = covered_range(data, start, end)
    if revision_end < 0:
        check.status = ALTERED
        return check, len(data)
    seal = Seal.objects.select_related("organisation").filter(es_id=check.es_id).first()
    if seal is None or seal.public_key != prop.get("public_key") or not maker_signature_valid(seal):
        check.status = UNKNOWN_SEAL
        return check, revision_end
    signature = bytes.fromhex(slot.group(1).decode("ascii"))
    if not sm2_verify(seal.public_key, tbs_bytes(record, sm3_hex(covered)), signature):
        check.status = ALTERED
    elif seal.is_revoked:
        check.status = REVOKED_SEAL
    return check, revision_end


def verify_pdf(data: bytes) -> Verification:
    """Check a PDF against the signatures it carries and the documents this platform issued."""
    if not data.startswith(b"%PDF-"):
        raise InvalidPdf("上传的文件不是 PDF 文件。")
    try:
        reader = PdfReader(BytesIO(data))
        records = _records(reader)
        number = _number(reader, records)
    except _Malformed:
        return Verification(ALTERED)
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as exc:
        log.info("unreadable PDF submitted for verification: %s", exc)
        raise InvalidPdf("无法读取该 PDF 文件，请确认文件完整。") from exc

    document = Document.objects.select_related("issuer").filter(number=number).first() if number else None
    if not records:
        digest = sm3_hex(data)
        match = Document.objects.select_related("issuer").filter(current_sm3=digest).first()
        if match is not None:
            return Verification(VALID, match, match.number)
        return Verification(ALTERED if document else NOT_FOUND, document, number)

    slots = list(VALUE_RE.finditer(data))
    if len(slots) != len(records):
        return Verification(ALTERED, document, number)
    checks: list[SignatureCheck] = []
    revision_end = 0
    for record, slot in zip(records, slots, strict=True):
        check, revision_end = _check_signature(data, record, slot)
        checks.append(check)
    statuses = [c.status for c in checks]
    if data[revision_end:].strip(b"\r\n \t\x00"):
        statuses.append(ALTERED)  # bytes appended after the last seal
    if document is None:
        statuses.append(NOT_FOUND)
    elif not constant_time_equal(sm3_hex(data[: document.content_length]), document.content_sm3):
        statuses.append(ALTERED)  # the sealed content is not what was issued under this number
    return Verification(_worst(statuses), document, number, checks)
