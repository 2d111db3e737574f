"""The rules library: YAML rule files, the event vocabulary and the provisions map, schema-checked.

Rules are data so compliance staff can review and extend them without reading Python. The loader is
strict: an unknown field, a rule that names an event type or catalogue code that does not exist, or a
provisions entry that points at a missing rule is an `InputError` naming the file, line and field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from vats.model.errors import InputError
from vats.model.obligations import RuleKind
from vats.model.sources import Reliability, SourceRef
from vats.reference.marked_yaml import Marked, load_marked, validation_error

RULES_DIR = Path(__file__).resolve().parent / "rules"
EVENT_TYPES_FILE = "event_types.yaml"
PROVISIONS_FILE = "provisions.yaml"
_NOT_RULE_FILES = {EVENT_TYPES_FILE, PROVISIONS_FILE}


@dataclass(frozen=True, slots=True)
class Text:
    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """A citation plus the period in which that article number is the right one to cite."""

    ref: SourceRef
    valid_from: date | None = None
    valid_until: date | None = None

    def in_force(self, on: date) -> bool:
        return (self.valid_from is None or on >= self.valid_from) and (
            self.valid_until is None or on <= self.valid_until
        )


@dataclass(frozen=True, slots=True)
class Applicability:
    services: tuple[str, ...] = ()  # any of these catalogue codes (empty = every licence)
    subtypes: tuple[str, ...] = ()  # a qualifier that must appear in limited_to/includes, not excludes
    site_kinds: tuple[str, ...] = ()  # one obligation per site of these kinds
    scope: str = "any"  # provincial | cross_regional | any
    conditions: tuple[str, ...] = ()  # named conditions, e.g. holds_cross_regional


@dataclass(frozen=True, slots=True)
class Window:
    start_month: int
    end_month: int
    year_offset: int = 0  # 1 = the window falls in the year after the reporting year (annual report)
    eligibility: str | None = None  # held_by_year_end
    roll: bool = True  # False: the window's last day stands even on a rest day (the system locks then)


@dataclass(frozen=True, slots=True)
class Trigger:
    type: str  # licence_expiry | licence_issue | calendar_window | event | always
    event: str | None = None
    per: str = "licence"  # licence | site
    when: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    anchor_field: str | None = None  # event field holding the date to count from (e.g. effective_date)
    subject_field: str | None = None  # event field naming the subject (default: fields.subject or id)
    window: Window | None = None
    only_repeats: bool = False  # fire only for a later event of a subject seen before (a re-grading)


@dataclass(frozen=True, slots=True)
class DeadlineSpec:
    unit: str
    direction: str
    offset: int | None = None
    setting: str | None = None  # name of the EngineSettings override for `offset`
    period_by_level: Mapping[int, int] = field(default_factory=lambda: MappingProxyType({}))
    roll: str = "default"  # default (EngineSettings policy) | none
    answer_field: str | None = None  # hour deadlines: the answering event's date-time field


@dataclass(frozen=True, slots=True)
class Period:
    offset: int
    unit: str = "days"
    setting: str | None = None
    period: int | None = None


@dataclass(frozen=True, slots=True)
class Attestation:
    """How often a standing duty's evidence must be attested again (a control's freshness).

    `source` is the citation that fixes the period; without one the period is practice and `setting`
    names the engine setting that overrides it (the loader requires one or the other)."""

    period: int
    unit: str  # days | months | years
    setting: str | None = None
    source: SourceRef | None = None

    def months(self, amount: int) -> int | None:
        """The period in months (None when counted in days)."""
        return amount * 12 if self.unit == "years" else amount if self.unit == "months" else None


CONTROL_EVENT = "control_attested"  # the event type that attests a control (its `rule` field names it)


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    title: Text
    explanation: Text
    kind: RuleKind
    sources: tuple[SourceSpec, ...]
    applies: Applicability
    trigger: Trigger
    deadline: DeadlineSpec | None = None
    satisfied_by: tuple[str, ...] = ()
    violated_by: tuple[str, ...] = ()
    evidence_max_age: Period | None = None
    retention: Period | None = None
    unconfirmed: bool = False
    condition_note: Text | None = None
    lists_scope: bool = False  # the explanation lists the licence's whole licensed scope
    # a completion may be recorded without an attachment or register link (labelled as such)
    completion_without_evidence: bool = False
    attest_every: Attestation | None = None  # a control: evidence goes stale after this period
    file: str = ""
    line: int | None = None

    def sources_on(self, on: date) -> tuple[SourceRef, ...]:
        """The citations valid on `on` (e.g. Cybersecurity Law art. 21 before 2026, art. 23 after)."""
        return tuple(s.ref for s in self.sources if s.in_force(on))


@dataclass(frozen=True, slots=True)
class FieldSpec:
    required: bool = False
    type: str = "str"  # str | int | date | datetime (Beijing wall time, minutes)
    values: tuple[str, ...] = ()
    label: Text | None = None  # how forms name the field (event_types.yaml `field_labels` or its own)
    value_labels: Mapping[str, Text] = field(default_factory=lambda: MappingProxyType({}))

    def value_label(self, value: str) -> str:
        """The Chinese label of a closed value (the value itself when none is given)."""
        found = self.value_labels.get(value)
        return found.zh if found is not None else value


@dataclass(frozen=True, slots=True)
class EventType:
    type: str
    title: Text
    fields: Mapping[str, FieldSpec]


@dataclass(frozen=True, slots=True)
class ProvisionEntry:
    """One article (item None) or item of the standard special provisions and what covers it."""

    article: int
    item: int | None
    fingerprint: tuple[str, ...]
    rules: tuple[str, ...] = ()
    informational: Text | None = None
    line: int | None = None

    @property
    def key(self) -> str:
        return f"{self.article}" if self.item is None else f"{self.article}({self.item})"


@dataclass(frozen=True, slots=True)
class Library:
    rules: tuple[Rule, ...]
    event_types: Mapping[str, EventType]
    provisions: tuple[ProvisionEntry, ...]

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


# ---------------------------------------------------------------------------------------------
# Schema (pydantic, built lazily)


# Conditions a rule may name: facts about the organisation that only its staff can state, set per
# organisation (`vats org profile ORG --set key=true`). A rule with conditions fires only when every one
# is set; `holds_cross_regional` is kept for older rule files.
PROFILE_KEYS: dict[str, tuple[str, str]] = {
    "important_data_processor": ("重要数据处理者", "processes important data"),
    "large_platform": ("大型网络平台", "large online platform"),
    "processes_personal_information": ("处理个人信息", "processes personal information"),
    "sensitive_pi_processing": (
        "处理敏感个人信息、自动化决策、委托或向他人提供、公开或出境",
        "sensitive PI, automated decisions, entrusting or providing PI, publishing it or sending it abroad",
    ),
    "provides_data_to_others": (
        "向他人提供或委托处理个人信息、重要数据",
        "provides or entrusts personal information or important data",
    ),
    "holds_cross_regional": ("同时持有跨地区许可证", "also holds a cross-regional licence"),
}
ProfileKey = Literal[
    "important_data_processor",
    "large_platform",
    "processes_personal_information",
    "sensitive_pi_processing",
    "provides_data_to_others",
    "holds_cross_regional",
]


@lru_cache(maxsize=1)
def _schema() -> dict[str, type[Any]]:
    from pydantic import BaseModel, ConfigDict, Field

    class Strict(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)

    class TextSpec(Strict):
        zh: str = Field(min_length=1)
        en: str = Field(min_length=1)

    class SourceModel(Strict):
        ref: str | None = Field(default=None, min_length=1)  # an id of reference/sources.yaml
        instrument: str | None = Field(default=None, min_length=1)  # a catalogued name (prefer ref)
        reliability: Reliability
        article: str | None = None
        item: str | None = None
        url: str | None = None
        note: str | None = None
        valid_from: date | None = None
        valid_until: date | None = None

    class AppliesModel(Strict):
        services: list[str] = Field(default_factory=list)
        subtypes: list[str] = Field(default_factory=list)
        site_kinds: list[Literal["website", "app"]] = Field(default_factory=list)
        scope: Literal["any", "provincial", "cross_regional"] = "any"
        conditions: list[ProfileKey] = Field(default_factory=list)

    class WindowModel(Strict):
        start_month: int = Field(ge=1, le=12)
        end_month: int = Field(ge=1, le=12)
        year_offset: int = Field(default=0, ge=0, le=1)
        eligibility: Literal["held_by_year_end"] | None = None
        roll: bool = True

    class TriggerModel(Strict):
        type: Literal["licence_expiry", "licence_issue", "calendar_window", "event", "always"]
        event: str | None = None
        per: Literal["licence", "site"] = "licence"
        when: dict[str, list[str]] = Field(default_factory=dict)
        anchor_field: str | None = None
        subject_field: str | None = None
        window: WindowModel | None = None
        only_repeats: bool = False

    class DeadlineModel(Strict):
        unit: Literal["days", "working_days", "months", "hours"]
        direction: Literal["after", "before"]
        offset: int | None = Field(default=None, ge=0)
        setting: str | None = None
        period_by_level: dict[int, int] = Field(default_factory=dict)
        roll: Literal["default", "none"] | bool = "default"  # false = none (never rolls)
        answer_field: str | None = None

    class PeriodModel(Strict):
        offset: int | None = Field(default=None, ge=0)
        period: int | None = Field(default=None, ge=0)
        unit: Literal["days", "months", "years"] = "days"
        setting: str | None = None

    class AttestModel(Strict):
        period: int = Field(ge=1)
        unit: Literal["days", "months", "years"] = "months"
        setting: str | None = Field(default=None, min_length=1)
        source: int | None = Field(default=None, ge=0)  # index into the rule's `sources`

    class RuleModel(Strict):
        id: str = Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
        title: TextSpec
        explanation: TextSpec
        kind: RuleKind
        sources: list[SourceModel] = Field(min_length=1)
        applies: AppliesModel = Field(default_factory=AppliesModel)
        trigger: TriggerModel
        deadline: DeadlineModel | None = None
        satisfied_by: list[str] = Field(default_factory=list)
        violated_by: list[str] = Field(default_factory=list)
        evidence_max_age: PeriodModel | None = None
        retention: PeriodModel | None = None
        unconfirmed: bool = False
        condition_note: TextSpec | None = None
        lists_scope: bool = False
        completion_without_evidence: bool = False
        attest_every: AttestModel | None = None

    class RuleFile(Strict):
        rules: list[RuleModel]

    class FieldModel(Strict):
        required: bool = False
        type: Literal["str", "int", "date", "datetime"] = "str"
        values: list[str] = Field(default_factory=list)
        label: TextSpec | None = None
        value_labels: dict[str, TextSpec] = Field(default_factory=dict)
        values_from: Literal["controls"] | None = None  # the ids of the rules with `attest_every`

    class EventTypeModel(Strict):
        type: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
        title: TextSpec
        fields: dict[str, FieldModel] = Field(default_factory=dict)

    class EventTypesFile(Strict):
        field_labels: dict[str, TextSpec] = Field(default_factory=dict)
        event_types: list[EventTypeModel]

    class ProvisionModel(Strict):
        article: int = Field(ge=1)
        item: int | None = Field(default=None, ge=1)
        fingerprint: list[str] = Field(min_length=1)
        rules: list[str] = Field(default_factory=list)
        informational: TextSpec | None = None

    class ProvisionsFile(Strict):
        provisions: list[ProvisionModel]

    return {"rules": RuleFile, "event_types": EventTypesFile, "provisions": ProvisionsFile}


def _validate(marked: Marked, kind: str) -> Any:
    from pydantic import ValidationError

    if not isinstance(marked.data, dict):
        raise InputError(
            f"应为含 {kind} 键的映射 / expected a mapping with a '{kind}' key", source=marked.source
        )
    try:
        return _schema()[kind].model_validate(marked.data)
    except ValidationError as exc:
        raise validation_error(exc, marked) from None


def _known_code(code: str) -> bool:
    """Whether the service catalogue (`vats.reference.catalogue`) has `code`."""
    from vats.reference.catalogue import entry

    return entry(code) is not None


def _text(spec: Any) -> Text:
    return Text(spec.zh, spec.en)


def _roll(value: str | bool) -> str:
    """A deadline's roll setting: `false` (never roll) reads as "none", `true` as "default"."""
    if isinstance(value, bool):
        return "default" if value else "none"
    return value


def _build_rule(m: Any, marked: Marked, index: int) -> Rule:
    t = m.trigger
    d = m.deadline
    return Rule(
        id=m.id,
        title=_text(m.title),
        explanation=_text(m.explanation),
        kind=RuleKind(m.kind),
        sources=tuple(
            SourceSpec(
                _source_ref(s),
                s.valid_from,
                s.valid_until,
            )
            for s in m.sources
        ),
        applies=Applicability(
            tuple(m.applies.services),
            tuple(m.applies.subtypes),
            tuple(m.applies.site_kinds),
            m.applies.scope,
            tuple(m.applies.conditions),
        ),
        trigger=Trigger(
            type=t.type,
            event=t.event,
            per=t.per,
            when=MappingProxyType({k: tuple(v) for k, v in t.when.items()}),
            anchor_field=t.anchor_field,
            subject_field=t.subject_field,
            window=None
            if t.window is None
            else Window(
                t.window.start_month,
                t.window.end_month,
                t.window.year_offset,
                t.window.eligibility,
                t.window.roll,
            ),
            only_repeats=t.only_repeats,
        ),
        deadline=None
        if d is None
        else DeadlineSpec(
            d.unit,
            d.direction,
            d.offset,
            d.setting,
            MappingProxyType(dict(d.period_by_level)),
            _roll(d.roll),
            d.answer_field,
        ),
        satisfied_by=_satisfied_by(m),
        violated_by=tuple(m.violated_by),
        evidence_max_age=None
        if m.evidence_max_age is None
        else Period(m.evidence_max_age.offset or 0, m.evidence_max_age.unit, m.evidence_max_age.setting),
        retention=None
        if m.retention is None
        else Period(m.retention.offset or 0, m.retention.unit, m.retention.setting, m.retention.period),
        unconfirmed=m.unconfirmed,
        condition_note=None if m.condition_note is None else _text(m.condition_note),
        lists_scope=m.lists_scope,
        completion_without_evidence=m.completion_without_evidence,
        attest_every=_attestation(m, marked, index),
        file=marked.source,
        line=marked.line(("rules", index)),
    )


def _attestation(m: Any, marked: Marked, index: int) -> Attestation | None:
    att = m.attest_every
    if att is None:
        return None
    if att.source is not None and att.source >= len(m.sources):
        raise marked.error(("rules", index, "attest_every", "source"), "来源序号超出 / no such source")
    source = None if att.source is None else _source_ref(m.sources[att.source])
    return Attestation(att.period, att.unit, att.setting, source)


def _source_ref(s: Any) -> SourceRef:
    return SourceRef(_instrument(s), Reliability(s.reliability), s.article, s.item, s.url, s.note)


def _satisfied_by(m: Any) -> tuple[str, ...]:
    """The rule's satisfying events; a control is also satisfied by an attestation naming it."""
    names = tuple(m.satisfied_by)
    if m.attest_every is not None and CONTROL_EVENT not in names:
        names = (*names, CONTROL_EVENT)
    return names


def _instrument(s: Any) -> str:
    """The one spelling of a rule source's instrument: the catalogue's short name (checked later)."""
    from vats.reference.sources import by_name, catalogue

    if s.ref is not None:
        known = catalogue().get(s.ref)
        return known.short if known is not None else s.ref
    named = by_name(s.instrument or "")
    return named.short if named is not None else str(s.instrument)


def _check_sources(m: Any, marked: Marked, base: tuple[Any, ...]) -> None:
    """Each source names one catalogued instrument, by id (`ref`) or by a catalogued name."""
    from vats.reference.sources import by_name, catalogue

    for i, s in enumerate(m.sources):
        where = (*base, "sources", i)
        if (s.ref is None) == (s.instrument is None):
            raise marked.error(
                where, "来源须有 ref（或 instrument）之一 / a source needs exactly one of ref, instrument"
            )
        if s.ref is not None and s.ref not in catalogue():
            raise marked.error((*where, "ref"), f"来源目录中没有 / not in reference/sources.yaml: {s.ref!r}")
        if s.instrument is not None and by_name(s.instrument) is None:
            raise marked.error(
                (*where, "instrument"), f"来源目录中没有 / not in reference/sources.yaml: {s.instrument!r}"
            )


def _check_rule(rule: Rule, m: Any, marked: Marked, index: int, events: Mapping[str, EventType]) -> None:
    base = ("rules", index)
    _check_sources(m, marked, base)
    for i, code in enumerate(rule.applies.services):
        if not _known_code(code):
            raise marked.error(
                (*base, "applies", "services", i), f"目录中没有业务代码 / unknown catalogue code {code!r}"
            )
    names: list[tuple[tuple[Any, ...], str]] = []
    if rule.trigger.event:
        names.append((("trigger", "event"), rule.trigger.event))
    names += [(("satisfied_by", i), n) for i, n in enumerate(rule.satisfied_by)]
    names += [(("violated_by", i), n) for i, n in enumerate(rule.violated_by)]
    for path, name in names:
        if name not in events:
            raise marked.error((*base, *path), f"未知事件类型 / unknown event type {name!r}")
    if rule.trigger.type == "event" and not rule.trigger.event:
        raise marked.error((*base, "trigger"), "event 触发器须指明 event / an event trigger needs 'event'")
    if rule.trigger.type == "calendar_window" and rule.trigger.window is None:
        raise marked.error(
            (*base, "trigger"), "calendar_window 须有 window / a calendar window needs 'window'"
        )
    if rule.trigger.type in ("licence_expiry", "licence_issue", "event") and rule.deadline is None:
        raise marked.error(base, "该触发器须有 deadline / this trigger needs a 'deadline'")
    dl = rule.deadline
    if dl is not None and dl.offset is None and not dl.period_by_level:
        raise marked.error(
            (*base, "deadline"), "须有 offset 或 period_by_level / needs 'offset' or 'period_by_level'"
        )
    if dl is not None and dl.answer_field is not None:
        for i, name in enumerate(rule.satisfied_by):
            if dl.answer_field not in events[name].fields:
                raise marked.error(
                    (*base, "satisfied_by", i),
                    f"事件 {name} 没有字段 / event has no field {dl.answer_field!r}",
                )
    att = m.attest_every
    if att is not None:
        if (
            rule.kind is not RuleKind.CONTINUOUS
            or rule.trigger.type != "always"
            or rule.trigger.per != "licence"
        ):
            raise marked.error(
                (*base, "attest_every"),
                "只有按许可证的持续性要求可设证明周期 / only a standing per-licence duty can be a control",
            )
        if att.setting is None and att.source is None:
            raise marked.error(
                (*base, "attest_every"),
                "证明周期须注明依据（source）或可配置（setting）/ give the period a source or a setting",
            )
    if rule.trigger.event:
        etype = events[rule.trigger.event]
        for f in (*rule.trigger.when, rule.trigger.anchor_field, rule.trigger.subject_field):
            if f is not None and f not in etype.fields:
                raise marked.error(
                    (*base, "trigger"), f"事件 {etype.type} 没有字段 / event has no field {f!r}"
                )


def _load_event_types(path: Path) -> tuple[Mapping[str, EventType], set[tuple[str, str]]]:
    """The vocabulary, and the (event type, field) pairs whose values are the controls' rule ids."""
    marked = load_marked(path)
    filled: set[tuple[str, str]] = set()
    spec = _validate(marked, "event_types")
    labels = {name: _text(text) for name, text in spec.field_labels.items()}
    out: dict[str, EventType] = {}
    for i, e in enumerate(spec.event_types):
        if e.type in out:
            raise marked.error(("event_types", i, "type"), f"事件类型重复 / duplicate event type {e.type!r}")
        for k, f in e.fields.items():
            missing = [v for v in f.values if v not in f.value_labels]
            extra = [v for v in f.value_labels if v not in f.values and f.values_from is None]
            if missing or extra:
                raise marked.error(
                    ("event_types", i, "fields", k, "value_labels"),
                    f"每个取值须有中文名称 / every value needs a label: {', '.join(missing or extra)}",
                )
        out[e.type] = EventType(
            e.type,
            _text(e.title),
            MappingProxyType(
                {
                    k: FieldSpec(
                        f.required,
                        f.type,
                        tuple(f.values),
                        _text(f.label) if f.label is not None else labels.get(k),
                        MappingProxyType({v: _text(t) for v, t in f.value_labels.items()}),
                    )
                    for k, f in e.fields.items()
                }
            ),
        )
        filled.update({(e.type, k) for k, f in e.fields.items() if f.values_from == "controls"})
    return MappingProxyType(out), filled


def _with_controls(
    events: Mapping[str, EventType], filled: set[tuple[str, str]], rules: list[Rule]
) -> Mapping[str, EventType]:
    """The vocabulary with each `values_from: controls` field closed to the controls' rule ids,
    labelled by their titles (the generic event form offers them as a select list)."""
    controls = [r for r in rules if r.attest_every is not None]
    out = dict(events)
    for etype, name in sorted(filled):
        spec = out[etype].fields[name]
        closed = FieldSpec(
            spec.required,
            spec.type,
            tuple(r.id for r in controls),
            spec.label,
            MappingProxyType({r.id: r.title for r in controls}),
        )
        out[etype] = EventType(etype, out[etype].title, MappingProxyType({**out[etype].fields, name: closed}))
    return MappingProxyType(out)


def _load_provisions(path: Path, rule_ids: set[str]) -> tuple[ProvisionEntry, ...]:
    marked = load_marked(path)
    spec = _validate(marked, "provisions")
    out: list[ProvisionEntry] = []
    seen: set[tuple[int, int | None]] = set()
    for i, p in enumerate(spec.provisions):
        base = ("provisions", i)
        if (p.article, p.item) in seen:
            raise marked.error(base, f"条款重复 / duplicate entry for {p.article}({p.item})")
        seen.add((p.article, p.item))
        if bool(p.rules) == (p.informational is not None):
            raise marked.error(
                base, "须列出 rules 或 informational 之一 / give either rules or informational"
            )
        for j, rid in enumerate(p.rules):
            if rid not in rule_ids:
                raise marked.error((*base, "rules", j), f"规则不存在 / unknown rule {rid!r}")
        out.append(
            ProvisionEntry(
                p.article,
                p.item,
                tuple(p.fingerprint),
                tuple(p.rules),
                None if p.informational is None else _text(p.informational),
                marked.line(base),
            )
        )
    return tuple(out)


def load_library(directory: str | Path | None = None) -> Library:
    """Load and cross-check every rule file, the event vocabulary and the provisions map."""
    root = Path(directory) if directory is not None else RULES_DIR
    events, filled = _load_event_types(root / EVENT_TYPES_FILE)
    rules: list[Rule] = []
    where: dict[str, str] = {}
    for path in sorted(root.glob("*.yaml")):
        if path.name in _NOT_RULE_FILES:
            continue
        marked = load_marked(path)
        spec = _validate(marked, "rules")
        for i, m in enumerate(spec.rules):
            rule = _build_rule(m, marked, i)
            if rule.id in where:
                raise marked.error(
                    ("rules", i, "id"), f"规则编号重复 / duplicate rule id (also in {where[rule.id]})"
                )
            _check_rule(rule, m, marked, i, events)
            where[rule.id] = f"{path.name}:{rule.line}"
            rules.append(rule)
    provisions_path = root / PROVISIONS_FILE
    provisions = _load_provisions(provisions_path, set(where)) if provisions_path.is_file() else ()
    return Library(tuple(rules), _with_controls(events, filled, rules), provisions)


@lru_cache(maxsize=1)
def default_library() -> Library:
    """The bundled library (cached)."""
    return load_library()
