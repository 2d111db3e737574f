"""`vats number parse|find`: the licence-number grammar from the shell (JSON out, exit 2 on bad input)."""

from __future__ import annotations

import sys

import typer

app = typer.Typer(
    add_completion=False, no_args_is_help=True, help="许可证号与备案号 / Licence and ICP numbers"
)


@app.command("parse")
def parse_command(number: str = typer.Argument(..., help="例如 / e.g. 渝B2-20210467")) -> None:
    """解析一个编号并输出 JSON / Parse one number and print it as JSON (exit 2 if invalid)."""
    from vats.cli.common import print_json
    from vats.ingest.numbers import parse

    print_json(parse(number))


@app.command("find")
def find_command() -> None:
    """从标准输入的文本或 HTML 中查找编号，每行一个 JSON / Find numbers in stdin, one JSON object per line.

    `start`/`end` are character offsets into the decoded input.
    """
    from vats.ingest.decode import decode_bytes
    from vats.ingest.numbers import find
    from vats.model.serialise import dumps

    data = sys.stdin.buffer.read()
    if not data.strip():  # nothing to search is not an error for a filter
        return
    text = decode_bytes(data, source="<stdin>").text  # UTF-8, GB18030 or UTF-16
    out = sys.stdout
    for hit in find(text):
        out.write(dumps(hit, indent=None) + "\n")
