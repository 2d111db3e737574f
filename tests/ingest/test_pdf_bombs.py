"""PDF bombs: a 1 MB PDF whose content stream inflates to 1 GiB is refused with bounded memory.

Peak memory is measured in child processes (ru_maxrss of the waited-for descendants), never
assumed: the pre-scan refuses the bomb after inflating one slice at a time, and the parsing child's
address-space limit stops what the pre-scan cannot see.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

try:  # rootdir-relative imports (tests/ingest is on sys.path when tests are not packages)
    from pdf_factory import bomb_pdf, text_pdf
except ImportError:  # pragma: no cover - if tests/ ever becomes a package
    from tests.ingest.pdf_factory import bomb_pdf, text_pdf

from vats.ingest.pdf import MAX_STREAM_BYTES, inflated_size, pages_in_child
from vats.model.errors import InputError

RSS_BOUND_MIB = 300

MEASURE = """
import json, resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True)
print(json.dumps({"code": done.returncode, "stderr": done.stderr.decode("utf-8", "replace"),
                  "rss_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def _measured(*command: str) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, timeout=180, env=env
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bomb") / "bomb.pdf"
    path.write_bytes(bomb_pdf(1024))
    return path


def test_bomb_is_about_one_megabyte_and_counted_without_inflating_it(bomb: Path) -> None:
    data = bomb.read_bytes()
    assert len(data) < 1_200_000
    assert inflated_size(data, stream_cap=MAX_STREAM_BYTES, total_cap=1 << 40) > MAX_STREAM_BYTES


def test_vats_parse_refuses_the_bomb_with_bounded_memory(bomb: Path) -> None:
    got = _measured(sys.executable, "-m", "vats.cli.main", "parse", str(bomb))
    assert got["code"] == 2, got
    assert "过大" in str(got["stderr"]) and "Traceback" not in str(got["stderr"])
    assert float(got["rss_mib"]) < RSS_BOUND_MIB, got  # type: ignore[arg-type]


def test_parsing_child_is_bounded_even_past_the_prescan(bomb: Path) -> None:
    with pytest.raises(InputError, match="过大"):
        pages_in_child(bomb.read_bytes(), "bomb.pdf", memory=384 * 1024 * 1024)


def test_parsing_child_times_out(bomb: Path) -> None:
    with pytest.raises(InputError, match="超时"):
        pages_in_child(bomb.read_bytes(), "slow.pdf", memory=8 << 30, timeout=1.0)


def test_an_honest_pdf_still_parses_through_the_child() -> None:
    assert "许可证" in "".join(pages_in_child(text_pdf("增值电信业务经营许可证"), "ok.pdf"))


def test_non_regular_files_are_refused_before_reading(tmp_path: Path) -> None:
    fifo = tmp_path / "licence.fifo"
    os.mkfifo(fifo)
    for target in ("/dev/zero", str(fifo)):
        done = subprocess.run(
            [sys.executable, "-m", "vats.cli.main", "parse", target],
            capture_output=True,
            text=True,
            timeout=30,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        )
        assert done.returncode == 2, (target, done.stderr)
        assert "not a regular file" in done.stderr and target in done.stderr
