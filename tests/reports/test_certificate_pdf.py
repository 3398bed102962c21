"""The certificate's own text layer: fonts, wrapping, the vector QR code, odd input."""

import io
import re
import zipfile

import pytest
import qrcode
from django.urls import reverse
from django.utils import timezone
from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from qrcode.constants import ERROR_CORRECT_M

from reports.certificates import (
    CENTRE,
    MM,
    TEXT_WIDTH,
    certificates_document,
    certificates_render,
    certificates_zip,
    verify_url,
)
from reports.pdfdraw import face, font_subset, font_subset_cached, qr_matrix
from reports.services import certificates_issue
from submissions.enums import ProjectStatus
from tests.factories import ProjectFactory, UserFactory
from tests.reports.conftest import pdf_text

pytestmark = pytest.mark.django_db
BASE = "https://award.example.org"
DIACRITICS = "ľ š č ť ž ý á í é ú ä ô ň ř ů ě ł ś ą ę ż ź ő ű"
_QR = re.compile(rb"q 0 0 0 rg ([\d.]+) 0 0 [\d.]+ [\d.]+ [\d.]+ cm\n(.*?)\nf Q", re.S)


def _runs(page) -> list[tuple[float, float, float, str]]:
    """(x, baseline, font size, text) of every text run the page draws, in PDF points."""
    runs = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            runs.append((x, y, size * abs(tm[3] * cm[3]), text))

    page.extract_text(visitor_text=visit)
    return runs


def test_certificate_text_extracts_with_every_diacritic(edition, scored, organiser):
    p1, p2 = scored["projects"]
    p1.title = "Projekt " + DIACRITICS + " " + DIACRITICS.upper()
    p1.organisation_name = "Obec " + DIACRITICS
    p1.save()
    certificates = certificates_issue(edition=edition, kinds=["participant"], actor=organiser)
    batch = PdfReader(io.BytesIO(certificates_render(certificates, base_url=BASE)))
    mine = next(i for i, c in enumerate(certificates) if c.project == p1)
    single = PdfReader(io.BytesIO(certificates_render([certificates[mine]], base_url=BASE)))
    for page in (batch.pages[mine], single.pages[0]):
        text = page.extract_text()
        assert "Obec " + DIACRITICS in text
        assert DIACRITICS + " " + DIACRITICS.upper() in text
    # The single download and the batch draw the same page.
    assert single.pages[0].extract_text() == batch.pages[mine].extract_text()


def test_certificate_long_texts_wrap_within_the_page(edition, scored, organiser):
    p1, p2 = scored["projects"]
    p1.title = ("Digitálna transformácia verejných služieb v meste " * 5)[:200]
    p1.organisation_name = ("Združenie obcí mikroregiónu Horné Považie " * 5)[:200]
    p1.save()
    scored["category"].name = "Inteligentné mestá a regióny " * 6
    scored["category"].save()
    edition.ceremony_place = "Kongresové centrum " * 10
    edition.save()
    certificates = certificates_issue(edition=edition, kinds=["special", "participant"], actor=organiser)
    certificates[0].award_title = "W" * 200  # the widest letter, no space to break at
    pdf = certificates_render(certificates, base_url=BASE)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == len(certificates) == 3
    left, right = CENTRE - TEXT_WIDTH / 2, CENTRE + TEXT_WIDTH / 2
    for certificate, page in zip(certificates, reader.pages, strict=True):
        runs = _runs(page)
        compact = "".join(page.extract_text().split())
        for text in (certificate.recipient_name, certificate.project_title, certificate.award_title):
            assert "".join(text.split()) in compact  # wrapped, not cut
        for x, baseline, size, _text in runs:
            # Lines are centred, so one that starts inside the frame ends inside it too.
            assert left - 0.01 <= x <= right
            assert 14 * MM < baseline < (210 - 14) * MM
            assert size >= 4
        tops = sorted({round(baseline) for _x, baseline, _size, _text in runs}, reverse=True)
        assert len(tops) > 12  # the long lines were wrapped over several lines
    award = [run for run in _runs(reader.pages[0]) if "WWW" in run[3]]
    assert len(award) >= 1 and all(size < 15 for _x, _y, size, _t in award)


def _zipped(certificates) -> list[bytes]:
    """The batch task's zip of `certificates`, its files in the certificates' order."""
    archive = zipfile.ZipFile(
        io.BytesIO(certificates_zip(certificates, certificates_document(certificates, base_url=BASE)))
    )
    return [archive.read(name) for name in archive.namelist()]


def test_certificate_qr_code_is_the_verify_url(edition, scored, organiser):
    certificates = certificates_issue(edition=edition, kinds=["participant"], actor=organiser)
    for certificate, single in zip(certificates, _zipped(certificates), strict=True):
        page = PdfReader(io.BytesIO(single)).pages[0]
        assert page["/Resources"].get("/XObject", {}) == {}  # vectors, not an image
        (match,) = _QR.findall(page.get_contents().get_data())
        module, body = float(match[0]), match[1]
        expected = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=2, mask_pattern=0)
        expected.add_data(verify_url(certificate, BASE), optimize=0)
        expected.make(fit=True)
        matrix = expected.get_matrix()
        assert module * len(matrix) == pytest.approx(26 * MM, abs=0.01)
        drawn = [[False] * len(matrix) for _ in matrix]
        for x, y, width in re.findall(rb"(\d+) (\d+) (\d+) 1 re", body):
            for column in range(int(x), int(x) + int(width)):
                drawn[len(matrix) - 1 - int(y)][column] = True
        assert drawn == matrix


@pytest.mark.parametrize("length", [1, 40, 56, 100, 200, 400])
def test_qr_matrix_equals_qrcodes(length):
    text = BASE + "/verify/" + ("aZ_-9ž" * 100)[:length]
    expected = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=2, mask_pattern=0)
    expected.add_data(text, optimize=0)
    expected.make(fit=True)
    assert qr_matrix(text) == expected.get_matrix()


def test_certificate_character_outside_the_fonts_does_not_crash(edition, scored, organiser):
    p1, p2 = scored["projects"]
    p1.organisation_name = "東京 Rocket 🚀 Obec\x07 Žilina"
    p1.save()
    certificate = next(
        c for c in certificates_issue(edition=edition, kinds=["participant"], actor=organiser) if c.project == p1
    )
    text = pdf_text(certificates_render([certificate], base_url=BASE))
    assert "\ufffd\ufffd Rocket \ufffd Obec Žilina" in text


def test_document_single_pages_match_the_merged_pdf(edition, scored, organiser):
    certificates = certificates_issue(edition=edition, kinds=["winner", "participant", "juror"], actor=organiser)
    document = certificates_document(certificates, base_url=BASE)
    merged = PdfReader(io.BytesIO(document.merged()))
    assert len(merged.pages) == len(certificates)
    for index, page in enumerate(merged.pages):
        single = PdfReader(io.BytesIO(document.single(index)))
        assert len(single.pages) == 1
        text = single.pages[0].extract_text()
        assert text == page.extract_text()
        assert certificates[index].recipient_name in text
        assert len(document.single(index)) < 60_000  # fonts subset, artwork shared, nobody else's lines


def _outline(font, glyph):
    glyphs = font.getGlyphSet()
    pen = DecomposingRecordingPen(glyphs)
    glyphs[glyph].draw(pen)
    return pen.value


@pytest.mark.parametrize("name", ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSerif-Bold.ttf"])
def test_font_subset_keeps_outlines_and_advances(name):
    original = TTFont(face(name).path)
    order = original.getGlyphOrder()
    text = DIACRITICS + DIACRITICS.upper() + "ÅǅŒﬁ½ẞ0123456789 AaWw“”„·/:_-"
    made = font_subset(name, frozenset(text))
    subset = TTFont(io.BytesIO(made.program))
    new_order = subset.getGlyphOrder()
    assert subset["maxp"].numGlyphs < 200 and len(made.program) < 30_000
    gids = {face(name).cmap[ord(char)] for char in text if ord(char) in face(name).cmap}
    assert gids <= set(made.remap)
    assert "fpgm" not in subset and "prep" not in subset  # unhinted: no programs left to run
    for old, new in made.remap.items():
        assert subset["hmtx"][new_order[new]][0] == original["hmtx"][order[old]][0]
        assert _outline(subset, new_order[new]) == _outline(original, order[old])


def test_single_downloads_in_polish_and_hungarian_share_the_alphabets_font_subsets(
    client_for, edition, scored, organiser
):
    names = {
        "pl": ["Gmina Łęczyca Źródło", "Miasto Świętochłowice"],
        "hu": ["Győr-Moson-Sopron Vármegye", "Hódmezővásárhely Őrség Ütő"],
    }
    owners = {}
    for language, (first, second) in names.items():
        owner = UserFactory(language=language)
        for name in (first, second):
            ProjectFactory(
                edition=edition,
                category=scored["category"],
                owner=owner,
                status=ProjectStatus.ELIGIBLE,
                organisation_name=name,
                title=name + " Smart",
            )
        owners[language] = owner
    certificates = certificates_issue(edition=edition, kinds=["participant"], actor=organiser)
    edition.results_published_at = timezone.now()
    edition.save()
    font_subset_cached.cache_clear()
    for language, owner in owners.items():
        client = client_for(owner)
        for name in names[language]:
            certificate = next(c for c in certificates if c.recipient_name == name)
            assert certificate.language == language
            response = client.get(reverse("reports:certificate_download", args=[certificate.code]))
            text = pdf_text(response.content)
            assert name in text and name + " Smart" in text
    # Polish and Hungarian letters both lie within LATIN: the first download made one subset per
    # face, the three others (other names, the other language) took them from the cache.
    info = font_subset_cached.cache_info()
    assert info.misses == info.currsize >= 2
    assert info.hits == 3 * info.misses


def _embedded_glyph_counts(pdf: bytes) -> list[int]:
    """The number of glyphs in each font program the text layer (not the artwork) embeds."""
    counts = []
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    for name, font in page["/Resources"]["/Font"].items():
        if name.startswith("/Cf"):  # pdfdraw's resource names
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            program = descriptor["/FontFile2"].get_object().get_data()
            counts.append(TTFont(io.BytesIO(program))["maxp"].numGlyphs)
    return counts


def test_batch_fonts_hold_the_glyphs_drawn_and_a_single_download_its_alphabet(edition, scored, organiser):
    certificates = certificates_issue(edition=edition, kinds=["participant", "juror"], actor=organiser)
    batch = _embedded_glyph_counts(certificates_render(certificates, base_url=BASE))
    single = _embedded_glyph_counts(certificates_render(certificates[:1], base_url=BASE))
    assert batch and all(count < 120 for count in batch)
    # ASCII, Latin-1 and Latin Extended-A: any Slovak, Czech, Polish or Hungarian name is in it.
    assert single and all(count > 300 for count in single)
