"""The annual report (年报) form, one versioned data file per report year.

The online form changes from year to year; keeping its structure, field definitions, window and checks
in `<year>.yaml` means next year's form is a data change. Loading validates the whole file with
pydantic and names file, line and field on error, like the rules library.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from vats.model.errors import InputError
from vats.reference.marked_yaml import Marked, load_marked, validation_error

FORMS_DIR = Path(__file__).resolve().parent

FieldType = Literal["text", "int", "money", "percent", "bool", "date", "choice"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FormField(_Strict):
    """One box of the online form. Without `prefill` it is human-only."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    type: FieldType
    prefill: str | None = None
    required: bool = True
    publish: bool = True
    min: float | None = None
    max: float | None = None
    pattern: str | None = None
    choices: tuple[str, ...] = ()


class Section(_Strict):
    """A table of the form. `per_service` tables repeat for each licensed service marked 开通."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    per_service: bool = False
    per_company: bool = False
    fields: tuple[FormField, ...]


class Window(_Strict):
    """When the online system takes the report. `unconfirmed` lists dates without an official source."""

    opens: date
    due: date
    late_until: date | None = None
    locked_from: date | None = None
    unconfirmed: tuple[str, ...] = ()
    note: str | None = None
    provinces: dict[str, dict[str, date]] = Field(default_factory=dict)


class Pledge(_Strict):
    text: str
    note: str | None = None
    unconfirmed: bool = False


class Check(_Strict):
    """A cross-field rule: `not_greater` (field ≤ than) or `equals_prefill` (as vats counted)."""

    kind: Literal["not_greater", "equals_prefill"]
    field: str
    than: str | None = None
    message: str


class Source(_Strict):
    instrument: str
    article: str
    reliability: str


class Consequence(_Strict):
    zh: str
    en: str


class AnnualReportForm(_Strict):
    year: int = Field(ge=2017, le=2100)
    title: str
    sources: tuple[Source, ...] = ()
    window: Window
    consequence: Consequence
    yoy_threshold_percent: float = Field(gt=0)
    pledge: Pledge
    sections: tuple[Section, ...]
    checks: tuple[Check, ...] = ()
    yoy_fields: tuple[str, ...] = ()
    flag_above: dict[str, float] = Field(default_factory=dict)

    def field(self, field_id: str) -> FormField:
        for section in self.sections:
            for f in section.fields:
                if f.id == field_id:
                    return f
        raise KeyError(field_id)

    def service_section(self) -> Section | None:
        return next((s for s in self.sections if s.per_service), None)

    def window_for(self, province: str | None) -> ResolvedWindow:
        """The window of one province (its overrides over the national dates)."""
        w = self.window
        override = w.provinces.get(province or "", {})
        return ResolvedWindow(
            opens=override.get("opens", w.opens),
            due=override.get("due", w.due),
            late_until=override.get("late_until", w.late_until),
            locked_from=override.get("locked_from", w.locked_from),
            unconfirmed=frozenset(w.unconfirmed),
        )


@dataclass(frozen=True, slots=True)
class ResolvedWindow:
    opens: date
    due: date
    late_until: date | None
    locked_from: date | None
    unconfirmed: frozenset[str]


COUNTED_FACTS = (
    "complaints.received",
    "complaints.answered_in_time",
    "cases.disposed",
    "cases.reported",
    "incidents.count",
    "incidents.reported",
    "assessments.completed",
    "changes.filed",
    "site_checks.count",
    "site_checks.failed",
)
"""The facts counted from the registers for the report year, in the order the pre-fill counts them."""

PREFILL_KEYS = frozenset(
    {
        "licence.number",
        "licence.company",
        "licence.legal_representative",
        "licence.issue_date",
        "licence.expiry_date",
        "licence.services",
        "organisation.uscc",
        "inventory.websites",
        "inventory.apps",
        "inventory.domains",
        "inventory.owners",
        *COUNTED_FACTS,
    }
)
"""The facts vats knows how to pre-fill; a data file naming any other is refused at load."""


def _check(form: AnnualReportForm, marked: Marked) -> None:
    """What pydantic cannot see: unique ids, known prefill keys, checks naming real fields."""
    seen: set[str] = set()
    for si, section in enumerate(form.sections):
        for fi, f in enumerate(section.fields):
            path = ("sections", si, "fields", fi)
            if f.id in seen:
                raise marked.error((*path, "id"), f"字段编号重复 / duplicate field id {f.id!r}")
            seen.add(f.id)
            if f.prefill is not None and f.prefill not in PREFILL_KEYS:
                raise marked.error((*path, "prefill"), f"未知预填来源 / unknown prefill key {f.prefill!r}")
            if f.type == "choice" and not f.choices:
                raise marked.error((*path, "choices"), "选择题须列出选项 / a choice field needs choices")
    for ci, check in enumerate(form.checks):
        for key in ("field", "than"):
            name = getattr(check, key)
            if name is not None and name not in seen:
                raise marked.error(("checks", ci, key), f"未知字段 / unknown field {name!r}")
        if check.kind == "not_greater" and check.than is None:
            raise marked.error(("checks", ci), "not_greater 须指明 than / not_greater needs 'than'")
    for yi, name in enumerate(form.yoy_fields):
        if name not in seen:
            raise marked.error(("yoy_fields", yi), f"未知字段 / unknown field {name!r}")


def parse_form(marked: Marked) -> AnnualReportForm:
    """Validate one marked data file into the form (InputError with file:line on any problem)."""
    if not isinstance(marked.data, dict):
        raise InputError("应为映射 / expected a mapping", source=marked.source, line=1)
    try:
        form = AnnualReportForm.model_validate(marked.data)
    except ValidationError as exc:
        raise validation_error(exc, marked) from None
    _check(form, marked)
    return form


def load_form_file(path: str | Path) -> AnnualReportForm:
    return parse_form(load_marked(path))


def available_years() -> list[int]:
    return sorted(int(p.stem) for p in FORMS_DIR.glob("*.yaml") if p.stem.isdigit())


@cache
def load_form(year: int) -> AnnualReportForm:
    """The bundled form for a report year; a year without a data file is an InputError naming it."""
    path = FORMS_DIR / f"{year}.yaml"
    if not path.is_file():
        known = ", ".join(str(y) for y in available_years())
        raise InputError(
            f"没有 {year} 年度的年报表单（现有：{known}）/ no annual report form for {year}", field="year"
        )
    form = load_form_file(path)
    if form.year != year:
        raise InputError(
            f"文件年度为 {form.year} / file says year {form.year}", source=str(path), field="year"
        )
    return form
