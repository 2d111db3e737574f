"""Values that look like OCR slips: keep the raw value, suggest the likely reading.

Scans misread a dropped letter in Latin names (`pp store` for `App Store`) and sometimes produce a
traditional character in simplified text (`人員` for `人员`). Neither is corrected silently: the
licence text is the legal record, so the value stays as printed and a warning carries the
suggestion for a person to confirm.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

#: App stores as licences print them (Latin names are compared case-insensitively).
KNOWN_APP_STORES: tuple[str, ...] = (
    "App Store",
    "Google Play",
    "小米应用商店",
    "应用宝",
    "vivo应用商店",
    "oppo应用商店",
    "OPPO软件商店",
    "华为应用商店",
    "华为应用市场",
    "荣耀应用市场",
    "百度手机助手",
    "360手机助手",
    "豌豆荚",
    "魅族应用商店",
)
_LATIN_STORES = {s.casefold(): s for s in KNOWN_APP_STORES if s.isascii()}
_LATIN_ONLY = re.compile(r"^[A-Za-z0-9 .+-]+$")
#: How similar an unknown Latin store name must be to a known one to count as a slip.
STORE_SIMILARITY = 0.8

# Traditional characters that appear as OCR slips in simplified licence text, with their
# simplified form. Only characters whose traditional form never occurs in simplified Chinese.
TRADITIONAL_TO_SIMPLIFIED: dict[str, str] = dict(
    zip(
        "員們與業務網資訊電號證為發開關應當時會個國護經營許規處術統據庫設聯購買賣雲數話擔標準價單條變讓權體"
        "說請這還進過運達際區員錄續壓廣東屬華專門問題類顯風險認識議論貨幣銀財產產項選擇檢測",
        "员们与业务网资讯电号证为发开关应当时会个国护经营许规处术统据库设联购买卖云数话担标准价单条变让权体"
        "说请这还进过运达际区员录续压广东属华专门问题类显风险认识议论货币银财产产项选择检测",
        strict=True,
    )
)
_TRADITIONAL = re.compile("[" + "".join(TRADITIONAL_TO_SIMPLIFIED) + "]")
_SIMPLIFY = str.maketrans("".join(TRADITIONAL_TO_SIMPLIFIED), "".join(TRADITIONAL_TO_SIMPLIFIED.values()))


def store_slip(name: str) -> str | None:
    """The known store an unknown Latin-script store name is probably a misreading of, if any."""
    folded = name.casefold()
    if folded in _LATIN_STORES or not _LATIN_ONLY.match(name):
        return None
    best, best_ratio = None, 0.0
    for key, store in _LATIN_STORES.items():
        ratio = SequenceMatcher(None, folded, key).ratio()
        if ratio > best_ratio:
            best, best_ratio = store, ratio
    return best if best_ratio >= STORE_SIMILARITY else None


def has_traditional(text: str) -> bool:
    """Cheap pre-check over a whole document before looking value by value."""
    return _TRADITIONAL.search(text) is not None


def traditional_slips(text: str) -> list[tuple[str, str]]:
    """(raw, suggested) snippets around each traditional character in otherwise simplified text."""
    found: list[tuple[str, str]] = []
    for match in _TRADITIONAL.finditer(text):
        start, end = max(0, match.start() - 1), match.end()
        raw = text[start:end]
        found.append((raw, raw.translate(_SIMPLIFY)))
    return found
