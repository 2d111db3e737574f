"""`vats filing attach`: the command the filings register adds to its generic commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from vats.cli.common import print_json
from vats.model.errors import InputError
from vats.registers import cli as common
from vats.registers.cli import ActorOpt, DbOpt, JsonOpt


def extend_app(app: typer.Typer) -> None:
    """Attach a file to a filing (stored in the database with its SM3 digest)."""

    @app.command("attach")
    def attach(
        filing_id: Annotated[int, typer.Argument(help="申报编号 / filing id")],
        path: Annotated[Path, typer.Argument(help="要附加的文件 / file to attach")],
        media_type: Annotated[str | None, typer.Option(help="媒体类型 / media type (guessed)")] = None,
        db: DbOpt = None,
        actor: ActorOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """附加文件 / Attach a file (stored in the database with its SM3 digest)."""
        from vats.registers.filings import attachments
        from vats.registers.filings.schemas import AttachmentOut

        try:
            content = path.read_bytes()
        except OSError as exc:
            raise InputError(f"无法读取文件 / cannot read file: {exc.strerror}", source=str(path)) from None
        with common.open_session(db, actor) as session:
            attachment = attachments.attach_file(
                session, filing_id=filing_id, filename=path.name, content=content, media_type=media_type
            )
            out = AttachmentOut.model_validate(attachment)
            if as_json:
                print_json(out.model_dump(mode="json"))
            else:
                typer.echo(f"#{out.id} {out.filename} {out.media_type} {out.size} B sm3:{out.sm3}")
