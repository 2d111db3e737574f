"""The electronic-seal signature of an OFD (GB/T 38540 `SES_Signature`), checked with SM3 and SM2.

Only what the check needs is decoded, with a small DER walker (no ASN.1 dependency):

    SES_Signature ::= SEQUENCE { toSign TBS_Sign, cert OCTET STRING, signatureAlgID OID,
                                 signature BIT STRING, timeStamp [0] OPTIONAL }
    TBS_Sign      ::= SEQUENCE { version INTEGER, eseal SES_Seal, timeInfo GeneralizedTime,
                                 dataHash BIT STRING, propertyInfo IA5String, ... }

`dataHash` must be the SM3 digest of `Signature.xml`; `signature` must verify over the DER of
`toSign` with the public key of `cert` (an X.509 certificate; its SubjectPublicKeyInfo is read)
and the default SM2 signer ID 1234567812345678 (GM/T 0009).
"""

from __future__ import annotations

Node = tuple[int, int, int]  # tag, content start, content end


def _node(data: bytes, at: int) -> tuple[Node, int]:
    """The TLV at `at` and the offset just past it; ValueError when it runs off the data."""
    if at + 2 > len(data):
        raise ValueError("truncated DER")
    tag = data[at]
    length = data[at + 1]
    at += 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4 or at + count > len(data):
            raise ValueError("bad DER length")
        length = int.from_bytes(data[at : at + count], "big")
        at += count
    end = at + length
    if end > len(data):
        raise ValueError("DER runs past the data")
    return (tag, at, end), end


def children(data: bytes, node: Node) -> list[Node]:
    """The TLVs inside a constructed node, in order."""
    out = []
    at = node[1]
    while at < node[2]:
        child, at = _node(data, at)
        out.append(child)
    return out


def _bits(data: bytes, node: Node) -> bytes:
    """A BIT STRING's bytes (no unused bits are expected in digests, keys or signatures)."""
    return data[node[1] + 1 : node[2]]


def public_key(cert: bytes) -> bytes:
    """The 64-byte SM2 public key (X || Y) from an X.509 certificate's SubjectPublicKeyInfo."""
    top, _ = _node(cert, 0)
    tbs = children(cert, children(cert, top)[0])
    if tbs and tbs[0][0] == 0xA0:  # explicit [0] version
        tbs = tbs[1:]
    spki = children(cert, tbs[5])
    key = _bits(cert, spki[1])
    if len(key) != 65 or key[0] != 0x04:
        raise ValueError("not an uncompressed SM2 public key")
    return key[1:]


def verify_ses(value: bytes, signed_file_digest: bytes) -> tuple[bool, str]:
    """Check one SES_Signature; (ok, reason in Chinese and English)."""
    from gmssl_pyx import sm2_verify

    try:
        top, _ = _node(value, 0)
        parts = children(value, top)
        to_sign, cert, _alg, signature = parts[0], parts[1], parts[2], parts[3]
        tbs_fields = children(value, to_sign)
        data_hash = _bits(value, tbs_fields[3])
        key = public_key(value[cert[1] : cert[2]])
    except (ValueError, IndexError):
        return False, "签名值无法解析 / the signature value is not an SES_Signature"
    if data_hash != signed_file_digest:
        return False, "签名文件摘要不符 / Signature.xml does not match the signed digest"
    tbs_der = value[to_sign[1] - _header_size(value, to_sign) : to_sign[2]]
    if not sm2_verify(key, tbs_der, _bits(value, signature)):
        return False, "SM2 签名验证失败 / the SM2 signature does not verify"
    return True, "摘要与 SM2 签名均验证通过 / digests and the SM2 signature verify (chain not checked)"


def _header_size(data: bytes, node: Node) -> int:
    """Bytes of tag and length before a node's content (to slice the node's whole DER)."""
    for size in range(2, 7):
        start = node[1] - size
        if start >= 0:
            try:
                found, end = _node(data, start)
            except ValueError:
                continue
            if found == node and end == node[2]:
                return size
    raise ValueError("cannot locate the DER header")
