"""What a register is, declared once: `RegisterSpec`, its `Step`s and field `Label`s.

The generic service, API router, CLI commands, web forms and exports are all built from a spec, so a
register is a spec, a model, schemas, a migration and its rules. Irregular parts are hooks on the
spec (a guard before a step, a custom way to apply it, extra routes and commands) rather than copies
of the generic code.

This module imports no SQLAlchemy or FastAPI: `vats --help` lists the registers from their specs.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel

from vats.registers.labels import Label, RegisterText, common_labels, register_text
from vats.registers.schemas import RecordOut
from vats.registers.states import StateMachine


@dataclass(frozen=True, slots=True)
class Implied:
    """An event a record's current state implies (type, date and fields besides the subject)."""

    type: str
    on: date
    fields: Mapping[str, Any] = field(default_factory=dict)

    def key(self) -> tuple[str, str, str]:
        return identity(self.type, self.on, self.fields)


def identity(type: str, on: date, fields: Mapping[str, Any]) -> tuple[str, str, str]:
    """What makes two events the same for a record: type, date and fields (as stored JSON, so a date
    field compares equal whether it was just built or read back)."""
    data = {k: v for k, v in fields.items() if v is not None}
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=_json_value)
    return (type, on.isoformat(), text)


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else str(value)


Values = Mapping[str, Any]
"""Input values of one create or step, validated by its body model."""


@dataclass(frozen=True, slots=True)
class Step:
    """One action of the state machine with its input: what `act(..., action=...)` does."""

    action: str  # "dispose", as in the machine; its summary is in data/names.yaml
    body: type[BaseModel] | None = None  # validated input; None for an action that takes none ("close")
    #: refuse the step for reasons the machine cannot express (record, validated body or None)
    guard: Callable[[Any, Any], None] | None = None
    #: change the record (record, validated body); default: copy every body field onto the record
    apply: Callable[[Any, Any], None] | None = None
    #: whether the body's fields may be corrected later (a follow-up note is added, not corrected)
    correctable: bool = True
    #: the CLI `add` command also takes this step's options and takes the step at once when given
    on_create: bool = False
    #: fields required given the other values (e.g. where records are kept, unless none were kept)
    needs: Callable[[Values], Iterable[str]] | None = None

    @property
    def path(self) -> str:
        """URL segment and CLI command name ("follow-up" for `follow_up`)."""
        return self.action.replace("_", "-")


CLOSE = Step("close")
"""The last step of most registers: it takes no input and needs no check beyond the machine's."""


@dataclass(frozen=True, slots=True)
class Order:
    """A date that must not precede another: `later` ≥ `earlier` (a field, or one chosen per record)."""

    later: str
    earlier: str | Callable[[Any], str]


@dataclass(frozen=True, slots=True)
class Shapes:
    """A register's own models: what creating a record takes, how a record reads, what lists filter by.
    Declared next to them in the register's schemas module."""

    create: type[BaseModel]
    out: type[RecordOut]
    filters: type[BaseModel]


@dataclass(frozen=True, slots=True)
class Listing:
    """How a list shows records: CLI columns besides id, licence and status, and the list order
    (newest first) before the id."""

    columns: tuple[str, ...] = ()
    order_by: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RegisterSpec:
    """Everything the generic machinery needs to know about one register. Its display names (title,
    field labels, step summaries, state names) live in `data/names.yaml` under its key."""

    plural: str  # API prefix and web slug: "cases"; the machine's name is the key ("case")
    model: str  # "module:Class", imported only when a database is in play
    machine: StateMachine
    shapes: Shapes
    steps: tuple[Step, ...]
    implied_events: Callable[[Any], list[Implied]]
    listing: Listing = Listing()
    order: tuple[Order, ...] = ()  # dates that keep their order, in steps and corrections alike
    may_be_future: tuple[str, ...] = ()  # dates of what is planned (a change's effective date)
    #: fields required given the other create values (the reporting year of an annual report)
    create_needs: Callable[[Values], Iterable[str]] | None = None
    #: before a record is created: refuse, or return extra column values (session, data, licence)
    before_create: Callable[[Any, Any, Any], Mapping[str, Any]] | None = None
    cli_options: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    #: "module:function" adding irregular routes to the register's router (filing attachments)
    api_extras: str | None = None
    #: "module:function" adding irregular commands to the register's CLI app
    cli_extras: str | None = None

    def __post_init__(self) -> None:
        actions = {action for (_state, action) in self.machine.transitions}
        missing = actions - {step.action for step in self.steps}
        if missing and not (self.api_extras and self.cli_extras):
            raise ValueError(f"{self.key}: machine actions without a step or extras: {sorted(missing)}")

    @property
    def create(self) -> type[BaseModel]:
        return self.shapes.create

    @property
    def out(self) -> type[RecordOut]:
        return self.shapes.out

    @property
    def filters(self) -> type[BaseModel]:
        return self.shapes.filters

    @property
    def columns(self) -> tuple[str, ...]:
        return self.listing.columns

    @property
    def order_by(self) -> tuple[str, ...]:
        return self.listing.order_by

    @property
    def key(self) -> str:
        """CLI command and subject prefix: "case"."""
        return self.machine.name

    @property
    def text(self) -> RegisterText:
        return register_text(self.key)

    @property
    def title(self) -> Label:
        return self.text.title

    @property
    def noun(self) -> Label:
        return self.text.noun

    @property
    def create_summary(self) -> Label:
        return self.text.create

    @property
    def labels(self) -> Mapping[str, Label]:
        """Field labels: the register's own labels.yaml first, then data/names.yaml."""
        from vats.registers.labels import for_register

        return {**self.text.fields, **for_register(self.plural)}

    @property
    def title_zh(self) -> str:
        return self.title.zh

    @property
    def title_en(self) -> str:
        return self.title.en

    @staticmethod
    def load(target: str) -> Any:
        """The object a "module:name" reference names (imported when first needed)."""
        module, _, name = target.partition(":")
        return getattr(importlib.import_module(module), name)

    def load_model(self) -> Any:
        return self.load(self.model)

    def step(self, action: str) -> Step | None:
        return next((s for s in self.steps if s.action == action), None)

    def summary(self, action: str) -> Label:
        """What a step does: API summary, CLI help, web button."""
        return self.text.steps[action]

    def label(self, name: str) -> Label:
        """A field's label; a field without one is a spec error the contract tests catch."""
        found = self.labels.get(name) or common_labels().get(name)
        if found is None:
            raise KeyError(f"{self.key}: no label for field {name!r} in data/names.yaml")
        return found

    def option(self, name: str) -> str:
        """The CLI option of a field: `--content` for `content_ref` where the spec says so."""
        return self.cli_options.get(name) or "--" + name.replace("_", "-")

    def schemas(self) -> tuple[type[BaseModel], ...]:
        """Input models whose fields may be corrected (create and the correctable steps' bodies)."""
        bodies = tuple(s.body for s in self.steps if s.body is not None and s.correctable)
        return (self.create, *bodies)


__all__ = [
    "CLOSE",
    "Implied",
    "Label",
    "Listing",
    "Order",
    "RegisterSpec",
    "Shapes",
    "Step",
    "Values",
    "identity",
]
