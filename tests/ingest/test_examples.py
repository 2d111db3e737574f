"""The bundled example portfolio parses cleanly and covers the layouts the demo relies on."""

from __future__ import annotations

from datetime import date

from vats.ingest.document import read_licence
from vats.model.licence import LicenceTitle, SiteKind
from vats.reference.examples import example_events_path, example_inventory_path, example_paths


def test_every_example_licence_parses_without_surprises() -> None:
    licences = [read_licence(path) for path in example_paths()]
    assert [lic.number for lic in licences] == [
        "京B2-20230123",
        "B1.B2-20220088",
        "浙ICP证080456号",
        "渝B2-20220315",
    ]
    for licence in licences:
        assert {w.code for w in licence.warnings} <= {"duplicate_fragment"}, licence.warnings
    beijing, cross, icp, expiring = licences
    assert [s.code for s in beijing.services] == ["B25", "B21"]
    assert [(s.kind, s.services) for s in beijing.sites] == [
        (SiteKind.WEBSITE, ("B25", "B21")),
        (SiteKind.APP, ("B25", "B21")),
    ]
    assert cross.title == LicenceTitle.CROSS_REGIONAL.value
    assert [(s.code, s.coverage) for s in cross.services][:2] == [
        ("B11", ("北京市", "上海市", "广东省")),
        ("B12", ("全国",)),
    ]
    assert icp.title == LicenceTitle.ICP.value and icp.provisions == ()
    assert expiring.expiry_date == date(2027, 3, 31)
    assert len(expiring.provisions) == 16
    assert any(w.code == "duplicate_fragment" for w in expiring.warnings)  # it is the noisy one


def test_events_and_inventory_files_exist() -> None:
    assert example_events_path().is_file() and example_inventory_path().is_file()


def test_examples_survive_a_render_round_trip() -> None:
    from vats.ingest.document import parse_licence_text
    from vats.ingest.render import render_licence

    for path in example_paths():
        licence = read_licence(path)
        assert parse_licence_text(render_licence(licence)).essentials() == licence.essentials()
