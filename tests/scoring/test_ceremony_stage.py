"""The organisers' side of the ceremony: the script (who hands over, how names are said), the
sponsors' slides in their order, and the presenter view."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from award.enums import Role
from award.models import AuditEntry
from scoring.enums import ResultKind
from scoring.models import CeremonyCue, CeremonySponsor, Result
from scoring.results.ceremony_services import ceremony_cues_save
from tests.factories import CategoryFactory, EditionFactory, EditionRoleFactory, ProjectFactory, UserFactory
from tests.scoring.test_ceremony import decide, image_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def stage(edition):
    city = CategoryFactory(edition=edition, name="Smart City", slug="smart-city", position=1)
    region = CategoryFactory(edition=edition, name="Smart Region", slug="smart-region", position=2)
    city_projects = decide(edition, city, 2, prefix="1")
    region_projects = decide(edition, region, 2, prefix="2", winner_index=0)
    Result.objects.create(
        edition=edition, category=region, project=region_projects[1], kind=ResultKind.SPECIAL, title="Citizens' Prize"
    )
    return {"city": city, "region": region, "city_projects": city_projects, "region_projects": region_projects}


def url(name, edition, **kwargs):
    return reverse(f"results:{name}", kwargs={"edition": edition.slug, **kwargs})


def test_the_script_saves_the_presenters_notes_and_the_presenter_view_shows_them(stage, edition, organiser, client_for):
    client = client_for(organiser)
    winner = stage["city_projects"][1]
    special = stage["region_projects"][1]
    page = client.get(url("ceremony_script", edition)).content.decode()
    assert f'name="handover-category-{stage["city"].pk}"' in page
    assert f'name="pronunciation-{winner.pk}"' in page
    # Only a special award's project has its own "handed over by" field.
    assert f'name="handover-project-{special.pk}"' in page and f'name="handover-project-{winner.pk}"' not in page

    response = client.post(
        url("ceremony_script", edition),
        {
            f"handover-category-{stage['city'].pk}": "Mayor Anna Nováková",
            f"pronunciation-{winner.pk}": "SEH-geh-deen",
            f"handover-project-{special.pk}": "The sponsor's director",
        },
        follow=True,
    )
    assert "The ceremony notes are saved." in response.content.decode()
    assert CeremonyCue.objects.get(edition=edition, category=stage["city"]).handed_over_by == "Mayor Anna Nováková"
    assert CeremonyCue.objects.get(edition=edition, project=winner).pronunciation == "SEH-geh-deen"
    assert CeremonyCue.objects.get(edition=edition, project=special).handed_over_by == "The sponsor's director"
    assert AuditEntry.objects.filter(action="ceremony.cues_saved", edition=edition, data__changed=3).exists()

    presenter = client.get(url("ceremony_presenter", edition)).content.decode()
    assert "Say: SEH-geh-deen" in presenter
    assert "Prize handed over by: Mayor Anna Nováková" in presenter
    assert "Prize handed over by: The sponsor&#x27;s director" in presenter
    assert "Under embargo" in presenter and url("ceremony_offline", edition) in presenter
    # The audience's presentation carries no notes.
    audience = client.get(url("ceremony", edition)).content.decode()
    assert "SEH-geh-deen" not in audience and "Nováková" not in audience

    # Clearing a note removes it.
    client.post(url("ceremony_script", edition), {f"pronunciation-{winner.pk}": ""})
    assert not CeremonyCue.objects.filter(project=winner).exists()


def test_notes_of_another_editions_projects_are_refused(stage, edition, organiser):
    stranger = ProjectFactory(edition=EditionFactory())
    with pytest.raises(ValidationError):
        ceremony_cues_save(
            edition=edition,
            actor=organiser,
            category_handovers={},
            pronunciations={stranger.pk: "x"},
            project_handovers={},
        )
    assert not CeremonyCue.objects.exists()


def test_a_too_long_note_is_refused_with_a_message(stage, edition, organiser, client_for):
    winner = stage["city_projects"][1]
    response = client_for(organiser).post(
        url("ceremony_script", edition), {f"pronunciation-{winner.pk}": "x" * 201}, follow=True
    )
    assert "at most 200 characters" in response.content.decode()
    assert not CeremonyCue.objects.exists()


def test_sponsor_slides_come_in_the_organisers_order(stage, edition, organiser, client_for):
    client = client_for(organiser)
    logo = SimpleUploadedFile("logo.png", image_bytes((2000, 500)), content_type="image/png")
    client.post(url("ceremony_sponsor_add", edition), {"name": "Telekom", "kind": "sponsor", "logo": logo})
    client.post(url("ceremony_sponsor_add", edition), {"name": "City of Košice", "kind": "partner"})
    client.post(
        url("ceremony_sponsor_add", edition),
        {"name": "Region Bank", "kind": "sponsor", "before_category": stage["region"].pk},
    )
    telekom = CeremonySponsor.objects.get(name="Telekom")
    assert telekom.logo.startswith("data:image/png;base64,")  # scaled down and embedded
    assert AuditEntry.objects.filter(action="ceremony.sponsor_added", edition=edition).count() == 3

    def slides():
        html = client.get(url("ceremony", edition)).content.decode()
        return re.findall(r'data-testid="(?:sponsor|category)-slide" data-label="([^"]*)"', html)

    assert slides() == [
        "Sponsor: Telekom",
        "Partner: City of Košice",
        "Category: Smart City",
        "Sponsor: Region Bank",
        "Category: Smart Region",
    ]
    client.post(
        url("ceremony_sponsor_move", edition, pk=CeremonySponsor.objects.get(name="City of Košice").pk),
        {"direction": "up"},
    )
    assert slides()[:2] == ["Partner: City of Košice", "Sponsor: Telekom"]
    client.post(url("ceremony_sponsor_remove", edition, pk=telekom.pk))
    assert "Sponsor: Telekom" not in slides()
    assert AuditEntry.objects.filter(action="ceremony.sponsor_removed", edition=edition).exists()


def test_a_logo_that_is_not_an_image_is_refused_with_a_message(stage, edition, organiser, client_for):
    fake = SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", content_type="image/png")
    response = client_for(organiser).post(
        url("ceremony_sponsor_add", edition), {"name": "Telekom", "kind": "sponsor", "logo": fake}
    )
    assert response.status_code == 302  # back to the script, with the message
    assert "Upload a PNG or JPEG image." in client_for(organiser).get(url("ceremony_script", edition)).content.decode()
    assert not CeremonySponsor.objects.exists()


@pytest.mark.parametrize("persona", ["juror", "anonymous", "other_organiser"])
def test_the_stage_pages_are_for_the_editions_organisers_only(stage, edition, persona, request, client_for, client):
    if persona == "other_organiser":
        user = UserFactory()
        EditionRoleFactory(edition=EditionFactory(), user=user, role=Role.ORGANISER)
        client = client_for(user)
    elif persona == "juror":
        client = client_for(request.getfixturevalue("juror"))
    sponsor = CeremonySponsor.objects.create(edition=edition, name="Telekom", position=1)
    for name in ("ceremony_presenter", "ceremony_script"):
        response = client.get(url(name, edition))
        assert response.status_code in (302, 404), name
        assert b"Smart City finalist" not in response.content
    client.post(url("ceremony_sponsor_remove", edition, pk=sponsor.pk))
    client.post(url("ceremony_sponsor_add", edition), {"name": "Intruder", "kind": "sponsor"})
    assert list(CeremonySponsor.objects.values_list("name", flat=True)) == ["Telekom"]
