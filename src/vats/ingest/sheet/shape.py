"""A licence as one sheet row, in the shape `validate_sheet` reads back (export → import round trip).

Coverage goes in the 覆盖范围 column when every business type states the same one; coverage a
document only implies (a provincial licence covering its province) is left out so that reading the
row infers it again; differing coverage is written per business type (`…,覆盖范围:北京市、上海市`).
"""

from __future__ import annotations

from vats.ingest.sheet.cells import service_text, site_text
from vats.ingest.sheet.columns import FIELDS
from vats.model.licence import Licence


def licence_row(licence: Licence, *, uscc: str | None = None, owner: str | None = None) -> dict[str, str]:
    """{field: cell text} for every field of `FIELDS`."""
    stated = [s for s in licence.services if s.coverage_stated and s.coverage]
    shared: tuple[str, ...] = ()
    if stated and len(stated) == len(licence.services) and len({s.coverage for s in stated}) == 1:
        shared = stated[0].coverage
    lines = []
    for service in licence.services:
        text = service_text(service)
        if service.coverage_stated and service.coverage and not shared:
            text += ",覆盖范围:" + "、".join(service.coverage)
        lines.append(text)
    row = {
        "company": licence.company,
        "uscc": uscc or "",
        "number": licence.number,
        "services": "\n".join(lines),
        "coverage": "、".join(shared),
        "issue_date": licence.issue_date.isoformat() if licence.issue_date else "",
        "expiry_date": licence.expiry_date.isoformat() if licence.expiry_date else "",
        "sites": "、".join(site_text(s) for s in licence.sites),
        "owner": owner or "",
        "legal_representative": licence.legal_representative or "",
    }
    return {name: row[name] for name in FIELDS}


def header_row() -> list[str]:
    """The export's header: the Chinese labels, which `map_columns` recognises."""
    return list(FIELDS.values())
