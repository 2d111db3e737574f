"""The OCR engine: RapidOCR on ONNX Runtime, with the models that ship inside its wheel.

Loaded once per process and only when a scan is actually read (the import alone costs about a
second and a few hundred MB). Nothing is downloaded: the default detection, orientation and
recognition models are files of the installed `rapidocr` package, and `model_files()` lists them
so a test can pin them by SHA-256.
"""

from __future__ import annotations

import threading
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vats.ingest.scan.layout import TextBox

if TYPE_CHECKING:
    import numpy as np

_LOCK = threading.Lock()
#: RapidOCR settings. Pages are upright (EXIF applied), so the 180° classifier is skipped; text
#: detection runs on the page reduced to `Det.limit_side_len` on its longest side (a licence's
#: print stays well above the detector's minimum there), recognition on full-resolution crops.
#: Detection is the larger half of the engine's work; the round trip reads as many fields with the
#: smaller detection input (see BENCHMARKS.md), so the cheaper size is used. Each line is
#: recognised on its own (`Rec.rec_batch_num` 1): in a batch every line is padded to the widest
#: line's proportions, and that padding changes what the recogniser reads (a comma it reads in the
#: line alone is dropped when the line shares a batch), so a line's text would depend on which
#: other lines the page happens to have. Two ONNX threads: the machines have two cores.
ENGINE_PARAMS: dict[str, object] = {
    "Global.log_level": "warning",
    "Global.use_cls": False,
    "Det.limit_type": "max",
    "Det.limit_side_len": 960,
    "Rec.rec_batch_num": 1,
    "EngineConfig.onnxruntime.intra_op_num_threads": 2,
    "EngineConfig.onnxruntime.inter_op_num_threads": 1,
}


@cache
def _engine() -> Any:
    import logging

    from rapidocr import RapidOCR

    logging.getLogger("RapidOCR").setLevel(logging.WARNING)
    return RapidOCR(params=ENGINE_PARAMS)


def model_files() -> list[Path]:
    """The ONNX model files RapidOCR loads by default (inside the installed package)."""
    import rapidocr

    root = Path(rapidocr.__file__).parent / "models"
    return sorted(root.glob("*.onnx"))


def recognise(image: np.ndarray, *, page: int, offset: tuple[int, int] = (0, 0)) -> list[TextBox]:
    """Text boxes of one RGB image; `offset` shifts boxes of a crop back into page pixels."""
    with _LOCK:  # one engine per process; ONNX Runtime sessions are not shared across threads here
        result = _engine()(image)
    boxes = getattr(result, "boxes", None)
    if boxes is None:
        return []
    dx, dy = offset
    out = []
    for quad, text, score in zip(boxes, result.txts, result.scores, strict=True):
        points = tuple((float(x) + dx, float(y) + dy) for x, y in quad)
        out.append(TextBox(page, points, str(text), float(score)))  # type: ignore[arg-type]
    return out
