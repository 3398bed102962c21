"""The ceremony's printouts: an envelope card per category and per special award, and the run
of show, read back from the PDF."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from scoring.enums import ResultKind
from scoring.models import CeremonyCue, CeremonySponsor, Result
from tests.factories import CategoryFactory
from tests.reports.conftest import pdf_text
from tests.scoring.test_ceremony import decide

pytestmark = pytest.mark.django_db


@pytest.fixture
def evening(edition):
    city = CategoryFactory(edition=edition, name="Smart City", slug="smart-city", position=1)
    region = CategoryFactory(edition=edition, name="Smart Region", slug="smart-region", position=2)
    city_projects = decide(edition, city, 2, prefix="1")
    region_projects = decide(edition, region, 2, prefix="2", winner_index=0)
    Result.objects.create(
        edition=edition, category=region, project=region_projects[1], kind=ResultKind.SPECIAL, title="Citizens' Prize"
    )
    CeremonyCue.objects.create(edition=edition, category=city, handed_over_by="Mayor Anna Nováková")
    CeremonyCue.objects.create(edition=edition, project=city_projects[1], pronunciation="SMART SI-tee")
    CeremonySponsor.objects.create(edition=edition, name="Telekom", position=1)
    return {"city": city_projects, "region": region_projects}


def test_envelope_cards_one_per_category_and_special_award_with_the_winner_inside(
    evening, edition, organiser, client_for
):
    response = client_for(organiser).get(reverse("reports:ceremony_envelopes", args=[edition.slug]))
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="envelope-cards-{edition.slug}.pdf"' in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) == 3  # two categories and one special award
    assert "Smart City" in pages[0] and "Smart City finalist 2" in pages[0]
    assert "Say: SMART SI-tee" in pages[0] and "Prize handed over by: Mayor Anna Nováková" in pages[0]
    assert "Smart City finalist 1" not in pages[0]  # only the winner is inside
    assert "Smart Region finalist 1" in pages[1]
    assert "Citizens' Prize" in pages[2] and "Smart Region finalist 2" in pages[2]


def test_run_of_show_lists_the_evening_in_slide_order(evening, edition, organiser, client_for):
    response = client_for(organiser).get(reverse("reports:ceremony_run_of_show", args=[edition.slug]))
    text = " ".join(pdf_text(response.content).split())
    order = [
        "Welcome",
        "Telekom",
        "Category: Smart City",
        "Finalist: Smart City finalist 1",
        "Smart City: the winner: Smart City finalist 2",
        "Mayor Anna Nováková",
        "Category: Smart Region",
        "Special awards",
        "Citizens' Prize: Smart Region finalist 2",
        "Thank you!",
    ]
    position = 0
    for item in order:  # each one after the one before
        found = text.find(item, position)
        assert found >= 0, (item, text[position:])
        position = found + len(item)


def test_the_printouts_are_for_organisers_only(evening, edition, juror, client_for):
    for name in ("reports:ceremony_envelopes", "reports:ceremony_run_of_show"):
        assert client_for(juror).get(reverse(name, args=[edition.slug])).status_code == 404
