"""Certificates: A4 landscape, one page per certificate, in the recipient's language.

What an edition, kind and language share (frame, brand or logo, heading, signatories) is the
artwork: one WeasyPrint run renders it once per combination for the whole batch. What differs per
recipient (award, name, project, category, ceremony, verification code and its QR code) is
written straight into each page's content stream by reports.pdfdraw: a few milliseconds per
certificate, where WeasyPrint's layout of the same lines took 15–30 ms. A single download goes
through the same code with one certificate.
"""

import base64
import io
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import cache

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from award.models import Edition
from reports.enums import CertificateKind
from reports.models import Certificate
from reports.pdf import SafeURLFetcher, pdf_render
from reports.pdfdraw import LATIN, Canvas, Composed, FontSet, Style, glyphs, pdf_compose, qr_matrix, wrap
from scoring.enums import ResultKind
from scoring.models import Result, title_in

# A certificate is printed in the recipient's language; anything else falls back to English.
CERTIFICATE_LANGUAGES = {"en", "sk", "cs", "pl", "hu"}
# What a single download's fonts are subset to: its language's letters, LATIN and the characters
# it draws. One subset per face and alphabet then serves every name written in it. The five
# languages' letters all lie within LATIN (Latin-1 and Latin Extended-A), so today they share one.
ALPHABETS = {
    language: LATIN | frozenset(letters)
    for language, letters in {
        "en": "",
        "sk": "áäčďéíĺľňóôŕšťúýžÁÄČĎÉÍĹĽŇÓÔŔŠŤÚÝŽ",
        "cs": "áčďéěíňóřšťúůýžÁČĎÉĚÍŇÓŘŠŤÚŮÝŽ",
        "pl": "ąćęłńóśźżĄĆĘŁŃÓŚŹŻ",
        "hu": "áéíóöőúüűÁÉÍÓÖŐÚÜŰ",
    }.items()
}


def verify_url(certificate: Certificate, base_url: str) -> str:
    return base_url.rstrip("/") + reverse("verify", args=[certificate.code])


def verify_url_parts(base_url: str) -> tuple[str, str]:
    """What comes before and after the code in verify_url."""
    url = base_url.rstrip("/") + reverse("verify", args=["CODE"])
    prefix, _code, suffix = url.rpartition("CODE")
    return prefix, suffix


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
        # The title in the certificate's language when the set-up gave one (award/setup), else English.
        titles = item.get("titles") if isinstance(item.get("titles"), dict) else {}
        title = titles.get(translation.get_language() or "") or item.get("title") or ""
        people.append({"name": str(item.get("name") or ""), "title": str(title), "image": image})
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


def certificate_language(certificate: Certificate) -> str:
    return certificate.language if certificate.language in CERTIFICATE_LANGUAGES else "en"


_language = certificate_language


def special_award_titles(certificates: Sequence[Certificate]) -> dict[tuple[int, str], tuple[dict, bool]]:
    """(project, default title) -> (the special award's titles per language, whether it is the
    audience prize), in one query. The certificate keeps the default title (its identity); the
    title printed is the award's in the certificate's language."""
    projects = {c.project_id for c in certificates if c.kind == CertificateKind.SPECIAL and c.award_title}
    if not projects:
        return {}
    rows = Result.objects.filter(kind=ResultKind.SPECIAL, project_id__in=projects).values_list(
        "project_id", "title", "titles", "audience_prize"
    )
    return {(project, title[:200]): (titles, audience) for project, title, titles, audience in rows}


def _special_award(certificate: Certificate, titles: dict | None) -> tuple[dict, bool]:
    if certificate.kind != CertificateKind.SPECIAL or not certificate.award_title:
        return {}, False
    if titles is None:
        titles = special_award_titles([certificate])
    return titles.get((certificate.project_id, certificate.award_title), ({}, False))


def certificate_award_title(certificate: Certificate, language: str, titles: dict | None = None) -> str:
    """The award line in `language`: a special award's translated title when it has one."""
    if certificate.kind != CertificateKind.SPECIAL or not certificate.award_title:
        return certificate.award_title
    return title_in(certificate.award_title, _special_award(certificate, titles)[0], language)


def is_audience_prize(certificate: Certificate, titles: dict | None = None) -> bool:
    """Whether the certificate is of the audience prize that the public vote gave."""
    return _special_award(certificate, titles)[1]


def printed_award(certificate: Certificate) -> tuple[str, bool]:
    """(the award's title as the certificate prints it, in its recipient's language; whether it
    is the audience prize), in one query: what the verification page and API state."""
    titles = special_award_titles([certificate])
    return (
        certificate_award_title(certificate, certificate_language(certificate), titles),
        is_audience_prize(certificate, titles),
    )


def certificate_heading(certificate: Certificate, language: str, titles: dict | None = None) -> tuple[str, str]:
    """(heading, "presented to" line) in the active language. The audience prize is headed by
    its own title (in `language`, as the organisers gave it) and says that the public chose it;
    every other certificate by its kind."""
    if is_audience_prize(certificate, titles):
        title = certificate_award_title(certificate, language, titles)
        if not _title_is_heading(title):
            return _("Audience prize"), _("Awarded by the votes of the public to")
        return title, _("Awarded by the votes of the public to")
    return _heading(certificate.kind)


def _title_is_heading(title: str) -> bool:
    """Whether the audience prize's own title heads its certificate: it does when it fits the
    heading's line at AUDIENCE_TITLE_SMALLEST or larger; a longer one is printed as the award's
    line under a plain "Audience prize" heading, where it may take two lines."""
    return heading_size(title) >= AUDIENCE_TITLE_SMALLEST


# The artwork's colours when the edition has no branding: the award's blue and gold.
DEFAULT_PRIMARY = "#0f4c81"
DEFAULT_SECONDARY = "#c9a227"
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def brand_colours(edition: Edition) -> tuple[str, str]:
    """(main, second) colour of the edition's branding as #rrggbb; a missing or malformed one
    (it goes into CSS) is the default."""
    primary = edition.brand_primary if _COLOUR.fullmatch(edition.brand_primary or "") else DEFAULT_PRIMARY
    secondary = edition.brand_secondary if _COLOUR.fullmatch(edition.brand_secondary or "") else DEFAULT_SECONDARY
    return primary, secondary


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _tint(colour: str, amount: float) -> str:
    """`colour` mixed into white: a solid colour, where CSS opacity would make a transparency group."""
    return "#" + "".join(f"{round(255 - (255 - c) * amount):02x}" for c in _rgb(colour))


def _artwork_pages(representatives: Sequence[tuple[Certificate, str]]) -> list[str]:
    """One HTML page of artwork per (edition, kind, language, heading), each in its language."""
    logos: dict[int, str] = {}
    pages = []
    for certificate, heading in representatives:
        edition = certificate.edition
        if edition.pk not in logos:
            logos[edition.pk] = _logo_data_url(edition)
        primary, secondary = brand_colours(edition)
        with translation.override(_language(certificate)):
            pages.append(
                render_to_string(
                    "reports/certificate_page.html",
                    {
                        "edition": edition,
                        "language": _language(certificate),
                        "logo": logos[edition.pk],
                        "signatories": _signatories(edition),
                        "heading": heading,
                        "heading_size": f"{heading_size(heading):g}",
                        "primary": primary,
                        "secondary": secondary,
                        "wash": _tint(primary, 0.045),
                    },
                )
            )
    return pages


# The page in PDF points (y upwards) and the boxes of templates/reports/certificate_document.html
# (its CSS places everything in page millimetres).
MM = 72 / 25.4
PAGE_HEIGHT = 210 * MM
CENTRE = 148.5 * MM  # the middle of the page and of the frame
TEXT_WIDTH = 262 * MM  # the inner frame is 274 mm wide: 6 mm on each side
SANS = Style(("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"), (0x1D, 0x2A, 0x3A))
GREY = Style(("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"), (0x4A, 0x5A, 0x6A))
AWARD = Style(("DejaVuSans-Bold.ttf", "DejaVuSans.ttf"), (0x8A, 0x6D, 0x0B))
NAME = Style(("DejaVuSerif-Bold.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans.ttf"), (0x1D, 0x2A, 0x3A))
VERIFY_CENTRE = 258 * MM  # the .verify box: 236-280 mm
VERIFY_WIDTH = 40 * MM
FOOT_BOTTOM = 194 * MM  # from the top of the page
QR_SIZE = 26 * MM
BAND_TOP = 60 * MM  # the heading ends at 56 mm
BAND_BOTTOM = 154 * MM  # the signatures start at 158 mm
AWARD_BOX = 11 * MM  # the award's title: one line, or two smaller ones
HEADING = NAME  # .kind is "Award Serif" bold: DejaVu Serif Bold


# The heading: 30 pt on one line of the page's 257 mm, smaller for a longer award title.
HEADING_SIZE = 30.0
HEADING_SMALLEST = 12.0
AUDIENCE_TITLE_SMALLEST = 18.0  # a longer audience prize title goes on the award's line
HEADING_WIDTH = 250 * MM
HEADING_SPACING = 2.0  # the letter-spacing of .kind, in points


def heading_size(heading: str) -> float:
    """The heading's font size in points: the largest up to 30 pt at which it fits its line
    (an organiser's title for the audience prize may be long)."""
    chars = glyphs(heading, HEADING)
    em = sum(g[2] for g in chars)
    if not em:
        return HEADING_SIZE
    size = (HEADING_WIDTH - HEADING_SPACING * len(chars)) / em
    return max(HEADING_SMALLEST, min(HEADING_SIZE, int(size * 2) / 2))


def _line(canvas: Canvas, line, *, style: Style, size: float, top: float, centre: float = CENTRE) -> float:
    """Draw one centred line whose box starts `top` points below the page's top; return its bottom."""
    line_width = sum(g[2] for g in line) * size
    canvas.text(
        line,
        style=style,
        size=size,
        x=centre - line_width / 2,
        baseline=PAGE_HEIGHT - top - style.face.ascent * size,
    )
    return top + style.face.line_height * size


def _flow(blocks: list[tuple[str, Style, float, float]], scale: float) -> tuple[list, float]:
    """Wrap each (text, style, size, margin above) at `scale`; return the lines and the height."""
    laid = []
    height = 0.0
    for text, style, size, margin in blocks:
        size *= scale
        margin *= scale
        lines = wrap(text, style, size, TEXT_WIDTH)
        laid.append((lines, style, size, margin))
        height += margin + len(lines) * style.face.line_height * size
    return laid, height


def _award_lines(title: str, style: Style) -> tuple[list, float]:
    """The award's title at 16 pt, shrunk to fit one line, then two, never out of its box."""
    size = 16.0
    while True:
        lines = wrap(title, style, size, TEXT_WIDTH)
        if len(lines) == 1 or (size <= 10 and len(lines) * style.face.line_height * size <= AWARD_BOX) or size < 3:
            return lines, size
        size -= 0.5


def _fitting(text: str, style: Style, size: float, smallest: float) -> float:
    """The largest size from `size` down to `smallest` (in 0.5 pt steps) at which `text` is one
    line; `smallest` if it wraps even then."""
    while size > smallest and len(wrap(text, style, size, TEXT_WIDTH)) > 1:
        size -= 0.5
    return size


@cache
def _styles(primary: str, secondary: str) -> tuple[Style, Style]:
    """The award's title in the edition's second colour (darkened for reading on paper) and the
    recipient's name in its main colour."""
    r, g, b = _rgb(secondary)
    award = replace(AWARD, colour=(int(r * 0.7), int(g * 0.7), int(b * 0.7)))
    return award, replace(NAME, colour=_rgb(primary))


def _recipient_lines(
    canvas: Canvas, certificate: Certificate, ceremony_at, url: str, award_title: str, presented: str
) -> None:
    """Award, "presented to", name, project, category and date, centred as one block in the band
    between the heading and the signatures; then the QR code and the link to verify."""
    edition = certificate.edition
    award_style, name_style = _styles(*brand_colours(edition))
    # The name on one line if it fits at 20 pt or more, else wrapped.
    name_size = _fitting(certificate.recipient_name, name_style, 30.0, 20.0)
    blocks = [(presented, GREY, 11.5, 0.0), (certificate.recipient_name, name_style, name_size, 2.5 * MM)]
    if certificate.project_title:
        project = _("for the project “%(title)s”") % {"title": certificate.project_title}
        blocks.append((project, SANS, _fitting(project, SANS, 14.0, 12.0), 2.5 * MM))
    category = ""
    if certificate.category:
        category = _("Category: %(category)s") % {"category": certificate.category.name}
        if certificate.reference:
            category += " · " + certificate.reference
        category += " · "
    blocks.append((category + edition.name, GREY, 10.5, 6 * MM))
    date = formats.date_format(ceremony_at, "DATE_FORMAT") if ceremony_at else ""
    place = edition.ceremony_place
    if date and place:
        blocks.append((_("Awarded on %(date)s in %(place)s") % {"date": date, "place": place}, GREY, 10.5, 1.5 * MM))
    elif date:
        blocks.append((_("Awarded on %(date)s") % {"date": date}, GREY, 10.5, 1.5 * MM))
    elif place:
        blocks.append((_("Awarded in %(place)s") % {"place": place}, GREY, 10.5, 1.5 * MM))

    award: list = []
    award_size = award_height = 0.0
    if award_title:
        award, award_size = _award_lines(award_title, award_style)
        award_height = len(award) * award_style.face.line_height * award_size + 4 * MM
    room = BAND_BOTTOM - BAND_TOP - award_height
    scale = 1.0
    laid, height = _flow(blocks, scale)
    # Long names and titles wrap; if the lines would not fit the band, everything shrinks.
    while height > room and scale > 0.2:
        scale *= 0.93
        laid, height = _flow(blocks, scale)
    top = BAND_TOP + max(0.0, (room - height) / 2)
    for line in award:
        top = _line(canvas, line, style=award_style, size=award_size, top=top)
    if award:
        top += 4 * MM
    for lines, style, size, margin in laid:
        top += margin
        for line in lines:
            top = _line(canvas, line, style=style, size=size, top=top)

    lines = wrap(_("Verify this certificate at") + " " + url, GREY, 6.5, VERIFY_WIDTH)
    top = FOOT_BOTTOM - len(lines) * GREY.face.line_height * 6.5
    qr_bottom = PAGE_HEIGHT - top + GREY.face.descent * 6.5
    canvas.qr(qr_matrix(url), x=VERIFY_CENTRE - QR_SIZE / 2, y=qr_bottom, size=QR_SIZE)
    for line in lines:
        top = _line(canvas, line, style=GREY, size=6.5, top=top, centre=VERIFY_CENTRE)


def certificates_render(
    certificates: Sequence[Certificate], *, base_url: str, fetcher: SafeURLFetcher | None = None
) -> bytes:
    """One print-ready PDF, one A4 landscape page per certificate."""
    return certificates_document(certificates, base_url=base_url, fetcher=fetcher).merged()


def certificates_document(
    certificates: Sequence[Certificate], *, base_url: str, fetcher: SafeURLFetcher | None = None
) -> Composed:
    """The certificates as one document, whatever the batch's size: one WeasyPrint run for the
    artwork (one page per edition, kind and language), each recipient's lines drawn over their
    artwork (stored once in the file). `.merged()` is the PDF, `.single(i)` page i on its own.

    A batch's fonts are subset once, to the glyphs it draws; a single certificate's to its
    language's alphabet, which the next download in that alphabet reuses."""
    titles = special_award_titles(certificates)
    keys: dict[tuple, int] = {}
    representatives = []
    headings = []
    for certificate in certificates:
        language = _language(certificate)
        with translation.override(language):
            heading, presented = certificate_heading(certificate, language, titles)
        headings.append((heading, presented))
        key = (certificate.edition_id, certificate.kind, language, heading)
        if key not in keys:
            keys[key] = len(representatives)
            representatives.append((certificate, heading))
    html = render_to_string("reports/certificate_document.html", {"pages": _artwork_pages(representatives)})
    artwork = pdf_render(html, fetcher=fetcher or SafeURLFetcher())

    # reverse() once: codes are URL-safe as they are.
    prefix, suffix = verify_url_parts(base_url)
    ceremonies: dict[int, object] = {}
    fonts = FontSet(alphabet=ALPHABETS[_language(certificates[0])] if len(certificates) == 1 else None)
    pages = []
    for certificate, (heading, presented) in zip(certificates, headings, strict=True):
        edition = certificate.edition
        if edition.pk not in ceremonies:
            ceremonies[edition.pk] = (
                timezone.localtime(edition.ceremony_at, edition.tz) if edition.ceremony_at else None
            )
        canvas = Canvas()
        language = _language(certificate)
        # A title that heads the page (the audience prize's, when it fits) is not printed twice.
        award_title = certificate_award_title(certificate, language, titles)
        if award_title == heading:
            award_title = ""
        with translation.override(language):
            _recipient_lines(
                canvas,
                certificate,
                ceremonies[edition.pk],
                prefix + certificate.code + suffix,
                award_title,
                presented,
            )
        fonts.add(canvas)
        pages.append((keys[(certificate.edition_id, certificate.kind, language, heading)], canvas))
    return pdf_compose(artwork, pages, fonts)


def certificate_filename(certificate: Certificate) -> str:
    """`V4A-2026-0042_city-of-zilina.pdf`: reference and name, safe in any zip tool."""
    name = slugify(certificate.recipient_name)[:60]
    prefix = certificate.reference or f"{certificate.kind}-{certificate.pk}"
    return f"{prefix}_{name or certificate.code[:8]}.pdf"


def certificates_zip(
    certificates: Sequence[Certificate],
    document: Composed,
    *,
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """A zip of one PDF per certificate, page i of `document` (certificates_document) for
    certificates[i]: each file is written from the document's objects, already serialised, so
    nothing is parsed again. `progress` is called with the number of files written."""
    buffer = io.BytesIO()
    used: set[str] = set()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for index, certificate in enumerate(certificates):
            name = certificate_filename(certificate)
            if name in used:
                name = name.removesuffix(".pdf") + f"_{certificate.code[:6]}.pdf"
            used.add(name)
            archive.writestr(name, document.single(index))
            if progress is not None:
                progress(index + 1)
    return buffer.getvalue()
