"""`app_for(spec)`: a register's commands (`vats <key> add|list|show|<step>…|correct`) from its spec.

Options come from the input models' fields, named `--field-name` unless the spec renames them, with
help text from the spec's labels. Required values are prompted for on a terminal and are an error
(exit 2, naming the option) in scripts and pipes — never a hang waiting for input.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Annotated, Any, get_args

import typer
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from vats.cli.common import parse_date
from vats.registers import cli as common
from vats.registers.cli import ActorOpt, AsOfOpt, DbOpt, JsonOpt, PageOpt, PerPageOpt, VersionOpt
from vats.registers.schemas import vocab_of
from vats.registers.spec import RegisterSpec, Step, Values

_P = inspect.Parameter.POSITIONAL_OR_KEYWORD
_TAIL = (("db", DbOpt, None), ("actor", ActorOpt, None), ("as_json", JsonOpt, False))


def app_for(spec: RegisterSpec) -> typer.Typer:
    """Every command of one register."""
    app = common.new_app(f"{spec.title.zh}登记 / {spec.title.en} register")
    _add_command(app, spec)
    _list_command(app, spec)
    _show_command(app, spec)
    for step in spec.steps:
        _step_command(app, spec, step)
    common.add_correct_command(app, register=spec.plural, show=lambda s, r, j: show(s, spec, r, j))
    if spec.cli_extras:
        spec.load(spec.cli_extras)(app)
    return app


def show(session: Any, spec: RegisterSpec, record: Any, as_json: bool, as_of: str | None = None) -> None:
    common.show_one(session, record, schema=spec.out, machine=spec.machine, as_json=as_json, as_of=as_of)


def _add_command(app: typer.Typer, spec: RegisterSpec) -> None:
    later = [s for s in spec.steps if s.on_create and s.body is not None]
    own = _options(spec, spec.create)
    taken = {p.name for p in own}
    extra = [p for s in later for p in _options(spec, s.body) if p.name not in taken]  # type: ignore[arg-type]

    def add(**kw: Any) -> None:
        from vats.registers.generic import service

        values = _collect(spec, spec.create, kw, spec.create_needs)
        with common.open_session(kw["db"], kw["actor"]) as session:
            record = service.add(session, spec, values=values)
            for step in later:
                given = _given(spec, step.body, kw)  # type: ignore[arg-type]
                if given is not None:
                    record = service.act(session, spec, record_id=record.id, action=step.action, values=given)
            show(session, spec, record, kw["as_json"])

    _command(app, "add", add, [*own, *extra, *_tail()], help=str(spec.create_summary))


def _list_command(app: typer.Typer, spec: RegisterSpec) -> None:
    fields = spec.filters.model_fields
    params = [
        _param(name, f.annotation if f.annotation is not None else str, spec, fields[name])
        for name, f in fields.items()
    ]

    def list_(**kw: Any) -> None:
        from vats.registers.generic import service
        from vats.store.listing import Page

        filters = spec.filters.model_validate({name: kw[name] for name in fields})
        with common.open_session(kw["db"], kw["actor"]) as session:
            result = service.find(session, spec, filters=filters, page=Page(kw["page"], kw["per_page"]))
            common.show_page(
                session,
                result,
                schema=spec.out,
                machine=spec.machine,
                columns=spec.columns,
                as_json=kw["as_json"],
                as_of=kw["as_of"],
            )

    paging = [_plain("page", PageOpt, 1), _plain("per_page", PerPageOpt, 50), _plain("as_of", AsOfOpt, None)]
    _command(
        app,
        "list",
        list_,
        [*params, *paging, *_tail()],
        help=f"列出{spec.title.zh} / List {spec.title.en.lower()}",
    )


def _show_command(app: typer.Typer, spec: RegisterSpec) -> None:
    def show_(**kw: Any) -> None:
        from vats.registers.generic import service

        with common.open_session(kw["db"], kw["actor"]) as session:
            record = service.get(session, spec, record_id=kw["record_id"])
            show(session, spec, record, kw["as_json"], kw["as_of"])

    params = [_id(spec), _plain("as_of", AsOfOpt, None), *_tail()]
    _command(app, "show", show_, params, help=f"显示{spec.noun.zh} / Show one {spec.noun.en}")


def _step_command(app: typer.Typer, spec: RegisterSpec, step: Step) -> None:
    def take(**kw: Any) -> None:
        from vats.registers.generic import service

        values = _collect(spec, step.body, kw, step.needs) if step.body else None
        with common.open_session(kw["db"], kw["actor"]) as session:
            record = service.act(
                session,
                spec,
                record_id=kw["record_id"],
                action=step.action,
                values=values,
                expected_version=kw["expected_version"],
            )
            show(session, spec, record, kw["as_json"])

    own = _options(spec, step.body) if step.body else []
    params = [_id(spec), *own, _plain("expected_version", VersionOpt, None), *_tail()]
    _command(app, step.path, take, params, help=str(spec.summary(step.action)))


# --- options and values -----------------------------------------------------------------------------


def _options(spec: RegisterSpec, model: type[BaseModel]) -> list[inspect.Parameter]:
    return [_param(name, f.annotation, spec, f) for name, f in model.model_fields.items()]


def _param(name: str, annotation: Any, spec: RegisterSpec, field: FieldInfo) -> inspect.Parameter:
    """A typer option for one input field: flags for booleans, integers as such, the rest as text."""
    base = _base(annotation)
    label = str(spec.label(name))
    if base is bool:
        default_true = field.default is True
        option = spec.option(name) if name in spec.cli_options else None
        option = option or ("--no-" if default_true else "--") + name.replace("_", "-")
        if name == "open_only":
            option = "--open"
        if default_true:  # the flag says "not": --no-records for records_kept
            label = f"否：{spec.label(name).zh} / not: {spec.label(name).en.lower()}"
        return _plain(name, Annotated[bool, typer.Option(option, help=label)], False)
    hint = {date: " (YYYY-MM-DD)", datetime: " (YYYY-MM-DD HH:MM, 北京时间 Beijing)"}.get(base, "")
    kind = int | None if base is int else str | None
    return _plain(name, Annotated[kind, typer.Option(spec.option(name), help=label + hint)], None)


def _collect(
    spec: RegisterSpec,
    model: type[BaseModel],
    kw: dict[str, Any],
    needs: Callable[[Values], Iterable[str]] | None,
) -> dict[str, Any]:
    """Input values from the options: required ones asked for, then those the others make necessary."""
    values: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        if _base(field.annotation) is bool:
            values[name] = (not kw[name]) if field.default is True else kw[name]
        elif field.is_required():
            values[name] = _ask(spec, name, field, kw[name])
        elif kw[name] is not None:
            values[name] = _convert(spec, name, field, kw[name])
    for name in needs(values) if needs else ():
        if values.get(name) is None:
            values[name] = _ask(spec, name, model.model_fields[name], kw[name])
    return values


def _given(spec: RegisterSpec, model: type[BaseModel], kw: dict[str, Any]) -> dict[str, Any] | None:
    """A step's values given with `add`, or None when its required options are not all there."""
    fields = model.model_fields
    if any(f.is_required() and kw.get(n) is None for n, f in fields.items()):
        return None
    return {n: _convert(spec, n, f, kw[n]) for n, f in fields.items() if kw.get(n) is not None}


def _ask(spec: RegisterSpec, name: str, field: FieldInfo, value: Any) -> Any:
    option, prompt = spec.option(name), str(spec.label(name))
    vocab = vocab_of(field)
    if vocab:
        return common.ask_code(value, option=option, prompt=prompt, vocab=vocab)
    base = _base(field.annotation)
    if base is date:
        return common.ask_date(value, option=option, prompt=prompt)
    if base is datetime:
        return common.ask_datetime(value, option=option, prompt=prompt)
    return common.ask(value, option=option, prompt=prompt, convert=int if base is int else str)


def _convert(spec: RegisterSpec, name: str, field: FieldInfo, value: Any) -> Any:
    base = _base(field.annotation)
    if base is date:
        return parse_date(value, field=spec.option(name), default_today=False)
    if base is datetime:
        return common.parse_datetime(value, option=spec.option(name))
    return value


def _base(annotation: Any) -> Any:
    """`date` for `date | None`; the type itself otherwise."""
    args = [a for a in get_args(annotation) if a is not type(None)]
    return args[0] if len(args) == 1 and type(None) in get_args(annotation) else annotation


# --- building commands -------------------------------------------------------------------------------


def _plain(name: str, annotation: Any, default: Any = inspect.Parameter.empty) -> inspect.Parameter:
    return inspect.Parameter(name, _P, annotation=annotation, default=default)


def _id(spec: RegisterSpec) -> inspect.Parameter:
    help_text = f"{spec.noun.zh}编号 / {spec.noun.en} id"
    return _plain(
        "record_id", Annotated[int, typer.Argument(help=help_text, metavar=f"{spec.key.upper()}_ID")]
    )


def _tail() -> list[inspect.Parameter]:
    return [_plain(*item) for item in _TAIL]


def _command(
    app: typer.Typer, name: str, call: Callable[..., None], params: list[inspect.Parameter], *, help: str
) -> None:
    """Register `call` as a command whose options are `params` (typer reads the signature)."""
    call.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    call.__annotations__ = {p.name: p.annotation for p in params}
    app.command(name, help=help)(call)
