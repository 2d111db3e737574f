"""Small OFD packages for the tests, built in memory: text pages, and an SES seal signature made
with a fresh SM2 key (SM3 digests of the signed files, SM2 over the DER of TBS_Sign)."""

from __future__ import annotations

import base64
import io
import zipfile

NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'


def der(tag: int, content: bytes) -> bytes:
    length = len(content)
    if length < 0x80:
        head = bytes([length])
    else:
        raw = length.to_bytes((length.bit_length() + 7) // 8, "big")
        head = bytes([0x80 | len(raw)]) + raw
    return bytes([tag]) + head + content


def seq(*parts: bytes) -> bytes:
    return der(0x30, b"".join(parts))


def bits(value: bytes) -> bytes:
    return der(0x03, b"\x00" + value)


SM2_OID = der(0x06, bytes.fromhex("2a811ccf55018203"))  # 1.2.156.10197.1.301
SM3_SM2_OID = der(0x06, bytes.fromhex("2a811ccf550183 75".replace(" ", "")))  # 1.2.156.10197.1.501


def certificate(public: bytes) -> bytes:
    """A minimal X.509 shape around an SM2 public key (the check reads only the key)."""
    name = seq(der(0x31, seq(der(0x06, b"\x55\x04\x03"), der(0x0C, "测试签章".encode()))))
    validity = seq(der(0x18, b"20260101000000Z"), der(0x18, b"20300101000000Z"))
    spki = seq(seq(der(0x06, b"\x2a\x86\x48\xce\x3d\x02\x01"), SM2_OID), bits(b"\x04" + public))
    tbs = seq(der(0xA0, der(0x02, b"\x02")), der(0x02, b"\x01"), seq(SM3_SM2_OID), name, validity, name, spki)
    return seq(tbs, seq(SM3_SM2_OID), bits(b"\x00" * 64))


def ses_signature(signature_xml: bytes, public: bytes, private: bytes) -> bytes:
    from gmssl_pyx import sm2_sign, sm3_hash

    seal = seq(der(0x16, b"ES"), der(0x16, b"seal"))
    to_sign = seq(
        der(0x02, b"\x04"),
        seal,
        der(0x18, b"20260520000000Z"),
        bits(sm3_hash(signature_xml)),
        der(0x16, b"/Doc_0/Signs/Sign_0/Signature.xml"),
    )
    signature = sm2_sign(private, public, to_sign)
    return seq(to_sign, der(0x04, certificate(public)), SM3_SM2_OID, bits(signature))


def content_xml(lines: list[str]) -> bytes:
    objects = "".join(
        f'<ofd:TextObject ID="{i + 10}" Boundary="20 {20 + 8 * i} 170 6" Font="1" Size="4">'
        f'<ofd:TextCode X="0" Y="5">{line}</ofd:TextCode></ofd:TextObject>'
        for i, line in enumerate(lines)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page {NS}><ofd:Content><ofd:Layer ID="2">'
        f"{objects}</ofd:Layer></ofd:Content></ofd:Page>"
    ).encode()


def ofd_package(
    pages: list[list[str]],
    *,
    signed: bool = False,
    tamper: bool = False,
    wrong_key: bool = False,
    seal_image: bool = True,
) -> bytes:
    """An OFD of `pages` (lines of text each); optionally sealed, then optionally tampered with."""
    files: dict[str, bytes] = {}
    page_refs = "".join(
        f'<ofd:Page ID="{i + 1}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(pages))
    )
    files["Doc_0/Document.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document {NS}><ofd:CommonData><ofd:MaxUnitID>99'
        f"</ofd:MaxUnitID></ofd:CommonData><ofd:Pages>{page_refs}</ofd:Pages></ofd:Document>"
    ).encode()
    for i, lines in enumerate(pages):
        files[f"Doc_0/Pages/Page_{i}/Content.xml"] = content_xml(lines)
    signatures = ""
    if signed:
        from gmssl_pyx import sm2_key_generate, sm3_hash

        public, private = sm2_key_generate()
        if seal_image:
            files["Doc_0/Signs/Sign_0/seal.png"] = b"\x89PNG\r\n\x1a\n-seal-"
        refs = "".join(
            f'<ofd:Reference FileRef="/{name}"><ofd:CheckValue>'
            f"{base64.b64encode(sm3_hash(body)).decode()}</ofd:CheckValue></ofd:Reference>"
            for name, body in sorted(files.items())
        )
        signature_xml = (
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Signature {NS}><ofd:SignedInfo>'
            f'<ofd:Provider ProviderName="test"/>'
            f"<ofd:SignatureMethod>1.2.156.10197.1.501</ofd:SignatureMethod>"
            f'<ofd:References CheckMethod="1.2.156.10197.1.401">{refs}</ofd:References></ofd:SignedInfo>'
            f"<ofd:SignedValue>/Doc_0/Signs/Sign_0/SignedValue.dat</ofd:SignedValue></ofd:Signature>"
        ).encode()
        signer = sm2_key_generate()[1] if wrong_key else private  # another key signs: must not verify
        value = ses_signature(signature_xml, public, signer)
        files["Doc_0/Signs/Sign_0/Signature.xml"] = signature_xml
        files["Doc_0/Signs/Sign_0/SignedValue.dat"] = value
        files["Doc_0/Signs/Signatures.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Signatures {NS}>'
            f'<ofd:Signature ID="1" Type="Seal" BaseLoc="/Doc_0/Signs/Sign_0/Signature.xml"/>'
            f"</ofd:Signatures>"
        ).encode()
        signatures = "<ofd:Signatures>Doc_0/Signs/Signatures.xml</ofd:Signatures>"
        if tamper:
            files["Doc_0/Pages/Page_0/Content.xml"] = content_xml([*pages[0], "法定代表人:张三"])
    files["OFD.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD {NS} Version="1.0" DocType="OFD"><ofd:DocBody>'
        f"<ofd:DocInfo><ofd:DocID>test</ofd:DocID></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>"
        f"{signatures}</ofd:DocBody></ofd:OFD>"
    ).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in files.items():
            archive.writestr(name, body)
    return out.getvalue()
