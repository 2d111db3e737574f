"""OFD documents (GB/T 33190-2016, a zip of XML): a small bounded reader of text, seal images and
signatures, so an electronic licence saved as OFD parses like text.

Why our own reader rather than easyofd: we need only the text objects (with their positions), the
names of seal images and the signature files; easyofd also renders pages and converts formats,
pulls in a font and PDF stack, and does not verify signatures. A reader of a few XML files keeps
every input bound in one place (member count, sizes, compression ratio, no DTDs) and lets the
signature check sit next to it.

Text objects become positioned boxes and go through the same reading-order code as OCR boxes
(`vats.ingest.scan.layout`), then the same extractor as text licences.

Signatures (GB/T 38540 / GM/T 0031 over GB/T 33190 §18): every `Reference` digest is checked with
SM3 against the file it names, the seal signature's `dataHash` against `Signature.xml`, and the SM2
signature (default signer ID 1234567812345678) with the signer certificate's public key. The
result is evidence for a person (签名有效 / 签名无效 / 无签名), never a claim of legal validity:
the certificate chain and the signer's authority are not checked.
"""

from __future__ import annotations

import base64
import io
import posixpath
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

from vats.ingest.scan.layout import TextBox
from vats.model.errors import InputError

ZIP_MAGIC = b"PK\x03\x04"
MAX_MEMBERS = 2000
MAX_MEMBER_BYTES = 20 * 1024 * 1024
MAX_TOTAL_BYTES = 100 * 1024 * 1024
MAX_RATIO = 200
MAX_PAGES = 50
NS = "{http://www.ofdspec.org/2016}"
SM3_NAMES = {"1.2.156.10197.1.401", "SM3", "sm3"}
#: The three results, as recorded and shown.
VALID, INVALID, UNSIGNED = "签名有效", "签名无效", "无签名"


@dataclass(frozen=True, slots=True)
class SignatureCheck:
    """One signature's check: the result label and why."""

    path: str
    result: str  # VALID or INVALID
    reason: str


@dataclass(frozen=True, slots=True)
class OfdDocument:
    """What the reader found: text boxes, seal image names, signature checks, overall result."""

    boxes: tuple[TextBox, ...]
    seal_images: tuple[str, ...]
    signatures: tuple[SignatureCheck, ...]

    @property
    def signature_result(self) -> str:
        """签名有效 when every signature checks, 签名无效 when any fails, 无签名 when none."""
        if not self.signatures:
            return UNSIGNED
        return VALID if all(s.result == VALID for s in self.signatures) else INVALID


def is_ofd(data: bytes) -> bool:
    """A zip whose members include an `OFD.xml` entry point (checked without extracting)."""
    if not data.startswith(ZIP_MAGIC):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "OFD.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


class _Package:
    """The zip, bounded: member count, sizes and compression ratio are checked before reading."""

    def __init__(self, data: bytes, source: str | None) -> None:
        self.source = source
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile:
            raise InputError("OFD 文件已损坏 / the OFD is not a readable zip", source=source) from None
        infos = self.zip.infolist()
        if len(infos) > MAX_MEMBERS:
            raise InputError(f"OFD 文件条目过多 / more than {MAX_MEMBERS} entries", source=source)
        total = sum(i.file_size for i in infos)
        if total > MAX_TOTAL_BYTES or any(
            i.file_size > MAX_MEMBER_BYTES or i.file_size > MAX_RATIO * max(i.compress_size, 1) for i in infos
        ):
            raise InputError("OFD 文件解压后过大 / the OFD expands too much (zip bomb?)", source=source)
        self.names = {i.filename.lstrip("/"): i.filename for i in infos}

    def read(self, path: str) -> bytes:
        name = self.names.get(posixpath.normpath(path).lstrip("/"))
        if name is None:
            raise InputError(f"OFD 缺少文件 / the OFD lacks {path}", source=self.source)
        try:
            return self.zip.read(name)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise InputError(f"OFD 文件已损坏 / cannot read {path}: {exc}", source=self.source) from None

    def xml(self, path: str) -> ElementTree.Element:
        raw = self.read(path)
        if b"<!DOCTYPE" in raw or b"<!ENTITY" in raw:
            raise InputError(f"OFD 含有 DTD / {path} declares a DTD (refused)", source=self.source)
        try:
            return ElementTree.fromstring(raw)
        except ElementTree.ParseError as exc:
            raise InputError(f"OFD XML 无法解析 / {path}: {exc}", source=self.source) from None


def _resolve(base: str, loc: str) -> str:
    """OFD locations are relative to the referring file's folder, or absolute from the package root."""
    loc = loc.strip()
    if loc.startswith("/"):
        return loc.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), loc))


def _find(element: ElementTree.Element, tag: str) -> ElementTree.Element | None:
    return element.find(f".//{NS}{tag}")


def _text_of(element: ElementTree.Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def read_ofd(data: bytes, *, source: str | None = None) -> OfdDocument:
    """Read the first document of an OFD package: its text boxes, seal images and signatures."""
    package = _Package(data, source)
    root = package.xml("OFD.xml")
    body = _find(root, "DocBody")
    doc_root = _text_of(_find(body, "DocRoot")) if body is not None else ""
    if not doc_root:
        raise InputError("OFD 缺少 DocRoot / the OFD names no document", source=source)
    doc_path = _resolve("OFD.xml", doc_root)
    document = package.xml(doc_path)
    pages = document.findall(f".//{NS}Pages/{NS}Page")
    if len(pages) > MAX_PAGES:
        raise InputError(f"页数过多 / the OFD has more than {MAX_PAGES} pages", source=source)
    boxes: list[TextBox] = []
    for number, page in enumerate(pages, 1):
        content_path = _resolve(doc_path, page.get("BaseLoc", ""))
        boxes.extend(_page_boxes(package.xml(content_path), number))
    seals = sorted(n for n in package.names if "/Signs/" in f"/{n}" and _is_image(n))
    signatures_loc = _text_of(_find(body, "Signatures")) if body is not None else ""
    checks = _check_signatures(package, _resolve("OFD.xml", signatures_loc)) if signatures_loc else []
    return OfdDocument(tuple(boxes), tuple(seals), tuple(checks))


def _is_image(name: str) -> bool:
    return name.lower().rsplit(".", 1)[-1] in {"png", "jpg", "jpeg", "gif", "bmp", "tif", "tiff", "ofd"}


def _floats(text: str | None) -> list[float]:
    try:
        return [float(v) for v in (text or "").split()]
    except ValueError:
        return []


def _page_boxes(content: ElementTree.Element, page: int) -> list[TextBox]:
    """Each TextObject as a box in millimetres x 10 (the layout code needs only relative sizes)."""
    out = []
    for obj in content.iter(f"{NS}TextObject"):
        bounds = _floats(obj.get("Boundary"))
        text = "".join(code.text or "" for code in obj.iter(f"{NS}TextCode")).strip()
        if len(bounds) != 4 or not text:
            continue
        x, y, w, h = (v * 10 for v in bounds)
        quad = ((x, y), (x + w, y), (x + w, y + h), (x, y + h))
        out.append(TextBox(page, quad, text, 1.0))
    return out


def _check_signatures(package: _Package, signatures_path: str) -> list[SignatureCheck]:
    listing = package.xml(signatures_path)
    checks = []
    for entry in listing.iter(f"{NS}Signature"):
        path = _resolve(signatures_path, entry.get("BaseLoc", ""))
        checks.append(_check_one(package, path))
    return checks


def _check_one(package: _Package, path: str) -> SignatureCheck:
    from gmssl_pyx import sm3_hash

    signature = package.xml(path)
    references = _find(signature, "References")
    if references is None:
        return SignatureCheck(path, INVALID, "没有 References / no signed references")
    method = references.get("CheckMethod", "")
    if method not in SM3_NAMES:
        return SignatureCheck(path, INVALID, f"不支持的摘要算法 / unsupported digest {method}")
    for ref in references.iter(f"{NS}Reference"):
        target = _resolve(path, ref.get("FileRef", ""))
        try:
            expected = base64.b64decode(_text_of(_find(ref, "CheckValue")), validate=True)
        except ValueError:
            return SignatureCheck(path, INVALID, f"摘要值无法解码 / bad digest for {target}")
        if sm3_hash(package.read(target)) != expected:
            return SignatureCheck(path, INVALID, f"文件已被改动 / digest mismatch: {target}")
    value_loc = _text_of(_find(signature, "SignedValue"))
    if not value_loc:
        return SignatureCheck(path, INVALID, "没有签名值 / no SignedValue")
    from vats.ingest.ofd_ses import verify_ses

    ok, reason = verify_ses(package.read(_resolve(path, value_loc)), sm3_hash(package.read(path)))
    return SignatureCheck(path, VALID if ok else INVALID, reason)
