"""Validate sheet rows one by one and turn each valid row into licences.

A row's problems name its row number, the column as headed in the sheet, and what is wrong. An
`error` keeps the row out of the import; a `warning` is reported and the row imported (a licence
region that differs from the credit code's province, an unplaced qualifier, a split cell).

Licences built here say where they came from: `source.media_type` is `SHEET_ROW_MEDIA_TYPE` (no
licence document seen yet), `provenance` points every field at the sheet row, and a
`from_sheet` warning travels with the licence until a document replaces it. Checks against the
database (numbers already held by another organisation) belong to `vats.store.sheet`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

from vats.ingest.extract import default_title
from vats.ingest.sheet.cells import coverage_of, date_of, numbers_of, services_of, sites_of, text_of
from vats.ingest.sheet.columns import FIELDS, ColumnMap
from vats.ingest.sheet.limits import DEFAULT_LIMITS, SheetLimits
from vats.ingest.sheet.read import Cell, Sheet, SheetSource
from vats.ingest.sheet.seen import SeenStore
from vats.model.errors import InputError
from vats.model.licence import (
    SHEET_ROW_MEDIA_TYPE,
    DocumentSource,
    Issuer,
    Licence,
    ParseWarning,
    Service,
    Site,
    SourceSpan,
)
from vats.model.numbers import LicenceNumber
from vats.model.uscc import division_of, validate_uscc
from vats.reference import regions

ERROR = "error"
WARNING = "warning"
FROM_SHEET = "from_sheet"  # ParseWarning code of a licence known only from a spreadsheet row


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding about one cell (or the whole row when `field` is None)."""

    row: int
    column: str
    field: str | None
    message: str
    severity: str = ERROR


@dataclass(slots=True)
class RowResult:
    """A validated row: its licences (none when it has errors), credit code, owner and problems."""

    row: int
    values: dict[str, str]
    licences: tuple[Licence, ...] = ()
    uscc: str | None = None
    owner: str | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.severity == ERROR for p in self.problems)


class RowValidator:
    """Validates the rows of one sheet; remembers numbers and rows already seen (duplicates)."""

    def __init__(
        self,
        sheet_source: SheetSource,
        columns: ColumnMap,
        limits: SheetLimits = DEFAULT_LIMITS,
        *,
        seen: SeenStore | None = None,
    ):
        self.source = sheet_source
        self.columns = columns
        self.limits = limits
        self._indexes = [(i, name) for i, name in enumerate(columns.columns) if name is not None]
        # first row of each canonical number and of each row content digest (duplicates)
        self.seen = seen if seen is not None else SeenStore()

    def _problem(self, result: RowResult, name: str | None, message: str, severity: str = ERROR) -> None:
        column = self.columns.header_of(name) if name else ""
        result.problems.append(Problem(result.row, column, name, message, severity))

    def validate(self, number: int, cells: tuple[Cell, ...]) -> RowResult:
        result = RowResult(row=number, values={})
        raw: dict[str, Cell] = {}
        for i, name in self._indexes:
            cell = cells[i] if i < len(cells) else None
            raw[name] = cell
            try:
                text = text_of(cell) if name not in ("issue_date", "expiry_date") else _plain(cell)
            except ValueError as exc:
                self._problem(result, name, str(exc))
                text = ""
            if len(text) > self.limits.max_cell_chars:
                self._problem(result, name, f"内容过长 / longer than {self.limits.max_cell_chars} characters")
                text = ""
            result.values[name] = text
        digest = hashlib.blake2b("\x1f".join(result.values.values()).encode(), digest_size=16).hexdigest()
        first_row = int(self.seen.setdefault("row", digest, str(number)))
        if first_row != number:
            self._problem(result, None, f"与第 {first_row} 行重复 / duplicate of row {first_row}")
            return result
        if result.ok:
            self._build(result, raw)
        if not result.ok:
            result.licences = ()
        return result

    def _build(self, result: RowResult, raw: dict[str, Cell]) -> None:
        values = result.values
        company = values.get("company", "")
        if not company:
            self._problem(result, "company", "缺少公司名称 / company name is empty")
        infos = self._numbers_in(result, values.get("number", ""))
        uscc = self._uscc(result, values.get("uscc", ""), infos)
        dates: dict[str, date | None] = {}
        for name in ("issue_date", "expiry_date"):
            try:
                dates[name] = date_of(raw.get(name))
            except ValueError as exc:
                self._problem(result, name, str(exc))
                dates[name] = None
        issue, expiry = dates["issue_date"], dates["expiry_date"]
        if issue and expiry and expiry <= issue:
            self._problem(
                result, "expiry_date", f"有效期至早于发证日期 / expires {expiry} before issue {issue}"
            )
        if "expiry_date" in values and expiry is None and result.ok:
            self._problem(
                result, "expiry_date", "缺少有效期 / no expiry date: renewal cannot be scheduled", WARNING
            )
        coverage: tuple[str, ...] = ()
        try:
            coverage = coverage_of(values.get("coverage", ""))
        except ValueError as exc:
            self._problem(result, "coverage", str(exc))
        services: tuple[Service, ...] = ()
        try:
            services, notes = services_of(values.get("services", ""), coverage=coverage)
            for note in notes:
                self._problem(result, "services", note, WARNING)
        except ValueError as exc:
            self._problem(result, "services", str(exc))
        sites: tuple[Site, ...] = ()
        try:
            sites = sites_of(values.get("sites", ""), services=tuple(s.code for s in services))
        except ValueError as exc:
            self._problem(result, "sites", str(exc))
        if not result.ok:
            return
        result.uscc = uscc
        result.owner = values.get("owner") or None
        if len(infos) > 1:
            self._problem(
                result,
                "number",
                f"一格多个编号，已拆为 {len(infos)} 个许可证，其余各列共用 / "
                f"{len(infos)} numbers in one cell: one licence each, sharing the other columns",
                WARNING,
            )
        result.licences = tuple(
            self._licence(result, info, company, issue, expiry, services, sites) for info in infos
        )

    def _numbers_in(self, result: RowResult, text: str) -> list[LicenceNumber]:
        try:
            infos = numbers_of(text)
        except ValueError as exc:
            self._problem(result, "number", str(exc))
            return []
        for info in infos:
            first = int(self.seen.setdefault("number", info.canonical, str(result.row)))
            if first != result.row:
                self._problem(
                    result,
                    "number",
                    f"编号 {info.canonical} 已见于第 {first} 行 / number repeated from row {first}",
                )
        return infos

    def _uscc(self, result: RowResult, text: str, infos: list[LicenceNumber]) -> str | None:
        if not text:
            return None
        try:
            code = validate_uscc(text, field="uscc")
        except InputError as exc:
            self._problem(result, "uscc", exc.message)
            return None
        home = regions.by_division(division_of(code))
        for info in infos:
            if (
                home is not None
                and info.region is not None
                and not info.cross_regional
                and info.region != home.code
            ):
                self._problem(
                    result,
                    "number",
                    f"编号地区（{info.region_name}）与信用代码登记地（{home.name}）不一致 / "
                    f"the number's region {info.region} differs from the credit code's {home.code}",
                    WARNING,
                )
        return code

    def _licence(
        self,
        result: RowResult,
        info: LicenceNumber,
        company: str,
        issue: date | None,
        expiry: date | None,
        services: tuple[Service, ...],
        sites: tuple[Site, ...],
    ) -> Licence:
        if not info.cross_regional and info.region_name:  # a provincial licence covers its province
            services = tuple(
                s if s.coverage else _with_coverage(s, (info.region_name,), stated=False) for s in services
            )
        span = SourceSpan(result.row, result.row)
        provenance = {name: span for name in result.values if result.values[name] and name in FIELDS}
        row_digest = hashlib.sha256(f"{self.source.sha256}:{result.row}".encode()).hexdigest()
        return Licence(
            number=info.canonical,
            number_info=info,
            company=company,
            title=default_title(info),
            legal_representative=result.values.get("legal_representative") or None,
            issuer=Issuer(info.issuer, stated=False) if info.issuer else None,
            issue_date=issue,
            expiry_date=expiry,
            services=services,
            sites=sites,
            warnings=(
                ParseWarning(
                    FROM_SHEET,
                    f"来自表格 {self.source.name} 第 {result.row} 行，尚无许可证文件，数据未经核实 / from "
                    f"row {result.row} of {self.source.name}, no licence document yet: unverified",
                    line=result.row,
                ),
            ),
            provenance=MappingProxyType(provenance),
            source=DocumentSource(
                path=f"{self.source.name}#{result.row}",
                encoding=self.source.encoding,
                sha256=row_digest,
                media_type=SHEET_ROW_MEDIA_TYPE,
            ),
        )


def _with_coverage(service: Service, coverage: tuple[str, ...], *, stated: bool) -> Service:
    from dataclasses import replace

    return replace(service, coverage=coverage, coverage_stated=stated)


def _plain(cell: Cell) -> str:
    """A date cell kept as typed, for the report (the date itself is read by `date_of`)."""
    if cell is None:
        return ""
    if hasattr(cell, "isoformat"):
        return str(cell.isoformat())[:10]
    return text_of(cell)


def validate_sheet(
    sheet: Sheet, columns: ColumnMap, limits: SheetLimits = DEFAULT_LIMITS
) -> Iterator[RowResult]:
    """Every data row of `sheet`, validated, in order (streamed: one row in memory at a time)."""
    with SeenStore() as seen:
        validator = RowValidator(sheet.source, columns, limits, seen=seen)
        for number, cells in sheet.rows:
            yield validator.validate(number, cells)
