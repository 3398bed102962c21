"""Text and QR codes written straight into PDF content streams, on top of artwork pages that
WeasyPrint rendered once.

Laying out a few lines per certificate with WeasyPrint costs 15–30 ms each; here a line is
measured with the font's advance widths (fontTools), broken greedily at spaces and after "/"
(or anywhere in a word longer than the line), and drawn as glyph ids of an embedded TrueType
font (Type0/CIDFontType2, Identity-H, with a ToUnicode map so that the text can be searched and
copied). Each font is subset once per document to the glyphs the document uses. No shaping:
no kerning and no ligatures, which Latin text does without. User text never becomes markup,
so nothing in it can make the renderer fetch anything.
"""

import hashlib
import io
import re
import struct
import unicodedata
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import qrcode
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject
from qrcode import util as qr_util
from qrcode.constants import ERROR_CORRECT_M

from reports.pdf import static_roots

REPLACEMENT = "\ufffd"


@dataclass(frozen=True)
class Face:
    """One shipped TrueType font: what layout needs, read once per process."""

    name: str
    path: Path
    cmap: dict[int, int]  # code point -> glyph id
    advances: list[float]  # glyph id -> advance in em
    ascent: float  # em, from the baseline up
    descent: float  # em, positive, from the baseline down
    bbox: tuple[int, int, int, int]  # in 1/1000 em
    cap_height: int
    units: int

    @property
    def line_height(self) -> float:
        """CSS `line-height: normal`, as WeasyPrint computes it (ascent + descent, no gap here)."""
        return self.ascent + self.descent


@cache
def face(filename: str) -> Face:
    path = next((root / "fonts" / filename for root in static_roots() if (root / "fonts" / filename).is_file()), None)
    if path is None:
        raise FileNotFoundError(f"fonts/{filename} is not among the static files")
    font = TTFont(path, lazy=True)
    units = font["head"].unitsPerEm
    order = {name: gid for gid, name in enumerate(font.getGlyphOrder())}
    cmap = {code: order[name] for code, name in font.getBestCmap().items()}
    metrics = font["hmtx"].metrics
    advances = [metrics[name][0] / units for name in font.getGlyphOrder()]
    head, hhea = font["head"], font["hhea"]
    scale = 1000 / units
    os2 = font["OS/2"]
    cap = getattr(os2, "sCapHeight", 0) or hhea.ascent
    return Face(
        name=re.sub(r"[^A-Za-z0-9-]", "", font["name"].getDebugName(6) or path.stem),
        path=path,
        cmap=cmap,
        advances=advances,
        ascent=hhea.ascent / units,
        descent=-hhea.descent / units,
        bbox=tuple(round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)),
        cap_height=round(cap * scale),
        units=units,
    )


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


@dataclass(frozen=True)
class Style:
    """Faces tried in order for each character; the first is the style's own."""

    faces: tuple[str, ...]
    colour: tuple[int, int, int]

    @property
    def face(self) -> Face:
        return face(self.faces[0])


Glyph = tuple[str, int, float, str]  # face file name, glyph id, advance (em), character
_SPACES = re.compile(r"\s+")
_BREAK_AFTER = "/"
_DARK = re.compile(b"\x01+")


def glyphs(text: str, style: Style) -> list[Glyph]:
    """The text as glyphs: composed (NFC), whitespace folded, control characters dropped; a
    character none of the style's faces has is drawn as U+FFFD rather than failing."""
    text = _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()
    known = _glyph_cache(style)
    out = []
    for char in text:
        glyph = known.get(char)
        if glyph is None:
            glyph = known[char] = _glyph(char, style)
        if glyph:
            out.append(glyph)
    return out


@cache
def _glyph_cache(style: Style) -> dict[str, Glyph | tuple[()]]:
    return {}


def _glyph(char: str, style: Style) -> Glyph | tuple[()]:
    if unicodedata.category(char)[0] == "C":
        return ()
    for wanted in (char, REPLACEMENT):
        for name in style.faces:
            candidate = face(name)
            gid = candidate.cmap.get(ord(wanted))
            if gid:
                return (name, gid, candidate.advances[gid], wanted)
    return ()


def width(line: Sequence[Glyph], size: float) -> float:
    return sum(g[2] for g in line) * size


def wrap(text: str, style: Style, size: float, max_width: float) -> list[list[Glyph]]:
    """Greedy line breaking at spaces (which are dropped at a break) and after "/"; a piece
    longer than the line is cut between characters."""
    pieces: list[tuple[list[Glyph], Glyph | None]] = []  # (glyphs, the space before them)
    current: list[Glyph] = []
    space: Glyph | None = None
    for glyph in glyphs(text, style):
        if glyph[3] == " ":
            if current:
                pieces.append((current, space))
                current = []
            space = glyph
            continue
        current.append(glyph)
        if glyph[3] in _BREAK_AFTER:
            pieces.append((current, space))
            current, space = [], None
    if current:
        pieces.append((current, space))
    limit = max_width / size
    lines: list[list[Glyph]] = []
    line: list[Glyph] = []
    used = 0.0
    for piece, before in pieces:
        advance = sum(g[2] for g in piece)
        gap = before[2] if before is not None and line else 0.0
        if line and used + gap + advance <= limit:
            if gap:
                line.append(before)
            line.extend(piece)
            used += gap + advance
            continue
        if line:
            lines.append(line)
        line, used = [], 0.0
        if advance <= limit:
            line, used = list(piece), advance
            continue
        for glyph in piece:
            if line and used + glyph[2] > limit:
                lines.append(line)
                line, used = [], 0.0
            line.append(glyph)
            used += glyph[2]
    if line:
        lines.append(line)
    return lines


@dataclass
class TextLine:
    style: Style
    size: float
    x: float  # PDF points, from the left
    baseline: float  # PDF points, from the bottom
    glyphs: list[Glyph]


@dataclass
class Canvas:
    """What is drawn on one page over its artwork: text lines (serialised once the fonts are
    subset, since subsetting renumbers the glyphs) and ready-made vector operators."""

    lines: list[TextLine] = field(default_factory=list)
    vectors: list[bytes] = field(default_factory=list)

    def text(self, line: list[Glyph], *, style: Style, size: float, x: float, baseline: float) -> None:
        self.lines.append(TextLine(style, size, x, baseline, line))

    def qr(self, matrix: Sequence[Sequence[bool]], *, x: float, y: float, size: float) -> None:
        """Dark modules as filled rectangles (one per horizontal run), (x, y) the lower left corner."""
        module = size / len(matrix)
        last = len(matrix) - 1
        rows = [
            b"%d %d %d 1 re" % (run.start(), last - number, run.end() - run.start())
            for number, row in enumerate(matrix)
            for run in _DARK.finditer(bytes(row))
        ]
        self.vectors.append(
            b"q 0 0 0 rg %.4f 0 0 %.4f %.4f %.4f cm\n%s\nf Q\n" % (module, module, x, y, b"\n".join(rows))
        )


@cache
def _sfnt(path: Path) -> tuple[dict[str, bytes], list[int]]:
    """The raw tables of a TrueType file and its glyph offsets (loca)."""
    data = path.read_bytes()
    count = struct.unpack(">H", data[4:6])[0]
    tables = {}
    for i in range(count):
        tag, _checksum, offset, length = struct.unpack(">4sIII", data[12 + 16 * i : 28 + 16 * i])
        tables[tag.decode("latin-1")] = data[offset : offset + length]
    glyphs = struct.unpack(">H", tables["maxp"][4:6])[0]
    if struct.unpack(">h", tables["head"][50:52])[0]:
        loca = list(struct.unpack(f">{glyphs + 1}I", tables["loca"][: 4 * (glyphs + 1)]))
    else:
        loca = [2 * v for v in struct.unpack(f">{glyphs + 1}H", tables["loca"][: 2 * (glyphs + 1)])]
    return tables, loca


def _components(glyph: bytes) -> list[tuple[int, int]]:
    """(offset of the glyph index, glyph index) of each component of a composite glyph."""
    found = []
    at = 10
    while True:
        flags, index = struct.unpack(">HH", glyph[at : at + 4])
        found.append((at + 2, index))
        at += 4 + (4 if flags & 0x1 else 2)
        at += 2 if flags & 0x8 else 4 if flags & 0x40 else 8 if flags & 0x80 else 0
        if not flags & 0x20:
            return found


def _unhinted(glyph: bytes, remap: dict[int, int]) -> bytes:
    """A glyph without its hinting instructions (the subset has no fpgm/prep to run them),
    composite components renumbered."""
    if not glyph:
        return glyph
    contours = struct.unpack(">h", glyph[:2])[0]
    if contours >= 0:
        at = 10 + 2 * contours
        length = struct.unpack(">H", glyph[at : at + 2])[0]
        glyph = glyph[:at] + b"\0\0" + glyph[at + 2 + length :]
    else:
        out = bytearray(glyph)
        components = _components(glyph)
        for at, index in components:
            struct.pack_into(">HH", out, at - 2, struct.unpack(">H", out[at - 2 : at])[0] & ~0x100, remap[index])
        flags = struct.unpack(">H", glyph[components[-1][0] - 2 : components[-1][0]])[0]
        end = components[-1][0] + 2 + (4 if flags & 0x1 else 2)
        end += 2 if flags & 0x8 else 4 if flags & 0x40 else 8 if flags & 0x80 else 0
        glyph = bytes(out[:end])
    return glyph  # long offsets need no alignment; the glyph keeps the padding it had


def truetype_subset(path: Path, gids: set[int]) -> tuple[bytes, dict[int, int]]:
    """A TrueType program with only `gids` (plus .notdef and composite parts), renumbered from 1
    in the original order, unhinted, with the tables a CIDFontType2 needs: head, hhea, maxp,
    loca, glyf, hmtx. Milliseconds where fontTools.subset takes 100-200 ms per font."""
    tables, loca = _sfnt(path)
    glyf = tables["glyf"]
    wanted = {0, *gids}
    stack = list(wanted)
    while stack:
        gid = stack.pop()
        glyph = glyf[loca[gid] : loca[gid + 1]]
        if len(glyph) >= 2 and struct.unpack(">h", glyph[:2])[0] < 0:
            for _at, part in _components(glyph):
                if part not in wanted:
                    wanted.add(part)
                    stack.append(part)
    order = sorted(wanted)
    remap = {gid: new for new, gid in enumerate(order)}
    hhea = tables["hhea"]
    metrics_count = struct.unpack(">H", hhea[34:36])[0]
    hmtx = tables["hmtx"]
    glyphs, metrics, offsets = [], [], [0]
    for gid in order:
        glyph = _unhinted(glyf[loca[gid] : loca[gid + 1]], remap)
        glyphs.append(glyph)
        offsets.append(offsets[-1] + len(glyph))
        if gid < metrics_count:
            metrics.append(hmtx[4 * gid : 4 * gid + 4])
        else:  # monospaced tail: the last advance, its own side bearing
            lsb = 4 * metrics_count + 2 * (gid - metrics_count)
            metrics.append(hmtx[4 * (metrics_count - 1) : 4 * metrics_count - 2] + hmtx[lsb : lsb + 2])
    head = bytearray(tables["head"])
    struct.pack_into(">I", head, 8, 0)
    struct.pack_into(">h", head, 50, 1)
    maxp = bytearray(tables["maxp"])
    struct.pack_into(">H", maxp, 4, len(order))
    hhea = bytearray(hhea)
    struct.pack_into(">H", hhea, 34, len(order))
    out = {
        "glyf": b"".join(glyphs),
        "head": bytes(head),
        "hhea": bytes(hhea),
        "hmtx": b"".join(metrics),
        "loca": struct.pack(f">{len(offsets)}I", *offsets),
        "maxp": bytes(maxp),
    }
    return _sfnt_write(out), {gid: remap[gid] for gid in gids}


def _checksum(data: bytes) -> int:
    data += b"\0" * (-len(data) % 4)
    return sum(struct.unpack(f">{len(data) // 4}I", data)) & 0xFFFFFFFF


def _sfnt_write(tables: dict[str, bytes]) -> bytes:
    count = len(tables)
    power = 1 << (count.bit_length() - 1)
    header = struct.pack(">IHHHH", 0x00010000, count, power * 16, power.bit_length() - 1, count * 16 - power * 16)
    directory, body = [], []
    offset = 12 + 16 * count
    for tag in sorted(tables):
        data = tables[tag]
        directory.append(struct.pack(">4sIII", tag.encode(), _checksum(data), offset, len(data)))
        padded = data + b"\0" * (-len(data) % 4)
        body.append(padded)
        offset += len(padded)
    font = header + b"".join(directory) + b"".join(body)
    # head.checkSumAdjustment makes the whole file sum to 0xB1B0AFBA.
    at = 12 + 16 * count + sum(len(b) for b, tag in zip(body, sorted(tables), strict=True) if tag < "head")
    adjustment = (0xB1B0AFBA - _checksum(font)) & 0xFFFFFFFF
    return font[: at + 8] + struct.pack(">I", adjustment) + font[at + 12 :]


class FontSet:
    """The faces a document uses, each subset once to the glyphs drawn with it."""

    def __init__(self) -> None:
        self.glyphs: set[Glyph] = set()
        self.chars: dict[str, dict[int, str]] = {}
        self.resource: dict[str, str] = {}
        self.hex: dict[tuple[str, int], str] = {}
        self.remap: dict[str, dict[int, int]] = {}
        self.programs: dict[str, bytes] = {}

    def add(self, canvas: Canvas) -> None:
        for line in canvas.lines:
            self.glyphs.update(line.glyphs)

    def subset(self) -> None:
        used: dict[str, set[int]] = {}
        for name, gid, _advance, char in sorted(self.glyphs):
            used.setdefault(name, set()).add(gid)
            self.chars.setdefault(name, {}).setdefault(gid, char)
        for number, (name, gids) in enumerate(sorted(used.items())):
            program, remap = truetype_subset(face(name).path, gids)
            self.remap[name] = remap
            self.hex.update({(name, gid): f"{new:04x}" for gid, new in remap.items()})
            self.programs[name] = program
            self.resource[name] = f"Cf{number}"

    def content(self, canvas: Canvas) -> bytes:
        parts = [b"q\n"]
        hexes = self.hex
        colour = None
        for line in canvas.lines:
            if line.style.colour != colour:
                colour = line.style.colour
                parts.append(b"%.4f %.4f %.4f rg\n" % tuple(c / 255 for c in colour))
            parts.append(b"BT 1 0 0 1 %.3f %.3f Tm\n" % (line.x, line.baseline))
            run_face = None
            run: list[str] = []
            for name, gid, _advance, _char in line.glyphs:
                if name != run_face:
                    if run:
                        parts.append(b"<%s> Tj\n" % "".join(run).encode())
                    run_face, run = name, []
                    parts.append(b"/%s %.2f Tf\n" % (self.resource[name].encode(), line.size))
                run.append(hexes[(name, gid)])
            if run:
                parts.append(b"<%s> Tj\n" % "".join(run).encode())
            parts.append(b"ET\n")
        parts.extend(canvas.vectors)
        parts.append(b"Q\n")
        return b"".join(parts)

    def objects(self, first: int) -> tuple[dict[str, int], dict[int, bytes]]:
        """PDF objects of the fonts, numbered from `first`: (resource name -> Type0 font number, objects)."""
        numbers: dict[str, int] = {}
        objects: dict[int, bytes] = {}
        number = first
        for name, program in self.programs.items():
            info = face(name)
            remap = self.remap[name]
            tag = "".join(chr(65 + b % 26) for b in hashlib.sha256(program).digest()[:6])
            base = f"{tag}+{info.name}"
            type0, cid, descriptor, file_, tounicode = range(number, number + 5)
            number += 5
            widths = " ".join(
                f"{new} [{round(info.advances[old] * 1000, 3):g}]"
                for old, new in sorted(remap.items(), key=lambda i: i[1])
            )
            objects[type0] = (
                f"<< /Type /Font /Subtype /Type0 /BaseFont /{base} /Encoding /Identity-H "
                f"/DescendantFonts [{cid} 0 R] /ToUnicode {tounicode} 0 R >>"
            ).encode()
            objects[cid] = (
                f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{base} "
                f"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
                f"/FontDescriptor {descriptor} 0 R /CIDToGIDMap /Identity /DW 0 /W [{widths}] >>"
            ).encode()
            objects[descriptor] = (
                f"<< /Type /FontDescriptor /FontName /{base} /Flags 32 /FontBBox [{' '.join(map(str, info.bbox))}] "
                f"/ItalicAngle 0 /Ascent {round(info.ascent * 1000)} /Descent {-round(info.descent * 1000)} "
                f"/CapHeight {info.cap_height} /StemV 80 /FontFile2 {file_} 0 R >>"
            ).encode()
            objects[file_] = stream(program, extra=f"/Length1 {len(program)}")
            objects[tounicode] = stream(_tounicode(self.chars[name], remap))
            numbers[self.resource[name]] = type0
        return numbers, objects


def _tounicode(chars: dict[int, str], remap: dict[int, int]) -> bytes:
    entries = sorted((remap[gid], char) for gid, char in chars.items())
    blocks = []
    for start in range(0, len(entries), 100):
        chunk = entries[start : start + 100]
        rows = "\n".join(f"<{gid:04x}> <{char.encode('utf-16-be').hex()}>" for gid, char in chunk)
        blocks.append(f"{len(chunk)} beginbfchar\n{rows}\nendbfchar")
    return (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <ffff>\nendcodespacerange\n"
        + "\n".join(blocks)
        + "\nendcmap CMapName currentdict /CMap defineresource pop end end\n"
    ).encode()


def stream(data: bytes, *, extra: str = "") -> bytes:
    packed = zlib.compress(data, 6)
    return b"<< /Length %d /Filter /FlateDecode %s >>\nstream\n%s\nendstream" % (len(packed), extra.encode(), packed)


def _serialise(obj) -> bytes:
    buffer = io.BytesIO()
    obj.write_to_stream(buffer)
    return buffer.getvalue()


@dataclass
class Composed:
    """A composed document: every object serialised once, written whole or one page at a time."""

    objects: dict[int, bytes]
    pages: list[tuple[int, set[int]]]  # (page object number, the numbers that page needs)
    pages_number: int
    catalog: int

    def merged(self) -> bytes:
        return self._write(self.objects, self.catalog)

    def single(self, index: int) -> bytes:
        """Page `index` alone: the same objects under the same numbers, its own page tree."""
        page, numbers = self.pages[index]
        objects = {number: self.objects[number] for number in numbers}
        objects[self.pages_number] = b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % page
        objects[self.catalog] = self.objects[self.catalog]
        return self._write(objects, self.catalog)

    @staticmethod
    def _write(objects: dict[int, bytes], catalog: int) -> bytes:
        out = io.BytesIO()
        out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        offsets = {}
        for number in sorted(objects):
            offsets[number] = out.tell()
            out.write(b"%d 0 obj\n%s\nendobj\n" % (number, objects[number]))
        xref = out.tell()
        # One subsection per run of consecutive numbers: the numbers a file does not hold are left out.
        out.write(b"xref\n0 1\n0000000000 65535 f \n")
        numbers = sorted(offsets)
        start = 0
        for end in range(1, len(numbers) + 1):
            if end == len(numbers) or numbers[end] != numbers[end - 1] + 1:
                out.write(b"%d %d\n" % (numbers[start], end - start))
                out.write(b"".join(b"%010d 00000 n \n" % offsets[n] for n in numbers[start:end]))
                start = end
        out.write(b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (max(numbers) + 1, catalog, xref))
        return out.getvalue()


def pdf_compose(artwork: bytes, pages: Sequence[tuple[int, Canvas]], fonts: FontSet) -> Composed:
    """Page i is artwork page pages[i][0] (its content stream and resources stored once however
    many pages use it) with canvas pages[i][1] drawn over it."""
    reader = PdfReader(io.BytesIO(artwork))
    if pages and len(reader.pages) != max(index for index, _canvas in pages) + 1:
        raise RuntimeError("an artwork took more than one page")
    objects: dict[int, bytes] = {}
    number = int(reader.trailer["/Size"])
    backgrounds = []
    closures: dict = {}
    for page in reader.pages:
        resources = page["/Resources"].get_object()
        needed = reachable(DictionaryObject({"/R": page.raw_get("/Resources")}), closures)
        for ref in needed:
            if ref not in objects:
                objects[ref] = _serialise(reader.get_object(ref))
        objects[number] = stream(b"q\n" + page.get_contents().get_data() + b"\nQ\n")
        backgrounds.append((number, resources, needed | {number}))
        number += 1
    fonts.subset()
    font_numbers, font_objects = fonts.objects(number)
    objects.update(font_objects)
    number += len(font_objects)
    font_entries = " ".join(f"/{name} {ref} 0 R" for name, ref in font_numbers.items()).encode()
    shared = []
    for contents, resources, needed in backgrounds:
        entries = []
        for key, value in resources.items():
            if key == "/Font":
                own = value.get_object()
                if any(name[1:] in font_numbers for name in own):
                    raise RuntimeError("font resource names clash")
                inner = b" ".join(name.encode() + b" " + _serialise(ref) for name, ref in own.items())
                entries.append(b"/Font << " + inner + b" " + font_entries + b" >>")
            else:
                entries.append(key.encode() + b" " + _serialise(value))
        if "/Font" not in resources:
            entries.append(b"/Font << " + font_entries + b" >>")
        objects[number] = b"<< " + b" ".join(entries) + b" >>"
        shared.append((contents, number, needed | set(font_objects) | {number}))
        number += 1
    pages_number = number
    number += 1
    laid = []
    for index, canvas in pages:
        contents, resources_number, needed = shared[index]
        box = " ".join(f"{float(v):g}" for v in reader.pages[index].mediabox).encode()
        objects[number] = stream(fonts.content(canvas))
        objects[number + 1] = (
            b"<< /Type /Page /Parent %d 0 R /MediaBox [%s] /Resources %d 0 R /Contents [%d 0 R %d 0 R] >>"
            % (pages_number, box, resources_number, contents, number)
        )
        laid.append((number + 1, needed | {number, number + 1}))
        number += 2
    objects[pages_number] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        " ".join(f"{page} 0 R" for page, _needed in laid).encode(),
        len(laid),
    )
    objects[number] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_number
    return Composed(objects, laid, pages_number, number)


def reachable(obj: DictionaryObject, closures: dict[int, set[int]]) -> set[int]:
    """Numbers of the objects `obj` needs, not following /Parent (so not the other pages); what
    an object needs is worked out once for all pages (the fonts and the artwork are shared)."""
    numbers: set[int] = set()
    for ref in _references(obj):
        if ref.idnum not in closures:
            closure = {ref.idnum}
            stack: list = [ref.get_object()]
            while stack:
                for inner in _references(stack.pop()):
                    if inner.idnum not in closure:
                        closure.add(inner.idnum)
                        stack.append(inner.get_object())
            closures[ref.idnum] = closure
        numbers |= closures[ref.idnum]
    return numbers


def _references(obj) -> list[IndirectObject]:
    """The references directly inside `obj`, through its direct dictionaries and arrays."""
    found = []
    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            found.append(item)
        elif isinstance(item, DictionaryObject):
            stack.extend(value for key, value in item.items() if key not in ("/Parent", "/P"))
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return found
