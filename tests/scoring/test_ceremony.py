"""The ceremony presentation: who may open it, what the slides say, pictures and the offline file."""

import base64
import io
import re
from datetime import timedelta
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from award.enums import Country, Role
from scoring.enums import ResultKind
from scoring.models import Result
from scoring.results.ceremony import csp_hash, static_text
from submissions.models import Attachment
from tests.factories import CategoryFactory, EditionFactory, EditionRoleFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def image_bytes(size=(64, 48), fmt="PNG", colour=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, fmt)
    return out.getvalue()


def attach(project, name, content, content_type):
    return Attachment.objects.create(
        project=project,
        file=SimpleUploadedFile(name, content),
        original_name=name,
        content_type=content_type,
        size=len(content),
    )


def decide(edition, category, finalists: int, *, prefix="", winner_index=1):
    """Finalists with references in order, the one at winner_index also the winner."""
    projects = []
    for index in range(finalists):
        project = ProjectFactory(
            edition=edition,
            category=category,
            status="eligible",
            reference=f"V4A-2026-{prefix}{index + 1:03d}",
            title=f"{category.name} finalist {index + 1}",
            organisation_name=f"Town {category.name} {index + 1}",
            country=Country.SLOVAKIA if index % 2 == 0 else Country.HUNGARY,
        )
        Result.objects.create(edition=edition, category=category, project=project, kind=ResultKind.FINALIST)
        projects.append(project)
    if finalists:
        Result.objects.create(
            edition=edition,
            category=category,
            project=projects[min(winner_index, finalists - 1)],
            kind=ResultKind.WINNER,
        )
    return projects


@pytest.fixture
def decided(edition):
    edition.results_published_at = timezone.now() + timedelta(days=3)
    edition.save()
    city = CategoryFactory(edition=edition, name="Smart City", slug="smart-city", position=1)
    region = CategoryFactory(edition=edition, name="Smart Region", slug="smart-region", position=2)
    CategoryFactory(edition=edition, name="Cyber Security", slug="cyber", position=3)  # no results: no slides
    city_projects = decide(edition, city, 3, prefix="1")
    region_projects = decide(edition, region, 2, prefix="2", winner_index=0)
    Result.objects.create(
        edition=edition,
        category=region,
        project=region_projects[1],
        kind=ResultKind.SPECIAL,
        title="Citizens' Prize",
        citation="For listening to every street.",
    )
    return {"city": city_projects, "region": region_projects}


def ceremony_url(edition, offline=False):
    return reverse("results:ceremony_offline" if offline else "results:ceremony", kwargs={"edition": edition.slug})


def slide_texts(html: str, testid: str) -> list[str]:
    return re.findall(rf'data-testid="{testid}" data-label="([^"]*)"', html)


def test_ceremony_organiser_sees_categories_finalists_in_order_and_the_winners(decided, edition, organiser, client_for):
    response = client_for(organiser).get(ceremony_url(edition))
    assert response.status_code == 200
    html = response.content.decode()
    assert re.findall(r'data-testid="category-slide" data-label="Category: ([^"]*)"', html) == [
        "Smart City",
        "Smart Region",
    ]
    assert slide_texts(html, "finalist-slide") == [
        "Finalist: Smart City finalist 1",
        "Finalist: Smart City finalist 2",
        "Finalist: Smart City finalist 3",
        "Finalist: Smart Region finalist 1",
        "Finalist: Smart Region finalist 2",
    ]
    for project in decided["city"] + decided["region"]:
        assert project.organisation_name in html
    assert re.findall(r'data-reveal-label="([^"]*)"', html) == [
        "Winner: Smart City finalist 2",
        "Winner: Smart Region finalist 1",
    ]
    # The winner is highlighted among the contenders once revealed.
    assert '<li class="is-winner">Smart City finalist 2</li>' in html
    assert html.count('data-testid="winner-reveal"') == 2
    assert "Citizens&#x27; Prize" in html and "For listening to every street." in html
    assert '<span class="country-code" aria-hidden="true">SK</span>Slovakia' in html and "Hungary" in html
    # Nothing on the audience's screen is meant for organisers only: no embargo notice and no
    # download link (both are on the ranking overview and in the presenter view), but a button
    # that opens the presenter view in a second window.
    assert "Under embargo" not in html
    assert reverse("results:ceremony_offline", kwargs={"edition": edition.slug}) not in html
    assert f'data-presenter-url="{reverse("results:ceremony_presenter", args=[edition.slug])}"' in html
    # The order of the slides: title, category, finalists, winner, next category..., special awards, closing.
    order = [m.group(1) for m in re.finditer(r'class="slide (slide-[a-z]+)"', html)]
    assert order == [
        "slide-title",
        "slide-category",
        "slide-project",
        "slide-project",
        "slide-project",
        "slide-winner",
        "slide-category",
        "slide-project",
        "slide-project",
        "slide-winner",
        "slide-category",
        "slide-project",
        "slide-closing",
    ]


def test_ceremony_is_reached_from_the_organisers_results_page(decided, edition, organiser, client_for):
    html = client_for(organiser).get(reverse("results:overview", kwargs={"edition": edition.slug})).content.decode()
    assert f'href="{ceremony_url(edition)}"' in html
    assert f'href="{ceremony_url(edition, offline=True)}"' in html
    assert f'href="{reverse("results:ceremony_script", args=[edition.slug])}"' in html


@pytest.mark.parametrize("persona", ["juror", "applicant", "anonymous", "other_organiser", "finalist_team"])
def test_ceremony_is_404_for_everyone_but_organisers_before_publication(
    decided, edition, persona, request, client_for, client
):
    if persona == "other_organiser":
        user = UserFactory()
        EditionRoleFactory(edition=EditionFactory(), user=user, role=Role.ORGANISER)
        client = client_for(user)
    elif persona == "finalist_team":
        client = client_for(decided["city"][1].owner)
    elif persona != "anonymous":
        client = client_for(request.getfixturevalue(persona))
    for url in (ceremony_url(edition), ceremony_url(edition, offline=True)):
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"Smart City finalist" not in response.content


def test_ceremony_is_public_after_publication(decided, edition, anonymous):
    edition.results_published_at = timezone.now() - timedelta(minutes=1)
    edition.save()
    html = anonymous.get(ceremony_url(edition)).content.decode()
    assert "Finalist: Smart City finalist 3" in html
    assert "Under embargo" not in html
    assert "data-presenter-url" not in html  # the presenter view is for organisers only
    offline = anonymous.get(ceremony_url(edition, offline=True))
    assert offline.status_code == 200
    assert "Winner: Smart Region finalist 1" in offline.content.decode()


def test_ceremony_of_an_unknown_edition_is_404(organiser, client_for):
    assert client_for(organiser).get(reverse("results:ceremony", kwargs={"edition": "nope"})).status_code == 404


def test_ceremony_embeds_finalists_pictures_scaled_down_as_data_urls(decided, edition, organiser, client_for):
    finalist = decided["city"][0]
    attach(finalist, "plan.pdf", b"%PDF-1.4 the plan", "application/pdf")
    attach(finalist, "photo.jpg", image_bytes((3000, 2000), "JPEG"), "image/jpeg")
    attach(finalist, "second.png", image_bytes((40, 40), "PNG", (0, 0, 255)), "image/png")
    # A project that is neither finalist nor winner never shows up, nor do its pictures.
    outsider = ProjectFactory(edition=edition, category=finalist.category, status="eligible", title="Outsider")
    attach(outsider, "outsider.png", image_bytes((50, 50), "PNG", (0, 255, 0)), "image/png")

    html = client_for(organiser).get(ceremony_url(edition)).content.decode()
    pictures = re.findall(r'<img src="data:(image/(?:png|jpeg));base64,([A-Za-z0-9+/=]+)"', html)
    # The first image of the finalist, on its own slide; not the outsider's, not the second one.
    assert len(pictures) == 1
    mime, data = pictures[0]
    with Image.open(io.BytesIO(base64.b64decode(data))) as image:
        assert mime == "image/jpeg" and image.format == "JPEG"
        assert image.size == (1080, 720)
        assert image.getpixel((500, 300))[0] > 180
    assert "Outsider" not in html
    # The others get the placeholder.
    assert html.count('class="placeholder"') == 5 + 2  # finalists without pictures + winner reveals


def test_ceremony_scales_each_picture_once(decided, edition, organiser, client_for):
    attachment = attach(decided["city"][0], "photo.png", image_bytes((900, 600)), "image/png")
    client = client_for(organiser)
    first = client.get(ceremony_url(edition)).content.decode()
    attachment.file.storage.delete(attachment.file.name)
    second = client.get(ceremony_url(edition)).content.decode()
    pictures = re.findall(r'<img src="(data:image/jpeg;base64,[^"]+)"', second)
    assert len(pictures) == 1 and pictures[0] in first


def test_ceremony_shows_a_placeholder_for_an_unreadable_image(decided, edition, organiser, client_for):
    attach(decided["city"][0], "broken.png", b"\x89PNG\r\n\x1a\nnot really", "image/png")
    response = client_for(organiser).get(ceremony_url(edition))
    assert response.status_code == 200
    assert "data:image" not in response.content.decode()


def test_ceremony_escapes_user_text(edition, organiser, client_for):
    category = CategoryFactory(edition=edition, name="<b>Bold</b> category")
    project = decide(edition, category, 1)[0]
    project.title = '<script>alert("x")</script>'
    project.organisation_name = "<img src=x onerror=alert(1)>"
    project.save()
    html = client_for(organiser).get(ceremony_url(edition)).content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>Bold" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_ceremony_offline_file_is_self_contained(decided, edition, organiser, client_for):
    attach(decided["region"][0], "photo.png", image_bytes((800, 600)), "image/png")
    response = client_for(organiser).get(ceremony_url(edition, offline=True))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="ceremony-{edition.slug}.html"'
    html = response.content.decode()
    assert re.search(r"https?://", html) is None
    # Nothing is loaded from a URL: every src and href is a data: URL (or none at all).
    assert re.findall(r'(?:src|href)="(?!data:)[^"]*"', html) == []
    assert "url(" not in html.replace("url(data:", "")
    # An opaque PNG is re-encoded as JPEG: on the finalist's slide and in the winner's reveal.
    assert html.count("data:image/jpeg;base64,") == 2
    css, js = static_text("css/ceremony.css"), static_text("js/ceremony.js")
    assert f"<style>{css}</style>" in html and f"<script>{js}</script>" in html
    policy = unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html).group(1))
    assert policy.startswith("default-src 'none'; img-src data:;")
    assert f"script-src {csp_hash(js)}" in policy and f"style-src {csp_hash(css)}" in policy
    assert "Finalist: Smart Region finalist 2" in html and "Winner: Smart City finalist 2" in html


def test_ceremony_speaks_the_organisers_language(decided, edition, organiser, client_for):
    organiser.language = "sk"
    organiser.save()
    html = client_for(organiser).get(ceremony_url(edition)).content.decode()
    assert '<html lang="sk">' in html
    assert "A víťazom je…" in html


@pytest.mark.parametrize("finalists", [1, 6])
def test_ceremony_query_count_does_not_grow_with_finalists(
    edition, organiser, client_for, django_assert_num_queries, finalists
):
    for index in range(2):
        category = CategoryFactory(edition=edition, name=f"Category {index}", position=index)
        for project in decide(edition, category, finalists, prefix=str(index)):
            attach(project, "photo.png", image_bytes(), "image/png")
    client = client_for(organiser)
    client.get(ceremony_url(edition))  # warm up the session
    with django_assert_num_queries(9):
        html = client.get(ceremony_url(edition)).content.decode()
    assert html.count('data-testid="finalist-slide"') == 2 * finalists
    assert html.count("data:image/jpeg;base64,") == 2 * finalists + 2
