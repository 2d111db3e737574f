"""Dossier exports: one PDF with cover, checklist and every attached file in checklist order (PDF
files' pages inserted after their page, images embedded, other files named), and one ZIP holding the
files with a manifest of SM3 digests."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import date

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from factories import NUMBER, register_licence
from vats.model.errors import InputError
from vats.model.sm3 import sm3_hex
from vats.registers.dossiers import service
from vats.report import dossier_export

Scope = Callable[[], AbstractContextManager[Session]]
VALID = date(2026, 6, 1)


def _pdf(text: str, pages: int = 1) -> bytes:
    from weasyprint import HTML

    body = "".join(f'<p style="page-break-after: always">{text} {n}</p>' for n in range(pages))
    return bytes(HTML(string=f"<html><body>{body}</body></html>").write_pdf())


def _png() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 0, 0)).save(buf, format="PNG")
    return buf.getvalue()


@pytest.fixture
def engine(migrated_url: str) -> Iterator[Engine]:
    from vats.store.db import make_engine

    eng = make_engine(migrated_url)
    yield eng
    eng.dispose()


@pytest.fixture
def scope(engine: Engine) -> Scope:
    from vats.store.db import session_scope

    return lambda: session_scope(engine, actor="tester")


@pytest.fixture
def dossier(scope: Scope) -> int:
    """A renewal dossier with, in upload order, a word file, a PNG and a two-page PDF on the
    checklist's third, second and first items."""
    from vats.store.licences import import_licence

    with scope() as s:
        import_licence(s, licence=register_licence())
        d = service.open_renewal(s, licence=NUMBER, today=VALID)
        service.attach(
            s, dossier_id=d.id, item="business_licence", filename="执照.docx", content=b"PK\x03\x04 doc"
        )
        service.attach(s, dossier_id=d.id, item="licence_pages", filename="正文.png", content=_png())
        service.attach(
            s, dossier_id=d.id, item="application_form", filename="申请表.pdf", content=_pdf("MARKER", 2)
        )
        return d.id


def _export(scope: Scope, dossier_id: int, fmt: str) -> bytes:
    with scope() as s:
        view = service.view_dossier(s, dossier_id=dossier_id, today=VALID)
        return dossier_export.render(view, service.contents(s, view.dossier), fmt)


def _texts(pdf: bytes) -> list[str]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        return [page.get_textpage().get_text_range() for page in doc]
    finally:
        doc.close()


def test_pdf_has_cover_checklist_and_every_file_in_checklist_order(scope: Scope, dossier: int) -> None:
    texts = _texts(_export(scope, dossier, "pdf"))
    assert "续期" in texts[0] and NUMBER in texts[0]
    firsts = [n for n, t in enumerate(texts) if "附件 1" in t]
    assert len(firsts) == 1
    n = firsts[0]
    assert "申请表.pdf" in texts[n]  # the application form comes first in the checklist
    assert "MARKER 0" in texts[n + 1] and "MARKER 1" in texts[n + 2]
    assert "附件 2" in texts[n + 3] and "正文.png" in texts[n + 3]
    assert "附件 3" in texts[n + 4] and "不是 PDF 或图片" in texts[n + 4]
    assert len(texts) == n + 5


def test_zip_holds_the_files_with_their_sm3_digests(scope: Scope, dossier: int) -> None:
    archive = zipfile.ZipFile(io.BytesIO(_export(scope, dossier, "zip")))
    manifest = json.loads(archive.read("manifest.json"))
    assert [f["item"] for f in manifest["files"]] == ["application_form", "licence_pages", "business_licence"]
    for entry in manifest["files"]:
        assert sm3_hex(archive.read(entry["path"])) == entry["sm3"]
    assert NUMBER in archive.read("封面与清单.html").decode("utf-8")


def test_unreadable_pdf_is_named_not_appended(scope: Scope, dossier: int) -> None:
    with scope() as s:
        service.attach(
            s, dossier_id=dossier, item="annual_reports", filename="坏.pdf", content=b"%PDF-broken"
        )
    texts = _texts(_export(scope, dossier, "pdf"))
    assert any("坏.pdf" in t and "无法读取" in t for t in texts)


def test_unknown_format_names_the_field(scope: Scope, dossier: int) -> None:
    with pytest.raises(InputError) as info:
        _export(scope, dossier, "docx")
    assert info.value.field == "format"
