"""Certificates: one HTML document for the whole batch, rendered once by WeasyPrint and split
into one PDF per recipient afterwards (a WeasyPrint run per certificate is ~20 times slower:
fonts are loaded, parsed and subset once per run)."""

import base64
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import qrcode
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image
from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, NumberObject, StreamObject
from qrcode.constants import ERROR_CORRECT_M

from award.models import Edition
from reports.enums import CertificateKind
from reports.models import Certificate
from reports.pdf import SafeURLFetcher, pdf_render

# A certificate is printed in the recipient's language; anything else falls back to English.
_XOBJECT_USE = re.compile(rb"/([^\s/\[\]<>()]+)\s+Do\b")
CERTIFICATE_LANGUAGES = {"en", "sk", "cs", "pl", "hu"}


def qr_data_url(text: str) -> str:
    """A QR code as a PNG data: URL with one pixel per module (the page scales it up without
    smoothing). A raster is drawn by the PDF viewer; an SVG path of the same code costs
    WeasyPrint ~20 ms per certificate. A fixed mask pattern skips qrcode's mask scoring,
    85 % of its time; any mask gives a valid code."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=2, mask_pattern=0)
    qr.add_data(text)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    size = len(matrix)
    image = Image.new("1", (size, size), 1)
    image.putdata([0 if cell else 1 for row in matrix for cell in row])
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def verify_url(certificate: Certificate, base_url: str) -> str:
    return base_url.rstrip("/") + reverse("verify", args=[certificate.code])


def _logo_data_url(edition: Edition) -> str:
    """The edition's logo is an uploaded (private) file, so it is embedded as a data: URL rather
    than opened by the renderer: the fetcher never reaches the media folder."""
    if not edition.logo:
        return ""
    name = edition.logo.name.lower()
    mime = {
        "png": "image/png",
        "jpg": "image/jpeg",
        "jpeg": "image/jpeg",
        "svg": "image/svg+xml",
        "gif": "image/gif",
    }.get(name.rsplit(".", 1)[-1])
    if mime is None:
        return ""
    try:
        with edition.logo.open("rb") as fh:
            data = fh.read(2_000_000)
    except OSError:
        return ""
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def _signatories(edition: Edition) -> list[dict]:
    people = []
    for item in edition.signatories or []:
        if not isinstance(item, dict):
            continue
        image = str(item.get("image") or "")
        # Signature images are data: URLs or files under static/ (the fetcher refuses the rest anyway).
        if image and not (
            image.startswith("data:image/") or re.fullmatch(r"[A-Za-z0-9_./-]+\.(png|jpg|jpeg|svg)", image)
        ):
            image = ""
        people.append({"name": str(item.get("name") or ""), "title": str(item.get("title") or ""), "image": image})
    return people[:4]


def _heading(kind: str) -> tuple[str, str]:
    """(title, "presented to" line) in the active language."""
    if kind == CertificateKind.WINNER:
        return _("Winner"), _("This certificate is awarded to")
    if kind == CertificateKind.FINALIST:
        return _("Finalist"), _("This certificate is awarded to")
    if kind == CertificateKind.SPECIAL:
        return _("Special award"), _("This certificate is awarded to")
    if kind == CertificateKind.JUROR:
        return _("Thank you"), _("With gratitude for serving on the jury")
    return _("Certificate of participation"), _("This certificate is presented to")


@dataclass
class _Shared:
    logo: str
    signatories: list[dict]
    ceremony_at: object


def _language(certificate: Certificate) -> str:
    return certificate.language if certificate.language in CERTIFICATE_LANGUAGES else "en"


def certificate_pages(certificates: Sequence[Certificate], *, base_url: str, layer: str = "") -> list[str]:
    """One HTML fragment (one page) per certificate, each in its recipient's language.

    `layer` "background" leaves out what differs per recipient, "text" hides what does not."""
    shared: dict[int, _Shared] = {}
    pages = []
    for certificate in certificates:
        edition = certificate.edition
        if edition.pk not in shared:
            ceremony = timezone.localtime(edition.ceremony_at, edition.tz) if edition.ceremony_at else None
            shared[edition.pk] = _Shared(_logo_data_url(edition), _signatories(edition), ceremony)
        common = shared[edition.pk]
        url = verify_url(certificate, base_url)
        with translation.override(_language(certificate)):
            heading, presented = _heading(certificate.kind)
            pages.append(
                render_to_string(
                    "reports/certificate_page.html",
                    {
                        "c": certificate,
                        "edition": edition,
                        "logo": common.logo,
                        "signatories": common.signatories,
                        "ceremony_at": common.ceremony_at,
                        "heading": heading,
                        "presented": presented,
                        "qr": "" if layer == "background" else qr_data_url(url),
                        "verify_url": url,
                        "layer": layer,
                    },
                )
            )
    return pages


# Slots per tall sheet of the text layer; the gain flattens out above a few dozen.
SHEET = 25
_SLOT_PX = 210 * 96 / 25.4  # one A4 landscape height in CSS pixels
_GROUP_USE = re.compile(rb"/(x\d+)\s+Do\b")


def certificates_render(
    certificates: Sequence[Certificate], *, base_url: str, fetcher: SafeURLFetcher | None = None
) -> bytes:
    """One print-ready PDF, one A4 landscape page per certificate.

    A single certificate is one WeasyPrint run of the whole page. A batch costs two runs,
    whatever its size: the artwork shared by an edition, kind and language is rendered once
    (one page per combination), the lines that differ per recipient are laid out many to a
    tall sheet, and each recipient's page is the shared artwork's content stream (stored once
    in the file) followed by their own lines, which sit exactly where the full page has them."""
    fetcher = fetcher or SafeURLFetcher()
    if len(certificates) <= 1:
        pages = certificate_pages(certificates, base_url=base_url)
        language = certificates[0].language if certificates else "en"
        html = render_to_string("reports/certificate_document.html", {"pages": pages, "language": language})
        return pdf_render(html, fetcher=fetcher)

    keys: dict[tuple, int] = {}
    representatives = []
    for certificate in certificates:
        key = (certificate.edition_id, certificate.kind, _language(certificate))
        if key not in keys:
            keys[key] = len(representatives)
            representatives.append(certificate)
    html = render_to_string(
        "reports/certificate_document.html",
        {"pages": certificate_pages(representatives, base_url=base_url, layer="background"), "layer": "background"},
    )
    artwork = PdfReader(io.BytesIO(pdf_render(html, fetcher=fetcher)))
    if len(artwork.pages) != len(representatives):
        raise RuntimeError("the artwork took more than one page")

    pages = certificate_pages(certificates, base_url=base_url, layer="text")
    sheets = [pages[i : i + SHEET] for i in range(0, len(pages), SHEET)]
    html = render_to_string(
        "reports/certificate_document.html",
        {"sheets": sheets, "layer": "text", "sheet_height": 210 * len(sheets[0]) + 1, "language": "en"},
    )
    text = PdfReader(io.BytesIO(pdf_render(html, fetcher=fetcher)))

    writer = PdfWriter()
    backgrounds = [_background(page, writer) for page in artwork.pages]
    lifted = 0
    for sheet in text.pages:
        groups = sheet["/Resources"]["/XObject"]
        names = _GROUP_USE.findall(sheet.get_contents().get_data())
        for slot, name in enumerate(names):
            certificate = certificates[lifted]
            lifted += 1
            contents, resources, mediabox = backgrounds[
                keys[(certificate.edition_id, certificate.kind, _language(certificate))]
            ]
            group = groups["/" + name.decode()].get_object()
            merged = {key: DictionaryObject(value) for key, value in resources.items()}
            for category, entries in group["/Resources"].get_object().items():
                entries = entries.get_object()
                if isinstance(entries, DictionaryObject):
                    target = merged.setdefault(category, DictionaryObject())
                    for entry, value in entries.items():
                        target[entry] = value.clone(writer)
            lines = StreamObject()
            # The slot's own coordinates: PDF y upwards, CSS pixels, the slot's top at the page's top.
            lines.set_data(
                f"q 1 0 0 -1 0 {float(mediabox[3]):.4f} cm 0.75 0 0 0.75 0 0 cm 1 0 0 1 0 {-slot * _SLOT_PX:.4f} cm\n".encode()
                + group.get_data()
                + b"\nQ\n"
            )
            page = PageObject(writer)
            page[NameObject("/Type")] = NameObject("/Page")
            page[NameObject("/MediaBox")] = mediabox
            page[NameObject("/Resources")] = DictionaryObject(merged)
            # Set after add_page, which would copy the shared artwork stream into every page.
            writer.add_page(page)[NameObject("/Contents")] = ArrayObject(
                [contents, writer._add_object(lines.flate_encode())]
            )
    if lifted != len(certificates):
        raise RuntimeError(f"{lifted} certificate layers for {len(certificates)} certificates")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _background(page: PageObject, writer: PdfWriter) -> tuple:
    """The artwork page as (content stream in `writer`, resources, media box), its resource names
    prefixed so that they never clash with those of the recipient's lines."""
    resources = page["/Resources"].get_object()
    renamed: dict = {}
    names = []
    for category, entries in resources.items():
        entries = entries.get_object()
        if not isinstance(entries, DictionaryObject):
            continue
        renamed[category] = DictionaryObject(
            {NameObject("/bg" + key[1:]): value.clone(writer) for key, value in entries.items()}
        )
        names.extend(re.escape(key[1:]) for key in entries)
    data = page.get_contents().get_data()
    if names:
        pattern = re.compile(
            rb"/(" + "|".join(sorted(names, key=len, reverse=True)).encode() + rb")(?=[\s/\[\]<>()]|$)"
        )
        data = pattern.sub(rb"/bg\1", data)
    stream = StreamObject()
    stream.set_data(b"q\n" + data + b"\nQ\n")
    return writer._add_object(stream.flate_encode()), renamed, ArrayObject(page.mediabox)


def pdf_split(pdf: bytes) -> Iterable[bytes]:
    """Yield one single-page PDF per page of `pdf`.

    WeasyPrint gives every page one shared resource dictionary holding every image of the
    document; each page keeps only the images its content draws, otherwise every single
    certificate would carry everyone's QR codes.

    The files are written here rather than by a PdfWriter per page (which copies and
    re-serialises the fonts for every page, most of the batch's time after layout): every object
    keeps its number from `pdf` and is serialised once for all the files that use it, and a
    cross-reference stream lists only the numbers a file holds."""
    reader = PdfReader(io.BytesIO(pdf))
    serialised: dict[int, bytes] = {}
    closures: dict[int, set[int]] = {}
    top = int(reader.trailer["/Size"])
    page_number, pages_number, catalog_number, xref_number = top, top + 1, top + 2, top + 3
    for source in reader.pages:
        page = DictionaryObject({key: value for key, value in source.items() if key != "/Parent"})
        page[NameObject("/Parent")] = IndirectObject(pages_number, 0, reader)
        resources = page.get("/Resources")
        if resources is not None:
            resources = resources.get_object()
            xobjects = resources.get("/XObject")
            if xobjects is not None:
                used = set(_XOBJECT_USE.findall(source.get_contents().get_data()))
                kept = DictionaryObject(
                    {key: value for key, value in xobjects.get_object().items() if key[1:].encode() in used}
                )
                resources = DictionaryObject(resources)
                resources[NameObject("/XObject")] = kept
            page[NameObject("/Resources")] = resources
        numbers = _reachable(page, closures)
        out = io.BytesIO()
        out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        offsets: dict[int, int] = {}
        for number in sorted(numbers):
            if number not in serialised:
                body = io.BytesIO()
                reader.get_object(number).write_to_stream(body)
                serialised[number] = body.getvalue()
            offsets[number] = out.tell()
            out.write(b"%d 0 obj\n%s\nendobj\n" % (number, serialised[number]))
        own = {
            page_number: page,
            pages_number: DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/Pages"),
                    NameObject("/Kids"): ArrayObject([IndirectObject(page_number, 0, reader)]),
                    NameObject("/Count"): NumberObject(1),
                }
            ),
            catalog_number: DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/Catalog"),
                    NameObject("/Pages"): IndirectObject(pages_number, 0, reader),
                }
            ),
        }
        for number, obj in own.items():
            offsets[number] = out.tell()
            body = io.BytesIO()
            obj.write_to_stream(body)
            out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body.getvalue()))
        offsets[xref_number] = out.tell()
        entries = sorted(offsets.items())
        rows = b"".join(b"\x01" + offset.to_bytes(4, "big") + b"\x00\x00" for _, offset in entries)
        index = " ".join(f"{number} 1" for number, _ in entries)
        out.write(
            b"%d 0 obj\n<< /Type /XRef /Size %d /Root %d 0 R /W [1 4 2] /Index [%s] /Length %d >>\nstream\n"
            % (xref_number, xref_number + 1, catalog_number, index.encode(), len(rows))
        )
        out.write(rows + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % offsets[xref_number])
        yield out.getvalue()


def _reachable(page: DictionaryObject, closures: dict[int, set[int]]) -> set[int]:
    """Numbers of the objects a page needs (not its parent, so not the other pages); what an
    object needs is worked out once for all pages (the fonts and the artwork are shared)."""
    numbers: set[int] = set()
    for ref in _references(page):
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


def certificate_filename(certificate: Certificate) -> str:
    """`V4A-2026-0042_city-of-zilina.pdf`: reference and name, safe in any zip tool."""
    name = slugify(certificate.recipient_name)[:60]
    prefix = certificate.reference or f"{certificate.kind}-{certificate.pk}"
    return f"{prefix}_{name or certificate.code[:8]}.pdf"


def certificates_zip(
    certificates: Sequence[Certificate],
    merged_pdf: bytes,
    *,
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """A zip of one PDF per certificate, cut from the merged PDF (pages are in the same order)."""
    buffer = io.BytesIO()
    used: set[str] = set()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for index, (certificate, single) in enumerate(zip(certificates, pdf_split(merged_pdf), strict=True), start=1):
            name = certificate_filename(certificate)
            if name in used:
                name = name.removesuffix(".pdf") + f"_{certificate.code[:6]}.pdf"
            used.add(name)
            archive.writestr(name, single)
            if progress is not None:
                progress(index)
    return buffer.getvalue()
