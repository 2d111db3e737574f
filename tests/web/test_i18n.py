"""Every user-visible string in the templates goes through the catalogue, and every catalogue
message has an English translation (and code values a Chinese one)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from vats.web import i18n

WEB = Path(i18n.__file__).parent
TEMPLATES = sorted((WEB / "templates").glob("*.html"))
MSGID = re.compile(r"""_\(\s*(?:"([^"]*)"|'([^']*)')\s*\)""")
# Text allowed outside `_()`: the brand, digest names and punctuation.
ALLOWED_BARE = {"vats", "SM3"}


def msgids() -> set[str]:
    found: set[str] = set()
    for path in [*TEMPLATES, *WEB.glob("*.py")]:
        for a, b in MSGID.findall(path.read_text(encoding="utf-8")):
            found.add(a or b)
    return found


def bare_text(source: str) -> list[str]:
    """Words left in a template once Jinja syntax, tags and entities are removed."""
    stripped = re.sub(r"\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}", " ", source, flags=re.S)
    stripped = re.sub(r"<script.*?</script>|<style.*?</style>", " ", stripped, flags=re.S)
    stripped = re.sub(r"<[^>]*>", " ", stripped)
    stripped = re.sub(r'[\w-]+="[^"]*"', " ", stripped)  # attributes emitted by macros
    stripped = re.sub(r"&[a-z]+;|&#\d+;", " ", stripped)
    words = re.findall(r"[A-Za-z\u4e00-\u9fff][\w\u4e00-\u9fff]*", stripped)
    return [w for w in words if w not in ALLOWED_BARE]


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_no_untranslated_text_in_template(path: Path) -> None:
    assert bare_text(path.read_text(encoding="utf-8")) == []


def test_bare_text_detector_can_fail() -> None:
    assert bare_text("<p>{{ _('好') }} 未翻译 text</p>") == ["未翻译", "text"]


def test_every_message_has_an_english_translation() -> None:
    english = i18n.translations("en").messages
    missing = sorted(m for m in msgids() if m not in english)
    assert missing == []


def test_code_values_have_labels_in_both_languages() -> None:
    chinese = i18n.translations("zh-CN").messages
    english = i18n.translations("en").messages
    values = set(i18n.code_values())
    assert sorted(v for v in values if v not in english) == []
    assert sorted(v for v in values if re.fullmatch(r"[a-z_]+", v) and v not in chinese) == []


def test_catalogues_have_no_stale_entries() -> None:
    used = msgids() | set(i18n.code_values())
    for lang in ("en", "zh-CN"):
        stale = sorted(set(i18n.read_po(i18n.po_path(lang))) - used)
        assert stale == [], lang


def test_register_labels_have_one_home() -> None:
    """Register field and action names live in the registers' labels.yaml only, never in a .po file,
    and a name shared by two registers means the same in both."""
    from vats.registers.labels import all_registers

    seen: dict[str, object] = {}
    for register in all_registers():
        for term, label in register.labels.items():
            assert seen.setdefault(term, label) == label, term
    for lang in ("en", "zh-CN"):
        assert sorted(set(i18n.read_po(i18n.po_path(lang))) & set(seen)) == [], lang
    assert i18n.translations("zh-CN").gettext("discovered_at") == "发现日期"


def test_switching_language_translates() -> None:
    assert i18n.translations("en").gettext("许可证") == "Licences"
    assert i18n.translations("zh-CN").gettext("许可证") == "许可证"
    assert i18n.translations("zh-CN").gettext("overdue") == "已逾期"
    assert i18n.normalise("en-GB,en;q=0.9") == "en"
    assert i18n.normalise("fr") == "zh-CN"
