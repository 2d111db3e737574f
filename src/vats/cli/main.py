"""The `vats` entry point: a click group that imports each sub-command only when it is invoked."""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any, cast

import click

from vats.model.errors import ExitCode, VatsError

# name -> (module, attribute, one-line help). The attribute is a Typer app (a group) or a
# Typer-decorated function / click command. Help lives here so `vats --help` imports nothing heavy.
# The registers' commands (`vats case …`) come from their specs (`vats.registers.specs`).
COMMANDS: dict[str, tuple[str, str, str]] = {
    "parse": ("vats.cli.parse", "parse_command", "读取许可证文件并输出结构化数据 / Parse a licence document"),
    "audit": ("vats.cli.audit", "audit_command", "校验许可证并列出问题 / Validate a licence, list findings"),
    "schema": ("vats.cli.schema", "app", "输出 JSON Schema / Print the published JSON Schemas"),
    "number": ("vats.cli.number", "app", "许可证号与备案号 / Parse and find licence and ICP numbers"),
    "calendar": ("vats.cli.calendar", "app", "工作日日历与 ICS / Working-day calendar and ICS export"),
    "rules": ("vats.cli.rules", "app", "规则库 / The rules library and its coverage of provisions"),
    "obligations": ("vats.cli.obligations", "command", "义务与期限 / Obligations and due dates"),
    "report": ("vats.cli.report", "report_command", "合规报告 PDF/HTML / Write a compliance report"),
    "db": ("vats.cli.db", "app", "数据库迁移 / Database migrations"),
    "licence": ("vats.cli.licence", "app", "许可证档案 / Stored licences, revisions and diffs"),
    "org": ("vats.cli.org", "app", "组织 / Organisations"),
    "status": ("vats.cli.status", "status_command", "每日概览 / Portfolio at a glance"),
    "export": ("vats.cli.portfolio", "export_command", "导出全部数据 / Export the whole portfolio"),
    "import": ("vats.cli.portfolio", "import_command", "导入全部数据 / Import a portfolio export"),
    "auditlog": ("vats.cli.auditlog", "app", "审计日志 / Tamper-evident audit log"),
    "keys": ("vats.cli.keys", "app", "签名密钥 / SM2 signing keys"),
    "copy": ("vats.cli.copy", "app", "许可证副本 / Purpose-bound licence copies"),
    "workpack": ("vats.registers.workpacks.cli", "app", "年报工作底稿 / Annual report workpacks"),
    "dossier": ("vats.registers.dossiers.cli", "app", "申请材料包 / Renewal and change dossiers"),
    "lists": ("vats.cli.lists", "app", "监管名单比对 / Match regulator lists"),
    "sites": ("vats.cli.sites", "app", "网站首页检查 / Homepage licence-display checks"),
    "inventory": ("vats.cli.inventory", "app", "网站与应用清单 / Declared site and app inventory"),
    "user": ("vats.cli.user", "app", "用户与令牌 / Users and API tokens"),
    "serve": ("vats.cli.serve", "serve_command", "启动网页与 API / Run the web UI and REST API"),
    "worker": ("vats.cli.worker", "worker_command", "后台任务进程 / Run jobs from the PostgreSQL queue"),
    "demo": ("vats.cli.demo", "demo_command", "演示 / Run the demo on the bundled example"),
}


def _registers() -> dict[str, Any]:
    """Register key -> spec (the specs import no database or web framework)."""
    from vats.registers import specs

    return {spec.key: spec for spec in specs()}


def _help(name: str) -> str:
    return COMMANDS[name][2] if name in COMMANDS else str(_registers()[name].title)


def _load(name: str) -> click.Command:
    target: Any
    if name in COMMANDS:
        module_name, attr, _help = COMMANDS[name]
        target = getattr(importlib.import_module(module_name), attr)
    else:
        from vats.registers.generic.cli import app_for

        target = app_for(_registers()[name])
    if isinstance(target, click.Command):
        return target
    import typer.main

    if isinstance(target, typer.Typer):
        command = typer.main.get_command(target)
    else:  # a plain function: wrap it as a single Typer command
        single = typer.Typer(add_completion=False)
        single.command(name=name)(target)
        command = typer.main.get_command(single)
    command.name = name
    # Typer vendors its own copy of click; its commands quack like click's and run inside this group.
    return cast(click.Command, command)


class LazyGroup(click.Group):
    """Lists every command from `COMMANDS` but imports a command's module only when it runs."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *_registers()})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS and cmd_name not in _registers():
            return None
        return _load(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, _help(name)) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="vats-compliance", prog_name="vats")
def cli() -> None:
    """vats — 增值电信业务合规运营 / compliance operations for VATS licence holders."""


def main(argv: list[str] | None = None) -> None:
    """Run the CLI, turning `VatsError` into a one-line message and its exit code (no traceback)."""
    try:
        code = cli.main(args=argv, prog_name="vats", standalone_mode=False)
        if isinstance(code, int) and code:  # click returns (not raises) Exit codes without standalone mode
            sys.exit(code)
    except VatsError as exc:
        click.echo(f"vats: error: {exc.describe()}", err=True)
        sys.exit(int(exc.exit_code))
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(ExitCode.BAD_INPUT if exc.exit_code == 2 else exc.exit_code)
    except click.exceptions.Abort:
        click.echo("vats: aborted", err=True)
        sys.exit(ExitCode.REFUSED)
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as exc:  # last resort: never show a traceback unless asked
        code = getattr(exc, "exit_code", None)
        if type(exc).__module__.startswith("typer") and isinstance(code, int):
            # Typer vendors its own click: its Exit/UsageError are not click's classes caught above
            if hasattr(exc, "show"):
                exc.show()
            sys.exit(code)
        if os.environ.get("VATS_DEBUG"):
            raise
        click.echo(
            f"vats: internal error: {type(exc).__name__}: {exc} (set VATS_DEBUG=1 for details)", err=True
        )
        sys.exit(70)


if __name__ == "__main__":
    main()
