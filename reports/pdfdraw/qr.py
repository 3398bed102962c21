"""QR codes as module matrices, fast enough to make one per certificate."""

from functools import cache

import qrcode
from qrcode import util as qr_util
from qrcode.constants import ERROR_CORRECT_M

# QR codes: qrcode builds the matrix, but its Reed-Solomon step (polynomial objects, ~1.5 ms a
# code) is replaced by a table-driven one, and the version is found once per text length.
_EXP = [0] * 512
_LOG = [0] * 256
_value = 1
for _power in range(255):
    _EXP[_power] = _value
    _LOG[_value] = _power
    _value <<= 1
    if _value & 0x100:
        _value ^= 0x11D
for _power in range(255, 512):
    _EXP[_power] = _EXP[_power - 255]


@cache
def _rs_divisor(degree: int) -> tuple[int, ...]:
    result = [0] * (degree - 1) + [1]
    root = 1
    for _ in range(degree):
        for j in range(degree):
            result[j] = _EXP[_LOG[result[j]] + _LOG[root]] if result[j] and root else 0
            if j + 1 < degree:
                result[j] ^= result[j + 1]
        root = _EXP[_LOG[root] + 1]
    return tuple(result)


def _rs_remainder(data: list[int], degree: int) -> list[int]:
    divisor = [_LOG[c] if c else None for c in _rs_divisor(degree)]
    result = [0] * degree
    for byte in data:
        factor = byte ^ result.pop(0)
        result.append(0)
        if factor:
            log = _LOG[factor]
            for i, coefficient in enumerate(divisor):
                if coefficient is not None:
                    result[i] ^= _EXP[coefficient + log]
    return result


def _qr_codewords(version: int, data: bytes) -> list[int]:
    """qrcode.util.create_data for one byte-mode segment, error correction by _rs_remainder."""
    blocks = qrcode.base.rs_blocks(version, ERROR_CORRECT_M)
    limit = sum(block.data_count * 8 for block in blocks)
    bits = "0100" + format(len(data), "08b" if version < 10 else "016b") + "".join(format(b, "08b") for b in data)
    bits += "0" * min(limit - len(bits), 4)
    bits += "0" * (-len(bits) % 8)
    stream = [int(bits[i : i + 8], 2) for i in range(0, len(bits), 8)]
    stream += [qr_util.PAD0 if i % 2 == 0 else qr_util.PAD1 for i in range(limit // 8 - len(stream))]
    data_blocks, ec_blocks = [], []
    offset = 0
    for block in blocks:
        chunk = stream[offset : offset + block.data_count]
        offset += block.data_count
        data_blocks.append(chunk)
        ec_blocks.append(_rs_remainder(chunk, block.total_count - block.data_count))
    out = []
    for group in (data_blocks, ec_blocks):
        for i in range(max(len(b) for b in group)):
            out.extend(b[i] for b in group if i < len(b))
    return out


class _Blank(qrcode.QRCode):
    def map_data(self, data, mask_pattern):  # leave the data modules empty
        pass


@cache
def _qr_layout(version: int) -> tuple[list[list[bool | None]], list[tuple[int, int, bool]]]:
    """A version's function patterns and format bits (level M, mask 0) and, in qrcode's
    map_data order, each data module with its mask bit."""
    blank = _Blank(version=version, error_correction=ERROR_CORRECT_M, border=0, mask_pattern=0)
    blank.data_cache = []
    blank.makeImpl(False, 0)
    modules = blank.modules
    count = len(modules)
    mask = qr_util.mask_func(0)
    order = []
    row, step = count - 1, -1
    for col in range(count - 1, 0, -2):
        if col <= 6:
            col -= 1
        while True:
            for c in (col, col - 1):
                if modules[row][c] is None:
                    order.append((row, c, bool(mask(row, c))))
            row += step
            if row < 0 or row >= count:
                row -= step
                step = -step
                break
    return modules, order


_QR_VERSIONS: dict[int, int] = {}
QR_BORDER = 2


def qr_matrix(text: str) -> list[list[bool]]:
    """The modules of `text` as a QR code: byte mode, level M, mask 0, a two-module quiet zone;
    the same matrix as qrcode's with those settings (a fixed mask skips its mask scoring, and
    any mask gives a valid code), ten times faster."""
    data = text.encode()
    if len(data) not in _QR_VERSIONS:
        probe = qrcode.QRCode(error_correction=ERROR_CORRECT_M, mask_pattern=0)
        probe.add_data(data, optimize=0)
        probe.best_fit()
        _QR_VERSIONS[len(data)] = probe.version
    version = _QR_VERSIONS[len(data)]
    template, order = _qr_layout(version)
    bits = "".join(format(b, "08b") for b in _qr_codewords(version, data))
    bits += "0" * (len(order) - len(bits))
    rows = [[bool(cell) for cell in row] for row in template]
    for (r, c, masked), bit in zip(order, bits, strict=False):
        rows[r][c] = (bit == "1") != masked
    edge = [False] * (len(rows) + 2 * QR_BORDER)
    return (
        [list(edge) for _ in range(QR_BORDER)]
        + [[False] * QR_BORDER + row + [False] * QR_BORDER for row in rows]
        + [list(edge) for _ in range(QR_BORDER)]
    )
