"""OFD e-licences: text through the same extractor, seal images named, signatures checked with SM3
and SM2 and recorded as 签名有效 / 签名无效 / 无签名; hostile packages refused."""

from __future__ import annotations

import io
import zipfile

import pytest

try:
    from ofd_factory import ofd_package
except ImportError:  # pragma: no cover - if tests/ ever becomes a package
    from tests.ingest.ofd_factory import ofd_package

from vats.ingest.document import parse_document_bytes, parse_licence_text
from vats.ingest.ofd import INVALID, UNSIGNED, VALID, is_ofd, read_ofd
from vats.model.errors import InputError

MAIN = [
    "中华人民共和国增值电信业务经营许可证",
    "经营许可证编号:渝B2-20210467",
    "公司名称:重庆万象优车科技有限公司",
    "法定代表人:马骏",
    "发证机关(盖章):",
    "发证日期:2026年05月20日",
    "有效期至:2026年10月20日",
]
APPENDIX = [
    "重庆万象优车科技有限公司获准经营的业务种类、服务项目和业务覆盖范围",
    "信息服务业务(仅限互联网信息服务)",
]


def test_an_ofd_parses_like_its_text() -> None:
    parsed = parse_document_bytes(ofd_package([MAIN, APPENDIX]), source_name="e.ofd")
    expected = parse_licence_text("\n".join([*MAIN, "", *APPENDIX]))
    assert parsed.licence.essentials() == expected.essentials()
    assert parsed.licence.source is not None and parsed.licence.source.media_type == "application/ofd"
    assert parsed.ofd is not None and parsed.ofd.signature_result == UNSIGNED


def test_a_sealed_ofd_verifies_and_names_its_seal_image() -> None:
    document = read_ofd(ofd_package([MAIN], signed=True))
    assert document.signature_result == VALID, document.signatures
    assert document.seal_images == ("Doc_0/Signs/Sign_0/seal.png",)


@pytest.mark.parametrize(("change", "reason"), [("tamper", "digest mismatch"), ("wrong_key", "SM2")])
def test_a_changed_page_or_a_foreign_key_is_invalid(change: str, reason: str) -> None:
    document = read_ofd(ofd_package([MAIN], signed=True, **{change: True}))
    assert document.signature_result == INVALID
    assert reason in document.signatures[0].reason


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in entries.items():
            archive.writestr(name, body)
    return out.getvalue()


@pytest.mark.parametrize(
    ("entries", "needle"),
    [
        ({"OFD.xml": b"\0" * 50_000_000}, "expands too much"),
        ({"OFD.xml": b'<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'}, "DTD"),
        ({"OFD.xml": b"<ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'/>"}, "names no document"),
        ({"OFD.xml": b"<not xml"}, "XML"),
    ],
    ids=["zip-bomb", "dtd", "no-docroot", "broken-xml"],
)
def test_hostile_or_broken_packages_are_input_errors(entries: dict[str, bytes], needle: str) -> None:
    data = _zip(entries)
    assert is_ofd(data)
    with pytest.raises(InputError, match=needle):
        parse_document_bytes(data, source_name="bad.ofd")
