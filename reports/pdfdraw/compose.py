"""A document of artwork pages (from WeasyPrint) with per-page text and vectors drawn over them."""

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from reports.pdfdraw.fonts import FontSet, Glyph, Style, stream

_DARK = re.compile(b"\x01+")


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
