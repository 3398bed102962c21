import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from award.enums import Country, Role
from scoring.enums import ResultKind
from scoring.models import Result
from submissions.models import Attachment
from tests.factories import TEST_PASSWORD, CategoryFactory, EditionRoleFactory, ProjectFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ceremony(edition):
    organiser = UserFactory(email="stage@example.org")
    EditionRoleFactory(edition=edition, user=organiser, role=Role.ORGANISER)
    city = CategoryFactory(edition=edition, name="Smart City", slug="smart-city", position=1)
    region = CategoryFactory(edition=edition, name="Smart Region", slug="smart-region", position=2)
    titles = ["Benches that listen", "Open budget", "Night buses on demand"]
    projects = []
    for index, title in enumerate(titles):
        project = ProjectFactory(
            edition=edition,
            category=city,
            status="eligible",
            reference=f"V4A-2026-{index + 1:04d}",
            title=title,
            organisation_name=f"Town {index + 1}",
            country=Country.POLAND,
        )
        Result.objects.create(edition=edition, category=city, project=project, kind=ResultKind.FINALIST)
        projects.append(project)
    Result.objects.create(edition=edition, category=city, project=projects[1], kind=ResultKind.WINNER)
    picture = io.BytesIO()
    Image.new("RGB", (1600, 900), (20, 120, 200)).save(picture, "JPEG")
    Attachment.objects.create(
        project=projects[0],
        file=SimpleUploadedFile("photo.jpg", picture.getvalue()),
        original_name="photo.jpg",
        content_type="image/jpeg",
        size=len(picture.getvalue()),
    )
    other = ProjectFactory(
        edition=edition, category=region, status="eligible", reference="V4A-2026-0009", title="Region app"
    )
    Result.objects.create(edition=edition, category=region, project=other, kind=ResultKind.FINALIST)
    return {"organiser": organiser, "titles": titles}


def active(page):
    return page.locator(".slide.active")


def assert_walks_through_the_city_category(page, titles):
    """From the title slide: the category, the three finalists, the suspense, the reveal."""
    total = page.locator(".slide").count()
    assert total == 1 + (1 + 3 + 1) + (1 + 1) + 1
    assert page.get_by_test_id("slide-counter").inner_text() == f"1 / {total}"
    assert active(page).locator("h1").inner_text() == "Test Award 2026"

    page.keyboard.press("ArrowRight")
    assert active(page).locator("h2").inner_text() == "Smart City"
    seen = []
    for key in ["Space", "PageDown", "ArrowRight"]:
        page.keyboard.press(key)
        slide = active(page)
        assert slide.get_attribute("data-testid") == "finalist-slide"
        seen.append(slide.locator("h2").inner_text())
        assert slide.locator(".country").inner_text().endswith("Poland")
    assert seen == titles
    assert page.get_by_test_id("slide-counter").inner_text() == f"5 / {total}"

    page.keyboard.press("ArrowRight")
    slide = active(page)
    assert slide.locator("h2").inner_text() == "And the winner is…"
    reveal = slide.get_by_test_id("winner-reveal")
    assert not reveal.is_visible()
    assert "revealed" not in slide.get_attribute("class")
    page.keyboard.press("ArrowRight")  # the reveal is the same slide, one key press later
    assert page.get_by_test_id("slide-counter").inner_text() == f"6 / {total}"
    assert reveal.is_visible()
    assert reveal.locator("h3").inner_text() == "Open budget"
    assert slide.locator(".contenders li.is-winner").inner_text() == "Open budget"
    assert "Winner: Open budget" in page.locator("#announcer").inner_text()

    page.keyboard.press("ArrowLeft")
    assert not reveal.is_visible()
    page.keyboard.press("ArrowLeft")
    assert active(page).locator("h2").inner_text() == titles[2]
    page.keyboard.press("End")
    assert active(page).locator("h2").inner_text() == "Thank you!"
    page.keyboard.press("Home")
    assert active(page).locator("h1").inner_text() == "Test Award 2026"


def test_ceremony_advances_through_a_category_with_the_keyboard(page, login_as, ceremony, edition):
    console_errors = []  # a CSP violation (an inline script or style) would show up here
    page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)
    login_as("stage@example.org", TEST_PASSWORD)
    page.goto(f"/results/{edition.slug}/ranking/")
    page.get_by_test_id("ceremony-link").click()
    page.get_by_test_id("ceremony").wait_for()
    page.wait_for_load_state("load")
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))

    assert_walks_through_the_city_category(page, ceremony["titles"])
    # The picture is embedded, and nothing at all was fetched while presenting.
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    picture = active(page).get_by_test_id("ceremony-picture")
    assert picture.get_attribute("src").startswith("data:image/jpeg;base64,")
    assert picture.evaluate("img => img.naturalWidth") == 1280
    assert fetched == []

    # The on-screen buttons do the same for a mouse, and F asks for full screen.
    page.get_by_test_id("ceremony-next").click()
    assert active(page).locator("h2").inner_text() == ceremony["titles"][1]
    page.get_by_test_id("ceremony-previous").click()
    assert active(page).locator("h2").inner_text() == ceremony["titles"][0]
    page.keyboard.press("f")
    page.wait_for_function("document.fullscreenElement !== null")
    page.keyboard.press("f")
    page.wait_for_function("document.fullscreenElement === null")
    assert console_errors == []


def test_ceremony_offline_file_works_from_disk_without_network(page, login_as, ceremony, edition, tmp_path):
    login_as("stage@example.org", TEST_PASSWORD)
    page.goto(f"/results/{edition.slug}/ceremony/")
    with page.expect_download() as info:
        page.get_by_test_id("ceremony-download").click()
    path = tmp_path / "ceremony.html"
    info.value.save_as(path)

    page.context.set_offline(True)
    blocked = []

    def block_the_network(route):
        # Only the file itself may load; anything else it asked for would be a fetch on stage.
        if route.request.url == path.as_uri():
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.context.route("**/*", block_the_network)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(path.as_uri())
    page.get_by_test_id("ceremony").wait_for()

    assert_walks_through_the_city_category(page, ceremony["titles"])
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    picture = active(page).get_by_test_id("ceremony-picture")
    assert picture.evaluate("img => img.complete && img.naturalWidth") == 1280
    # The styles applied: a dark full-height slide.
    assert active(page).evaluate("el => getComputedStyle(el).display") == "grid"
    assert errors == []
    assert blocked == []
