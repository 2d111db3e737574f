"""The OCR models ship inside the rapidocr wheel, are exactly the files we measured, and load and
recognise with the network cut off (nothing is downloaded at run time)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from vats.ingest.scan.engine import model_files

#: SHA-256 of the default models of rapidocr 3.10.0 (PP-OCRv6 small detection and recognition,
#: the PP-OCR mobile v2.0 orientation classifier), Apache-2.0 per the wheel's MODEL_LICENSES.md.
PINNED = {
    "PP-OCRv6_det_small.onnx": "090f04abcd9d9a7498bc4ebf677e4cb9bdce1fe4197ddb7e529f1ef44e1ff94f",
    "PP-OCRv6_rec_small.onnx": "6f327246b50388f3c176ae304bd95767ea6dc0c9ae92153ef8cbe210b3c14884",
    "ch_ppocr_mobile_v2.0_cls_mobile.onnx": (
        "e47acedf663230f8863ff1ab0e64dd2d82b838fceb5957146dab185a89d6215c"
    ),
}

OFFLINE = """
import socket

def refuse(*args, **kwargs):
    raise OSError("network is cut off in this test")

socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse

import sys
sys.path.insert(0, sys.argv[1])
from scan_factory import text_image
from vats.ingest.scan.reading import scan_text

print(scan_text([(text_image(["经营许可证编号:渝B2-20210467"]), "strip.png")]))
"""


def test_the_bundled_models_are_the_pinned_files() -> None:
    files = {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in model_files()}
    assert files == PINNED


def test_recognition_works_with_the_network_cut_off(tmp_path: Path) -> None:
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    result = subprocess.run(
        [sys.executable, "-c", OFFLINE, str(Path(__file__).parent)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "经营许可证编号:渝B2-20210467"
    assert not list(tmp_path.rglob("*.onnx"))
