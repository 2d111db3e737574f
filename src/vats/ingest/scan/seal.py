"""Red seals over text: find them, and make page images where the red ink is gone.

The 发证机关 seal is stamped in red over the issuer line and often over the dates. Black print
under it stays dark where the inks overlap, while the seal's own strokes are bright in the red
channel. Two suppressions follow from that:

- `whiten_red`: pixels that are clearly red become white; the rest of the page is untouched, so
  the first recognition pass reads a page without the seal's ring text and star;
- `red_channel`: the page as its red channel, contrast-stretched; red ink nearly vanishes and
  black print stays black. It is used for the second pass, on the seal's crop only, where the
  first pass read a field poorly.

Seals are located as connected masses of red pixels (on a reduced mask, which is fast and
ignores red specks); each is reported as a box so fields under a seal can be named.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

Box = tuple[int, int, int, int]
#: A red mass smaller than this share of the page is a speck or a red letter, not a seal.
MIN_SEAL_AREA = 0.002


def red_mask(rgb: np.ndarray) -> np.ndarray:
    """Pixels whose red clearly dominates green and blue (seal ink, in scans and photos)."""
    import numpy as np

    r = rgb[..., 0].astype(np.int16)
    g = rgb[..., 1].astype(np.int16)
    b = rgb[..., 2].astype(np.int16)
    return (r > 110) & (r - g > 50) & (r - b > 40)


def whiten_red(rgb: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """A copy of the page with the red pixels made white."""
    out = rgb.copy()
    out[mask] = 255
    return out


def red_channel(rgb: np.ndarray) -> np.ndarray:
    """The red channel stretched so paper is white and black print black, as a 3-channel image."""
    import numpy as np

    red = rgb[..., 0].astype(np.float32)
    low, high = float(np.percentile(red, 1)), float(np.percentile(red, 99))
    stretched = np.clip((red - low) * (255.0 / max(high - low, 1.0)), 0, 255).astype(np.uint8)
    return np.repeat(stretched[..., None], 3, axis=2)


def seal_boxes(mask: np.ndarray) -> list[Box]:
    """Boxes (left, top, right, bottom) of red masses large enough to be seals."""
    import cv2
    import numpy as np

    height, width = mask.shape
    step = 4
    small = cv2.dilate(mask[::step, ::step].astype(np.uint8), np.ones((5, 5), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(small, connectivity=8)
    boxes: list[Box] = []
    for index in range(1, count):
        x, y, w, h, _area = (int(v) for v in stats[index])
        if w * h * step * step >= MIN_SEAL_AREA * width * height and min(w, h) * step > 40:
            boxes.append((x * step, y * step, min((x + w) * step, width), min((y + h) * step, height)))
    return [b for b in boxes if not any(o != b and _inside(b, o) for o in boxes)]  # a star in its ring


def _inside(inner: Box, outer: Box) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


def overlaps(a: Box, b: Box) -> bool:
    """True when two boxes share any area."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
