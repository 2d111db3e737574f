"""An application dossier exported as one PDF (cover, checklist, proof or stop list or clocks, then
every attached file in checklist order: PDF files appended page by page, images shown on their page,
anything else named with its SM3 digest) and as one ZIP (the files themselves, a manifest with each
file's SM3 digest and the cover as HTML), so what is handed to the authority can be verified later.
"""

from __future__ import annotations

import base64
import io
import json
import zipfile
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Literal

from vats.model.clock import minute_text, now_utc
from vats.model.errors import InputError, UnavailableError

if TYPE_CHECKING:
    from jinja2 import Environment

    from vats.registers.dossiers.models import DossierAttachment
    from vats.registers.dossiers.service import DossierView

ExportFormat = Literal["pdf", "zip"]
MEDIA_TYPES = {"pdf": "application/pdf", "zip": "application/zip"}
MAX_IMAGE_PIXELS = 40_000_000
MAX_PDF_PAGES = 500
"""Pages taken from one attached PDF; a longer file is named on its page instead of appended."""


@dataclass(frozen=True, slots=True)
class FilePage:
    """How one attached file appears in the PDF."""

    attachment: DossierAttachment
    label: str
    content: bytes
    image: str | None = None  # data URI
    pdf: bool = False
    reason: str = ""


def filename(view: DossierView, fmt: ExportFormat) -> str:
    return f"{view.kind_label}-{view.dossier.licence}-{view.dossier.id}.{fmt}"


def _image_uri(attachment: DossierAttachment, content: bytes) -> str | None:
    """A data URI for an image Pillow can read within the pixel bound (None otherwise)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(content)) as img:
            if img.width * img.height > MAX_IMAGE_PIXELS:
                return None
            kind = (img.format or "").lower()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        return None
    if kind not in ("png", "jpeg", "gif", "webp"):
        return None
    return f"data:image/{kind};base64,{base64.b64encode(content).decode('ascii')}"


def _pdf_pages(content: bytes) -> int | None:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(content)
    except pdfium.PdfiumError:
        return None
    try:
        return len(document)
    finally:
        document.close()


def file_pages(view: DossierView, files: list[tuple[DossierAttachment, bytes]]) -> list[FilePage]:
    labels = {r.item.id: r.item.label for r in view.rows}
    out = []
    for attachment, content in files:
        label = labels.get(attachment.item, attachment.item)
        image = _image_uri(attachment, content)
        if image is not None:
            out.append(FilePage(attachment, label, content, image=image))
            continue
        pages = _pdf_pages(content) if content.startswith(b"%PDF") else None
        if pages is not None and 0 < pages <= MAX_PDF_PAGES:
            out.append(FilePage(attachment, label, content, pdf=True))
        elif pages is not None:
            out.append(
                FilePage(attachment, label, content, reason=f"该 PDF 有 {pages} 页，超过 {MAX_PDF_PAGES} 页")
            )
        elif content.startswith(b"%PDF"):
            out.append(FilePage(attachment, label, content, reason="该 PDF 文件无法读取"))
        else:
            out.append(FilePage(attachment, label, content, reason="该文件不是 PDF 或图片"))
    return out


@cache
def _environment() -> Environment:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    return Environment(
        loader=PackageLoader("vats.report", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(view: DossierView, files: list[FilePage]) -> str:
    from vats.registers.dossiers.proof import ART_27

    return (
        _environment()
        .get_template("dossier.html")
        .render(view=view, d=view.dossier, files=files, exported=minute_text(now_utc()), art27=ART_27.label())
    )


def render_pdf(view: DossierView, files: list[tuple[DossierAttachment, bytes]]) -> bytes:
    """The dossier's PDF: WeasyPrint renders cover, checklist and one page per file; each readable
    PDF file's pages are then inserted right after its page."""
    try:
        from weasyprint import HTML
    except (OSError, ImportError) as exc:
        raise UnavailableError(
            f"PDF 需要系统的 Pango 库；ZIP 导出不受影响 / PDF needs the Pango library; zip works ({exc})",
            field="format",
        ) from None
    import pypdfium2 as pdfium

    pages = file_pages(view, files)
    document = HTML(string=render_html(view, pages)).render()
    where: dict[int, int] = {}  # file number -> index of its page
    for index, page in enumerate(document.pages):
        for anchor in page.anchors:
            if anchor.startswith("file-"):
                where.setdefault(int(anchor[5:]), index)
    merged = pdfium.PdfDocument(document.write_pdf())
    try:
        for number in sorted(where, reverse=True):  # from the end, so earlier indices stay valid
            page = pages[number - 1]
            if page.pdf:
                source = pdfium.PdfDocument(page.content)
                try:
                    merged.import_pages(source, index=where[number] + 1)
                finally:
                    source.close()
        buf = io.BytesIO()
        merged.save(buf)
        return buf.getvalue()
    finally:
        merged.close()


def render_zip(view: DossierView, files: list[tuple[DossierAttachment, bytes]]) -> bytes:
    """The files in checklist order (numbered, under their item), a JSON manifest with SM3 digests,
    and the cover and checklist as HTML."""
    labels = {r.item.id: r.item.label for r in view.rows}
    manifest = []
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for n, (attachment, content) in enumerate(files, 1):
            name = f"{n:03d}_{attachment.item}/{attachment.filename}"
            archive.writestr(name, content)
            manifest.append(
                {
                    "path": name,
                    "item": attachment.item,
                    "item_label": labels.get(attachment.item, attachment.item),
                    "filename": attachment.filename,
                    "media_type": attachment.media_type,
                    "size": attachment.size,
                    "sm3": attachment.sm3,
                }
            )
        d = view.dossier
        head = {
            "licence": d.licence,
            "kind": d.kind,
            "kind_label": view.kind_label,
            "status": d.status,
            "status_label": view.status_label,
            "checklist_version": d.checklist_version,
            "exported": minute_text(now_utc()),
            "files": manifest,
        }
        archive.writestr("manifest.json", json.dumps(head, ensure_ascii=False, indent=2))
        archive.writestr("封面与清单.html", render_html(view, file_pages(view, files)))
    return buf.getvalue()


def render(view: DossierView, files: list[tuple[DossierAttachment, bytes]], fmt: str) -> bytes:
    """The dossier in `fmt` (pdf or zip); another format is an InputError naming it."""
    if fmt == "pdf":
        return render_pdf(view, files)
    if fmt == "zip":
        return render_zip(view, files)
    raise InputError(f"格式应为 pdf 或 zip / format must be pdf or zip: {fmt!r}", field="format")
