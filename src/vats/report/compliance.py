"""The compliance report: for each licence, what it is, what is wrong and what is due, and why.

This is the document a compliance officer files, prints for a management meeting or hands to an
auditor, so it stands on its own: one self-contained HTML page (inline styles, no scripts, no
external assets) or a PDF rendered from that same page by WeasyPrint. Chinese comes first with the
English under it, as in every other vats output. Each obligation shows its legal source and how
reliable that source is; `explain` adds the step-by-step derivation of every dated obligation.

The data comes from `vats.rules.audit.audit_portfolio` (one engine run for all licences), so the
report says exactly what `vats audit` and `vats obligations` say.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import TYPE_CHECKING, Literal, TypeVar

from vats.model.errors import UnavailableError
from vats.model.findings import Finding, Severity
from vats.model.licence import Licence, validity
from vats.model.obligations import Obligation, ObligationStatus
from vats.report.labels import source_labels, validity_text
from vats.rules.explain import STATUS_TEXT
from vats.rules.horizon import renewal_days_before

if TYPE_CHECKING:
    from jinja2 import Environment

    from vats.registers.dossiers.daily import LaunchFinding
    from vats.rules.audit import LicenceAudit

K = TypeVar("K")
ReportFormat = Literal["html", "pdf", "xlsx"]
FORMATS: tuple[ReportFormat, ...] = ("html", "pdf", "xlsx")
MEDIA_TYPES: dict[str, str] = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

ATTENTION = (ObligationStatus.OVERDUE, ObligationStatus.DUE_SOON)


@dataclass(frozen=True, slots=True)
class LicenceSection:
    """One licence's part of the report, with the counts its summary row shows."""

    licence: Licence
    validity: str
    findings: tuple[Finding, ...]
    dated: tuple[Obligation, ...]  # engine order: overdue first, then by due date
    continuing: tuple[Obligation, ...]  # standing duties without a due date
    severities: dict[Severity, int]
    statuses: dict[ObligationStatus, int]
    launch: tuple[LaunchFinding, ...] = ()  # services without proof of launch, from the renewal dossier

    @property
    def passed(self) -> bool:
        """No high or critical finding: what `vats audit` reports as exit 0."""
        return not any(f.severity.gates for f in self.findings)


@dataclass(frozen=True, slots=True)
class ComplianceReport:
    as_of: date
    generated_at: datetime
    sections: tuple[LicenceSection, ...]
    explain: bool = False
    link_base: str = ""  # the server's address, so links to dossiers work from a saved file

    @property
    def severities(self) -> dict[Severity, int]:
        return _tally((f.severity for s in self.sections for f in s.findings), Severity)

    @property
    def statuses(self) -> dict[ObligationStatus, int]:
        return _tally((o.status for s in self.sections for o in (*s.dated, *s.continuing)), ObligationStatus)


def _tally(values: Iterable[K], keys: Iterable[K]) -> dict[K, int]:
    """How often each key occurs among `values`, zeros included (every column of the summary shows)."""
    counts = Counter(values)
    return {k: counts[k] for k in keys}


def build_report(
    audits: Sequence[LicenceAudit],
    *,
    as_of: date,
    generated_at: datetime,
    explain: bool = False,
    launch: Mapping[str, Sequence[LaunchFinding]] | None = None,
    link_base: str = "",
) -> ComplianceReport:
    """Arrange audited licences into report sections (in the order given); `launch` adds each
    licence's launch-proof findings from its renewal dossier (vats.registers.dossiers.daily)."""
    sections = []
    for a in audits:
        sections.append(
            LicenceSection(
                licence=a.licence,
                validity=validity(a.licence.expiry_date, as_of, expiring_within=renewal_days_before()),
                findings=a.findings,
                dated=tuple(o for o in a.obligations if o.due_date is not None),
                continuing=tuple(o for o in a.obligations if o.due_date is None),
                severities=_tally((f.severity for f in a.findings), Severity),
                statuses=_tally((o.status for o in a.obligations), ObligationStatus),
                launch=tuple((launch or {}).get(a.licence.number, ())),
            )
        )
    return ComplianceReport(
        as_of=as_of,
        generated_at=generated_at,
        sections=tuple(sections),
        explain=explain,
        link_base=link_base.rstrip("/"),
    )


def render_html(report: ComplianceReport) -> str:
    """The report as one self-contained HTML page (zh-CN, print styles included)."""
    return (
        _environment()
        .get_template("compliance.html")
        .render(
            report=report,
            Severity=Severity,
            ObligationStatus=ObligationStatus,
            STATUS_TEXT=STATUS_TEXT,
            VALIDITY_TEXT=validity_text(),
            ATTENTION=ATTENTION,
            version=_version(),
        )
    )


def render_pdf(report: ComplianceReport) -> bytes:
    """The same page as a PDF (A4, page numbers, fonts embedded). WeasyPrint loads only here.

    WeasyPrint needs the system's Pango library; without it the import fails with OSError, which
    becomes an `UnavailableError` (exit 5) saying what to install instead of a traceback."""
    try:
        from weasyprint import HTML
    except (OSError, ImportError) as exc:  # no Pango (OSError), or WeasyPrint not installed
        raise UnavailableError(
            "PDF 需要系统的 Pango 库（Debian: apt install libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk，"
            "或 make system-deps）；可改用 .html 或 .xlsx / PDF output needs the Pango library "
            f"(make system-deps); .html and .xlsx work without it ({exc})",
            field="--format",
        ) from None
    pdf: bytes = HTML(string=render_html(report)).write_pdf()
    return pdf


def render(report: ComplianceReport, fmt: ReportFormat) -> bytes:
    """The report in `fmt`, as the bytes to write or send."""
    if fmt == "pdf":
        return render_pdf(report)
    if fmt == "xlsx":
        from vats.report.compliance_xlsx import render_xlsx

        return render_xlsx(report)
    return render_html(report).encode("utf-8")


@cache
def _environment() -> Environment:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=PackageLoader("vats.report", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,  # a misspelt field fails the tests instead of printing nothing
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["isodate"] = _isodate
    env.filters["sources"] = source_labels
    return env


def _isodate(value: date | None) -> str:
    return value.isoformat() if value is not None else "—"


@cache
def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("vats-compliance")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "dev"


def cjk_fonts_available() -> bool | None:
    """Whether fontconfig knows a font with Chinese glyphs (None when `fc-list` is not installed).

    Without one, a PDF shows empty boxes instead of Chinese: the CLI warns rather than hand over an
    unreadable report (`make system-deps` installs Debian's fonts-noto-cjk)."""
    import shutil
    import subprocess

    if shutil.which("fc-list") is None:
        return None
    found = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False)
    return bool(found.stdout.strip())
