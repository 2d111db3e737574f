"""Run the real `vats` entry point in this process (shared by the database-free CLI tests)."""

from __future__ import annotations

from pathlib import Path

import pytest

from vats.cli.main import main


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Exit status, stdout and stderr of `vats ARGV`."""
    with pytest.raises(SystemExit) as exc:
        main(argv)
        raise SystemExit(0)
    out, err = capsys.readouterr()
    return int(exc.value.code or 0), out, err


def write_reference_json(directory: Path) -> Path:
    """The reference licence as `vats parse` JSON, in `directory`."""

    from factories import make_reference
    from vats.model.serialise import dumps

    path = directory / "licence.json"
    path.write_text(dumps(make_reference()), encoding="utf-8")
    return path
