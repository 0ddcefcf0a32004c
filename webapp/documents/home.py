"""Home-page cards: documents and seals for everyone logged in; the integrity check for administrators."""

from __future__ import annotations

from typing import Any

from webapp.portal.home import HomeCard


def cards(user: Any) -> list[HomeCard]:
    out = [
        HomeCard("文书与电子印章", "本单位出具、签章的文书，扫码或上传核验真伪。", "/documents/", "查看文书", "file-earmark-text", 70)
    ]
    if user.is_sysadmin:
        out.append(HomeCard("安全校验", "审计日志哈希链与角色分配完整性（HMAC-SM3）。", "/documents/integrity/", "立即校验", "shield-lock", 91))
    return out
