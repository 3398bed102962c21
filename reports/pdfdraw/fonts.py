"""Shipped TrueType fonts: metrics, line breaking, subsetting and embedding as PDF fonts."""

import hashlib
import io
import re
import unicodedata
import zlib
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from fontTools import subset
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


# The tables a CIDFontType2 program needs (head, hhea, maxp, loca, glyf, hmtx) are kept; a PDF
# reader maps glyph ids itself (Identity), and the subset has no hinting programs to run.
_DROPPED_TABLES = [
    "BASE", "DSIG", "FFTM", "GDEF", "GPOS", "GSUB", "JSTF", "LTSH", "MATH", "OS/2", "VDMX",
    "cmap", "cvt ", "fpgm", "gasp", "hdmx", "kern", "name", "post", "prep", "vhea", "vmtx",
]  # fmt: skip


@dataclass(frozen=True)
class Subset:
    """A TrueType program holding some of a face's glyphs, renumbered (.notdef stays 0)."""

    program: bytes
    remap: dict[int, int]  # glyph id in the face -> glyph id in the program, for every glyph kept


def font_subset(name: str, chars: frozenset[str]) -> Subset:
    """The face's glyphs for `chars` (those it has), .notdef and the parts of composite glyphs,
    unhinted, by fontTools.subset (tens of milliseconds per face)."""
    info = face(name)
    font = TTFont(info.path, lazy=True)
    order = font.getGlyphOrder()
    options = subset.Options()
    options.hinting = False
    options.layout_closure = False
    options.layout_features = []
    options.notdef_outline = True
    options.glyph_names = False
    options.drop_tables = [*options.drop_tables, *_DROPPED_TABLES]
    subsetter = subset.Subsetter(options)
    subsetter.populate(gids=[info.cmap[ord(char)] for char in chars if ord(char) in info.cmap])
    subsetter.subset(font)
    kept = {glyph: new for new, glyph in enumerate(font.getGlyphOrder())}
    buffer = io.BytesIO()
    font.save(buffer)
    return Subset(buffer.getvalue(), {gid: kept[glyph] for gid, glyph in enumerate(order) if glyph in kept})


# A single certificate's fonts are subset to an alphabet rather than to its own characters, so
# that the next certificate (another name, the same alphabet) takes the subset from here.
font_subset_cached = lru_cache(maxsize=64)(font_subset)

# Every certificate's alphabet: ASCII, Latin-1, Latin Extended-A (all of Slovak, Czech, Polish
# and Hungarian, and most European names), typographic punctuation and the replacement mark.
LATIN = frozenset(
    [chr(code) for code in range(0x20, 0x7F)]
    + [chr(code) for code in range(0xA0, 0x180)]
    + list("\u2010\u2013\u2014\u2018\u2019\u201a\u201c\u201d\u201e\u2022\u2026\u2039\u203a\u20ac")
    + [REPLACEMENT]
)


class FontSet:
    """The faces a document uses, each subset once: to the glyphs the document draws with it or,
    given an `alphabet`, to that alphabet and those glyphs (cached in the process, see
    font_subset_cached)."""

    def __init__(self, *, alphabet: frozenset[str] | None = None) -> None:
        self.alphabet = alphabet
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
        used: dict[str, set[str]] = {}
        for name, gid, _advance, char in sorted(self.glyphs):
            used.setdefault(name, set()).add(char)
            self.chars.setdefault(name, {}).setdefault(gid, char)
        for number, (name, chars) in enumerate(sorted(used.items())):
            if self.alphabet is None:
                made = font_subset(name, frozenset(chars))
            else:
                made = font_subset_cached(name, self.alphabet | chars)
            remap = {gid: made.remap[gid] for gid in self.chars[name]}
            self.remap[name] = remap
            self.hex.update({(name, gid): f"{new:04x}" for gid, new in remap.items()})
            self.programs[name] = made.program
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
