"""Applying an e-seal to a PDF (签章) so that the signature travels with the document.

Each seal is one PDF incremental update: the visible seal is stamped on the page of the issuer block, and a
``/JGSeal`` object (listed in the catalog's ``/JGSignatures``) holds the signature record (GB/T 38540
``SES_Signature``: seal, signer, time, document number) and a fixed-size ``/Value <hex>`` slot. Like a PAdES
byte range, the signed data hash covers the whole file up to the end of that update (``%%EOF``) except the slot
itself; the slot is then filled with the SM2 signature over ``{record, dataHash}``. A later seal covers the
earlier ones; any byte changed or appended afterwards is detected by :mod:`documents.verify`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, ByteStringObject, DictionaryObject, NameObject, TextStringObject
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from security.crypto import sm3_hex
from security.keystore import keystore

from .models import Seal
from .seals import canonical

SIG_HEX_LEN = 128
VALUE_RE = re.compile(rb"/Value <([0-9a-fA-F]{128})>")
CATALOG_KEY = "/JGSignatures"
EOF_MARK = b"%%EOF"
SEAL_SPACING = 44 * mm


@dataclass(frozen=True)
class SealedPdf:
    data: bytes
    record: dict[str, Any]
    data_hash: str
    signature: str


def signature_record(*, seal: Seal, index: int, document_number: str, signer: str, signed_at: str) -> dict[str, Any]:
    return {
        "v": 1,
        "index": index,
        "document": document_number,
        "seal": {**seal.seal_info(), "makerKeyId": seal.maker_key_id, "makerSignature": seal.maker_signature},
        "signer": signer,
        "timeInfo": signed_at,
        "algorithm": "SM2-with-SM3",
    }


def tbs_bytes(record: dict[str, Any], data_hash: str) -> bytes:
    """``TBS_Sign``: what the SM2 signature covers."""
    return canonical({"record": record, "dataHash": data_hash})


def covered_range(data: bytes, slot_start: int, slot_end: int) -> tuple[bytes, int]:
    """The bytes one signature covers and where its revision ends (-1 when no ``%%EOF`` follows the slot)."""
    eof = data.find(EOF_MARK, slot_end)
    if eof < 0:
        return b"", -1
    end = eof + len(EOF_MARK)
    return data[:slot_start] + data[slot_end:end], end


def _overlay(seal: Seal, page_box: Any, x: float, y: float) -> Any:
    width, height = float(page_box.width), float(page_box.height)
    buf = BytesIO()
    c = canvas.Canvas(buf, pagesize=(width, height))
    w, h = seal.image_width_mm * mm, seal.image_height_mm * mm
    c.drawImage(ImageReader(BytesIO(bytes(seal.image))), x - w / 2, y - h / 2, w, h, mask="auto")
    c.save()
    return PdfReader(BytesIO(buf.getvalue())).pages[0]


def apply_seal(
    data: bytes,
    *,
    seal: Seal,
    index: int,
    document_number: str,
    signer: str,
    signed_at: str,
    anchor: dict[str, Any],
) -> SealedPdf:
    writer = PdfWriter(BytesIO(data), incremental=True)
    page_no = min(max(int(anchor.get("page", len(writer.pages))) - 1, 0), len(writer.pages) - 1)
    page = writer.pages[page_no]
    box = page.mediabox
    x = float(anchor.get("x", float(box.width) - 60 * mm)) - index * SEAL_SPACING
    y = float(anchor.get("y", 60 * mm))
    page.merge_page(_overlay(seal, box, max(x, 25 * mm), y))

    record = signature_record(
        seal=seal, index=index, document_number=document_number, signer=signer, signed_at=signed_at
    )
    sig_obj = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/JGSeal"),
            NameObject("/Record"): TextStringObject(json.dumps(record, ensure_ascii=True, sort_keys=True)),
            NameObject("/Value"): ByteStringObject(b"\x00" * (SIG_HEX_LEN // 2)),
        }
    )
    ref = writer._add_object(sig_obj)
    root = writer._root_object
    existing = root.get(CATALOG_KEY)
    refs = list(existing.get_object()) if existing is not None else []
    root[NameObject(CATALOG_KEY)] = ArrayObject([*refs, ref])
    out = BytesIO()
    writer.write(out)
    signed = bytearray(out.getvalue())

    slots = list(VALUE_RE.finditer(bytes(signed), len(data)))
    if len(slots) != 1:
        raise RuntimeError("签章占位符定位失败。")
    start, end = slots[0].span(1)
    covered, _ = covered_range(bytes(signed), start, end)
    data_hash = sm3_hex(covered)
    signature = keystore().sm2_sign(seal.key_id, tbs_bytes(record, data_hash)).hex()
    signed[start:end] = signature.encode("ascii")
    return SealedPdf(bytes(signed), record, data_hash, signature)
