"""`vats parse` and `vats schema` through the real CLI process: output shapes, and every kind of
bad input answered with a clear message, exit code 2 and no traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from vats.ingest.decode import MAX_DOCUMENT_BYTES

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "licences"


def vats(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "vats.cli.main", *args],
        input=stdin,
        capture_output=True,
        timeout=60,
        check=False,
    )
    return subprocess.CompletedProcess(
        proc.args, proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")
    )


def test_parse_json_has_the_published_keys(seed_path: Path) -> None:
    result = vats("parse", str(seed_path), "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    for key in (
        "number",
        "number_info",
        "company",
        "legal_representative",
        "issuer",
        "issue_date",
        "expiry_date",
        "services",
        "sites",
        "provisions",
        "copy_restriction",
        "warnings",
    ):
        assert key in data
    assert (data["number"], data["issue_date"], data["expiry_date"]) == (
        "渝B2-20210467",
        "2026-05-20",
        "2026-10-20",
    )
    assert data["issuer"] == {"name": "重庆市通信管理局", "stated": False}
    assert set(data["services"][0]) >= {"code", "name", "limited_to", "excludes", "coverage"}
    assert data["sites"][3]["kind"] == "app" and data["sites"][3]["services"] == ["B25", "B21"]
    assert set(data["sites"][0]) >= {
        "kind",
        "name",
        "domain",
        "server_location",
        "access_providers",
        "app_stores",
    }
    assert [len(p["items"]) for p in data["provisions"]][-2:] == [13, 7]
    assert data["provenance"]["company"] == {"first_line": 9, "last_line": 9}


def test_parse_text_summary(seed_path: Path) -> None:
    result = vats("parse", str(seed_path), "--format", "text")
    assert result.returncode == 0, result.stderr
    for needle in (
        "渝B2-20210467",
        "重庆万象优车科技有限公司",
        "inferred",
        "dcarapi.com",
        "16 条",
        "pp store",
    ):
        assert needle in result.stdout


def test_parse_reads_stdin(seed_path: Path) -> None:
    result = vats("parse", "-", stdin=seed_path.read_bytes())
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["company"] == "重庆万象优车科技有限公司"
    assert data["source"]["path"] == "<stdin>"


def test_truncated_with_number_and_company_parses_with_a_warning(seed_text: str, tmp_path: Path) -> None:
    path = tmp_path / "main_page_only.txt"
    path.write_text("\n".join(seed_text.splitlines()[:26]), encoding="utf-8")
    result = vats("parse", str(path))
    assert result.returncode == 0, result.stderr
    assert "truncated" in [w["code"] for w in json.loads(result.stdout)["warnings"]]


def _sparse(path: Path, size: int) -> Path:
    with path.open("wb") as handle:
        handle.truncate(size)
    return path


BAD_INPUTS = {
    "empty": (lambda d: _write(d / "empty.txt", b""), "empty"),
    "binary": (lambda d: _write(d / "archive.zip", b"PK\x03\x04\x14\x00\x00\x00\x08\x00" * 10), "binary"),
    "corrupt image": (
        lambda d: _write(d / "scan.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10),
        "not a readable image",
    ),
    "scanned pdf without text": (lambda d: FIXTURES / "scanned_no_text.pdf", "no text was found on the scan"),
    "broken pdf": (lambda d: _write(d / "b.pdf", b"%PDF-1.7\n\x00garbage"), "PDF"),
    "not a licence": (lambda d: FIXTURES / "not_a_licence.txt", "not a licence"),
    "50 MB": (lambda d: _sparse(d / "huge.txt", 50 * 1024 * 1024), "too large"),
    "wrong encoding": (
        lambda d: _write(d / "latin1.txt", "Licence: café, résumé".encode("latin-1")),
        "cannot decode",
    ),
    "cut before the company": (
        lambda d: _write(
            d / "cut.txt", "中华人民共和国增值电信业务经营许可证\n经营许可证编号:渝B2-20210467\n".encode()
        ),
        "公司名称",
    ),
    "missing file": (lambda d: d / "nope.txt", "no such file"),
    "20000x20000 image": (lambda d: _write(d / "bomb.png", _png_header(20_000, 20_000)), "too large"),
    "500-page pdf": (lambda d: _write(d / "long.pdf", _blank_pdf(500)), "more than 200 pages"),
    "image with no text": (lambda d: _write(d / "white.png", _white_png()), "no text was found"),
    "directory": (lambda d: d, "directory"),
}


def _png_header(width: int, height: int) -> bytes:
    """A PNG declaring a huge size with almost no data: a decompression bomb."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
    return b"\x89PNG\r\n\x1a\n" + ihdr + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def _blank_pdf(pages: int) -> bytes:
    import io

    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    for _ in range(pages):
        pdf.new_page(595, 842)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _white_png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (800, 600), "white").save(out, "PNG")
    return out.getvalue()


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_exits_2_with_a_clear_message(case: str, tmp_path: Path) -> None:
    make, needle = BAD_INPUTS[case]
    path = make(tmp_path)
    result = vats("parse", str(path))
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert needle in result.stderr
    assert str(path) in result.stderr  # the message names the file
    assert "Traceback" not in result.stderr
    assert result.stdout == ""  # nothing half-written


def test_the_size_cap_is_documented_and_below_50_mb() -> None:
    assert MAX_DOCUMENT_BYTES < 50 * 1024 * 1024


def test_oversized_stdin_is_refused() -> None:
    result = vats("parse", "-", stdin=b"x" * (MAX_DOCUMENT_BYTES + 10))
    assert result.returncode == 2
    assert "<stdin>" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("name", ["licence", "finding", "obligation"])
def test_schema_commands_print_json_schema(name: str) -> None:
    result = vats("schema", name)
    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert schema["type"] == "object"
    if name == "licence":
        assert {"number", "company", "services", "sites", "provisions", "warnings"} <= set(
            schema["properties"]
        )


def test_parse_output_matches_the_licence_schema(seed_path: Path) -> None:
    """The JSON `vats parse` prints validates as the published model (via pydantic, in-process)."""
    from vats.ingest.document import read_licence
    from vats.model.licence import Licence
    from vats.model.serialise import from_jsonable

    data = json.loads(vats("parse", str(seed_path)).stdout)
    assert from_jsonable(Licence, data) == read_licence(seed_path)


def test_parse_pdf_with_a_text_layer() -> None:
    result = vats("parse", str(FIXTURES / "multi_service_coverage.pdf"))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["source"]["media_type"] == "application/pdf"
    assert [s["code"] for s in data["services"]] == ["B25", "B21", "B24"]


def test_bom_and_crlf_are_detected_and_reported(seed_text: str, tmp_path: Path) -> None:
    path = tmp_path / "windows.txt"
    path.write_bytes(b"\xef\xbb\xbf" + seed_text.replace("\n", "\r\n").encode("utf-8"))
    data = json.loads(vats("parse", str(path)).stdout)
    assert data["source"]["encoding"] == "utf-8-sig"
    assert data["company"] == "重庆万象优车科技有限公司"
    assert len(data["sites"]) == 5
    assert data["provenance"]["company"] == {"first_line": 9, "last_line": 9}


def test_an_ofd_e_licence_shows_its_signature_check(tmp_path: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ingest"))
    from ofd_factory import ofd_package

    path = tmp_path / "e.ofd"
    path.write_bytes(
        ofd_package(
            [
                [
                    "中华人民共和国增值电信业务经营许可证",
                    "经营许可证编号:渝B2-20210467",
                    "公司名称:重庆万象优车科技有限公司",
                ]
            ],
            signed=True,
        )
    )
    data = json.loads(vats("parse", str(path)).stdout)
    assert (data["number"], data["signature"]) == ("渝B2-20210467", "签名有效")
    assert data["seal_images"] == ["Doc_0/Signs/Sign_0/seal.png"]
    text = vats("parse", str(path), "--format", "text")
    assert "电子签章 / Electronic seal: 签名有效" in text.stdout


def test_several_files_must_all_be_scans(tmp_path: Path) -> None:
    result = vats(
        "parse", str(FIXTURES / "cross_regional_b1b2.txt"), str(FIXTURES / "old_icp_certificate.txt")
    )
    assert result.returncode == 2 and "scanned pages of one licence" in result.stderr
