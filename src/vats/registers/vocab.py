"""The registers' controlled vocabularies (categories, channels, kinds), loaded from `data/vocab.yaml`.

Codes are data, not code: a new incident kind or complaint channel is a one-line YAML change, and the
same list feeds validation, the CLI's choices, the API schema and the web UI's select boxes. Each entry
may name the domain events it emits, so which kinds trigger which obligations lives in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from vats.model.errors import InputError
from vats.model.sources import Reliability, SourceRef
from vats.reference.marked_yaml import load_marked, validation_error

VOCAB_PATH = Path(__file__).resolve().parent / "data" / "vocab.yaml"

ListName = Literal[
    "categories",
    "disposal_actions",
    "complaint_channels",
    "complaint_subjects",
    "incident_kinds",
    "incident_severities",
    "assessment_kinds",
    "change_kinds",
    "filing_kinds",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceSpec(_Strict):
    id: str = Field(alias="ref")  # an id of reference/sources.yaml
    reliability: Reliability
    article: str | None = None
    item: str | None = None

    @field_validator("id")
    @classmethod
    def _catalogued(cls, value: str) -> str:
        from vats.reference.sources import catalogue

        if value not in catalogue():
            raise ValueError(f"not in reference/sources.yaml: {value!r}")
        return value

    def ref(self) -> SourceRef:
        from vats.reference.sources import short

        return SourceRef(short(self.id), self.reliability, article=self.article, item=self.item)


class Term(_Strict):
    """One code with its Chinese and English labels and, for kinds, the events it drives."""

    code: str
    zh: str
    en: str
    event: str | None = None  # emitted when the triggering step happens (completion, decision …)
    done_event: str | None = None  # emitted when the follow-up duty is done (report, filing …)
    date_basis: Literal["decision", "registration"] | None = None
    needs_level: bool = False
    needs_year: bool = False
    source: SourceSpec | None = None

    @property
    def label(self) -> str:
        return f"{self.zh} / {self.en}"


class TermList(_Strict):
    items: tuple[Term, ...]
    source: SourceSpec | None = None

    def codes(self) -> tuple[str, ...]:
        return tuple(t.code for t in self.items)


class Vocabulary(_Strict):
    version: int
    categories: TermList
    disposal_actions: TermList
    complaint_channels: TermList
    complaint_subjects: TermList
    incident_kinds: TermList
    incident_severities: TermList
    assessment_kinds: TermList
    change_kinds: TermList
    filing_kinds: TermList

    def terms(self, name: ListName) -> TermList:
        terms: TermList = getattr(self, name)
        return terms

    def term(self, name: ListName, code: str, *, field: str) -> Term:
        """The entry for `code`, or an InputError listing the allowed codes."""
        for term in self.terms(name).items:
            if term.code == code:
                return term
        allowed = ", ".join(self.terms(name).codes())
        raise InputError(f"未知取值 / unknown value {code!r} (allowed: {allowed})", field=field)


def load_vocabulary(path: str | Path = VOCAB_PATH) -> Vocabulary:
    """Load and validate a vocabulary file; errors name the file, line and field."""
    marked = load_marked(path)
    try:
        vocab = Vocabulary.model_validate(marked.data)
    except ValidationError as exc:
        raise validation_error(exc, marked) from None
    for name in Vocabulary.model_fields:
        if name == "version":
            continue
        codes = vocab.terms(name).codes()  # type: ignore[arg-type]
        duplicates = sorted({c for c in codes if codes.count(c) > 1})
        if duplicates:
            raise marked.error((name, "items"), f"重复代码 / duplicate codes {duplicates}")
    return vocab


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The bundled vocabulary (cached: it is read on every validation)."""
    return load_vocabulary()


def code_of(name: ListName) -> Callable[[str], str]:
    """A pydantic AfterValidator accepting only codes of one vocabulary list (strips whitespace)."""

    def check(value: str) -> str:
        code = value.strip()
        codes = vocabulary().terms(name).codes()
        if code not in codes:
            raise ValueError(f"unknown value {code!r}; allowed: {', '.join(codes)} / 未知取值")
        return code

    return check
