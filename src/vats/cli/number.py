"""`vats number parse|find`: the licence-number grammar from the shell (JSON out, exit 2 on bad input).

A plain click group rather than Typer: `vats number find` is a filter over web pages and its
start-up time is most of its cost on a typical page, and Typer pulls in pydantic at import.
`main.COMMANDS` accepts any click command as the `app` attribute.
"""

from __future__ import annotations

import sys

import click


@click.group(name="number", help="许可证号与备案号 / Parse and find licence and ICP numbers")
def app() -> None:
    """The `vats number` group."""


@app.command("parse")
@click.argument("number")
def parse_command(number: str) -> None:
    """解析一个编号并输出 JSON / Parse one number and print it as JSON.

    NUMBER is e.g. 渝B2-20210467; an invalid number exits with status 2 and says what is wrong.
    """
    from vats.cli.common import print_json
    from vats.ingest.numbers import parse

    print_json(parse(number))


@app.command("find")
def find_command() -> None:
    """在标准输入中查找编号 / Find numbers in text or HTML on stdin (JSON lines).

    `start`/`end` are character offsets into the decoded input (UTF-8, GB18030 or UTF-16).
    """
    from vats.ingest.decode import decode_bytes
    from vats.ingest.numbers import find
    from vats.model.serialise import dumps

    data = sys.stdin.buffer.read()
    if not data.strip():  # nothing to search is not an error for a filter
        return
    text = decode_bytes(data, source="<stdin>").text
    out = sys.stdout
    for hit in find(text):
        out.write(dumps(hit, indent=None) + "\n")
