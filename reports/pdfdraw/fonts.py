"""Shipped TrueType fonts: metrics, line breaking, subsetting and embedding as PDF fonts."""

import hashlib
import re
import struct
import unicodedata
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from fontTools.ttLib import TTFont

from reports.pdf import static_roots

if TYPE_CHECKING:
    from reports.pdfdraw.compose import Canvas

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

    def add(self, canvas: "Canvas") -> None:
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

    def content(self, canvas: "Canvas") -> bytes:
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
