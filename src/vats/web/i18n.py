"""Message catalogues: Chinese is the source language (msgids), English comes from a gettext .po
file read directly with babel's parser — no compile step, so a fresh checkout works as is.

`translations(lang)` returns a gettext-compatible object Jinja's i18n extension installs.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "vats"
DEFAULT_LANG = "zh-CN"
LANGUAGES = {"zh-CN": "中文", "en": "English"}
WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")

# Record fields the register pages never show as data (scope, concurrency and computed columns).
RECORD_HIDDEN = frozenset({"subject", "organisation_id", "version", "actions", "due"})


def code_values() -> tuple[str, ...]:
    """Messages the templates translate from data (`_(ob.status.value)`): codes and weekday names.
    Code values (latin) need a Chinese label too, so both catalogues list them. Register field and
    action names are not here: their labels come from the register specs."""
    from vats.checks.results import Outcome
    from vats.ingest.scan.review import LABELS as REVIEW_FIELDS
    from vats.model.findings import Severity
    from vats.model.licence import VALIDITY, SiteKind
    from vats.model.obligation_ids import WorkStatus
    from vats.model.obligations import ObligationStatus
    from vats.model.sources import Reliability
    from vats.report.management import TIMELINESS_FILTERS
    from vats.rules.controls import CONTROL_TEXTS

    roles = ("admin", "officer", "viewer", "auditor")
    extra = ("late", "pending", "approved", "rejected")  # due summaries; waiver request states
    management = ("open", *TIMELINESS_FILTERS)  # list filters the management view links with
    enums = [*ObligationStatus, *WorkStatus, *Severity, *Reliability, *SiteKind, *Outcome]
    fields = tuple(REVIEW_FIELDS.values())  # the scan review's field labels
    codes = (
        *roles,
        *extra,
        *management,
        *(e.value for e in enums),
        *VALIDITY,
        *WEEKDAYS,
        *CONTROL_TEXTS,
        *fields,
    )
    return tuple(dict.fromkeys(codes))


class Catalogue:
    """gettext/ngettext over a dict; missing entries fall back to the (Chinese) msgid.

    zh-CN's catalogue only holds labels for code values (`overdue` → 已逾期); en translates all.
    """

    def __init__(self, messages: dict[str, str]) -> None:
        self.messages = messages

    def gettext(self, message: str) -> str:
        return self.messages.get(message) or message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_po(path: Path) -> dict[str, str]:
    """msgid → msgstr for every translated, non-fuzzy entry of a .po file."""
    from babel.messages.pofile import read_po as babel_read_po

    with path.open("rb") as fh:
        catalog = babel_read_po(fh)
    out: dict[str, str] = {}
    for message in catalog:
        text = message.string
        if (
            isinstance(message.id, str)
            and message.id
            and isinstance(text, str)
            and text
            and not message.fuzzy
        ):
            out[message.id] = text
    return out


def normalise(lang: str | None) -> str:
    """A supported language code from a cookie or Accept-Language value (zh-CN when unsure)."""
    if not lang:
        return DEFAULT_LANG
    lang = lang.strip().lower()
    return "en" if lang.startswith("en") else DEFAULT_LANG


@cache
def translations(lang: str) -> Catalogue:
    """The .po catalogue plus the registers' own labels (their one home is each register's labels.yaml)."""
    from vats.registers.labels import terms

    lang = normalise(lang)
    return Catalogue({**terms(lang), **read_po(po_path(lang))})
