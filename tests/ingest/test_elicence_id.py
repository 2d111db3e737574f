"""GB/T 36904 e-licence identifiers: shape, ISO 7064 MOD 37,36 check character, finding in text."""

from __future__ import annotations

import pytest

from vats.ingest.elicence_id import find_identifiers, mod37_36, parse_identifier
from vats.model.errors import InputError

#: The example identifier seen in public code implementing the standard (see next-capabilities §1).
SEEN = "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U"


def test_the_seen_identifier_parses_and_its_check_character_is_right() -> None:
    parsed = parse_identifier(SEEN)
    assert (parsed.type_code, parsed.issuer_code, parsed.serial, parsed.version, parsed.check) == (
        "11100000000013338W011",
        "11430000006122244L",
        "20230000403",
        "001",
        "U",
    )
    assert parsed.check_ok


@pytest.mark.parametrize("wrong", ["V", "0", "Z"])
def test_a_wrong_check_character_is_reported_not_refused(wrong: str) -> None:
    assert not parse_identifier(SEEN[:-1] + wrong).check_ok


def test_every_single_character_change_in_the_payload_changes_the_check() -> None:
    payload = "11100000000013338W011" + "11430000006122244L" + "20230000403" + "001"
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    for i, char in enumerate(payload):
        for other in alphabet.replace(char, "")[:5]:
            assert mod37_36(payload[:i] + other + payload[i + 1 :]) != "U"


@pytest.mark.parametrize(
    "bad",
    [
        "1.2.156.3005.1.111.11430000006122244L.1.001.U",
        "渝B2-20210467",
        SEEN + ".X",
        "1.2.156.3005.2." + "1" * 300,
    ],
)
def test_other_shapes_are_input_errors_naming_the_field(bad: str) -> None:
    with pytest.raises(InputError) as info:
        parse_identifier(bad)
    assert info.value.field == "identifier"


def test_identifiers_are_found_in_ocr_text_and_qr_payloads() -> None:
    text = f"证照标识:{SEEN}\nhttps://example.invalid/v?id={SEEN.lower()}&x=1"
    found = find_identifiers(text)
    assert [f.identifier for f in found] == [SEEN]
