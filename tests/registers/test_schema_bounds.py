"""Every text an input schema accepts fits the column that stores it.

A value longer than a `String(n)` column is a database error on PostgreSQL (a 500 for the caller);
the schema must refuse it first, naming the field. Unbounded `Text` columns still get a cap, so a
30 MB note cannot be stored (and copied into the audit log).
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError
from sqlalchemy import String, Text

from vats.registers.schemas import InputModel
from vats.registers.states import registers

HUGE = 1_000_000  # far beyond any sensible text field


def _input_models(plural: str) -> list[type[BaseModel]]:
    module = importlib.import_module(f"vats.registers.{plural}.schemas")
    return [
        cls
        for cls in vars(module).values()
        if inspect.isclass(cls)
        and issubclass(cls, InputModel)
        and cls.__module__ == module.__name__
        and not cls.__name__.endswith("Filters")  # query filters are compared, never stored
    ]


def _cases() -> list[Any]:
    out = []
    for info in registers():
        columns = {c.name: c.type for c in info.load_model().__table__.columns}
        for model in _input_models(info.plural):
            for name in model.model_fields:
                column = columns.get(name)
                if isinstance(column, String):  # Text is a String subclass without a length
                    out.append(pytest.param(model, name, column, id=f"{model.__name__}.{name}"))
    return out


def _refuses(model: type[BaseModel], name: str, value: str) -> bool:
    try:
        model.model_validate({name: value})
    except ValidationError as exc:
        return any(err["loc"][:1] == (name,) for err in exc.errors())
    return False


@pytest.mark.parametrize(("model", "name", "column"), _cases())
def test_text_fields_are_bounded_by_their_column(model: type[BaseModel], name: str, column: Any) -> None:
    length = None if isinstance(column, Text) else column.length
    assert _refuses(model, name, "字" * ((length or HUGE) + 1)), f"{name} accepts more than {length or HUGE}"


def test_the_walk_found_the_reported_fields() -> None:
    names = {p.id for p in _cases()}
    assert {"CaseCreate.site", "ComplaintCreate.complainant_ref", "AssessmentCreate.unit"} <= names
    assert {"CaseCreate.note", "FilingSubmit.receipt_no"} <= names
