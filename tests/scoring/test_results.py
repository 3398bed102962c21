"""Finalists, winners, special awards, freezing, the ranking pages and the embargo."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from award.enums import AggregationMethod, Role, RoundKind
from award.models import AuditEntry
from scoring.enums import AssignmentStatus, ResultKind
from scoring.models import Assignment, Result
from scoring.ranking.engine import ranking_for
from scoring.results.services import (
    ResultsError,
    final_round_prepare,
    finalist_override,
    finalists_select,
    results_publish,
    results_unpublish,
    round_freeze,
    special_award_set,
    winner_override,
    winners_select,
)
from tests.factories import (
    AssignmentFactory,
    CategoryFactory,
    ConflictFactory,
    CriterionFactory,
    EditionFactory,
    EditionRoleFactory,
    ProjectFactory,
    RoundFactory,
    ScoreFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def review(rnd, project, juror, criterion, value, *, done=True):
    assignment = AssignmentFactory(
        round=rnd,
        project=project,
        juror=juror,
        status=AssignmentStatus.COMPLETED if done else AssignmentStatus.IN_PROGRESS,
        finalised_at=timezone.now() if done else None,
        overall_comment="Convincing results, weak partnership." if done else "",
    )
    ScoreFactory(assignment=assignment, criterion=criterion, value=Decimal(str(value)), comment="Well evidenced.")
    return assignment


@pytest.fixture
def setup(edition, open_round, applicant):
    """Smart City with two finalists; five projects scored by two jurors: 90, 80, 70, 60, 50."""
    edition.aggregation_method = AggregationMethod.MEAN
    edition.save()
    category = CategoryFactory(edition=edition, name="Smart City", slug="smart-city", finalists_count=2)
    criterion = CriterionFactory(edition=edition, name="Impact")
    panel = [UserFactory(last_name=f"Panel{i}") for i in range(3)]
    for juror in panel:
        EditionRoleFactory(edition=edition, user=juror, role=Role.JUROR).panels.set([category])
    projects = []
    for index, value in enumerate([9, 8, 7, 6, 5]):
        project = ProjectFactory(
            edition=edition,
            category=category,
            status="eligible",
            reference=f"V4A-2026-{index + 1:04d}",
            title=f"Project {value}0",
            summary=f"Summary of project {value}0.",
            owner=applicant if index == 0 else UserFactory(),
        )
        for juror in panel[:2]:
            review(open_round, project, juror, criterion, value)
        projects.append(project)
    final = RoundFactory(edition=edition, number=2, kind=RoundKind.FINAL, name="Final")
    return {"category": category, "criterion": criterion, "panel": panel, "projects": projects, "final": final}


def finalists(category):
    return sorted(r.project.reference for r in Result.objects.filter(category=category, kind=ResultKind.FINALIST))


def test_finalists_select_takes_the_top_n_and_audits(setup, open_round, organiser):
    outcome = finalists_select(category=setup["category"], round=open_round, actor=organiser)
    assert [r.project.reference for r in outcome.selected] == ["V4A-2026-0001", "V4A-2026-0002"]
    assert finalists(setup["category"]) == ["V4A-2026-0001", "V4A-2026-0002"]
    entry = AuditEntry.objects.get(action="results.finalists_selected")
    assert entry.data["finalists"] == ["V4A-2026-0001", "V4A-2026-0002"]
    with pytest.raises(ResultsError):
        finalists_select(category=setup["category"], round=open_round, actor=organiser)


def test_finalists_select_leaves_a_tie_across_the_line_to_the_organiser(setup, open_round, organiser):
    # A sixth project equal to the second: both share rank 2 across a line of two finalists.
    twin = ProjectFactory(
        edition=setup["projects"][0].edition, category=setup["category"], status="eligible", reference="V4A-2026-0099"
    )
    for juror in setup["panel"][:2]:
        review(open_round, twin, juror, setup["criterion"], 8)
    outcome = finalists_select(category=setup["category"], round=open_round, actor=organiser)
    assert [r.project.reference for r in outcome.selected] == ["V4A-2026-0001"]
    assert sorted(p.reference for p in outcome.undecided) == ["V4A-2026-0002", "V4A-2026-0099"]


def test_finalists_select_skips_projects_with_missing_reviews(setup, open_round, organiser):
    late = ProjectFactory(
        edition=setup["projects"][0].edition, category=setup["category"], status="eligible", reference="V4A-2026-0077"
    )
    review(open_round, late, setup["panel"][0], setup["criterion"], 10)
    review(open_round, late, setup["panel"][1], setup["criterion"], 10, done=False)
    outcome = finalists_select(category=setup["category"], round=open_round, actor=organiser)
    assert [p.reference for p in outcome.incomplete] == ["V4A-2026-0077"]
    assert "V4A-2026-0077" not in finalists(setup["category"])


def test_finalist_override_needs_a_reason_and_shows_it(setup, open_round, organiser):
    finalists_select(category=setup["category"], round=open_round, actor=organiser)
    third, second = setup["projects"][2], setup["projects"][1]
    with pytest.raises(ResultsError) as error:
        finalist_override(
            category=setup["category"], round=open_round, project=third, add=True, reason="  ", actor=organiser
        )
    assert error.value.code == "reason_required"
    finalist_override(
        category=setup["category"],
        round=open_round,
        project=third,
        add=True,
        reason="Unique in the region.",
        actor=organiser,
    )
    finalist_override(
        category=setup["category"],
        round=open_round,
        project=second,
        add=False,
        reason="Found ineligible funding.",
        actor=organiser,
    )
    assert finalists(setup["category"]) == ["V4A-2026-0001", "V4A-2026-0003"]
    rows = {row.project.reference: row for row in ranking_for(category=setup["category"], round=open_round).rows}
    assert (rows["V4A-2026-0003"].result, rows["V4A-2026-0003"].override_reason) == (
        "finalist",
        "Unique in the region.",
    )
    assert (rows["V4A-2026-0002"].result, rows["V4A-2026-0002"].override_reason) == (None, "Found ineligible funding.")
    assert (
        AuditEntry.objects.filter(action="results.finalist_removed", data__reason="Found ineligible funding.").count()
        == 1
    )


def test_results_services_refuse_non_organisers(setup, open_round, juror):
    with pytest.raises(PermissionDenied):
        finalists_select(category=setup["category"], round=open_round, actor=juror)
    assert Result.objects.count() == 0


def test_frozen_round_refuses_changes(setup, open_round, organiser):
    round_freeze(round=open_round, actor=organiser, signed_off=True)
    open_round.refresh_from_db()
    assert open_round.frozen and not open_round.is_open()
    with pytest.raises(ResultsError) as error:
        finalists_select(category=setup["category"], round=open_round, actor=organiser)
    assert error.value.code == "frozen"


def test_final_round_and_winner(setup, open_round, organiser):
    category, final, panel = setup["category"], setup["final"], setup["panel"]
    finalists_select(category=category, round=open_round, actor=organiser)
    first, second = setup["projects"][:2]
    ConflictFactory(project=second, juror=panel[2])
    created = final_round_prepare(category=category, source_round=open_round, final_round=final, actor=organiser)
    assert created == 5  # 2 finalists × 3 panel jurors, minus one conflict
    assert final_round_prepare(category=category, source_round=open_round, final_round=final, actor=organiser) == 0
    pairs = set(Assignment.objects.filter(round=final).values_list("project_id", "juror_id"))
    assert (second.pk, panel[2].pk) not in pairs
    # The final round reverses the order: the second project wins.
    for assignment in Assignment.objects.filter(round=final):
        assignment.status = AssignmentStatus.COMPLETED
        assignment.finalised_at = timezone.now()
        assignment.save()
        ScoreFactory(
            assignment=assignment,
            criterion=setup["criterion"],
            value=Decimal("9" if assignment.project == second else "6"),
        )
    winner = winners_select(category=category, round=final, actor=organiser)
    assert winner.project == second
    with pytest.raises(ResultsError):
        winners_select(category=category, round=final, actor=organiser)
    replaced = winner_override(
        category=category, round=final, project=first, reason="Jury meeting vote.", actor=organiser
    )
    assert list(Result.objects.filter(kind=ResultKind.WINNER).values_list("project_id", "override_reason")) == [
        (first.pk, "Jury meeting vote.")
    ]
    assert replaced.round == final


def test_winners_select_refuses_a_tie(setup, open_round, organiser):
    final = setup["final"]
    for project in setup["projects"][:2]:
        review(final, project, setup["panel"][0], setup["criterion"], 7)
    with pytest.raises(ResultsError) as error:
        winners_select(category=setup["category"], round=final, actor=organiser)
    assert error.value.code == "tie"


def test_special_award_needs_title_and_citation(setup, organiser):
    project = setup["projects"][4]
    with pytest.raises(ResultsError):
        special_award_set(project=project, title="Jury's special prize", citation="", actor=organiser)
    special_award_set(project=project, title="Jury's special prize", citation="For courage.", actor=organiser)
    special_award_set(project=project, title="Jury's special prize", citation="For courage and care.", actor=organiser)
    assert list(Result.objects.filter(kind=ResultKind.SPECIAL).values_list("title", "citation")) == [
        ("Jury's special prize", "For courage and care.")
    ]


# --- Pages ----------------------------------------------------------------------------------------


def ranking_url(edition, rnd, category):
    return reverse("results:ranking", kwargs={"edition": edition.slug, "round": rnd.number, "category": category.slug})


def test_ranking_page_shows_ranks_methods_flags_and_charts(setup, edition, open_round, organiser, client_for):
    response = client_for(organiser).get(ranking_url(edition, open_round, setup["category"]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Krippendorff" in text  # the agreement's name
    assert "V4A-2026-0001" in text and "Project 90" in text
    assert "Median" in text and "Trimmed mean" in text and "Calibrated score" in text
    assert "Standardised mean (z-scores)" not in text  # no longer a method
    assert text.count('data-testid="rank-row"') == 5
    assert "<svg" in text and "100 %" in text  # strip plots and the probability bar; the first is certain


@pytest.mark.parametrize("persona", ["juror", "applicant", "other_juror"])
def test_ranking_page_is_404_for_non_organisers(setup, edition, open_round, persona, request, client_for):
    user = request.getfixturevalue(persona)
    response = client_for(user).get(ranking_url(edition, open_round, setup["category"]))
    assert response.status_code == 404
    post = client_for(user).post(
        reverse("results:finalists", kwargs={"edition": edition.slug, "round": 1, "category": "smart-city"})
    )
    assert post.status_code == 404
    assert Result.objects.count() == 0


def test_select_finalists_through_the_page(setup, edition, open_round, organiser, client_for):
    client = client_for(organiser)
    response = client.post(
        reverse("results:finalists", kwargs={"edition": edition.slug, "round": 1, "category": "smart-city"}),
        follow=True,
    )
    assert "2 finalists selected." in response.content.decode()
    assert finalists(setup["category"]) == ["V4A-2026-0001", "V4A-2026-0002"]
    # An override without a reason is refused with a message, and nothing changes.
    response = client.post(
        reverse("results:override", kwargs={"edition": edition.slug, "round": 1, "category": "smart-city"}),
        {"project": setup["projects"][3].pk, "add": "1", "reason": ""},
        follow=True,
    )
    assert "Write the reason for departing from the ranking." in response.content.decode()
    assert finalists(setup["category"]) == ["V4A-2026-0001", "V4A-2026-0002"]


def test_select_finalists_on_frozen_round_shows_message(setup, edition, open_round, organiser, client_for):
    round_freeze(round=open_round, actor=organiser, signed_off=True)
    response = client_for(organiser).post(
        reverse("results:finalists", kwargs={"edition": edition.slug, "round": 1, "category": "smart-city"}),
        follow=True,
    )
    assert response.status_code == 200
    assert "frozen and cannot change" in response.content.decode()
    assert Result.objects.count() == 0


@pytest.mark.parametrize("rows", [1, 6])
def test_ranking_page_query_count_does_not_grow(
    edition, open_round, organiser, client_for, django_assert_num_queries, rows
):
    category = CategoryFactory(edition=edition, slug="c")
    criterion = CriterionFactory(edition=edition)
    jurors = [UserFactory() for _ in range(2)]
    for index in range(rows):
        project = ProjectFactory(edition=edition, category=category, status="eligible", reference=f"R-{index}")
        for juror in jurors:
            review(open_round, project, juror, criterion, 5 + index % 3)
    client = client_for(organiser)
    url = ranking_url(edition, open_round, category)
    client.get(url)  # warm the session and the round's stored analysis
    with django_assert_num_queries(13) as captured:
        response = client.get(url)
    assert response.content.decode().count('data-testid="rank-row"') == rows
    statements = [query["sql"] for query in captured.captured_queries]
    assert [sql for sql in statements if statements.count(sql) > 1] == []  # no query runs twice


# --- Embargo ----------------------------------------------------------------------------------------


@pytest.fixture
def decided(setup, open_round, organiser):
    finalists_select(category=setup["category"], round=open_round, actor=organiser)
    special_award_set(
        project=setup["projects"][4], title="Jury's special prize", citation="For courage.", actor=organiser
    )
    return setup


def public_urls(edition, project):
    return [
        reverse("results:public", kwargs={"edition": edition.slug}),
        reverse("results:public_json", kwargs={"edition": edition.slug}),
        reverse("results:project", kwargs={"edition": edition.slug, "pk": project.pk}),
    ]


@pytest.mark.parametrize("persona", ["anonymous", "applicant", "juror"])
def test_embargo_hides_every_results_page_before_publication(decided, edition, persona, request, client_for, client):
    edition.results_published_at = timezone.now() + timedelta(days=1)
    edition.save()
    if persona != "anonymous":
        client = client_for(request.getfixturevalue(persona))
    for url in public_urls(edition, decided["projects"][0]):
        response = client.get(url)
        assert response.status_code in (404, 302), url  # 302: the login page for the team's page
        assert b"Project 90" not in response.content


def test_organiser_previews_results_under_embargo(decided, edition, organiser, client_for):
    response = client_for(organiser).get(reverse("results:public", kwargs={"edition": edition.slug}))
    assert response.status_code == 200
    assert "under embargo" in response.content.decode()


def test_public_results_after_publication(decided, edition, anonymous):
    edition.results_published_at = timezone.now() - timedelta(minutes=1)
    edition.save()
    text = anonymous.get(reverse("results:public", kwargs={"edition": edition.slug})).content.decode()
    assert "Project 90" in text and "Summary of project 90." in text and "Project 80" in text
    assert "Project 70" not in text
    assert "For courage." in text
    data = anonymous.get(reverse("results:public_json", kwargs={"edition": edition.slug})).json()
    assert [f["reference"] for f in data["categories"][0]["finalists"]] == ["V4A-2026-0001", "V4A-2026-0002"]
    assert data["categories"][0]["special_awards"][0]["citation"] == "For courage."


def test_team_sees_its_result_and_anonymous_feedback(decided, edition, applicant, other_applicant, client_for):
    edition.results_published_at = timezone.now() - timedelta(minutes=1)
    edition.feedback_to_applicants = True
    edition.save()
    project = decided["projects"][0]
    url = reverse("results:project", kwargs={"edition": edition.slug, "pk": project.pk})
    text = client_for(applicant).get(url).content.decode()
    assert "Finalist" in text
    assert "Convincing results, weak partnership." in text and "Well evidenced." in text
    assert "9.0" in text  # the average on the criterion
    for juror in decided["panel"]:
        assert juror.last_name not in text
    assert client_for(other_applicant).get(url).status_code == 404


def test_team_feedback_hidden_when_edition_does_not_allow_it(decided, edition, applicant, client_for):
    edition.results_published_at = timezone.now() - timedelta(minutes=1)
    edition.save()
    url = reverse("results:project", kwargs={"edition": edition.slug, "pk": decided["projects"][0].pk})
    text = client_for(applicant).get(url).content.decode()
    assert "Finalist" in text and "Well evidenced." not in text


# --- Publication ------------------------------------------------------------------------------------


@pytest.fixture
def settled(decided, open_round):
    """Finalists selected, a special award given and the category's winner named."""
    Result.objects.create(
        edition=open_round.edition,
        category=decided["category"],
        round=decided["final"],
        project=decided["projects"][0],
        kind=ResultKind.WINNER,
    )
    return decided


def overview_url(edition):
    return reverse("results:overview", kwargs={"edition": edition.slug})


def publish_url(edition):
    return reverse("results:publish", kwargs={"edition": edition.slug})


def unpublish_url(edition):
    return reverse("results:unpublish", kwargs={"edition": edition.slug})


def test_results_publish_through_the_page_makes_the_winners_public(settled, edition, organiser, client_for, client):
    assert client.get(reverse("results:public", kwargs={"edition": edition.slug})).status_code == 404
    page = (
        client_for(organiser).post(publish_url(edition), {"at": "", "signed_off": "on"}, follow=True).content.decode()
    )
    assert "The results are public." in page
    assert "Published on" in page
    edition.refresh_from_db()
    assert edition.results_published_at is not None and edition.results_are_public()
    entry = AuditEntry.objects.get(action="results.published")
    assert entry.actor == organiser and entry.edition == edition
    client.logout()
    text = client.get(reverse("results:public", kwargs={"edition": edition.slug})).content.decode()
    assert "Project 90" in text and "For courage." in text


def test_results_publish_scheduled_in_the_edition_time_zone_stays_hidden(
    settled, edition, organiser, client_for, client
):
    page = (
        client_for(organiser)
        .post(publish_url(edition), {"at": "2030-11-23T21:00", "signed_off": "on"}, follow=True)
        .content.decode()
    )
    assert "The publication of the results is scheduled." in page
    edition.refresh_from_db()
    assert edition.results_published_at == datetime(2030, 11, 23, 20, 0, tzinfo=UTC)  # 21:00 CET
    assert "Scheduled for Nov. 23, 2030, 9 p.m. CET; until then only the organisers see the results." in page
    assert AuditEntry.objects.filter(action="results.publication_scheduled").count() == 1
    client.logout()
    assert client.get(reverse("results:public", kwargs={"edition": edition.slug})).status_code == 404


def test_results_publish_at_a_past_time_means_now(settled, edition, organiser):
    before = timezone.now()
    results_publish(edition=edition, actor=organiser, at=before - timedelta(days=3), signed_off=True)
    edition.refresh_from_db()
    assert edition.results_published_at >= before


def test_results_publish_refuses_a_category_without_its_winner(decided, edition, organiser, client_for):
    page = (
        client_for(organiser).post(publish_url(edition), {"at": "", "signed_off": "on"}, follow=True).content.decode()
    )
    assert "The ranking is not settled: choose the winner of Smart City before publishing." in page
    edition.refresh_from_db()
    assert edition.results_published_at is None
    assert not AuditEntry.objects.filter(action__startswith="results.publi").exists()


def test_results_publish_refuses_when_there_is_nothing_to_publish(edition, organiser):
    with pytest.raises(ResultsError) as error:
        results_publish(edition=edition, actor=organiser, signed_off=True)
    assert error.value.code == "empty"


def test_results_publish_shows_a_bad_time_on_the_page(settled, edition, organiser, client_for):
    page = client_for(organiser).post(publish_url(edition), {"at": "tomorrow"}, follow=True).content.decode()
    assert "Enter a valid date/time." in page
    edition.refresh_from_db()
    assert edition.results_published_at is None


@pytest.mark.parametrize("persona", ["juror", "applicant", "other_organiser"])
def test_results_publish_page_is_404_for_others(settled, edition, persona, request, client_for):
    if persona == "other_organiser":
        user = UserFactory()
        EditionRoleFactory(edition=EditionFactory(), user=user, role=Role.ORGANISER)
    else:
        user = request.getfixturevalue(persona)
    client = client_for(user)
    assert client.post(publish_url(edition), {"at": ""}).status_code == 404
    assert client.post(unpublish_url(edition), {"reason": "Mistake"}).status_code == 404
    edition.refresh_from_db()
    assert edition.results_published_at is None


def test_results_unpublish_needs_a_reason_and_hides_the_results(settled, edition, organiser, client_for, client):
    results_publish(edition=edition, actor=organiser, signed_off=True)
    organiser_client = client_for(organiser)
    page = organiser_client.post(unpublish_url(edition), {"reason": "  "}, follow=True).content.decode()
    assert "Write the reason for withdrawing the results." in page
    edition.refresh_from_db()
    assert edition.results_are_public()
    page = organiser_client.post(
        unpublish_url(edition), {"reason": "Wrong winner in Smart City"}, follow=True
    ).content.decode()
    assert "The results are withdrawn; the reason is recorded." in page
    assert "Not published" in page
    edition.refresh_from_db()
    assert edition.results_published_at is None
    assert AuditEntry.objects.get(action="results.unpublished").data["reason"] == "Wrong winner in Smart City"
    client.logout()
    assert client.get(reverse("results:public", kwargs={"edition": edition.slug})).status_code == 404


def test_results_publish_refuses_results_already_public(settled, edition, organiser):
    results_publish(edition=edition, actor=organiser, signed_off=True)
    with pytest.raises(ResultsError) as error:
        results_publish(edition=edition, actor=organiser, signed_off=True)
    assert error.value.code == "published"
    with pytest.raises(PermissionDenied):
        results_unpublish(edition=edition, actor=UserFactory(), reason="Not mine")


def test_winner_tie_message_uses_the_plural_form_of_the_organisers_language(setup, edition, organiser, client_for):
    # Issue 21: the tie message put the count into a plain string ("2 projektov" in Slovak).
    final = setup["final"]
    for project in setup["projects"][:2]:
        review(final, project, setup["panel"][0], setup["criterion"], 7)
    organiser.language = "sk"
    organiser.save()
    response = client_for(organiser).post(
        reverse("results:winner", kwargs={"edition": edition.slug, "round": final.number, "category": "smart-city"}),
        follow=True,
    )
    assert "Rovnosť: o prvé miesto sa delia 2 projekty;" in response.content.decode()
    assert not Result.objects.filter(kind=ResultKind.WINNER).exists()


def test_ranking_page_counts_the_finalists_to_select_with_the_plural_form(
    setup, edition, open_round, organiser, client_for
):
    # Issue 21: "Select the top %(n)s as finalists" read "prvních 2" in Czech, wrong for 2–4.
    organiser.language = "cs"
    organiser.save()
    text = client_for(organiser).get(ranking_url(edition, open_round, setup["category"])).content.decode()
    assert "Vybrat 2 nejlepší projekty jako finalisty" in text
