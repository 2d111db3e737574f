"""Onboarding from a spreadsheet: preview (validate against the database) and import in one transaction.

The pure reading and row checks are `vats.ingest.sheet`; this module adds what needs the database,
each answered from ONE query made before the rows stream (never a query per row):

* numbers already stored — in the organisation the row goes to (import a document to update it) or
  held by another organisation (refused, without naming an organisation the caller cannot see);
* the row's organisation — matched by credit code, then by exact name, else created (only when the
  session may create organisations: the CLI operator and admins); a name whose stored code differs
  from the row's is refused; a caller limited to some organisations must name one of them;
* the owner (负责人) — a user matched by name or e-mail address (user names are often e-mails);
  an unknown owner is kept as text with a warning.

Each imported licence gets revision 1 whose content is the sheet row itself (media type
`SHEET_ROW_MEDIA_TYPE`): its provenance says "from a spreadsheet, no document yet", obligations are
derived at once (the obligation cache picks up new licences) and labelled as unverified by the
pages, and when the licence document is imported later it becomes revision 2, so the revision diff
shows where the sheet differed from the document. Sites and apps join the organisation's inventory
(existing entries are left as they are). Nothing is written unless every step succeeds: the caller's
transaction holds it all, and a refusal while streaming (row cap) rolls everything back.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vats.ingest.sheet import (
    DEFAULT_LIMITS,
    ERROR,
    WARNING,
    ColumnMap,
    Problem,
    RowResult,
    RowValidator,
    SheetLimits,
    SheetSource,
    map_columns,
    open_sheet,
)
from vats.ingest.sheet.seen import SeenStore
from vats.model.clock import now_utc
from vats.model.errors import NotFoundError
from vats.model.licence import SHEET_ROW_MEDIA_TYPE, Licence
from vats.model.serialise import to_jsonable
from vats.model.uscc import division_of
from vats.reference import regions
from vats.store.bulk import BulkLicence, bulk_import_licences
from vats.store.checks import InventoryItemRow
from vats.store.models import Actor, LicenceRecord, Organisation
from vats.store.scope import scope_of

MAX_PROBLEMS = 2000  # problems kept for the report; the count is always complete
SAMPLE_ROWS = 200  # rows kept for the preview table
SAMPLE_ORGANISATIONS = 200  # names of new organisations kept for the preview; the count is complete
BATCH = 2000


@dataclass(slots=True)
class SheetSummary:
    """What a preview found or an import did; `problems` capped at MAX_PROBLEMS, counts complete."""

    source: SheetSource
    columns: ColumnMap
    notices: list[str]
    rows: int = 0
    valid_rows: int = 0
    licences: int = 0
    errors: int = 0
    warnings: int = 0
    problems: list[Problem] = field(default_factory=list)
    sample: list[RowResult] = field(default_factory=list)
    new_organisations: list[str] = field(default_factory=list)  # the first SAMPLE_ORGANISATIONS, sorted
    new_organisation_count: int = 0
    imported: int = 0
    inventory_added: int = 0
    dry_run: bool = True

    @property
    def problems_truncated(self) -> bool:
        return self.errors + self.warnings > len(self.problems)


@dataclass(slots=True)
class _Org:
    id: int | None
    name: str
    uscc: str | None


class _Context:
    """Everything the rows are checked against, loaded once.

    Organisations the sheet will create are remembered in `seen` (which spills to disk for long
    sheets), keyed by name, with their credit code and, once written, their id."""

    def __init__(
        self, session: Session, *, organisation_id: int | None, can_create: bool, seen: SeenStore
    ) -> None:
        visible = scope_of(session).organisations
        self.visible: set[int] | None = set(visible) if visible is not None else None
        self.can_create = can_create and self.visible is None
        self.forced: _Org | None = None
        orgs = session.execute(select(Organisation.id, Organisation.name, Organisation.uscc)).all()
        self.by_code = {o.uscc: _Org(o.id, o.name, o.uscc) for o in orgs if o.uscc}
        self.by_name = {o.name: _Org(o.id, o.name, o.uscc) for o in orgs}
        if organisation_id is not None:
            found = next((_Org(o.id, o.name, o.uscc) for o in orgs if o.id == organisation_id), None)
            if found is None or not self._sees(found.id):
                raise NotFoundError("组织不存在 / organisation not found", field="organisation_id")
            self.forced = found
        self.numbers: dict[str, int | None] = dict(
            session.execute(select(LicenceRecord.number, LicenceRecord.organisation_id)).all()
        )
        users = session.execute(select(Actor.name).where(Actor.kind == "human")).scalars().all()
        self.users = {name.casefold(): name for name in users}
        self.seen = seen
        self.created_count = 0
        self.created_sample: list[str] = []

    def _sees(self, organisation_id: int | None) -> bool:
        return self.visible is None or organisation_id in self.visible

    def organisation(self, result: RowResult, company: str, column: Callable[[str], str]) -> _Org | None:
        if self.forced is not None:
            if result.uscc and self.forced.uscc and result.uscc != self.forced.uscc:
                _add(
                    result,
                    column,
                    "uscc",
                    "信用代码与所选组织不一致 / credit code differs from the chosen organisation",
                )
            return self.forced
        org = (self.by_code.get(result.uscc) or self._created_by_code(result.uscc)) if result.uscc else None
        if org is None:
            org = self.by_name.get(company) or self._created(company)
            if org is not None and result.uscc and org.uscc and org.uscc != result.uscc:
                _add(
                    result,
                    column,
                    "uscc",
                    "同名组织的信用代码不同 / an organisation of this name has another credit code",
                )
                return None
        if org is not None and org.id is not None and not self._sees(org.id):
            org = None  # another tenant's organisation answers like a missing one
            if not self.can_create:
                _add(result, column, "company", _NO_ORG)
                return None
            _add(result, column, "company", "组织名称已被占用 / the organisation name is taken")
            return None
        if org is None:
            if not self.can_create:
                _add(result, column, "company", _NO_ORG)
                return None
            org = _Org(None, company, result.uscc)
            self.remember(org)
            self.created_count += 1
            if len(self.created_sample) < SAMPLE_ORGANISATIONS:
                self.created_sample.append(company)
            if result.uscc:
                self.seen.put("code", result.uscc, company)
        return org

    def _created(self, name: str) -> _Org | None:
        stored = self.seen.get("org", name)
        if stored is None:
            return None
        uscc, org_id = json.loads(stored)
        return _Org(org_id, name, uscc)

    def _created_by_code(self, uscc: str) -> _Org | None:
        name = self.seen.get("code", uscc)
        return None if name is None else self._created(name)

    def remember(self, org: _Org) -> None:
        """Note an organisation the sheet creates (again once it has its id)."""
        self.seen.put("org", org.name, json.dumps([org.uscc, org.id]))

    def owner(self, result: RowResult, column: Callable[[str], str]) -> str | None:
        if not result.owner:
            return None
        found = self.users.get(result.owner.casefold())
        if found is None:
            _add(
                result,
                column,
                "owner",
                f"负责人不是已知用户，按文本保存 / owner {result.owner!r} is not a user",
                WARNING,
            )
            return result.owner
        return found

    def check_numbers(self, result: RowResult, org: _Org | None, column: Callable[[str], str]) -> None:
        for licence in result.licences:
            if licence.number not in self.numbers:
                continue
            holder = self.numbers[licence.number]
            if org is not None and holder == org.id and org.id is not None:
                message = (
                    "许可证已登记，请上传许可证文件更新 / already stored: upload its document to update it"
                )
            elif self._sees(holder) and holder is not None:
                message = "编号已由另一组织持有 / the number is held by another organisation"
            else:
                message = "编号已登记，无法从表格导入 / the number is already registered"
            _add(result, column, "number", f"{licence.number}: {message}")


_NO_ORG = (
    "未找到对应组织（按信用代码或名称），请选择组织 / "
    "no organisation matches the credit code or name: choose one"
)


def _add(
    result: RowResult, column: Callable[[str], str], name: str, message: str, severity: str = ERROR
) -> None:
    result.problems.append(Problem(result.row, column(name), name, message, severity))


def _checked(
    session: Session,
    *,
    data: bytes,
    name: str,
    overrides: dict[str, str] | None,
    organisation_id: int | None,
    can_create: bool,
    limits: SheetLimits,
    seen: SeenStore,
    summary_out: list[SheetSummary],
    context_out: list[_Context],
) -> Iterator[tuple[RowResult, _Org | None, str | None]]:
    sheet = open_sheet(data, name=name, limits=limits)
    columns = map_columns(sheet.headers, overrides)
    context = _Context(session, organisation_id=organisation_id, can_create=can_create, seen=seen)
    context_out.append(context)
    summary = SheetSummary(source=sheet.source, columns=columns, notices=list(sheet.notices))
    summary_out.append(summary)
    validator = RowValidator(sheet.source, columns, limits, seen=seen)
    column = columns.header_of
    for number, cells in sheet.rows:
        result = validator.validate(number, cells)
        org = owner = None
        if result.ok:
            org = context.organisation(result, result.values.get("company", ""), column)
            context.check_numbers(result, org, column)
            owner = context.owner(result, column)
        if not result.ok:
            result.licences = ()
        summary.rows += 1
        for problem in result.problems:
            if problem.severity == ERROR:
                summary.errors += 1
            else:
                summary.warnings += 1
            if len(summary.problems) < MAX_PROBLEMS:
                summary.problems.append(problem)
        if result.ok:
            summary.valid_rows += 1
            summary.licences += len(result.licences)
        if len(summary.sample) < SAMPLE_ROWS:
            summary.sample.append(result)
        yield result, org, owner
    summary.new_organisations = sorted(context.created_sample)
    summary.new_organisation_count = context.created_count


def preview_sheet(
    session: Session,
    *,
    data: bytes,
    name: str,
    overrides: dict[str, str] | None = None,
    organisation_id: int | None = None,
    can_create: bool = True,
    limits: SheetLimits = DEFAULT_LIMITS,
) -> SheetSummary:
    """Validate a sheet against the database without writing anything."""
    out: list[SheetSummary] = []
    with SeenStore() as seen:
        for _ in _checked(
            session,
            data=data,
            name=name,
            overrides=overrides,
            organisation_id=organisation_id,
            can_create=can_create,
            limits=limits,
            seen=seen,
            summary_out=out,
            context_out=[],
        ):
            pass
    return out[0]


def import_sheet(
    session: Session,
    *,
    data: bytes,
    name: str,
    overrides: dict[str, str] | None = None,
    organisation_id: int | None = None,
    can_create: bool = True,
    limits: SheetLimits = DEFAULT_LIMITS,
) -> SheetSummary:
    """Import the valid rows (in the caller's transaction) and report the rest.

    `InputError` before anything is written when the sheet itself is unusable; a refusal while
    streaming (too many rows) propagates, and the caller's rollback leaves nothing behind."""
    out: list[SheetSummary] = []
    contexts: list[_Context] = []
    with SeenStore() as seen:
        rows = _checked(
            session,
            data=data,
            name=name,
            overrides=overrides,
            organisation_id=organisation_id,
            can_create=can_create,
            limits=limits,
            seen=seen,
            summary_out=out,
            context_out=contexts,
        )
        writer = _Writer(session)
        pending: list[tuple[RowResult, _Org, str | None]] = []
        for result, org, owner in rows:
            if result.ok and org is not None:
                pending.append((result, org, owner))
            if len(pending) >= BATCH:
                writer.write(pending, out[0].source, contexts[0])
                pending = []
        writer.write(pending, out[0].source, contexts[0])
    summary = out[0]
    summary.imported = writer.imported
    summary.inventory_added = writer.inventory_added
    summary.dry_run = False
    return summary


class _Writer:
    """Writes validated rows in batches: organisations, licences (bulk path), inventory."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.imported = 0
        self.inventory_added = 0
        self.inventory: set[tuple[str, str, str]] = {
            (o, k, key)
            for o, k, key in session.execute(
                select(InventoryItemRow.organisation, InventoryItemRow.kind, InventoryItemRow.key)
            )
        }

    def _ensure_orgs(self, batch: list[tuple[RowResult, _Org, str | None]], context: _Context) -> None:
        # rows of one new organisation may carry separate `_Org` values (each read back from the
        # context's store): the name is the organisation
        new = {org.name: org for _, org, _ in batch if org.id is None}
        if not new:
            return
        rows = []
        for org in new.values():
            region = None
            for result, o, _ in batch:
                if o.name == org.name and result.licences:
                    region = result.licences[0].number_info.region
                    break
            if org.uscc:
                home = regions.by_division(division_of(org.uscc))
                region = home.code if home is not None else region
            rows.append(Organisation(name=org.name, uscc=org.uscc, region=region))
        self.session.add_all(rows)
        self.session.flush()
        ids: dict[str, int] = {}
        for org, row in zip(new.values(), rows, strict=True):
            org.id = ids[org.name] = row.id
            context.remember(org)
        for _, org, _ in batch:
            if org.id is None:
                org.id = ids[org.name]

    def write(
        self, batch: list[tuple[RowResult, _Org, str | None]], source: SheetSource, context: _Context
    ) -> None:
        if not batch:
            return
        self._ensure_orgs(batch, context)
        items: list[BulkLicence] = []
        now = now_utc()
        for result, org, owner in batch:
            content = _row_content(result, source, owner)
            for licence in result.licences:
                items.append(
                    BulkLicence(
                        data=to_jsonable(licence),
                        content=content,
                        source_name=f"{source.name}#{result.row}",
                        organisation_id=org.id,
                        media_type=SHEET_ROW_MEDIA_TYPE,
                    )
                )
                self._inventory(licence, org, owner, f"{source.name}#{result.row}", now)
        self.imported += bulk_import_licences(self.session, items=items)
        self.session.flush()

    def _inventory(self, licence: Licence, org: _Org, owner: str | None, where: str, now: datetime) -> None:
        for site in licence.sites:
            key = (site.domain or site.name).lower()
            ident = (org.name, site.kind.value, key)
            if ident in self.inventory:
                continue
            self.inventory.add(ident)
            self.session.add(
                InventoryItemRow(
                    organisation=org.name,
                    kind=site.kind.value,
                    key=key,
                    name=site.name,
                    domain=site.domain or None,
                    owner=owner,
                    features=[],
                    licence=licence.number,
                    source=where,
                    updated_at=now,
                )
            )
            self.inventory_added += 1


def _row_content(result: RowResult, source: SheetSource, owner: str | None) -> bytes:
    """Revision 1's stored bytes: the sheet row as given (the evidence until a document arrives)."""
    body: dict[str, Any] = {
        "sheet": source.name,
        "sheet_sha256": source.sha256,
        "row": result.row,
        "values": result.values,
        "owner": owner,
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")


def sheet_row(content: bytes) -> dict[str, Any]:
    """The row a sheet-based revision was created from (see `_row_content`)."""
    value: dict[str, Any] = json.loads(content.decode("utf-8"))
    return value
