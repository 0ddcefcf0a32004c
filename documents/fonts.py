"""The embedded CJK font. Documents embed a subset of a TrueType (glyf-outline) font, never a non-embedded CID
font, so they render identically everywhere and their text extracts (pdftotext).

Default: WenQuanYi Micro Hei from the ``paperang-p2-fonts-cjk`` wheel (installed by ``make``); an operator may
point ``settings.DOCUMENTS_CJK_FONT`` at another TrueType file (``.ttf`` or ``.ttc``, index 0).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_NAME = "JGSans"

_FALLBACKS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)


class FontMissing(RuntimeError):
    """No CJK TrueType font is installed."""


def font_path() -> Path:
    from django.conf import settings

    configured = getattr(settings, "DOCUMENTS_CJK_FONT", "")
    candidates: list[Path] = [Path(configured)] if configured else []
    try:
        import paperang_p2_fonts_cjk

        candidates.append(Path(paperang_p2_fonts_cjk.__file__).parent / "fonts" / "wqy-microhei.ttc")
    except ImportError:  # pragma: no cover - the pinned dependency is normally present
        pass
    candidates.extend(Path(p) for p in _FALLBACKS)
    for path in candidates:
        if path.is_file():
            return path
    raise FontMissing("未找到可嵌入的中文 TrueType 字体：请安装依赖 paperang-p2-fonts-cjk 或设置 DOCUMENTS_CJK_FONT。")


@cache
def register() -> str:
    """Register the font with reportlab once per process; returns its name."""
    path = font_path()
    font = TTFont(FONT_NAME, str(path), subfontIndex=0) if path.suffix == ".ttc" else TTFont(FONT_NAME, str(path))
    pdfmetrics.registerFont(font)
    return FONT_NAME
