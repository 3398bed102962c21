"""The audience prize's certificate: headed by the prize's title in the recipient's language and
saying that the public chose it; the verification and public results pages say the same."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from reports.certificates import MM, certificates_render
from reports.services import certificates_issue
from scoring.models import Result
from scoring.results.services import special_award_set
from scoring.vote.services import audience_prize_award, confirmation_token, vote_confirm, vote_request
from tests.scoring.vote_setup import open_vote, request_for

pytestmark = pytest.mark.django_db
BASE = "https://award.example.org"


def _heading(pdf: bytes) -> list[str]:
    """The text the page draws in the heading's box (44-56 mm from the top of the page)."""
    runs = []

    def visit(text, cm, tm, font, size):
        baseline = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if text.strip() and (210 - 56) * MM <= baseline <= (210 - 44) * MM:
            runs.append(text.strip())

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return runs


def _awarded(edition, organiser):
    """The audience prize of each of two categories, the first to a team reading Slovak."""
    poll, projects = open_vote(edition, categories=2)
    english, slovak = projects[0], projects[2]
    slovak.owner.language = "sk"
    slovak.owner.save()
    for project, email in ((english, "a@example.sk"), (slovak, "b@example.sk")):
        vote = vote_request(poll=poll, request=request_for(poll, project, email))
        vote_confirm(token=confirmation_token(vote))
    poll.closes_at = timezone.now() - timedelta(minutes=1)
    poll.save()
    audience_prize_award(poll=poll, actor=organiser)
    # A special award of the jury beside it keeps its own heading.
    special_award_set(project=projects[1], title="Jury prize", citation="Bold.", actor=organiser)
    certificates = certificates_issue(edition=edition, kinds=["special"], actor=organiser)
    return {c.project_id: c for c in certificates}, english, slovak, projects[1]


def test_audience_prize_certificate_is_headed_by_the_prize_in_the_recipients_language(edition, organiser):
    certificates, english, slovak, jury = _awarded(edition, organiser)
    assert Result.objects.filter(audience_prize=True).count() == 2
    en = certificates_render([certificates[english.pk]], base_url=BASE)
    assert _heading(en) == ["Audience prize"]
    text = PdfReader(io.BytesIO(en)).pages[0].extract_text()
    assert "Awarded by the votes of the public to" in text
    # The title is the heading: not printed again as the award line, and no "Special award".
    assert text.count("Audience prize") == 1 and "Special award" not in text
    sk = certificates_render([certificates[slovak.pk]], base_url=BASE)
    assert _heading(sk) == ["Cena publika"]
    text = PdfReader(io.BytesIO(sk)).pages[0].extract_text()
    assert text.count("Cena publika") == 1 and "Osobitné ocenenie" not in text
    # The jury's special award is as it was.
    jury_pdf = certificates_render([certificates[jury.pk]], base_url=BASE)
    assert _heading(jury_pdf) == ["Special award"]
    assert "Jury prize" in PdfReader(io.BytesIO(jury_pdf)).pages[0].extract_text()
    # One batch: each certificate on its own artwork.
    batch = PdfReader(io.BytesIO(certificates_render(list(certificates.values()), base_url=BASE)))
    assert [("Cena publika" in p.extract_text(), "Jury prize" in p.extract_text()) for p in batch.pages] == [
        (c.project_id == slovak.pk, c.project_id == jury.pk) for c in certificates.values()
    ]


def test_audience_prize_title_given_by_the_organisers_heads_the_certificate(edition, organiser):
    from scoring.results.services import special_award_titles_set

    certificates, _english, slovak, _jury = _awarded(edition, organiser)
    result = Result.objects.get(project=slovak, audience_prize=True)
    special_award_titles_set(result=result, titles={**result.titles, "sk": "Cena verejnosti ITAPA"}, actor=organiser)
    assert _heading(certificates_render([certificates[slovak.pk]], base_url=BASE)) == ["Cena verejnosti ITAPA"]
    # A title too long for the heading's line is printed whole on the award's line instead.
    long = "Cena verejnosti pre najobľúbenejší projekt inteligentného mesta a regiónu V4 v roku 2026"
    special_award_titles_set(result=result, titles={**result.titles, "sk": long}, actor=organiser)
    pdf = certificates_render([certificates[slovak.pk]], base_url=BASE)
    assert _heading(pdf) == ["Cena publika"]
    assert " ".join(long.split()) in " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())


def test_verify_and_public_results_pages_word_the_audience_prize_as_the_certificate(client, edition, organiser):
    certificates, english, slovak, _jury = _awarded(edition, organiser)
    page = client.get(reverse("verify", args=[certificates[english.pk].code])).text
    assert "Audience prize · Awarded by the votes of the public" in page and "Special award" not in page
    page = client.get(reverse("verify", args=[certificates[slovak.pk].code])).text
    assert "Cena publika · Awarded by the votes of the public" in page  # the title as printed
    edition.results_published_at = timezone.now() - timedelta(minutes=1)
    edition.save()
    public = client.get(reverse("results:public", args=[edition.slug])).text
    assert public.count('data-testid="audience-prize">Awarded by the votes of the public<') == 2
    assert public.count("<h3>Audience prize</h3>") == 2 and "<h3>Jury prize</h3>" in public


def test_verify_api_says_audience_prize_and_the_title_as_printed(client, edition, organiser):
    certificates, english, slovak, jury = _awarded(edition, organiser)
    body = client.get(f"/api/v1/certificates/{certificates[slovak.pk].code}/verify/").json()
    assert (body["audience_prize"], body["printed_award_title"], body["kind"]) == (True, "Cena publika", "special")
    body = client.get(f"/api/v1/certificates/{certificates[english.pk].code}/verify/").json()
    assert (body["audience_prize"], body["printed_award_title"]) == (True, "Audience prize")
    body = client.get(f"/api/v1/certificates/{certificates[jury.pk].code}/verify/").json()
    assert (body["audience_prize"], body["printed_award_title"]) == (False, "Jury prize")
