"""QR codes of join links, as SVG (sharp at any size, on a projector or on paper)."""

from __future__ import annotations

from functools import lru_cache

import qrcode
import qrcode.image.svg


@lru_cache(maxsize=1024)
def qr_svg(data: str) -> str:
    # Medium error correction survives a glare spot on a projector or a crease in a card.
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=2,
        image_factory=qrcode.image.svg.SvgPathFillImage,
    )
    code.add_data(data)
    code.make(fit=True)
    return code.make_image().to_string(encoding="unicode")
