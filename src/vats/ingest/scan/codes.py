"""QR codes and barcodes on a licence page (the e-licence's verification code), via zxing-cpp.

The payload is returned as printed in the code, for a person to check on MIIT's query page
(which has a captcha: it is never queried automatically).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

#: Payloads longer than this are cut: a verification URL or identifier is far shorter.
MAX_PAYLOAD = 2000


def decode(image: Image) -> list[str]:
    """Every code's text payload on the page, in the order zxing finds them."""
    import zxingcpp

    payloads = []
    for result in zxingcpp.read_barcodes(image):
        text = (result.text or "").strip()[:MAX_PAYLOAD]
        if text and text not in payloads:
            payloads.append(text)
    return payloads
