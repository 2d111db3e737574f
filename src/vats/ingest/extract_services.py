"""Business-type lines: `信息服务业务(仅限互联网信息服务)不含…。【…】` into a `Service`.

Separate from the line walker because the same grammar is read in three places: the appendix
list of business types, the heading of each site block (`…获准经营<business type>相关信息`) and
the `业务种类:` label of old ICP certificates and cross-regional main pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from vats.ingest.extract_vocab import SERVICE_LINE

_NOTE = re.compile(r"【([^】]*)】")
_PAREN = re.compile(r"\(([^()]*)\)")
_CLAUSE_SPLIT = re.compile(r"[;。]")
_LIST_SPLIT = re.compile(r"[、,]")
_INLINE_COVERAGE = re.compile(r"[,;。]?(?:业务)?覆盖范围(?:为|:)(?P<coverage>.+)$")
_PREFIX = re.compile(r"^第[一二]类增值电信业务中的")
_LIMIT = ("仅限", "限于")
_EXCLUDE = ("不含", "不包括", "除外")
_INCLUDE = ("含", "包括")


@dataclass(slots=True)
class ServiceText:
    """A business-type line taken apart; `leftover` is text that fitted no qualifier."""

    name: str
    limited_to: list[str] = field(default_factory=list)
    includes: list[str] = field(default_factory=list)
    excludes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    coverage: list[str] = field(default_factory=list)
    leftover: list[str] = field(default_factory=list)


def split_list(text: str) -> list[str]:
    """`A、B,C` -> [A, B, C] without empty items or surrounding punctuation."""
    return [item for part in _LIST_SPLIT.split(text) if (item := part.strip(" 。;:"))]


def parse_service_text(text: str) -> ServiceText | None:
    """Take a business-type line apart, or None when it does not start with `…业务`."""
    match = SERVICE_LINE.match(_PREFIX.sub("", text))
    if match is None:
        return None
    result = ServiceText(name=match["name"])
    rest = match["rest"]
    result.notes.extend(note.strip() for note in _NOTE.findall(rest))
    rest = _NOTE.sub("", rest)
    if (coverage := _INLINE_COVERAGE.search(rest)) is not None:
        result.coverage.extend(split_list(coverage["coverage"]))
        rest = rest[: coverage.start()]
    clauses = [c for group in _PAREN.findall(rest) for c in _CLAUSE_SPLIT.split(group)]
    clauses += _CLAUSE_SPLIT.split(_PAREN.sub(";", rest))
    for clause in clauses:
        _place_clause(clause.strip(" ,、"), result)
    return result


def _place_clause(clause: str, result: ServiceText) -> None:
    if not clause:
        return
    for prefixes, target in (
        (_LIMIT, result.limited_to),
        (_EXCLUDE, result.excludes),
        (_INCLUDE, result.includes),
    ):
        for prefix in prefixes:
            if clause.startswith(prefix):
                target.extend(split_list(clause[len(prefix) :]))
                return
            if prefix == "除外" and clause.endswith(prefix):
                target.extend(split_list(clause[: -len(prefix)]))
                return
    result.leftover.append(clause)
