"""Every article and item of the reference licence's special provisions maps to rules or is informational."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from provisions_text import split_provisions

from vats.model.licence import Provision, ProvisionItem
from vats.model.numerals import to_cn as zh_number
from vats.reference.rules_library import default_library
from vats.rules.library import coverage, standard_coverage


def test_splitter_sees_sixteen_articles(seed_text: str) -> None:
    provisions = split_provisions(seed_text)
    assert [p.number for p in provisions] == list(range(1, 17))
    assert len(provisions[14].items) == 13 and len(provisions[15].items) == 7


def test_reference_licence_fully_covered(seed_text: str) -> None:
    rows = coverage(split_provisions(seed_text))
    assert len(rows) == 16 + 13 + 7
    unmapped = [r.label for r in rows if not r.mapped]
    assert unmapped == []
    rule_ids = {r.id for r in default_library().rules}
    for row in rows:
        assert set(row.rules) <= rule_ids
        assert row.rules or (row.informational and row.informational.zh and row.informational.en)


def test_reference_licence_covered_through_read_licence(seed_path: Path) -> None:
    from vats.ingest.document import read_licence

    licence = read_licence(seed_path)
    rows = coverage(licence.provisions)
    assert len(rows) >= 36
    assert [r.label for r in rows if not r.mapped] == []


def test_different_wording_is_unmapped_not_guessed() -> None:
    odd = Provision(14, "你公司应当每半年报送一次经营情况。")
    assert not coverage([odd])[0].mapped


def test_fingerprint_ignores_whitespace(seed_text: str) -> None:
    p = split_provisions(seed_text)[8]
    spaced = replace(p, text=" ".join(p.text))
    assert coverage([spaced])[0].rules == ("illegal_info.report", "retention.network_logs")


def test_item_numbers_matter(seed_text: str) -> None:
    p = split_provisions(seed_text)[15]
    moved = replace(p, items=(ProvisionItem(9, p.items[2].text),))
    assert not coverage([moved])[1].mapped


def test_every_rule_citing_the_licence_is_in_the_map() -> None:
    mapped = {rid for row in standard_coverage() for rid in row.rules}
    citing = {r.id for r in default_library().rules if any(s.ref.reliability == "licence" for s in r.sources)}
    assert citing <= mapped
    assert mapped <= {r.id for r in default_library().rules}


def test_zh_number() -> None:
    assert [zh_number(n) for n in (1, 10, 11, 16, 20, 23)] == ["一", "十", "十一", "十六", "二十", "二十三"]
