"""A tiny PDF writer for tests: real PDFs with a Chinese text layer, or with none (a "scan").

No PDF library in the dependencies writes CJK text, so this builds the file by hand: a Type0
font with Identity-H encoding and a ToUnicode CMap is all a text extractor needs (the glyphs
themselves are never drawn). `wrap` breaks long lines like a PDF page would.
"""

from __future__ import annotations


def _pdf(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _stream(data: bytes) -> bytes:
    return f"<< /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"


def text_pdf(text: str, *, wrap: int = 40, lines_per_page: int = 60) -> bytes:
    """A PDF whose text layer holds `text` (long lines wrapped at `wrap` characters)."""
    lines: list[str] = []
    for line in text.splitlines():
        lines += [line[i : i + wrap] for i in range(0, len(line), wrap)] or [""]
    cids: dict[str, int] = {}
    for ch in "".join(lines):
        cids.setdefault(ch, len(cids) + 1)
    pages = [lines[i : i + lines_per_page] for i in range(0, len(lines), lines_per_page)] or [[]]
    n_pages = len(pages)
    # objects: 1 catalog, 2 pages, 3 font, 4 cidfont, 5 tounicode, 6 descriptor, then page+content pairs
    kids = " ".join(f"{7 + 2 * i} 0 R" for i in range(n_pages))
    bfchar = []
    items = sorted(cids.items(), key=lambda kv: kv[1])
    for start in range(0, len(items), 100):
        chunk = items[start : start + 100]
        bfchar.append(f"{len(chunk)} beginbfchar")
        bfchar += [
            f"<{cid:04X}> <{''.join(f'{b:02X}' for b in ch.encode('utf-16-be'))}>" for ch, cid in chunk
        ]
        bfchar.append("endbfchar")
    cmap = "\n".join(
        [
            "/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
            "/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
            "1 begincodespacerange <0000> <FFFF> endcodespacerange",
            *bfchar,
            "endcmap CMapName currentdict /CMap defineresource pop end end",
        ]
    ).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode(),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H "
        b"/DescendantFonts [4 0 R] /ToUnicode 5 0 R >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo << /Registry (Adobe) "
        b"/Ordering (Identity) /Supplement 0 >> /FontDescriptor 6 0 R /DW 1000 >>",
        _stream(cmap),
        b"<< /Type /FontDescriptor /FontName /SimSun /Flags 4 /FontBBox [0 -120 1000 880] /ItalicAngle 0 "
        b"/Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>",
    ]
    for index, page in enumerate(pages):
        ops = ["BT", "/F1 10 Tf", "12 TL", "30 810 Td"]
        for line in page:
            hexed = "".join(f"{cids[ch]:04X}" for ch in line)
            ops.append(f"<{hexed}> Tj T*")
        ops.append("ET")
        content_ref = 8 + 2 * index
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
            f"/Contents {content_ref} 0 R >>".encode()
        )
        objects.append(_stream("\n".join(ops).encode()))
    return _pdf(objects)


def scanned_pdf() -> bytes:
    """A one-page PDF with no text layer (a grey rectangle stands in for the scanned image)."""
    content = _stream(b"0.5 g 50 50 495 742 re f")
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            content,
        ]
    )


def zeros_flate(mib: int) -> bytes:
    """A zlib stream inflating to `mib` MiB of zeros, built from one repeated deflate block.

    Blocks ending in a full flush do not refer back, so one compressed MiB repeated `mib` times is a
    valid stream; only the Adler-32 trailer is computed over the whole (cheaply, MiB by MiB)."""
    import zlib

    zeros = b"\0" * (1 << 20)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = packer.compress(zeros) + packer.flush(zlib.Z_FULL_FLUSH)
    adler = 1
    for _ in range(mib):
        adler = zlib.adler32(zeros, adler)
    final = zlib.compressobj(9, zlib.DEFLATED, -15).flush()  # an empty last block
    return b"\x78\xda" + block * mib + final + adler.to_bytes(4, "big")


def bomb_pdf(mib: int) -> bytes:
    """A one-page PDF whose Flate content stream inflates to `mib` MiB."""
    data = zeros_flate(mib)
    content = f"<< /Length {len(data)} /Filter /FlateDecode >>\nstream\n".encode() + data + b"\nendstream"
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            content,
        ]
    )
