"""`vats schema licence|finding|obligation`: print the published JSON Schemas.

The schemas are generated from the model dataclasses themselves, so they cannot drift from what
`vats parse` and the API emit. pydantic is imported only here (it is not on the parse path).
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

SCHEMA_ID = "https://vats.invalid/schema/{name}.json"


def _model(name: str) -> type[Any]:
    if name == "licence":
        from vats.model.licence import Licence

        return Licence
    if name == "finding":
        from vats.model.findings import Finding

        return Finding
    from vats.model.obligations import Obligation

    return Obligation


def schema_for(name: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one published model: licence, finding or obligation."""
    from vats.model.serialise import json_schema

    schema = json_schema(_model(name))
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID.format(name=name),
        **schema,
    }


def _print(name: str) -> None:
    sys.stdout.write(json.dumps(schema_for(name), ensure_ascii=False, indent=2) + "\n")


@click.group(name="schema")
def app() -> None:
    """输出 JSON Schema / Print the published JSON Schemas."""


@app.command("licence")
def licence_schema() -> None:
    """许可证 / The parsed licence (`vats parse --format json`)."""
    _print("licence")


@app.command("finding")
def finding_schema() -> None:
    """校验问题 / A finding (`vats audit`)."""
    _print("finding")


@app.command("obligation")
def obligation_schema() -> None:
    """义务 / An obligation (`vats obligations`)."""
    _print("obligation")
