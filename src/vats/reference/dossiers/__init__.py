"""Dossier checklists (续期、过期重新申请、变更): one versioned data file per kind of application.

The materials an authority asks for are practice more than law and change with the online system;
keeping them in `<kind>.yaml` with a version, a source per item and an UNCONFIRMED mark makes a new
requirement a data change that reviewers can read. Loading validates the whole file and names file,
line and field on error, like the annual report forms.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from vats.model.errors import InputError
from vats.model.sources import Reliability, SourceRef
from vats.reference.marked_yaml import Marked, load_marked, validation_error

DATA_DIR = Path(__file__).resolve().parent
Kind = Literal["renewal", "expired", "change"]
KINDS: tuple[Kind, ...] = ("renewal", "expired", "change")
Family = Literal["entity", "registration", "local_org"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Citation(_Strict):
    ref: str
    article: str
    reliability: Reliability

    def source_ref(self) -> SourceRef:
        from vats.reference.sources import short

        return SourceRef(short(self.ref), self.reliability, article=self.article)

    @property
    def label(self) -> str:
        return f"{self.source_ref().label()}（{self.reliability.zh}）"


class Setting(_Strict):
    """A configurable number; `unconfirmed` numbers are labelled so wherever they are shown."""

    default: int = Field(ge=0, le=3650)
    unconfirmed: bool = False
    note: str


class Item(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)
    label: str
    required: bool = True
    note: str | None = None
    source: Citation
    unconfirmed: bool = False
    applies_to: tuple[Family, ...] = ()


class Checklist(_Strict):
    version: int = Field(ge=1)
    kind: Kind
    title: str
    sources: tuple[Citation, ...]
    settings: dict[str, Setting] = Field(default_factory=dict)
    items: tuple[Item, ...]

    def items_for(self, family: str | None) -> tuple[Item, ...]:
        """The items of one change family (all items for renewal and expired checklists)."""
        if family is None:
            return self.items
        return tuple(i for i in self.items if family in i.applies_to)

    def item(self, item_id: str) -> Item | None:
        return next((i for i in self.items if i.id == item_id), None)


def _check(checklist: Checklist, marked: Marked) -> None:
    """What pydantic cannot see: unique ids, known instruments, families only on change lists."""
    from vats.reference.sources import catalogue

    known = catalogue()
    seen: set[str] = set()
    for n, item in enumerate(checklist.items):
        if item.id in seen:
            raise marked.error(("items", n, "id"), f"材料编号重复 / duplicate item id {item.id!r}")
        seen.add(item.id)
        if item.source.ref not in known:
            raise marked.error(
                ("items", n, "source", "ref"), f"未知法规 / unknown source {item.source.ref!r}"
            )
        if (checklist.kind == "change") != bool(item.applies_to):
            raise marked.error(
                ("items", n, "applies_to"),
                "变更清单的每项须列出适用类别，其他清单不得列出 / applies_to belongs to change lists only",
            )
    for n, citation in enumerate(checklist.sources):
        if citation.ref not in known:
            raise marked.error(("sources", n, "ref"), f"未知法规 / unknown source {citation.ref!r}")


def parse_checklist(marked: Marked) -> Checklist:
    if not isinstance(marked.data, dict):
        raise InputError("应为映射 / expected a mapping", source=marked.source, line=1)
    try:
        checklist = Checklist.model_validate(marked.data)
    except ValidationError as exc:
        raise validation_error(exc, marked) from None
    _check(checklist, marked)
    return checklist


@cache
def load_checklist(kind: str) -> Checklist:
    """The bundled checklist of a kind; an unknown kind is an InputError naming it."""
    if kind not in KINDS:
        raise InputError(
            f"材料包类型应为 {'、'.join(KINDS)} / kind must be one of {', '.join(KINDS)}: {kind!r}",
            field="kind",
        )
    path = DATA_DIR / f"{kind}.yaml"
    checklist = parse_checklist(load_marked(path))
    if checklist.kind != kind:
        raise InputError(f"文件类型为 {checklist.kind} / file says {checklist.kind}", source=str(path))
    return checklist


def setting(kind: str, name: str) -> tuple[int, Setting]:
    """A checklist setting's value (the environment's VATS_DOSSIER_<NAME> over the file's default)."""
    spec = load_checklist(kind).settings.get(name)
    if spec is None:
        raise KeyError(name)
    env = f"VATS_DOSSIER_{name.upper()}"
    raw = os.environ.get(env)
    if not raw:
        return spec.default, spec
    try:
        value = int(raw)
    except ValueError:
        raise InputError(f"应为整数 / not an integer: {raw!r}", field=env) from None
    if not 0 <= value <= 3650:
        raise InputError("应在 0 到 3650 之间 / must be 0..3650", field=env)
    return value, spec
