"""E-seal making (制章): the seal picture, its SM2 key and the maker's signature over the SESeal content."""

from __future__ import annotations

import json
import math
import secrets
from datetime import timedelta
from io import BytesIO
from typing import Any

from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from security.crypto import sm2_verify
from security.keystore import keystore

from .fonts import font_path
from .models import Seal, SealType

MAKER_PURPOSE = "seal-maker"
RED = (200, 16, 26, 255)


def canonical(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _glyph(ch: str, font: ImageFont.FreeTypeFont, angle: float) -> Image.Image:
    size = int(font.size * 1.4)
    tile = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    ImageDraw.Draw(tile).text((size / 2, size / 2), ch, font=font, fill=RED, anchor="mm")
    return tile.rotate(angle, resample=Image.Resampling.BICUBIC)


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float) -> None:
    points = []
    for i in range(10):
        rad = r if i % 2 == 0 else r * 0.382
        a = math.radians(90 + i * 36)
        points.append((cx + rad * math.cos(a), cy - rad * math.sin(a)))
    draw.polygon(points, fill=RED)


def seal_picture(organisation_name: str, caption: str = "", size: int = 480) -> bytes:
    """A round red seal: the organisation's name along the upper arc, a star, the caption below (PNG)."""
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    c = size / 2
    draw.ellipse((8, 8, size - 8, size - 8), outline=RED, width=max(6, size // 40))
    _star(draw, c, c, size * 0.16)
    path = str(font_path())
    n = max(len(organisation_name), 1)
    span = min(250.0, 22.0 * n)
    font = ImageFont.truetype(path, int(size * (0.11 if n <= 14 else 0.085)), index=0)
    radius = size * 0.36
    for i, ch in enumerate(organisation_name):
        theta = 90 + span / 2 - (span * (i + 0.5) / n)
        glyph = _glyph(ch, font, theta - 90)
        x = c + radius * math.cos(math.radians(theta)) - glyph.width / 2
        y = c - radius * math.sin(math.radians(theta)) - glyph.height / 2
        img.alpha_composite(glyph, (int(x), int(y)))
    if caption:
        small = ImageFont.truetype(path, int(size * 0.075), index=0)
        draw.text((c, c + size * 0.27), caption, font=small, fill=RED, anchor="mm")
    out = BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def maker_key() -> tuple[str, str]:
    """The platform's seal-maker key (制章者密钥), created on first use."""
    return keystore().current_sm2(MAKER_PURPOSE)


def make_seal(
    *, organisation: Any, name: str = "", seal_type: str = SealType.OFFICIAL, caption: str = "", years: int = 5
) -> Seal:
    """Create a seal with a fresh SM2 key pair (private key in the key store) and sign it as the maker."""
    now = timezone.now()
    es_id = f"{organisation.district_id or '310000'}{now:%Y%m%d}{secrets.token_hex(5).upper()}"
    key_id, public_hex = keystore().create_sm2(f"seal-{es_id.lower()}")
    maker_id, _ = maker_key()
    seal = Seal(
        organisation=organisation,
        es_id=es_id,
        seal_type=seal_type,
        name=name or f"{organisation.name}{'' if seal_type == SealType.OFFICIAL else SealType(seal_type).label}",
        key_id=key_id,
        public_key=public_hex,
        image=seal_picture(organisation.name, caption),
        valid_from=now,
        valid_to=now + timedelta(days=365 * years),
        created_at=now,
        maker_key_id=maker_id,
    )
    seal.maker_signature = keystore().sm2_sign(maker_id, canonical(seal.seal_info())).hex()
    seal.save()
    return seal


def maker_signature_valid(seal: Seal) -> bool:
    """Was this seal made by the platform, unchanged since (its SESeal content still matches the signature)?"""
    public = keystore().sm2_public(seal.maker_key_id)
    return sm2_verify(public, canonical(seal.seal_info()), bytes.fromhex(seal.maker_signature))
