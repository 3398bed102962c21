import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from award.edition_copy import edition_copy, moved_by_years
from award.enums import AggregationMethod, Role
from award.models import AuditEntry, Category, Criterion, Edition, EditionRole, Round
from scoring.models import Assignment, ConflictOfInterest, Result, Score
from submissions.models import Project
from tests.factories import (
    TEST_PASSWORD,
    AssignmentFactory,
    CategoryFactory,
    CriterionFactory,
    EditionFactory,
    EditionRoleFactory,
    ProjectFactory,
    RoundFactory,
    ScoreFactory,
    UserFactory,
)

BRATISLAVA = zoneinfo.ZoneInfo("Europe/Bratislava")


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BRATISLAVA)


@pytest.fixture
def source(db):
    edition = EditionFactory(
        name="Smart Award 2026",
        name_sk="Smart cena 2026",
        slug="smart-award-2026",
        year=2026,
        timezone="Europe/Bratislava",
        # 28 March 2026 is winter time in Bratislava (UTC+1); 28 March 2027 is summer time (UTC+2).
        submissions_open_at=local(2026, 3, 28, 10, 0),
        submissions_close_at=local(2026, 6, 30, 23, 59),
        ceremony_at=local(2026, 11, 19, 18, 0),
        ceremony_place="Bratislava",
        results_published_at=local(2026, 11, 20, 9, 0),
        jurors_per_project=4,
        blind_review=True,
        aggregation_method=AggregationMethod.MEDIAN,
        retention_days=365,
        signatories=[{"name": "Eva Nováková", "title": "Chair of the board"}],
        logo="editions/logo.png",
        reference_counter=42,
    )
    city = CategoryFactory(
        edition=edition, slug="city", name="Smart City", name_sk="Inteligentné mesto", finalists_count=5, position=1
    )
    CategoryFactory(edition=edition, slug="small", name="Small towns", population_min=0, population_max=9999)
    CriterionFactory(edition=edition, name="Innovation", name_pl="Innowacyjność", weight=Decimal("3"), position=1)
    CriterionFactory(edition=edition, name="Impact", weight=Decimal("1.5"), step=Decimal("0.5"), position=2)
    RoundFactory(
        edition=edition,
        number=1,
        name="Shortlist",
        scoring_opens_at=local(2026, 7, 1, 0, 0),
        scoring_closes_at=local(2026, 9, 15, 23, 59),
        frozen=True,
    )
    edition.city = city
    return edition


@pytest.fixture
def organiser(source):
    user = UserFactory(email="organiser@example.org")
    EditionRoleFactory(edition=source, user=user, role=Role.ORGANISER)
    return user


def test_moved_by_years_keeps_the_wall_clock_time_in_the_edition_time_zone():
    moved = moved_by_years(local(2026, 3, 28, 10, 0), 1, BRATISLAVA)
    assert moved == local(2027, 3, 28, 10, 0)
    assert moved.astimezone(dt.UTC) == dt.datetime(2027, 3, 28, 8, 0, tzinfo=dt.UTC)  # a year of 365 days is 9:00
    assert moved_by_years(local(2028, 2, 29, 12, 0), 1, BRATISLAVA) == local(2029, 2, 28, 12, 0)
    assert moved_by_years(None, 1, BRATISLAVA) is None


def test_edition_copy_moves_every_date_by_a_year(source, organiser):
    copy = edition_copy(source=source, actor=organiser)
    copy = Edition.objects.get(pk=copy.pk)
    assert copy.year == 2027
    assert copy.submissions_open_at == local(2027, 3, 28, 10, 0)
    assert copy.submissions_open_at.astimezone(dt.UTC).hour == 8  # summer time now
    assert copy.submissions_close_at == local(2027, 6, 30, 23, 59)
    assert copy.ceremony_at == local(2027, 11, 19, 18, 0)
    # Publication is not set-up: it happens through results_publish, signed off and sealed.
    assert copy.results_published_at is None
    rnd = Round.objects.get(edition=copy)
    assert (rnd.number, rnd.name, rnd.frozen) == (1, "Shortlist", False)
    assert (rnd.scoring_opens_at, rnd.scoring_closes_at) == (local(2027, 7, 1, 0, 0), local(2027, 9, 15, 23, 59))


def test_edition_copy_takes_the_set_up(source, organiser):
    copy = Edition.objects.get(pk=edition_copy(source=source, actor=organiser).pk)
    assert (copy.name, copy.name_sk, copy.slug) == ("Smart Award 2027", "Smart cena 2027", "smart-award-2027")
    assert copy.jurors_per_project == 4
    assert copy.blind_review is True
    assert copy.aggregation_method == AggregationMethod.MEDIAN
    assert copy.retention_days == 365
    assert copy.timezone == "Europe/Bratislava"
    assert copy.ceremony_place == "Bratislava"
    assert copy.signatories == [{"name": "Eva Nováková", "title": "Chair of the board"}]
    assert copy.logo.name == "editions/logo.png"
    assert copy.reference_counter == 0
    assert list(
        Category.objects.filter(edition=copy)
        .order_by("slug")
        .values_list("slug", "name", "name_sk", "finalists_count", "population_min", "population_max")
    ) == [
        ("city", "Smart City", "Inteligentné mesto", 5, None, None),
        ("small", "Small towns", None, 3, 0, 9999),
    ]
    assert list(
        Criterion.objects.filter(edition=copy).order_by("position").values_list("name", "name_pl", "weight", "step")
    ) == [
        ("Innovation", "Innowacyjność", Decimal("3"), Decimal("1")),
        ("Impact", None, Decimal("1.5"), Decimal("0.5")),
    ]


def test_edition_copy_keeps_the_plain_columns_in_english_whatever_the_language(source, organiser):
    from django.db import connection
    from django.utils import translation

    with translation.override("sk"):
        copy = edition_copy(source=source, actor=organiser)
    with connection.cursor() as cursor:
        for table, expected in [
            ("award_edition", ["Smart Award 2027"]),
            ("award_category", ["Small towns", "Smart City"]),
            ("award_criterion", ["Impact", "Innovation"]),
            ("award_round", ["Shortlist"]),
        ]:
            column = "edition_id" if table != "award_edition" else "id"
            cursor.execute(f"SELECT name FROM {table} WHERE {column} = %s ORDER BY name", [copy.pk])  # noqa: S608
            assert [row[0] for row in cursor.fetchall()] == expected, table


def test_edition_copy_copies_nothing_of_applicants_or_scores(source, organiser, juror):
    rnd = Round.objects.get(edition=source)
    assignment = AssignmentFactory(round=rnd, juror=juror, project__category=source.city)
    ScoreFactory(assignment=assignment, criterion=source.criteria.first())
    ConflictOfInterest.objects.create(
        edition=source, juror=juror, project=ProjectFactory(edition=source, category=source.city), source="declared"
    )
    Result.objects.create(edition=source, category=source.city, project=assignment.project, kind="finalist")
    before = (Project.objects.count(), Assignment.objects.count(), Score.objects.count(), Result.objects.count())

    copy = edition_copy(source=source, actor=organiser)

    assert Project.objects.filter(edition=copy).count() == 0
    assert Assignment.objects.filter(round__edition=copy).count() == 0
    assert Score.objects.filter(assignment__round__edition=copy).count() == 0
    assert ConflictOfInterest.objects.filter(edition=copy).count() == 0
    assert Result.objects.filter(edition=copy).count() == 0
    after = (Project.objects.count(), Assignment.objects.count(), Score.objects.count(), Result.objects.count())
    assert after == before


def test_edition_copy_makes_the_copier_its_organiser_and_brings_the_juror_pool(source, organiser):
    other_organiser = UserFactory()
    EditionRoleFactory(edition=source, user=other_organiser, role=Role.ORGANISER)
    chair = UserFactory(email="chair@example.org")
    role = EditionRoleFactory(edition=source, user=chair, role=Role.JUROR, is_chair=True, nominated_by="Partner Ltd")
    role.panels.set([source.city])
    role.expertise.set([source.city])
    EditionRoleFactory(edition=source, user=UserFactory(is_active=False), role=Role.JUROR)

    copy = edition_copy(source=source, actor=organiser)

    organisers = EditionRole.objects.filter(edition=copy, role=Role.ORGANISER).values_list("user__email", flat=True)
    assert list(organisers) == ["organiser@example.org"]
    jurors = list(EditionRole.objects.filter(edition=copy, role=Role.JUROR))
    assert [(r.user_id, r.is_chair, r.invited_at, r.nominated_by) for r in jurors] == [
        (chair.pk, False, None, "Partner Ltd")
    ]
    new_city = Category.objects.get(edition=copy, slug="city")
    assert list(jurors[0].panels.all()) == [new_city]
    assert list(jurors[0].expertise.all()) == [new_city]
    entry = AuditEntry.objects.get(action="edition.copy")
    assert (entry.actor, entry.edition_id) == (organiser, copy.pk)
    assert entry.data["source"] == source.pk
    assert (entry.data["categories"], entry.data["criteria"], entry.data["rounds"], entry.data["jurors"]) == (
        2,
        2,
        1,
        1,
    )
    assert AuditEntry.objects.filter(action="edition.copied_to", edition=source).count() == 1


def test_edition_copy_refused_to_a_non_organiser(source, juror):
    with pytest.raises(PermissionDenied):
        edition_copy(source=source, actor=juror)
    assert not Edition.objects.filter(year=2027).exists()


def test_edition_copy_page_for_an_organiser(client, source, organiser):
    client.login(email=organiser.email, password=TEST_PASSWORD)
    url = reverse("edition_copy", args=[source.slug])
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "2 categories" in text and "2 criteria in the rubric" in text and "1 round" in text
    assert 'value="2027"' in text
    response = client.post(url, {"year": "2027", "name": ""})
    copy = Edition.objects.get(year=2027)
    assert response.status_code == 302
    assert response["Location"] == reverse("setup:checklist", args=[copy.slug])
    assert EditionRole.objects.filter(edition=copy, user=organiser, role=Role.ORGANISER).exists()
    page = client.get(response["Location"]).content.decode()
    assert "Smart Award 2027 is created from Smart Award 2026" in page
    assert reverse("scoring:jurors", args=[copy.slug]) in page


def test_edition_copy_page_refuses_a_year_not_after_the_source(client, source, organiser):
    client.login(email=organiser.email, password=TEST_PASSWORD)
    response = client.post(reverse("edition_copy", args=[source.slug]), {"year": "2026"})
    assert response.status_code == 400
    assert "The new edition&#x27;s year must come after 2026." in response.content.decode()
    assert Edition.objects.count() == 1


@pytest.mark.parametrize("who", ["juror", "stranger", "organiser_of_another"])
def test_edition_copy_page_is_404_to_anyone_but_its_organisers(client, source, juror, who):
    user = {"juror": juror, "stranger": UserFactory(), "organiser_of_another": UserFactory()}[who]
    if who == "organiser_of_another":
        EditionRoleFactory(edition=EditionFactory(), user=user, role=Role.ORGANISER)
    client.login(email=user.email, password=TEST_PASSWORD)
    url = reverse("edition_copy", args=[source.slug])
    assert client.get(url).status_code == 404
    assert client.post(url, {"year": "2027"}).status_code == 404
    assert not Edition.objects.filter(year=2027).exists()


def test_edition_copy_page_asks_anonymous_to_log_in(client, source):
    response = client.get(reverse("edition_copy", args=[source.slug]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_copied_jurors_are_invited_again_from_the_jurors_page(
    client, source, organiser, django_capture_on_commit_callbacks
):
    for i in range(3):
        EditionRoleFactory(edition=source, user=UserFactory(email=f"j{i}@example.org"), role=Role.JUROR)
    copy = edition_copy(source=source, actor=organiser)
    client.login(email=organiser.email, password=TEST_PASSWORD)
    url = reverse("scoring:jurors", args=[copy.slug])
    assert "3 jurors have not been invited yet" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "invite_pending"})
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == ["j0@example.org", "j1@example.org", "j2@example.org"]
    assert not EditionRole.objects.filter(edition=copy, role=Role.JUROR, invited_at__isnull=True).exists()
    assert "have not been invited yet" not in client.get(url).content.decode()


@pytest.mark.parametrize("n", [1, 8])
def test_edition_copy_page_query_count(client, source, organiser, django_assert_num_queries, n):
    for _ in range(n):
        EditionRoleFactory(edition=source, user=UserFactory(), role=Role.JUROR)
        CategoryFactory(edition=source)
    client.login(email=organiser.email, password=TEST_PASSWORD)
    url = reverse("edition_copy", args=[source.slug])
    client.get(url)
    # session, user, edition, four counts, the navigation's roles
    with django_assert_num_queries(8):
        assert client.get(url).status_code == 200
