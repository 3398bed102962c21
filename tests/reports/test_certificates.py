import io
import zipfile
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from reports.certificates import certificates_document, certificates_render, certificates_zip
from reports.enums import CertificateKind, JobStatus
from reports.models import Certificate, CertificateBatch
from reports.pdf import SafeURLFetcher, static_roots
from reports.services import certificate_revoke, certificates_issue
from tests.factories import UserFactory
from tests.reports.conftest import pdf_text

pytestmark = pytest.mark.django_db
ALL_KINDS = [k.value for k in CertificateKind]


def _publish(edition):
    edition.results_published_at = timezone.now() - timedelta(minutes=1)
    edition.save()


def test_certificates_issue_every_kind_once(edition, scored, organiser, juror, other_juror):
    certificates = certificates_issue(edition=edition, kinds=ALL_KINDS, actor=organiser, every_level=True)
    kinds = [c.kind for c in certificates]
    # every level chosen: winner, special, two finalists, two participants, two jurors; in print order
    assert kinds == ["winner", "special", "finalist", "finalist", "participant", "participant", "juror", "juror"]
    assert certificates[1].award_title == "Cena verejnosti"
    assert certificates[0].recipient_name == "@Gdańsk Region"
    assert {c.recipient_name for c in certificates if c.kind == "juror"} == {"Julia Juror", "Jan Second"}
    assert all(len(c.code) >= 22 for c in certificates)  # 16 random bytes, URL-safe
    assert len({c.code for c in certificates}) == len(certificates)
    again = certificates_issue(edition=edition, kinds=ALL_KINDS, actor=organiser, every_level=True)
    assert [c.code for c in again] == [c.code for c in certificates]
    assert Certificate.objects.count() == 8


def test_certificate_pdf_states_names_award_code_and_diacritics(edition, scored, organiser):
    certificates = certificates_issue(edition=edition, kinds=["winner", "special", "juror"], actor=organiser)
    pdf = certificates_render(certificates, base_url="https://award.example.org")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == len(certificates) == 4
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4 landscape
    first = reader.pages[0].extract_text()
    assert "@Gdańsk Region" in first
    assert "Łódź smart lights ő ű" in first
    assert "Smart City" in first
    assert "Ľubomír Šťastný" in first and "Zsófia Győri" in first
    assert certificates[0].code in first.replace("\n", "")
    assert "Cena verejnosti" in reader.pages[1].extract_text()
    assert "Julia Juror" in pdf_text(pdf) and "Jan Second" in pdf_text(pdf)


def _zipped(certificates) -> list[bytes]:
    """The batch task's zip of `certificates`, its files in the certificates' order."""
    document = certificates_document(certificates, base_url="https://award.example.org")
    archive = zipfile.ZipFile(io.BytesIO(certificates_zip(certificates, document)))
    return [archive.read(name) for name in archive.namelist()]


def test_zip_gives_one_pdf_per_certificate_with_only_its_qr_code(edition, scored, organiser):
    certificates = certificates_issue(edition=edition, kinds=["participant"], actor=organiser)
    pdf = certificates_render(certificates, base_url="https://award.example.org")
    singles = _zipped(certificates)
    assert len(singles) == 2
    for certificate, single in zip(certificates, singles, strict=True):
        reader = PdfReader(io.BytesIO(single))
        assert len(reader.pages) == 1
        text = reader.pages[0].extract_text()
        assert certificate.recipient_name in text
        compact = text.replace("\n", "")
        assert certificate.code in compact
        assert [c.code in compact for c in certificates if c != certificate] == [False]  # not the batch's lines
        assert len(single) < len(pdf)


PAYLOADS = [
    '<img src="file:///etc/passwd">',
    '<link rel="stylesheet" href="http://127.0.0.1:9/x.css">',
    '<div style="background: url(http://127.0.0.1:9/x)">x</div>',
    "</p><style>@import url(http://127.0.0.1:9/y.css);</style>",
    '<a href="/attachments/1">attachment</a>',
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_injection_in_every_user_field_fetches_nothing(edition, scored, organiser, juror, payload):
    p1, p2 = scored["projects"]
    p1.title = payload
    p1.organisation_name = payload
    p1.save()
    scored["category"].name = payload[:200]
    scored["category"].save()
    juror.first_name, juror.last_name = payload[:150], ""
    juror.save()
    edition.name = payload
    edition.ceremony_place = payload
    edition.signatories = [{"name": payload, "title": payload, "image": "file:///etc/passwd"}]
    edition.save()
    certificates = certificates_issue(edition=edition, kinds=["special", "juror"], actor=organiser)

    class Spy(SafeURLFetcher):
        pass

    fetcher = Spy()
    pdf = certificates_render(certificates, base_url="https://award.example.org", fetcher=fetcher)
    text = pdf_text(pdf)
    assert "root:" not in text
    compact = "".join(text.split())
    page = "".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    # The markup is printed as text: the special award's page names the project's organisation,
    # its title, category, edition and place; the juror's name is on the juror's page.
    assert page.count("".join(payload.split())) >= 5
    assert "".join(payload.split())[:150] in compact
    roots = [root.as_uri() for root in static_roots()]
    assert fetcher.requested  # the artwork's fonts
    for url in fetcher.requested:
        assert any(url.startswith(root + "/fonts/") for root in roots), url


def test_verify_page_shows_facts_and_unknown_codes(client, edition, scored, organiser):
    certificate = certificates_issue(edition=edition, kinds=["winner"], actor=organiser)[0]
    response = client.get(reverse("verify", args=[certificate.code]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "This certificate is genuine and valid." in body
    assert "@Gdańsk Region" in body and "Łódź smart lights ő ű" in body and "Winner" in body and "Smart City" in body
    response = client.get(reverse("verify", args=["x" * 22]))
    assert response.status_code == 404
    assert "This verification code is unknown." in response.content.decode()
    assert client.get("/verify/" + "y" * 500).status_code == 404


def test_revoked_certificate_says_so(client, edition, scored, organiser):
    certificate = certificates_issue(edition=edition, kinds=["winner"], actor=organiser)[0]
    certificate_revoke(certificate=certificate, actor=organiser, reason="Issued in error")
    body = client.get(reverse("verify", args=[certificate.code])).content.decode()
    assert "was revoked on" in body and "Issued in error" in body
    assert "genuine and valid" not in body
    # A new batch issues a fresh certificate with a new code.
    again = certificates_issue(edition=edition, kinds=["winner"], actor=organiser)[0]
    assert again.code != certificate.code


def test_team_downloads_own_certificate_only_after_publication(client_for, edition, scored, organiser, other_applicant):
    certificates = certificates_issue(edition=edition, kinds=["participant"], actor=organiser)
    own = next(c for c in certificates if c.project.owner == scored["owner"])
    other = next(c for c in certificates if c is not own)
    url = reverse("reports:certificate_download", args=[own.code])
    client = client_for(scored["owner"])
    assert client.get(url).status_code == 404  # results not public yet
    _publish(edition)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "Mesto Žilina" in pdf_text(response.content)
    assert client.get(reverse("reports:certificate_download", args=[other.code])).status_code == 404
    mine = client.get(reverse("reports:my_certificates")).content.decode()
    assert own.code in mine and other.code not in mine
    assert client_for(other_applicant).get(url).status_code == 404


def test_juror_downloads_thank_you(client_for, edition, scored, organiser, juror, other_juror):
    certificates = certificates_issue(edition=edition, kinds=["juror"], actor=organiser)
    _publish(edition)
    own = next(c for c in certificates if c.juror == juror)
    other = next(c for c in certificates if c.juror == other_juror)
    client = client_for(juror)
    response = client.get(reverse("reports:certificate_download", args=[own.code]))
    assert "Julia Juror" in pdf_text(response.content)
    assert client.get(reverse("reports:certificate_download", args=[other.code])).status_code == 404


def test_batch_from_the_organiser_page(client_for, edition, scored, organiser, django_capture_on_commit_callbacks):
    client = client_for(organiser)
    page = client.get(reverse("reports:home", args=[edition.slug]))
    assert "Generate certificates" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:batch_start", args=[edition.slug]), {"kinds": ALL_KINDS, "every_level": "on"}
        )
    batch = CertificateBatch.objects.get()
    assert batch.every_level is True
    assert response.url == reverse("reports:batch", args=[edition.slug, batch.pk])
    assert batch.status == JobStatus.DONE and batch.percent == 100 and batch.total == 8
    detail = client.get(response.url).content.decode()
    assert 'value="100"' in detail and "Download the merged PDF" in detail
    merged = client.get(reverse("reports:batch_file", args=[edition.slug, batch.pk, "pdf"]))
    pdf = b"".join(merged.streaming_content)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 8
    archive = zipfile.ZipFile(
        io.BytesIO(
            b"".join(client.get(reverse("reports:batch_file", args=[edition.slug, batch.pk, "zip"])).streaming_content)
        )
    )
    names = archive.namelist()
    assert len(names) == 8
    assert "V4A-2026-0001_mesto-zilina.pdf" in names
    assert "Mesto Žilina" in pdf_text(archive.read("V4A-2026-0001_mesto-zilina.pdf"))


def test_batch_with_nothing_chosen_is_refused(client_for, edition, organiser):
    response = client_for(organiser).post(
        reverse("reports:batch_start", args=[edition.slug]), {"kinds": ["bogus"]}, follow=True
    )
    assert "Choose at least one kind of certificate." in response.content.decode()
    assert CertificateBatch.objects.count() == 0


def test_reports_pages_are_organiser_only(client_for, edition, scored, juror, applicant):
    for user in (juror, applicant, UserFactory()):
        client = client_for(user)
        assert client.get(reverse("reports:home", args=[edition.slug])).status_code == 404
        assert client.get(reverse("reports:excel", args=[edition.slug, "score_matrix"])).status_code == 404
        assert client.post(reverse("reports:batch_start", args=[edition.slug]), {"kinds": ALL_KINDS}).status_code == 404


def test_certificate_is_printed_in_the_recipients_language(edition, scored, organiser):
    certificates = certificates_issue(edition=edition, kinds=["participant"], actor=organiser)
    slovak = next(c for c in certificates if c.project.owner == scored["owner"])
    assert slovak.language == "sk"
    text = pdf_text(certificates_render([slovak], base_url="https://award.example.org"))
    assert "Certifikát o účasti" in text
    assert "Tento certifikát sa odovzdáva" in text
    assert "Kategória: Smart City" in text


def test_reports_nav_link_leads_organisers_to_the_current_edition(client_for, edition, organiser, juror):
    client = client_for(organiser)
    home = client.get("/").content.decode()
    assert reverse("reports:current") in home
    assert client.get(reverse("reports:current")).url == reverse("reports:home", args=[edition.slug])
    assert client_for(juror).get(reverse("reports:current")).status_code == 404


def test_batch_pages_carry_the_shared_artwork_once_and_each_recipients_lines(edition, scored, organiser):
    certificates = certificates_issue(
        edition=edition, kinds=["winner", "finalist", "participant", "juror"], actor=organiser, every_level=True
    )
    pdf = certificates_render(certificates, base_url="https://award.example.org")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == len(certificates) == 7
    for certificate, page in zip(certificates, reader.pages, strict=True):
        text = page.extract_text()
        compact = text.replace("\n", "")
        assert certificate.recipient_name in text
        assert edition.name in compact
        assert certificate.code in compact
        assert "Ľubomír Šťastný" in text
        box = page.mediabox
        assert (round(float(box.width)), round(float(box.height))) == (842, 595)
    # Pages of one kind and language share one artwork stream, stored once in the file.
    artwork = {}
    for certificate, page in zip(certificates, reader.pages, strict=True):
        language = certificate.language if certificate.language in {"sk", "cs", "pl", "hu"} else "en"
        artwork.setdefault((certificate.kind, language), set()).add(page["/Contents"][0].idnum)
    assert all(len(streams) == 1 for streams in artwork.values())
    assert len({next(iter(streams)) for streams in artwork.values()}) == len(artwork)
    singles = _zipped(certificates)
    assert [
        certificate.recipient_name in PdfReader(io.BytesIO(s)).pages[0].extract_text()
        for certificate, s in zip(certificates, singles, strict=True)
    ] == [True] * 7


def test_zip_names_a_projects_second_certificate_apart(edition, scored, organiser):
    # The winning project is a finalist too: two certificates, one reference and one name.
    certificates = certificates_issue(edition=edition, kinds=["winner", "finalist"], actor=organiser, every_level=True)
    document = certificates_document(certificates, base_url="https://award.example.org")
    archive = zipfile.ZipFile(io.BytesIO(certificates_zip(certificates, document)))
    names = archive.namelist()
    assert len(names) == len(set(names)) == 3
    first, second = (i for i, c in enumerate(certificates) if c.reference == "V4A-2026-0002")
    assert names[first] == "V4A-2026-0002_gdansk-region.pdf"
    assert names[second] == f"V4A-2026-0002_gdansk-region_{certificates[second].code[:6]}.pdf"
    assert certificates[second].code in pdf_text(archive.read(names[second])).replace("\n", "")
