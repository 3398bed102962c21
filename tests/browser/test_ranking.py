import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from demo.seeding import DEMO_PASSWORD, DEMO_SLUG, ORGANISER_EMAIL
from scoring.enums import ResultKind
from scoring.models import Assignment, Result

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_organiser_ranks_selects_finalists_and_prepares_the_final_round(page, login_as):
    call_command("seed_demo", verbosity=0)
    login_as(ORGANISER_EMAIL, DEMO_PASSWORD)
    page.get_by_test_id("nav-ranking").click()
    # The demo organiser organises three editions: the index lists them.
    page.get_by_role("link", name="V4 Smart Project Award 2026").click()
    page.get_by_role("link", name="Smart City").first.click()
    page.get_by_role("heading", name="Ranking: Smart City, Round 1: shortlist").wait_for()

    table = page.get_by_test_id("ranking-table")
    rows = table.get_by_test_id("rank-row")
    expect(rows).to_have_count(10)
    expect(rows.first.locator("td.rank")).to_have_text(re.compile(r"^\s*1"), use_inner_text=True)
    expect(rows.first.locator("svg.strip circle")).to_have_count(3)
    expect(page.get_by_test_id("agreement")).to_contain_text("Krippendorff's alpha", use_inner_text=True)
    expect(table.get_by_text("missing reviews: not ranked").first).to_be_attached()
    expect(page.locator("svg.boxes")).to_be_visible()

    page.get_by_test_id("select-finalists").click()
    page.get_by_text("finalists selected").wait_for()
    finalists = Result.objects.filter(
        edition__slug=DEMO_SLUG, category__slug="smart-city", kind=ResultKind.FINALIST
    ).count()
    assert finalists >= 1
    expect(table.get_by_text("Finalist", exact=True)).to_have_count(finalists)

    page.get_by_test_id("prepare-final").click()
    page.get_by_role("heading", name="Ranking: Smart City, Round 2: final").wait_for()
    expect(page.get_by_test_id("rank-row")).to_have_count(finalists)
    # The whole category panel scores each finalist, except jurors with a conflict of interest.
    from award.models import EditionRole
    from scoring.rules import juror_is_conflicted

    expected = 0
    for result in Result.objects.filter(
        edition__slug=DEMO_SLUG, category__slug="smart-city", kind=ResultKind.FINALIST
    ).select_related("project"):
        panel = EditionRole.objects.filter(role="juror", panels=result.project.category).select_related("user")
        expected += sum(1 for role in panel if not juror_is_conflicted(role.user, result.project))
    assert expected >= finalists * 5
    final = Assignment.objects.filter(
        round__edition__slug=DEMO_SLUG, round__number=2, project__category__slug="smart-city"
    )
    assert final.count() == expected


def test_ranking_page_fits_a_phone(page, login_as):
    call_command("seed_demo", verbosity=0)
    page.set_viewport_size({"width": 390, "height": 844})
    login_as(ORGANISER_EMAIL, DEMO_PASSWORD)
    page.goto("/results/v4-smart-project-award-2026/ranking/1/cyber-security/")
    page.get_by_test_id("ranking-table").wait_for()
    # The wide table scrolls inside its wrapper; the page itself does not scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1


def test_organiser_publishes_the_results_after_confirming(page, login_as):
    from award.models import Edition

    call_command("seed_demo", verbosity=0)
    edition = Edition.objects.get(slug=DEMO_SLUG)
    Result.objects.filter(edition=edition).exclude(kind=ResultKind.SPECIAL).delete()
    project = edition.projects.filter(status="eligible").first()
    Result.objects.create(
        edition=edition, category=project.category, project=project, kind=ResultKind.SPECIAL, title="Jury prize"
    )
    Edition.objects.filter(pk=edition.pk).update(results_published_at=None)
    login_as(ORGANISER_EMAIL, DEMO_PASSWORD)
    page.goto(f"/results/{edition.slug}/ranking/")
    state = page.get_by_test_id("publication-state")
    expect(state).to_contain_text("Not published", use_inner_text=True)
    expect(page.get_by_test_id("publish")).to_be_hidden()  # the real button waits behind the disclosure
    page.get_by_test_id("publish-open").click()
    page.get_by_test_id("publish").click()
    page.get_by_text("Confirm that you sign off these results as decided by the jury.").wait_for()
    edition.refresh_from_db()
    assert edition.results_published_at is None
    page.get_by_test_id("publish-open").click()
    page.get_by_test_id("publish-sign-off").check()
    page.get_by_test_id("publish").click()
    page.get_by_text("The results are public.").wait_for()
    expect(page.get_by_test_id("publication-state")).to_have_text(re.compile(r"^Published on"), use_inner_text=True)
    edition.refresh_from_db()
    assert edition.results_are_public()
    sealed = edition.snapshots.filter(kind="publish").order_by("-created_at", "-id").first()
    expect(page.get_by_test_id("sealed-hash")).to_have_text(sealed.payload_hash[:12])


def test_jury_chair_reads_the_ranking_from_the_home_page(page, login_as):
    from award.models import EditionRole
    from demo.seeding import JUROR_EMAIL

    call_command("seed_demo", verbosity=0)
    EditionRole.objects.filter(edition__slug=DEMO_SLUG, user__email=JUROR_EMAIL, role="juror").update(is_chair=True)
    login_as(JUROR_EMAIL, DEMO_PASSWORD)
    links = page.get_by_test_id("chair-rankings").get_by_role("link")
    expect(links.first).to_be_visible()
    links.first.click()
    page.get_by_role("heading", name=re.compile(r"^Ranking: ")).wait_for()
    expect(page.get_by_test_id("ranking-table").get_by_test_id("rank-row").first).to_be_visible()
    expect(page.get_by_test_id("chair-read-only")).to_be_visible()
    expect(page.get_by_test_id("select-finalists")).to_have_count(0)
    # No juror's name and no rater diagnostics in the chair's copy: "Juror 1" in "why here".
    expect(page.get_by_test_id("juror-table")).to_have_count(0)
    why = page.get_by_test_id("why-here").first
    why.locator("summary").click()
    expect(why.get_by_test_id("why-review").first).to_contain_text(re.compile(r"^Juror \d+: total"))


RANKING_URL = "/results/v4-smart-project-award-2026/ranking/1/smart-city/"


@pytest.mark.parametrize("size", [(1366, 768), (390, 844)], ids=["laptop", "phone"])
def test_ranking_page_shows_the_decision_without_scrolling_sideways(page, login_as, size):
    call_command("seed_demo", verbosity=0)
    width, height = size
    page.set_viewport_size({"width": width, "height": height})
    login_as(ORGANISER_EMAIL, DEMO_PASSWORD)
    page.goto(RANKING_URL)
    table = page.get_by_test_id("ranking-table")
    expect(table.get_by_test_id("rank-row").first).to_be_visible()
    decision = table.get_by_test_id("rank-row").first.get_by_test_id("decision")
    decision.scroll_into_view_if_needed()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= page.evaluate("innerWidth")
    box = decision.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    expect(page.get_by_test_id("select-finalists")).to_be_visible()
    button = page.get_by_test_id("select-finalists").bounding_box()
    assert button["x"] >= 0 and button["x"] + button["width"] <= width
    # A category with long flags ("contested, jurors disagree") and a category with a band.
    for category in ("cyber-security", "digital-public-services"):
        page.goto(RANKING_URL.replace("smart-city", category))
        expect(page.get_by_test_id("rank-row").first).to_be_visible()
        assert page.evaluate("document.scrollingElement.scrollWidth") <= page.evaluate("innerWidth"), category


def test_ranking_summary_names_a_contested_project_and_why_here_opens(page, login_as):
    call_command("seed_demo", verbosity=0)
    page.set_viewport_size({"width": 1366, "height": 768})
    login_as(ORGANISER_EMAIL, DEMO_PASSWORD)
    # In the demo's first round, Digital Public Services has places the model cannot settle.
    page.goto("/results/v4-smart-project-award-2026/ranking/1/digital-public-services/")
    band = page.get_by_test_id("decision-band").get_by_role("listitem")
    expect(band.first).to_be_visible()
    first = band.first.get_by_role("link")
    name = first.inner_text()
    contested = page.get_by_test_id("ranking-summary").locator('li[data-code="contested"]')
    expect(contested).to_contain_text(name)
    expect(contested).to_contain_text("Contested place")
    # The band links to the row; its "why here" opens without script and shows each review.
    first.click()
    row = page.locator("tr:target")
    expect(row).to_have_count(1)
    why = row.get_by_test_id("why-here")
    expect(why.get_by_test_id("why-review").first).to_be_hidden()
    why.locator("summary").click()
    review = why.get_by_test_id("why-review").first
    expect(review).to_be_visible()
    expect(review).to_contain_text(
        re.compile(r": total \d+\.\d, leniency adjustment [+−]\d+\.\d, adjusted total \d+\.\d")
    )
    expect(why).to_contain_text("in 80 % of the simulated rankings between places")
