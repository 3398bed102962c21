import base64
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from playwright.sync_api import expect

from award.enums import Country, Role
from scoring.enums import ResultKind
from scoring.models import CeremonyCue, CeremonySponsor, Result
from submissions.models import Attachment
from tests.conftest import ARTIFACTS
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
    total = 1 + (1 + 3 + 1) + (1 + 1) + 1
    expect(page.locator(".slide")).to_have_count(total)
    counter = page.get_by_test_id("slide-counter")
    expect(counter).to_have_text(f"1 / {total}", use_inner_text=True)
    expect(active(page).locator("h1")).to_have_text("Test Award 2026", use_inner_text=True)

    page.keyboard.press("ArrowRight")
    expect(active(page).locator("h2")).to_have_text("Smart City", use_inner_text=True)
    # One finalist per key press, in this order.
    for key, title in zip(["Space", "PageDown", "ArrowRight"], titles, strict=True):
        page.keyboard.press(key)
        slide = active(page)
        expect(slide.locator("h2")).to_have_text(title, use_inner_text=True)
        expect(slide).to_have_attribute("data-testid", "finalist-slide")
        expect(slide.locator(".country")).to_have_text(re.compile(r"Poland\s*$"), use_inner_text=True)
    expect(counter).to_have_text(f"5 / {total}", use_inner_text=True)

    page.keyboard.press("ArrowRight")
    slide = active(page)
    expect(slide.locator("h2")).to_have_text("And the winner is…", use_inner_text=True)
    reveal = slide.get_by_test_id("winner-reveal")
    expect(reveal).to_be_hidden()
    expect(slide).not_to_have_class(re.compile("revealed"))
    page.keyboard.press("ArrowRight")  # the reveal is the same slide, one key press later
    expect(counter).to_have_text(f"6 / {total}", use_inner_text=True)
    expect(reveal).to_be_visible()
    expect(reveal.locator("h3")).to_have_text("Open budget", use_inner_text=True)
    expect(slide.locator(".contenders li.is-winner")).to_have_text("Open budget", use_inner_text=True)
    expect(page.locator("#announcer")).to_contain_text("Winner: Open budget", use_inner_text=True)

    page.keyboard.press("ArrowLeft")
    expect(reveal).to_be_hidden()
    page.keyboard.press("ArrowLeft")
    expect(active(page).locator("h2")).to_have_text(titles[2], use_inner_text=True)
    page.keyboard.press("End")
    expect(active(page).locator("h2")).to_have_text("Thank you!", use_inner_text=True)
    page.keyboard.press("Home")
    expect(active(page).locator("h1")).to_have_text("Test Award 2026", use_inner_text=True)


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
    expect(picture).to_have_attribute("src", re.compile(r"^data:image/jpeg;base64,"))
    assert picture.evaluate("img => img.naturalWidth") == 1280
    assert fetched == []

    # The on-screen buttons do the same for a mouse (moving it brings the bar back), and F asks
    # for full screen.
    page.get_by_test_id("ceremony-next").hover(force=True)
    expect(page.locator("body")).not_to_have_class(re.compile("controls-idle"))
    page.get_by_test_id("ceremony-next").click()
    expect(active(page).locator("h2")).to_have_text(ceremony["titles"][1], use_inner_text=True)
    page.get_by_test_id("ceremony-previous").click()
    expect(active(page).locator("h2")).to_have_text(ceremony["titles"][0], use_inner_text=True)
    # (Waited on through the button's state: wait_for_function would evaluate a string, which the
    # page's CSP forbids.)
    fullscreen = page.locator("[data-action=fullscreen]")
    page.keyboard.press("f")
    expect(fullscreen).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("document.fullscreenElement !== null")
    page.keyboard.press("f")
    expect(fullscreen).to_have_attribute("aria-pressed", "false")
    assert page.evaluate("document.fullscreenElement === null")
    assert console_errors == []


def test_ceremony_offline_file_works_from_disk_without_network(page, login_as, ceremony, edition, tmp_path):
    login_as("stage@example.org", TEST_PASSWORD)
    page.goto(f"/results/{edition.slug}/ranking/")  # the download is offered here, not on the stage
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


# Everything a slide shows must be inside the screen and clear of the control bar.
SLIDE_OVERFLOW = """() => {
  const slide = document.querySelector(".slide.active");
  const bar = document.querySelector(".deck-controls").getBoundingClientRect();
  const problems = [];
  for (const element of slide.querySelectorAll("*")) {
    const style = getComputedStyle(element);
    if (style.visibility === "hidden" || element.closest("[hidden]")) continue;
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    const where = element.tagName + "." + element.className + " " + JSON.stringify(box);
    if (box.left < -1 || box.top < -1 || box.right > innerWidth + 1 || box.bottom > innerHeight + 1) {
      problems.push("outside the screen: " + where);
    }
    if (box.bottom > bar.top + 1 && box.top < bar.bottom && box.right > bar.left && box.left < bar.right) {
      problems.push("under the controls: " + where);
    }
  }
  return problems;
}"""


@pytest.fixture
def crowded(ceremony, edition):
    """The hardest slides: a long title, a long organisation, a special award with a citation,
    a sponsor with a wide logo."""
    region = edition.categories.get(slug="smart-region")
    long_one = ProjectFactory(
        edition=edition,
        category=region,
        status="eligible",
        reference="V4A-2026-0010",
        title="Integrated regional mobility, energy and citizen participation platform for small municipalities "
        "of the Carpathian border region",
        organisation_name="Association of Towns and Municipalities of the Upper Hron and Orava Valleys, Civic Association",
        country=Country.SLOVAKIA,
    )
    Result.objects.create(edition=edition, category=region, project=long_one, kind=ResultKind.FINALIST)
    Result.objects.create(edition=edition, category=region, project=long_one, kind=ResultKind.WINNER)
    Result.objects.create(
        edition=edition,
        category=region,
        project=long_one,
        kind=ResultKind.SPECIAL,
        title="Prize of the Minister for Investment, Regional Development and Informatisation",
        citation="For bringing twelve valleys onto one timetable, one energy map and one participatory budget, "
        "and for doing it in four languages with the people who live there. " * 2,
    )
    logo = io.BytesIO()
    Image.new("RGB", (1800, 400), (200, 40, 40)).save(logo, "PNG")
    CeremonySponsor.objects.create(
        edition=edition,
        name="Slovak Telekom",
        position=1,
        logo="data:image/png;base64," + base64.b64encode(logo.getvalue()).decode(),
    )
    return ceremony


def test_every_slide_fits_every_screen_and_the_controls_hide(page, login_as, crowded, edition):
    login_as("stage@example.org", TEST_PASSWORD)
    for width, height in ((1280, 720), (1920, 1080), (3840, 2160)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"/results/{edition.slug}/ceremony/")
        page.get_by_test_id("ceremony").wait_for()
        page.mouse.move(width / 2, height / 2)  # the bar shows: the worst case for overlap
        total = int(page.locator("[data-slide-total]").inner_text())
        seen = 0
        while True:
            problems = page.evaluate(SLIDE_OVERFLOW)
            label = page.locator(".slide.active").get_attribute("data-label")
            assert problems == [], (width, height, label, problems)
            if page.locator(".slide.active.slide-winner.revealed").count() and "Carpathian" in page.inner_text(
                ".slide.active"
            ):
                page.screenshot(path=str(ARTIFACTS / f"ceremony-winner-{width}x{height}.png"))
            seen += 1
            before = (page.locator("body").get_attribute("data-slide"), page.locator(".slide.active.revealed").count())
            page.keyboard.press("ArrowRight")
            after = (page.locator("body").get_attribute("data-slide"), page.locator(".slide.active.revealed").count())
            if after == before:
                break
            page.mouse.move(width / 2 + seen % 2, height / 2)
        assert seen > total  # every slide, and each winner's slide before and after its reveal
        # Nothing meant for organisers is on the audience's screen.
        body = page.inner_text("body")
        assert "embargo" not in body and "Download for offline use" not in body

    # The controls hide while the mouse rests and come back when it moves.
    controls = page.locator(".deck-controls")
    expect(page.locator("body")).to_have_class(re.compile("controls-idle"), timeout=20_000)
    expect(controls).to_have_css("opacity", "0")  # after its fade
    page.mouse.move(10, 10)
    expect(page.locator("body")).not_to_have_class(re.compile("controls-idle"))
    expect(page.get_by_test_id("ceremony-next")).to_be_visible()


def test_the_presenter_view_follows_the_presentation(page, login_as, ceremony, edition):
    city = edition.categories.get(slug="smart-city")
    CeremonyCue.objects.create(edition=edition, category=city, handed_over_by="Mayor Anna Nováková")
    login_as("stage@example.org", TEST_PASSWORD)
    page.goto(f"/results/{edition.slug}/ceremony/")
    page.get_by_test_id("ceremony").wait_for()
    with page.expect_popup() as popup:
        page.get_by_test_id("ceremony-presenter").click()
    presenter = popup.value
    presenter.get_by_test_id("presenter").wait_for()
    expect(presenter.locator("body")).to_have_attribute("data-following", "true", timeout=20_000)
    expect(presenter.get_by_test_id("presenter-counter")).to_have_text(re.compile(r"^1 / \d+$"), use_inner_text=True)

    page.bring_to_front()
    page.keyboard.press("ArrowRight")  # the category: who hands over its prize
    expect(presenter.get_by_test_id("presenter-counter")).to_have_text(re.compile(r"^2 / "), use_inner_text=True)
    expect(presenter.get_by_test_id("presenter-current").locator("h2")).to_have_text("Smart City")
    expect(presenter.get_by_test_id("presenter-next").locator("h2")).to_have_text(ceremony["titles"][0])
    expect(presenter.get_by_test_id("presenter-notes")).to_contain_text("Prize handed over by: Mayor Anna Nováková")

    # The presenter's own buttons move the presentation.
    presenter.get_by_test_id("presenter-next-button").click()
    expect(page.get_by_test_id("slide-counter")).to_have_text(re.compile(r"^3 / "), use_inner_text=True)
    expect(presenter.get_by_test_id("presenter-notes")).to_contain_text(ceremony["titles"][0])
    expect(presenter.get_by_test_id("presenter-embargo")).to_be_visible()
