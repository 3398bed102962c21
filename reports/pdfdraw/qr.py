"""QR codes as module matrices, through qrcode's public API."""

from functools import cache

import qrcode
from qrcode.constants import ERROR_CORRECT_M

QR_BORDER = 2


@cache
def _version(length: int) -> int:
    """The smallest version that holds `length` bytes in byte mode at level M: it depends on
    the length alone, so it is fitted once per length (a fifth of a code's time otherwise)."""
    probe = qrcode.QRCode(error_correction=ERROR_CORRECT_M)
    probe.add_data(b"\0" * length, optimize=0)
    return probe.best_fit()


def qr_matrix(text: str) -> list[list[bool]]:
    """The modules of `text` as a QR code: byte mode, level M, the smallest version that holds
    it, a two-module quiet zone. The mask is fixed (any mask gives a valid code): choosing the
    best one lays the code out eight times, most of a certificate's QR cost."""
    data = text.encode()
    code = qrcode.QRCode(
        version=_version(len(data)), error_correction=ERROR_CORRECT_M, border=QR_BORDER, mask_pattern=0
    )
    code.add_data(data, optimize=0)
    code.make(fit=False)
    return code.get_matrix()
