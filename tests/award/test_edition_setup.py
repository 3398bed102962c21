"""The edition set-up in the app (award/setup): each step's page and service, the checklist,
opening the call, who may reach the pages, and query counts that do not grow with the rows."""

import io
from datetime import UTC, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from award.enums import Role
from award.models import AuditEntry, Category, Criterion, Edition, Round
from award.setup import services
from award.setup.readiness import edition_readiness
from tests.factories import (
    CategoryFactory,
    CriterionFactory,
    EditionFactory,
    EditionRoleFactory,
    RoundFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def png(size=(40, 20)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 20, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def dt(days: int):
    return timezone.now() + timedelta(days=days)


@pytest.fixture
def draft():
    """An edition the administrator created: not public, English only, nothing set up yet."""
    return EditionFactory(
        name="Award 2027",
        slug="award-2027",
        year=2027,
        call_opened_at=None,
        languages=["en"],
        submissions_open_at=dt(10),
        submissions_close_at=dt(60),
        ceremony_at=dt(150),
    )


@pytest.fixture
def setter(draft):
    user = UserFactory(email="setter@example.org")
    EditionRoleFactory(edition=draft, user=user, role=Role.ORGANISER)
    return user


@pytest.fixture
def stranger():
    """An organiser of another edition."""
    user = UserFactory(email="stranger@example.org")
    EditionRoleFactory(edition=EditionFactory(), user=user, role=Role.ORGANISER)
    return user


def complete(edition: Edition) -> Edition:
    CategoryFactory(edition=edition, name="Smart City", slug="smart-city")
    CriterionFactory(edition=edition, name="Impact", position=0)
    RoundFactory(edition=edition, number=1, name="Shortlist", scoring_opens_at=dt(65), scoring_closes_at=dt(90))
    edition.signatories = [{"name": "Eva Novak", "title": "Chair", "titles": {"en": "Chair"}, "image": ""}]
    edition.save()
    return edition


# --- The checklist ---------------------------------------------------------------------------


def test_checklist_of_an_empty_edition_lists_every_blocking_step(draft):
    readiness = edition_readiness(draft)
    assert readiness.ready is False
    assert readiness.steps_with_gaps() == {"categories", "rubric", "rounds", "signatories"}
    messages = [gap.message for gap in readiness.blocking]
    assert "There is no category yet." in messages
    assert "The rubric has no criterion yet." in messages
    assert "No one signs the certificates yet." in messages


def test_checklist_of_a_complete_edition_has_nothing_blocking(draft):
    assert edition_readiness(complete(draft)).blocking == []


def test_checklist_sees_dates_out_of_order(draft):
    complete(draft)
    Round.objects.filter(edition=draft).update(scoring_opens_at=dt(30))  # before the deadline
    draft.ceremony_at = dt(40)
    draft.save()
    messages = [gap.message for gap in edition_readiness(draft).blocking]
    assert "The ceremony must come after the submission deadline." in messages
    assert "Shortlist: scoring must open after the submission deadline." in messages
    assert "Shortlist: scoring must close before the ceremony." in messages


def test_checklist_names_the_text_missing_in_each_language_of_the_call(draft):
    complete(draft)
    draft.languages = ["en", "sk", "hu"]
    draft.name_sk = draft.name_hu = "Cena 2027"
    draft.save()
    Category.objects.filter(edition=draft).update(name_sk="Smart mesto", name_hu="Okos város")
    Round.objects.filter(edition=draft).update(name_sk="Užší výber", name_hu="Szűkített lista")
    Criterion.objects.filter(edition=draft).update(name_sk="Dopad", guidance="Who benefits?")
    draft.signatories = [{"name": "Eva Novak", "title": "Chair", "titles": {"en": "Chair", "sk": "Predsedníčka"}}]
    draft.save()
    messages = [gap.message for gap in edition_readiness(draft).blocking]
    assert messages == [
        "Impact: guidance missing in Slovak.",
        "Impact: name, guidance missing in Hungarian.",
        "Eva Novak: the title is missing in Hungarian.",
    ]


def test_rubric_page_shows_which_language_misses_which_text(client, draft, setter):
    draft.languages = ["en", "sk", "cs"]
    draft.save()
    CriterionFactory(edition=draft, name="Impact", name_sk="Dopad", name_cs="Dopad", guidance="Who benefits?")
    client.force_login(setter)
    page = client.get(reverse("setup:rubric", args=[draft.slug])).content.decode()
    assert 'data-language="en"' in page
    assert "SK: missing guidance" in page
    assert "CS: missing guidance" in page
    assert "EN ✓" in page


def test_set_up_pages_name_criteria_categories_and_rounds_in_the_organisers_language(client, draft, setter):
    draft.languages = ["en", "sk"]
    draft.save()
    CriterionFactory(edition=draft, name="Impact", name_sk="Dopad na občanov")
    CategoryFactory(edition=draft, name="Smart City", name_sk="Inteligentné mesto", slug="smart-city")
    RoundFactory(edition=draft, number=1, name="Shortlist", name_sk="Užší výber")
    CriterionFactory(edition=draft, name="Partnership", position=1)  # no Slovak name: the English one
    setter.language = "sk"
    setter.save()
    client.force_login(setter)
    rubric = client.get(reverse("setup:rubric", args=[draft.slug])).content.decode()
    assert '<strong class="rubric-name">Dopad na občanov</strong>' in rubric
    assert '<strong class="rubric-name">Partnership</strong>' in rubric
    assert "Inteligentné mesto</h3>" in client.get(reverse("setup:categories", args=[draft.slug])).content.decode()
    assert "Užší výber</h4>" in client.get(reverse("setup:rounds", args=[draft.slug])).content.decode()


# --- Opening the call ------------------------------------------------------------------------


def test_opening_is_refused_while_anything_blocks(client, draft, setter):
    client.force_login(setter)
    response = client.post(reverse("setup:open", args=[draft.slug]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("setup:checklist", args=[draft.slug])
    page = response.content.decode()
    assert "The call cannot open yet:" in page
    assert "There is no category yet." in page
    draft.refresh_from_db()
    assert draft.call_opened_at is None
    assert client.get(reverse("submissions:call", args=[draft.slug])).status_code == 200  # the preview
    client.logout()
    assert client.get(reverse("submissions:call", args=[draft.slug])).status_code == 404


def test_opening_a_complete_edition_makes_its_call_public(client, draft, setter):
    complete(draft)
    draft.submissions_open_at = dt(-1)
    draft.save()
    client.force_login(setter)
    response = client.post(reverse("setup:open", args=[draft.slug]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("submissions:call", args=[draft.slug])
    draft.refresh_from_db()
    assert draft.call_opened_at is not None
    assert draft.submissions_are_open()
    assert AuditEntry.objects.filter(edition=draft, action="setup.call_open", actor=setter).count() == 1
    client.logout()
    page = client.get(reverse("submissions:call", args=[draft.slug])).content.decode()
    assert "Award 2027" in page
    assert "Smart City" in page
    assert "Start a new application" not in page  # anonymous: asked to sign up
    assert "Create an account to apply" in page


def test_an_unopened_edition_takes_no_application_and_is_not_listed(client, draft, applicant):
    draft.submissions_open_at = dt(-1)
    draft.save()
    assert draft.submissions_are_open() is False
    applicant.email_confirmed_at = timezone.now()
    applicant.save()
    client.force_login(applicant)
    client.post(reverse("submissions:new", args=[draft.slug]))
    assert draft.projects.count() == 0
    from submissions.selectors import editions_open_for_submission

    assert draft not in editions_open_for_submission()


def test_an_open_call_is_kept_complete(client, draft, setter):
    complete(draft)
    services.edition_call_open(actor=setter, edition=draft)
    category = Category.objects.get(edition=draft)
    client.force_login(setter)
    data = formset_data("categories", [category_row(category, delete=True)], initial=1)
    response = client.post(reverse("setup:categories", args=[draft.slug]), data)
    assert response.status_code == 400
    assert "it would leave the edition incomplete" in response.content.decode()
    assert Category.objects.filter(edition=draft).count() == 1


# --- Who may reach the pages -----------------------------------------------------------------

STEP_PAGES = ["basics", "categories", "rubric", "rounds", "signatories", "branding", "checklist"]


@pytest.mark.parametrize("step", STEP_PAGES + ["criterion_new"])
def test_another_editions_organiser_gets_404(client, draft, stranger, step):
    client.force_login(stranger)
    assert client.get(reverse(f"setup:{step}", args=[draft.slug])).status_code == 404


def test_another_editions_organiser_cannot_post_or_open(client, draft, stranger):
    criterion = CriterionFactory(edition=draft, name="Impact")
    client.force_login(stranger)
    assert client.post(reverse("setup:open", args=[draft.slug])).status_code == 404
    assert client.post(reverse("setup:criterion_remove", args=[draft.slug, criterion.pk])).status_code == 404
    assert client.post(reverse("setup:criteria_order", args=[draft.slug]), {"order": [criterion.pk]}).status_code == 404
    assert client.post(reverse("setup:basics", args=[draft.slug]), {"name_en": "Mine"}).status_code == 404
    assert Criterion.objects.filter(pk=criterion.pk).exists()
    assert Edition.objects.get(pk=draft.pk).name_en == "Award 2027"


def test_a_juror_and_an_applicant_get_404(client, draft, applicant):
    juror = UserFactory()
    EditionRoleFactory(edition=draft, user=juror, role=Role.JUROR)
    for person in (juror, applicant):
        client.force_login(person)
        assert client.get(reverse("setup:basics", args=[draft.slug])).status_code == 404
        assert client.get(reverse("setup:index")).status_code == 404


@pytest.mark.parametrize("step", STEP_PAGES)
def test_each_step_page_shows_for_its_organiser_and_the_administrator(client, draft, setter, step):
    client.force_login(setter)
    response = client.get(reverse(f"setup:{step}", args=[draft.slug]))
    assert response.status_code == 200
    assert 'aria-current="step"' in response.content.decode()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(reverse(f"setup:{step}", args=[draft.slug])).status_code == 200


def test_the_administrator_creates_an_edition_and_appoints_its_organiser(client):
    admin = UserFactory(is_superuser=True, is_staff=True)
    organiser = UserFactory(email="new.organiser@example.org")
    client.force_login(admin)
    response = client.post(
        reverse("setup:new"),
        {
            "name": "Award 2028",
            "slug": "award-2028",
            "year": "2028",
            "organiser": "New.Organiser@example.org",
            "submissions_open_at": "2028-02-01T09:00",
            "submissions_close_at": "2028-04-30T23:59",
        },
    )
    assert response.status_code == 302
    edition = Edition.objects.get(slug="award-2028")
    assert edition.call_opened_at is None
    assert edition.roles.get(role=Role.ORGANISER).user == organiser
    assert AuditEntry.objects.filter(edition=edition, action="edition.create").count() == 1
    client.force_login(organiser)
    assert client.get(reverse("setup:basics", args=["award-2028"])).status_code == 200


def test_only_the_administrator_creates_editions(client, setter):
    client.force_login(setter)
    assert client.get(reverse("setup:new")).status_code == 404


def test_creating_an_edition_with_a_taken_address_or_unknown_organiser_says_why(client, draft):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.post(
        reverse("setup:new"),
        {
            "name": "Again",
            "slug": draft.slug,
            "year": "2028",
            "organiser": "nobody@example.org",
            "submissions_open_at": "2028-02-01T09:00",
            "submissions_close_at": "2028-01-01T09:00",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is no account with this email address." in page
    assert "The submission deadline must come after the call opens." in page


def test_the_home_page_leads_an_organiser_to_the_set_up(client, draft, setter):
    client.force_login(setter)
    page = client.get("/").content.decode()
    assert reverse("setup:basics", args=[draft.slug]) in page
    assert "Set up Award 2027" in page


# --- Step 1: basics and timeline -------------------------------------------------------------


def basics_data(**overrides) -> dict:
    data = {
        "name_en": "Award 2027",
        "name_sk": "Cena 2027",
        "description_en": "The call.",
        "year": "2027",
        "reference_prefix": "V4A",
        "timezone": "America/New_York",
        "languages": ["en", "sk"],
        "eligible_countries": ["SK", "CZ"],
        "eligible_organisation_types": ["municipality"],
        "submissions_open_at": "2027-02-01T09:00",
        "submissions_close_at": "2027-04-30T18:00",
        "ceremony_at": "2027-11-10T18:00",
        "results_published_at": "",
    }
    data.update(overrides)
    return data


def test_basics_are_saved_in_the_edition_time_zone_and_audited(client, draft, setter):
    client.force_login(setter)
    response = client.post(reverse("setup:basics", args=[draft.slug]), basics_data(then="continue"))
    assert response.status_code == 302
    assert response.url == reverse("setup:categories", args=[draft.slug])
    draft.refresh_from_db()
    assert draft.name_sk == "Cena 2027"
    assert draft.timezone == "America/New_York"
    assert draft.languages == ["en", "sk"]
    assert draft.eligible_countries == ["SK", "CZ"]
    # 18:00 in New York is 22:00 UTC in April (daylight saving time).
    assert draft.submissions_close_at.astimezone(UTC).hour == 22
    entry = AuditEntry.objects.get(edition=draft, action="setup.basics")
    assert "timezone" in entry.data["fields"]
    page = client.get(reverse("setup:basics", args=[draft.slug])).content.decode()
    assert 'value="2027-04-30T18:00"' in page  # shown back in the edition's zone


def test_basics_refuse_a_deadline_before_the_opening_with_a_message(client, draft, setter):
    client.force_login(setter)
    response = client.post(
        reverse("setup:basics", args=[draft.slug]),
        basics_data(submissions_close_at="2027-01-01T09:00", ceremony_at="2026-12-01T10:00"),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "The submission deadline must come after the call opens." in page
    assert not Edition.objects.get(pk=draft.pk).name_sk


@pytest.mark.parametrize(
    ("field", "value"),
    [("timezone", "Mars/Olympus"), ("year", "twenty"), ("submissions_open_at", "soon"), ("languages", ["xx"])],
)
def test_basics_bad_input_is_a_message_not_a_500(client, draft, setter, field, value):
    client.force_login(setter)
    response = client.post(reverse("setup:basics", args=[draft.slug]), basics_data(**{field: value}))
    assert response.status_code == 400
    assert 'class="field-error"' in response.content.decode()


def test_the_english_name_is_required(client, draft, setter):
    client.force_login(setter)
    response = client.post(reverse("setup:basics", args=[draft.slug]), basics_data(name_en=""))
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


# --- Step 2: categories ----------------------------------------------------------------------


def formset_data(prefix: str, rows: list[dict], *, initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = value
    return data


def category_row(category=None, *, name="", finalists="3", delete=False) -> dict:
    row = {"name_en": name or (category.name_en if category else ""), "finalists_count": finalists}
    if category is not None:
        row["id"] = str(category.pk)
    if delete:
        row["DELETE"] = "on"
    return row


def test_categories_are_added_renamed_and_removed(client, draft, setter):
    old = CategoryFactory(edition=draft, name="Old one")
    keep = CategoryFactory(edition=draft, name="Smart City")
    client.force_login(setter)
    data = formset_data(
        "categories",
        [
            category_row(old, delete=True),
            category_row(keep, name="Smart City and Region", finalists="5"),
            category_row(name="Cyber Security", finalists="2"),
            category_row(name="", finalists="3"),  # the empty card
        ],
        initial=2,
    )
    response = client.post(reverse("setup:categories", args=[draft.slug]), data)
    assert response.status_code == 302
    rows = list(
        Category.objects.filter(edition=draft).order_by("position").values_list("name", "slug", "finalists_count")
    )
    assert rows == [("Smart City and Region", keep.slug, 5), ("Cyber Security", "cyber-security", 2)]
    assert AuditEntry.objects.filter(edition=draft, action="setup.categories").count() == 1


@pytest.mark.parametrize("finalists", ["0", "-1", "many", ""])
def test_a_category_needs_a_finalist_count_of_at_least_one(client, draft, setter, finalists):
    client.force_login(setter)
    data = formset_data("categories", [category_row(name="Smart City", finalists=finalists)])
    response = client.post(reverse("setup:categories", args=[draft.slug]), data)
    assert response.status_code == 400
    assert 'class="field-error"' in response.content.decode()
    assert Category.objects.filter(edition=draft).count() == 0


def test_two_categories_with_one_name_are_refused(client, draft, setter):
    client.force_login(setter)
    data = formset_data("categories", [category_row(name="Smart City"), category_row(name="smart city")])
    response = client.post(reverse("setup:categories", args=[draft.slug]), data)
    assert response.status_code == 400
    assert "Two categories have the same English name." in response.content.decode()


def test_a_category_of_another_edition_cannot_be_edited_through_the_formset(client, draft, setter):
    foreign = CategoryFactory(name="Foreign")
    client.force_login(setter)
    data = formset_data("categories", [category_row(foreign, name="Hijacked")], initial=1)
    response = client.post(reverse("setup:categories", args=[draft.slug]), data)
    assert response.status_code in (302, 400)
    foreign.refresh_from_db()
    assert foreign.name == "Foreign"


# --- Step 3: the rubric ----------------------------------------------------------------------


def criterion_data(**overrides) -> dict:
    data = {"name_en": "Impact", "weight": "2", "min_value": "0", "max_value": "10", "step": "0.5"}
    data.update(overrides)
    return data


def test_criteria_are_added_in_order_with_effective_weights(client, draft, setter):
    client.force_login(setter)
    url = reverse("setup:criterion_new", args=[draft.slug])
    assert client.post(url, criterion_data(name_en="Impact", weight="3")).status_code == 302
    assert client.post(url, criterion_data(name_en="Innovation", weight="1")).status_code == 302
    names = list(Criterion.objects.filter(edition=draft).order_by("position").values_list("name", "position"))
    assert names == [("Impact", 0), ("Innovation", 1)]
    page = client.get(reverse("setup:rubric", args=[draft.slug])).content.decode()
    assert "75.0 %" in page
    assert "25.0 %" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"max_value": "0"}, "The maximum must be above the minimum."),
        ({"step": "3"}, "The step must divide the range"),
        ({"weight": "0"}, "Ensure this value is greater than or equal to"),
        ({"weight": "abc"}, "Enter a number"),
        ({"weight": "1e309"}, "Enter a number"),
        ({"name_en": ""}, "This field is required."),
    ],
)
def test_a_bad_criterion_is_refused_with_a_message(client, draft, setter, overrides, message):
    client.force_login(setter)
    response = client.post(reverse("setup:criterion_new", args=[draft.slug]), criterion_data(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Criterion.objects.filter(edition=draft).count() == 0


def test_slovak_decimal_comma_is_read_in_a_criterion(client, draft, setter):
    client.force_login(setter)
    response = client.post(
        reverse("setup:criterion_new", args=[draft.slug]) + "?lang=sk", criterion_data(weight="1,5", step="0,5")
    )
    assert response.status_code == 302
    assert Criterion.objects.get(edition=draft).weight == Decimal("1.5")


def test_move_up_and_down_reorder_the_rubric_without_script(client, draft, setter):
    a, b, c = (CriterionFactory(edition=draft, name=n, position=i) for i, n in enumerate("ABC"))
    client.force_login(setter)
    client.post(reverse("setup:criterion_move", args=[draft.slug, c.pk]), {"direction": "up"})
    assert list(draft.criteria.order_by("position").values_list("name", flat=True)) == ["A", "C", "B"]
    client.post(reverse("setup:criterion_move", args=[draft.slug, a.pk]), {"direction": "down"})
    assert list(draft.criteria.order_by("position").values_list("name", flat=True)) == ["C", "A", "B"]
    client.post(reverse("setup:criterion_move", args=[draft.slug, b.pk]), {"direction": "down"})  # already last
    assert list(draft.criteria.order_by("position").values_list("name", flat=True)) == ["C", "A", "B"]
    assert AuditEntry.objects.filter(edition=draft, action="setup.criteria.reorder").count() == 2


def test_the_drag_endpoint_takes_the_whole_order_and_refuses_a_wrong_one(client, draft, setter):
    a, b = CriterionFactory(edition=draft, name="A", position=0), CriterionFactory(edition=draft, name="B", position=1)
    foreign = CriterionFactory(name="Foreign")
    client.force_login(setter)
    url = reverse("setup:criteria_order", args=[draft.slug])
    assert client.post(url, {"order": [b.pk, a.pk]}).json() == {"ok": True}
    assert list(draft.criteria.order_by("position").values_list("name", flat=True)) == ["B", "A"]
    assert client.post(url, {"order": [b.pk, foreign.pk]}).status_code == 409
    assert client.post(url, {"order": ["x", "99999999999999999999999"]}).status_code == 400
    assert list(draft.criteria.order_by("position").values_list("name", flat=True)) == ["B", "A"]


def test_a_criterion_of_another_edition_is_a_404(client, draft, setter):
    foreign = CriterionFactory(name="Foreign")
    client.force_login(setter)
    assert client.get(reverse("setup:criterion", args=[draft.slug, foreign.pk])).status_code == 404
    assert client.post(reverse("setup:criterion_remove", args=[draft.slug, foreign.pk])).status_code == 404
    assert Criterion.objects.filter(pk=foreign.pk).exists()


def test_removing_a_criterion_is_audited(client, draft, setter):
    criterion = CriterionFactory(edition=draft, name="Impact")
    client.force_login(setter)
    client.post(reverse("setup:criterion_remove", args=[draft.slug, criterion.pk]))
    assert not Criterion.objects.filter(pk=criterion.pk).exists()
    assert AuditEntry.objects.get(edition=draft, action="setup.criterion.remove").data == {"name": "Impact"}


# --- Step 4: rounds and rules ----------------------------------------------------------------


def rules_data(**overrides) -> dict:
    data = {
        "rules-jurors_per_project": "3",
        "rules-blind_review": "on",
        "rules-aggregation_method": "median",
        "rules-same_country_conflict": "on",
        "rules-feedback_to_applicants": "",
        "rules-overall_comment_required": "on",
        "rules-retention_days": "365",
    }
    data.update(overrides)
    return data


def round_row(round_=None, *, name="Shortlist", kind="shortlist", opens="2027-05-10T09:00", closes="2027-06-10T18:00"):
    row = {"name_en": name, "kind": kind, "scoring_opens_at": opens, "scoring_closes_at": closes}
    if round_ is not None:
        row["id"] = str(round_.pk)
    return row


def test_rules_and_rounds_are_saved_and_numbered_by_date(client, draft, setter):
    client.force_login(setter)
    data = {
        **rules_data(),
        **formset_data(
            "rounds",
            [
                {
                    **round_row(name="Final", kind="final", opens="2027-07-01T09:00", closes="2027-07-20T18:00"),
                    "final_mode": "ranked",
                },
                # A shortlist round is always scored, whatever mode is posted.
                {**round_row(name="Shortlist"), "final_mode": "ranked"},
                {"name_en": "", "kind": "shortlist", "scoring_opens_at": "", "scoring_closes_at": ""},  # the empty card
            ],
        ),
    }
    data = {k: v for k, v in data.items() if v != "" or not k.startswith("rules-")}
    response = client.post(reverse("setup:rounds", args=[draft.slug]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    assert (draft.jurors_per_project, draft.blind_review, draft.aggregation_method) == (3, True, "median")
    assert (draft.same_country_conflict, draft.feedback_to_applicants, draft.retention_days) == (True, False, 365)
    assert list(draft.rounds.order_by("number").values_list("number", "name", "final_mode")) == [
        (1, "Shortlist", "scored"),
        (2, "Final", "ranked"),
    ]


def test_rounds_swap_their_numbers_when_their_dates_swap(client, draft, setter):
    first = RoundFactory(edition=draft, number=1, name="One", scoring_opens_at=dt(70), scoring_closes_at=dt(80))
    second = RoundFactory(edition=draft, number=2, name="Two", scoring_opens_at=dt(90), scoring_closes_at=dt(100))
    client.force_login(setter)
    data = {
        **rules_data(),
        **formset_data(
            "rounds",
            [
                round_row(first, name="One", opens="2027-08-01T09:00", closes="2027-08-10T09:00"),
                round_row(second, name="Two", opens="2027-07-01T09:00", closes="2027-07-10T09:00"),
            ],
            initial=2,
        ),
    }
    assert client.post(reverse("setup:rounds", args=[draft.slug]), data).status_code == 302
    assert list(draft.rounds.order_by("number").values_list("name", flat=True)) == ["Two", "One"]


@pytest.mark.parametrize(
    ("overrides", "row", "message"),
    [
        ({}, {"scoring_closes_at": "2027-05-01T09:00"}, "Scoring must close after it opens."),
        ({"rules-jurors_per_project": "0"}, {}, "Between 1 and 50 jurors per project."),
        ({"rules-retention_days": "5"}, {}, "Keep personal data between 30 and 3,650 days"),
        ({"rules-aggregation_method": "dice"}, {}, "Select a valid choice."),
        ({}, {"scoring_opens_at": "tomorrow"}, "Enter a valid date/time."),
    ],
)
def test_bad_rules_or_rounds_are_refused_with_a_message(client, draft, setter, overrides, row, message):
    client.force_login(setter)
    data = {**rules_data(**overrides), **formset_data("rounds", [{**round_row(), **row}])}
    response = client.post(reverse("setup:rounds", args=[draft.slug]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert draft.rounds.count() == 0


def test_final_mode_cannot_switch_once_ballots_or_scores_exist(client, draft, setter):
    from scoring.ballot.models import Ballot
    from tests.factories import AssignmentFactory, ScoreFactory

    ranked = RoundFactory(
        edition=draft,
        number=2,
        name="Final",
        kind="final",
        final_mode="ranked",
        scoring_opens_at=dt(70),
        scoring_closes_at=dt(80),
    )
    scored = RoundFactory(
        edition=draft, number=1, name="Shortlist", kind="final", scoring_opens_at=dt(65), scoring_closes_at=dt(68)
    )
    assignment = AssignmentFactory(round=ranked, project__edition=draft)
    Ballot.objects.create(round=ranked, category=assignment.project.category, juror=assignment.juror)
    ScoreFactory(assignment=AssignmentFactory(round=scored, project__edition=draft))

    def post(ranked_mode: str, scored_mode: str):
        rows = [
            {**round_row(scored, name="Shortlist", kind="final"), "final_mode": scored_mode},
            {
                **round_row(ranked, name="Final", kind="final", opens="2027-07-01T09:00", closes="2027-07-20T18:00"),
                "final_mode": ranked_mode,
            },
        ]
        data = {**rules_data(), **formset_data("rounds", rows, initial=2)}
        return client.post(reverse("setup:rounds", args=[draft.slug]), data)

    client.force_login(setter)
    response = post("scored", "scored")
    assert response.status_code == 400
    assert "Ballots have been cast in “Final”, so it must stay decided by ranked ballots." in response.content.decode()
    response = post("ranked", "ranked")
    assert response.status_code == 400
    assert "Scores have been saved in “Shortlist”, so it cannot switch to a ranked ballot." in response.content.decode()
    # The service refuses too (another caller than the form), and nothing changed.
    with pytest.raises(ValidationError, match="Ballots have been cast"):
        services.rounds_save(
            actor=setter,
            edition=draft,
            rules={},
            rows=[(ranked, {"kind": "final", "final_mode": "scored", "scoring_opens_at": ranked.scoring_opens_at})],
        )
    assert dict(draft.rounds.values_list("name", "final_mode")) == {"Final": "ranked", "Shortlist": "scored"}
    # Unchanged modes save; without ballots the ranked round switches freely.
    assert post("ranked", "scored").status_code == 302
    Ballot.objects.all().delete()
    assert post("scored", "scored").status_code == 302
    assert dict(draft.rounds.values_list("name", "final_mode")) == {"Final": "scored", "Shortlist": "scored"}


# --- Step 5: signatories ---------------------------------------------------------------------


def test_signatories_with_titles_and_a_signature_image(client, draft, setter):
    client.force_login(setter)
    data = formset_data(
        "signatories",
        [{"name": "Eva Novak", "title_en": "Chair of the jury", "title_sk": "Predsedníčka poroty"}, {"name": ""}],
    )
    data["signatories-0-signature"] = SimpleUploadedFile("sig.png", png(), content_type="image/png")
    response = client.post(reverse("setup:signatories", args=[draft.slug]), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    [person] = draft.signatories
    assert person["name"] == "Eva Novak"
    assert person["title"] == "Chair of the jury"
    assert person["titles"]["sk"] == "Predsedníčka poroty"
    assert person["image"].startswith("data:image/png;base64,")
    page = client.get(reverse("setup:signatories", args=[draft.slug])).content.decode()
    assert "Signature of Eva Novak" in page
    assert "[{" not in page  # no raw JSON shown
    # Saving again without a new file keeps the image.
    data = formset_data("signatories", [{"name": "Eva Novak", "title_en": "Chair"}], initial=1)
    client.post(reverse("setup:signatories", args=[draft.slug]), data)
    draft.refresh_from_db()
    assert draft.signatories[0]["image"].startswith("data:image/png;base64,")
    assert draft.signatories[0]["title"] == "Chair"


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("sig.png", b"not an image at all", "Upload a PNG or JPEG image."),
        (
            "sig.svg",
            b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
            "Upload a PNG or JPEG image.",
        ),
        ("sig.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 10, "This file is not a readable image."),
        ("sig.png", b"\x89PNG\r\n\x1a\n" + b"0" * (301 * 1024), "The image is too large"),
    ],
)
def test_a_bad_signature_image_is_refused(client, draft, setter, filename, content, message):
    client.force_login(setter)
    data = formset_data("signatories", [{"name": "Eva Novak", "title_en": "Chair"}])
    data["signatories-0-signature"] = SimpleUploadedFile(filename, content, content_type="image/png")
    response = client.post(reverse("setup:signatories", args=[draft.slug]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Edition.objects.get(pk=draft.pk).signatories == []


def test_a_signatory_title_without_a_name_is_refused(client, draft, setter):
    client.force_login(setter)
    data = formset_data("signatories", [{"name": "", "title_en": "Chair"}])
    response = client.post(reverse("setup:signatories", args=[draft.slug]), data)
    assert response.status_code == 400
    assert "Give the name of the signatory." in response.content.decode()


# --- Step 6: branding ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("primary", "secondary", "message"),
    [
        ("red", "", "Write the colour as # and six hexadecimal digits"),
        ("#12345g", "", "Write the colour as # and six hexadecimal digits"),
        ("#ffff00", "", "This colour is too light"),
        ("#0b5394", "#000000", "This colour is too dark for a background"),
    ],
)
def test_bad_colours_are_refused(client, draft, setter, primary, secondary, message):
    client.force_login(setter)
    response = client.post(
        reverse("setup:branding", args=[draft.slug]), {"brand_primary": primary, "brand_secondary": secondary}
    )
    assert response.status_code == 400
    assert message in response.content.decode()


def test_branding_colours_and_logo_reach_the_call_page(client, draft, setter):
    complete(draft)
    client.force_login(setter)
    response = client.post(
        reverse("setup:branding", args=[draft.slug]),
        {
            "brand_primary": "#7A1F5C",
            "brand_secondary": "#F5EAF1",
            "logo": SimpleUploadedFile("logo.png", png((120, 60)), content_type="image/png"),
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.brand_primary, draft.brand_secondary) == ("#7a1f5c", "#f5eaf1")
    assert draft.logo.name.endswith(".png")
    services.edition_call_open(actor=setter, edition=draft)
    client.logout()
    page = client.get(reverse("submissions:call", args=[draft.slug])).content.decode()
    assert "--award-accent: #7a1f5c;" in page
    assert "--award-accent-soft: #f5eaf1;" in page
    logo = client.get(reverse("setup:logo", args=[draft.slug]))
    assert logo.status_code == 200
    assert logo["Content-Type"] == "image/png"
    assert b"".join(logo.streaming_content).startswith(b"\x89PNG")


def test_the_logo_of_an_unopened_edition_is_not_public(client, draft, setter):
    services.branding_save(
        actor=setter,
        edition=draft,
        primary="",
        secondary="",
        logo=SimpleUploadedFile("logo.png", png(), content_type="image/png"),
    )
    assert client.get(reverse("setup:logo", args=[draft.slug])).status_code == 404


def test_a_logo_that_is_not_an_image_is_refused(client, draft, setter):
    client.force_login(setter)
    response = client.post(
        reverse("setup:branding", args=[draft.slug]),
        {"logo": SimpleUploadedFile("logo.png", b"<html>", content_type="image/png")},
    )
    assert response.status_code == 400
    assert "Upload a PNG or JPEG image." in response.content.decode()
    assert not Edition.objects.get(pk=draft.pk).logo


# --- Query counts ------------------------------------------------------------------------------


def _rows(edition: Edition, n: int) -> None:
    for i in range(n):
        CategoryFactory(edition=edition, name=f"Category {i}")
        CriterionFactory(edition=edition, name=f"Criterion {i}", position=i)
        RoundFactory(
            edition=edition,
            number=i + 1,
            name=f"Round {i}",
            scoring_opens_at=dt(70 + 10 * i),
            scoring_closes_at=dt(75 + 10 * i),
        )
    edition.signatories = [{"name": f"Person {i}", "title": "Chair"} for i in range(min(n, 4))]
    edition.save()


@pytest.mark.parametrize("step", ["categories", "rubric", "rounds", "signatories", "checklist", "basics", "branding"])
def test_step_pages_query_count_does_not_grow_with_rows(client, setter, step):
    # An earlier edition with a rubric, organised by the same person, is there for both counts
    # (the rubric page offers its rubric as a template: one query for any number of them).
    earlier = EditionFactory(year=2020)
    EditionRoleFactory(edition=earlier, user=setter, role=Role.ORGANISER)
    CriterionFactory(edition=earlier)
    counts = []
    for n in (1, 5):
        edition = EditionFactory(call_opened_at=None, languages=["en", "sk"], submissions_close_at=dt(60))
        EditionRoleFactory(edition=edition, user=setter, role=Role.ORGANISER)
        _rows(edition, n)
        client.force_login(setter)
        url = reverse(f"setup:{step}", args=[edition.slug])
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_index_query_count_does_not_grow_with_editions(client, setter):
    counts = []
    for n in (1, 6):
        for _ in range(n):
            EditionRoleFactory(edition=EditionFactory(call_opened_at=None), user=setter, role=Role.ORGANISER)
        client.force_login(setter)
        client.get(reverse("setup:index"))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("setup:index")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_certificates_print_the_signatory_title_in_their_language(draft, setter):
    from django.utils import translation

    from reports.certificates import _signatories

    services.signatories_save(
        actor=setter,
        edition=draft,
        people=[{"name": "Eva Novak", "titles": {"en": "Chair of the jury", "sk": "Predsedníčka poroty"}}],
    )
    draft.refresh_from_db()
    with translation.override("sk"):
        assert _signatories(draft)[0]["title"] == "Predsedníčka poroty"
    with translation.override("hu"):
        assert _signatories(draft)[0]["title"] == "Chair of the jury"  # no Hungarian title: English


def test_the_api_hides_an_unopened_edition_and_its_rubric(client, draft, setter):
    complete(draft)
    public = EditionFactory(name="Public award")
    CriterionFactory(edition=public, name="Public criterion")
    names = [e["name"] for e in client.get("/api/v1/editions/").json()["results"]]
    assert "Public award" in names
    assert "Award 2027" not in names
    assert client.get(f"/api/v1/editions/{draft.pk}/").status_code == 404
    criteria = [c["name"] for c in client.get("/api/v1/criteria/").json()["results"]]
    assert criteria == ["Public criterion"]
    assert client.get(f"/api/v1/categories/?edition={draft.pk}").json()["results"] == []
    client.force_login(setter)  # its organisers see it while they set it up
    assert client.get(f"/api/v1/editions/{draft.pk}/").status_code == 200
    assert [c["name"] for c in client.get(f"/api/v1/criteria/?edition={draft.pk}").json()["results"]] == ["Impact"]


def test_the_home_page_does_not_name_an_unopened_edition(client, draft):
    assert "Award 2027" not in client.get("/").content.decode()


def test_certificates_take_the_main_colour_for_their_heading(draft):
    from django.template.loader import render_to_string

    from reports.certificates import DEFAULT_PRIMARY, DEFAULT_SECONDARY, brand_colours

    draft.brand_primary, draft.brand_secondary = "#7a1f5c", "#2a9d8f"
    primary, secondary = brand_colours(draft)
    context = {"edition": draft, "heading": "Winner", "signatories": [], "logo": "", "primary": primary}
    html = render_to_string("reports/certificate_page.html", {**context, "secondary": secondary})
    assert 'style="--primary: #7a1f5c; --secondary: #2a9d8f;' in html
    assert '<h1 class="kind">Winner</h1>' in html
    # No branding, or something that is not a colour (it would go into CSS): the defaults.
    draft.brand_primary, draft.brand_secondary = "", "red; background: url(x)"
    assert brand_colours(draft) == (DEFAULT_PRIMARY, DEFAULT_SECONDARY)


def test_the_address_of_the_new_edition_page_is_reserved(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    organiser = UserFactory()
    data = {
        "name": "New",
        "slug": "new",
        "year": "2028",
        "organiser": organiser.email,
        "submissions_open_at": "2028-02-01T09:00",
        "submissions_close_at": "2028-04-01T09:00",
    }
    response = client.post(reverse("setup:new"), data)
    assert response.status_code == 400
    assert "This web address is reserved; choose another." in response.content.decode()
    assert not Edition.objects.filter(slug="new").exists()


def test_the_criterion_page_shows_its_effective_weight(client, draft, setter):
    CriterionFactory(edition=draft, name="Innovation", weight=Decimal("1"))
    impact = CriterionFactory(edition=draft, name="Impact", weight=Decimal("3"))
    client.force_login(setter)
    page = client.get(reverse("setup:criterion", args=[draft.slug, impact.pk])).content.decode()
    assert 'data-others="1.00"' in page
    assert ">75.0 %</output>" in page
    page = client.get(reverse("setup:criterion_new", args=[draft.slug])).content.decode()
    assert 'data-others="4.00"' in page
    assert ">20.0 %</output>" in page  # a new criterion starts at weight 1: 1 of 5


# --- Templates (award.rubric_templates) ----------------------------------------------------


def test_the_rubric_starts_from_a_template_through_the_page(client, draft, setter):
    from award import rubric_templates as templates

    key = templates.builtin_templates()[0].key
    CriterionFactory(edition=draft, name="Replaced")
    client.force_login(setter)
    page = client.get(reverse("setup:rubric", args=[draft.slug])).content.decode()
    assert f'data-template="{key}"' in page
    response = client.post(reverse("setup:rubric_template", args=[draft.slug]), {"template": key})
    assert response.status_code == 302
    names = list(draft.criteria.order_by("position").values_list("name_en", flat=True))
    assert "Replaced" not in names
    assert len(names) == len(templates.builtin_templates()[0].criteria)
    response = client.post(reverse("setup:rubric_template", args=[draft.slug]), {"template": "no-such"}, follow=True)
    assert "Choose one of the rubric templates offered." in response.content.decode()


def test_a_stranger_cannot_apply_a_template(client, draft, stranger):
    client.force_login(stranger)
    assert client.post(reverse("setup:rubric_template", args=[draft.slug]), {"template": "x"}).status_code == 404
    assert client.post(reverse("setup:categories_template", args=[draft.slug]), {"template": "x"}).status_code == 404


def test_categories_by_size_are_added_through_the_page(client, draft, setter):
    from award import rubric_templates as templates

    [(key, _label)] = templates.available_category_templates()[:1]
    client.force_login(setter)
    assert f'data-template="{key}"' in client.get(reverse("setup:categories", args=[draft.slug])).content.decode()
    assert client.post(reverse("setup:categories_template", args=[draft.slug]), {"template": key}).status_code == 302
    assert draft.categories.count() >= 4
