"""QR codes as module matrices, through qrcode's public API."""

import qrcode
from qrcode.constants import ERROR_CORRECT_M

QR_BORDER = 2


def qr_matrix(text: str) -> list[list[bool]]:
    """The modules of `text` as a QR code: byte mode, level M, the smallest version that holds
    it, a two-module quiet zone. The mask is fixed (any mask gives a valid code): choosing the
    best one lays the code out eight times, most of a certificate's QR cost."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=QR_BORDER, mask_pattern=0)
    code.add_data(text, optimize=0)
    code.make(fit=True)
    return code.get_matrix()
