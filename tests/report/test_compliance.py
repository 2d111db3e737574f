"""The compliance report: the reference licence's facts reach the page, the PDF is real and readable
(text extracted back with pdfplumber, Chinese included), the HTML is self-contained and escaped."""

from __future__ import annotations

import dataclasses
import html as html_module
import io
import re
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factories import NUMBER, make_reference
from vats.ingest.render import synthetic_licence
from vats.model.obligations import Event
from vats.report.compliance import build_report, render, render_html, render_pdf
from vats.rules.audit import audit_portfolio

AS_OF = date(2026, 11, 28)
GENERATED = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)
DISPOSAL = Event("illegal_info_disposed", date(2026, 9, 28), licence=NUMBER, id="case:42")


def _report(licences: list, events: list[Event] = (), *, explain: bool = False):  # type: ignore[no-untyped-def]
    audits = audit_portfolio(licences, list(events), as_of=AS_OF)
    return build_report(audits, as_of=AS_OF, generated_at=GENERATED, explain=explain)


def _text(html: str) -> str:
    """The page's visible text, tags dropped and whitespace collapsed (what a reader sees)."""
    body = re.sub(r"<style.*?</style>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", html_module.unescape(re.sub(r"<[^>]+>", " ", body)))


def test_reference_licence_facts_reach_the_page() -> None:
    report = _report([make_reference()], [DISPOSAL])
    text = _text(render_html(report))
    assert NUMBER in text and "重庆万象优车科技有限公司" in text
    assert "2026-07-22" in text  # the renewal deadline the audit reports as passed
    assert "2026-10-16" in text  # the disposal report: 10 working days after 2026-09-28
    assert "已过期" in text and "需处理" in text
    (section,) = report.sections
    assert not section.passed
    assert section.statuses  # every status counted, zeros included
    assert sum(section.severities.values()) == len(section.findings)
    overdue = [o for o in section.dated if o.status.value == "overdue"]  # the engine's order:
    assert overdue and list(section.dated[: len(overdue)]) == overdue  # overdue first,
    rest = [o.due_date for o in section.dated[len(overdue) :]]
    assert rest == sorted(rest)  # then by due date
    assert all(o.due_date is None for o in section.continuing) and section.continuing
    # every source shows its reliability mark, as the rules library records it
    assert "（许可证 licence）" in text and "（实务 practice）" in text


def test_explain_adds_each_dated_obligations_derivation() -> None:
    plain = _text(render_html(_report([make_reference()], [DISPOSAL])))
    explained = _text(render_html(_report([make_reference()], [DISPOSAL], explain=True)))
    assert len(explained) > len(plain)
    report = _report([make_reference()], [DISPOSAL], explain=True)
    disposal = next(o for o in report.sections[0].dated if o.rule_id == "illegal_info.report")
    for line in disposal.explanation:
        assert re.sub(r"\s+", " ", line).strip() in explained


def test_html_is_self_contained_and_escaped() -> None:
    hostile = dataclasses.replace(synthetic_licence(5), company='<script>alert("x")</script>有限公司')
    html = render_html(_report([hostile]))
    assert "<script" not in html and "&lt;script&gt;" in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)  # nothing fetched from outside
    assert '<html lang="zh-CN">' in html


def test_several_licences_summary_totals_add_up() -> None:
    licences = [make_reference(), synthetic_licence(1), synthetic_licence(2)]
    report = _report(licences)
    assert [s.licence.number for s in report.sections] == [lic.number for lic in licences]
    for sev, total in report.severities.items():
        assert total == sum(s.severities[sev] for s in report.sections)
    text = _text(render_html(report))
    assert "合计" in text and all(lic.number in text for lic in licences)


def test_pdf_parses_back_with_chinese_text_and_page_numbers(seed_path: Path) -> None:
    """The real reference document, parsed from the seed, rendered to PDF and read back."""
    import pdfplumber

    from vats.ingest.document import read_licence

    report = _report([read_licence(seed_path)], [DISPOSAL])
    data = render_pdf(report)
    assert data.startswith(b"%PDF-")
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = [page.extract_text() or "" for page in pdf.pages]
        assert "VATS compliance report" in (pdf.metadata.get("Title") or "")
    assert len(pages) >= 3  # summary, then the licence on pages of its own
    whole = "\n".join(pages)
    for fact in (
        "渝B2-20210467",
        "重庆万象优车科技有限公司",
        "合规报告",
        "2026-07-22",
        "2026-10-16",
        "maichetong.com.cn",
    ):
        assert fact in whole, fact
    assert f"第 1 页，共 {len(pages)} 页" in pages[0]
    assert f"第 {len(pages)} 页，共 {len(pages)} 页" in pages[-1]


@pytest.mark.parametrize("fmt", ["html", "pdf"])
def test_render_dispatches_on_format(fmt: str) -> None:
    data = render(_report([make_reference()]), fmt)  # type: ignore[arg-type]
    assert data.startswith(b"%PDF-") if fmt == "pdf" else data.startswith(b"<!DOCTYPE html>")


def test_without_pango_pdf_is_refused_with_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    """WeasyPrint cannot load without the system's Pango: a clear 'unavailable' (exit 5), not a crash."""
    from vats.model.errors import ExitCode, UnavailableError

    monkeypatch.setitem(sys.modules, "weasyprint", None)  # the import fails as it would without Pango
    with pytest.raises(UnavailableError) as caught:
        render_pdf(_report([make_reference()]))
    assert caught.value.exit_code is ExitCode.UNAVAILABLE and "Pango" in caught.value.message
    assert render(_report([make_reference()]), "html").startswith(b"<!DOCTYPE html>")  # HTML still works


@given(
    company=st.text(min_size=1, max_size=60),
    site_name=st.text(max_size=30),
    domain=st.text(max_size=40),
)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_text_from_a_document_renders_escaped(company: str, site_name: str, domain: str) -> None:
    """Licence text comes from outside (uploads, scans): whatever it holds, the page renders, and no
    markup from it reaches the HTML unescaped; the workbook takes it too (openpyxl refuses control
    characters, which the report must not trip over)."""
    base = synthetic_licence(9)
    site = dataclasses.replace(base.sites[0], name=site_name, domain=domain) if base.sites else None
    licence = dataclasses.replace(base, company=company, sites=(site,) if site else ())
    report = _report([licence])
    page = render_html(report)
    for value in (company, site_name, domain):
        if "<" in value:
            assert value not in page or "<" not in value
    assert "<script" not in page.lower().replace("&lt;script", "")
    assert render(report, "xlsx")[:2] == b"PK"
