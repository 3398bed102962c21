"""score_save, assignment_finalise, assignment_reopen and the scoring page."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from award.models import AuditEntry
from scoring.enums import AssignmentStatus
from scoring.jury.errors import ScoringError
from scoring.jury.scores import ScoreInput, StaleVersionError, assignment_finalise, assignment_reopen, score_save
from scoring.models import Assignment, Score
from tests.factories import ConflictFactory, CriterionFactory, EditionFactory
from tests.scoring.jury_setup import assignment, rubric

pytestmark = pytest.mark.django_db


@pytest.fixture
def criteria(edition):
    return rubric(edition)


@pytest.fixture
def mine(open_round, juror, criteria):
    return assignment(open_round, juror)


def values(criteria, *numbers, comment=""):
    return {
        c.pk: ScoreInput(value=None, comment="") if n is None else ScoreInput(value=Decimal(str(n)), comment=comment)
        for c, n in zip(criteria, numbers, strict=False)
    }


def rows(a):
    return {s.criterion_id: (s.value, s.comment) for s in Score.objects.filter(assignment=a)}


def test_score_save_creates_rows_bumps_version_and_starts(juror, mine, criteria):
    saved = score_save(
        actor=juror,
        assignment=mine,
        expected_version=0,
        values=values(criteria, 7.5, 3, None, comment="ok"),
        overall_comment="Good",
    )
    assert saved.version == 1
    assert saved.status == AssignmentStatus.IN_PROGRESS
    assert saved.started_at is not None and saved.overall_comment == "Good"
    assert rows(mine) == {criteria[0].pk: (Decimal("7.5"), "ok"), criteria[1].pk: (Decimal("3"), "ok")}
    # A second save updates in place: still one row per criterion; clearing a value deletes it.
    score_save(actor=juror, assignment=saved, expected_version=1, values=values(criteria, 8, None, 4))
    assert rows(mine) == {criteria[0].pk: (Decimal("8"), ""), criteria[2].pk: (Decimal("4"), "")}
    assert Score.objects.filter(assignment=mine).count() == 2


@pytest.mark.parametrize(
    "numbers,message",
    [
        ((11, 1, 1), "between 0 and 10"),
        ((-1, 1, 1), "between 0 and 10"),
        ((7.25, 1, 1), "multiple of 0.5"),
        ((1, 2.5, 1), "multiple of 1"),
    ],
)
def test_score_save_rejects_out_of_range_and_off_step(juror, mine, criteria, numbers, message):
    with pytest.raises(ScoringError) as info:
        score_save(actor=juror, assignment=mine, expected_version=0, values=values(criteria, *numbers))
    assert message in " ".join(info.value.messages)
    assert Score.objects.count() == 0
    mine.refresh_from_db()
    assert (mine.version, mine.status) == (0, AssignmentStatus.PENDING)


def test_score_save_rejects_criterion_of_another_edition(juror, mine):
    foreign = CriterionFactory(edition=EditionFactory())
    with pytest.raises(ScoringError) as info:
        score_save(actor=juror, assignment=mine, expected_version=0, values={foreign.pk: ScoreInput(Decimal(5))})
    assert "does not belong to the edition" in " ".join(info.value.messages)
    assert Score.objects.count() == 0


def test_score_save_refuses_stale_version(juror, mine, criteria):
    score_save(actor=juror, assignment=mine, expected_version=0, values=values(criteria, 5))
    with pytest.raises(StaleVersionError) as info:
        score_save(actor=juror, assignment=mine, expected_version=0, values=values(criteria, 9))
    assert info.value.code == "stale"
    assert "changed in another window or tab" in info.value.messages[0]
    assert rows(mine) == {criteria[0].pk: (Decimal("5"), "")}


def test_score_save_refuses_unassigned_conflicted_closed(juror, other_juror, mine, criteria, open_round):
    with pytest.raises(ScoringError) as info:
        score_save(actor=other_juror, assignment=mine, expected_version=0, values=values(criteria, 5))
    assert info.value.code == "not_found"
    open_round.scoring_closes_at = timezone.now() - timedelta(minutes=1)
    open_round.scoring_opens_at = timezone.now() - timedelta(days=3)
    open_round.save()
    mine.refresh_from_db()
    with pytest.raises(ScoringError) as info:
        score_save(actor=juror, assignment=mine, expected_version=0, values=values(criteria, 5))
    assert info.value.code == "closed"
    ConflictFactory(juror=juror, project=mine.project)
    with pytest.raises(ScoringError) as info:
        score_save(actor=juror, assignment=mine, expected_version=0, values=values(criteria, 5))
    assert info.value.code == "conflicted"
    assert Score.objects.count() == 0


def test_finalise_requires_every_criterion_and_overall_comment(juror, mine, criteria):
    score_save(actor=juror, assignment=mine, expected_version=0, values=values(criteria, 5, 5))
    with pytest.raises(ScoringError) as info:
        assignment_finalise(
            actor=juror, assignment=mine, expected_version=1, values=values(criteria, 6, 6, None), overall_comment=""
        )
    errors = info.value.message_dict
    assert errors[f"value_{criteria[2].pk}"] == ["Score this criterion before you finalise."]
    assert errors["overall_comment"] == ["An overall comment is required to finalise."]
    # All or nothing: the values sent with the refused finalisation were not saved either.
    assert rows(mine)[criteria[0].pk][0] == Decimal(5)
    mine.refresh_from_db()
    assert (mine.version, mine.status) == (1, AssignmentStatus.IN_PROGRESS)

    done = assignment_finalise(
        actor=juror, assignment=mine, expected_version=1, values=values(criteria, 6, 6, 6), overall_comment="Fine work"
    )
    assert done.status == AssignmentStatus.COMPLETED and done.finalised_at is not None
    assert AuditEntry.objects.filter(action="assignment.finalise", target_id=str(mine.pk)).count() == 1
    with pytest.raises(ScoringError) as info:
        score_save(actor=juror, assignment=done, expected_version=done.version, values=values(criteria, 1))
    assert info.value.code == "locked"
    assert rows(mine)[criteria[0].pk][0] == Decimal(6)


def test_reopen_is_organiser_only_and_audited(juror, organiser, mine, criteria):
    done = assignment_finalise(
        actor=juror, assignment=mine, expected_version=0, values=values(criteria, 1, 2, 3), overall_comment="x"
    )
    with pytest.raises(PermissionDenied):
        assignment_reopen(actor=juror, assignment=done, reason="please")
    reopened = assignment_reopen(actor=organiser, assignment=done, reason="Juror asked to correct a typo")
    assert reopened.status == AssignmentStatus.IN_PROGRESS and reopened.finalised_at is None
    entry = AuditEntry.objects.get(action="assignment.reopen")
    assert entry.actor == organiser and entry.data["reason"] == "Juror asked to correct a typo"
    score_save(actor=juror, assignment=reopened, expected_version=reopened.version, values=values(criteria, 9))
    assert rows(mine)[criteria[0].pk][0] == Decimal(9)


# --- The page ---------------------------------------------------------------------------------


def post_data(criteria, version, *numbers, overall="", **extra):
    data = {"version": version, "overall_comment": overall, **extra}
    for c, n in zip(criteria, numbers, strict=False):
        data[f"value_{c.pk}"] = "" if n is None else str(n)
        data[f"comment_{c.pk}"] = ""
    return data


def test_scoring_page_shows_application_and_rubric(client_for, juror, mine, criteria):
    mine.project.summary = "A summary for the jury"
    mine.project.save()
    body = client_for(juror).get(reverse("scoring:score", args=[mine.pk])).content.decode()
    assert "A summary for the jury" in body
    assert "Guidance 1" in body and "4–10: strong" in body
    assert "0–10, step 0.5" in body and 'inputmode="decimal"' in body
    assert mine.project.organisation_name in body


def _weights_by_legend(body: str) -> list[tuple[str, str]]:
    """(criterion name, its weight badge) per criterion fieldset of the scoring page, in order."""
    legends = re.findall(r"<legend><strong[^>]*>(.*?)</strong>(.*?)</legend>", body, re.S)
    return [(name, re.search(r'data-testid="criterion-weight">([^<]*)<', rest).group(1)) for name, rest in legends]


def test_scoring_page_shows_each_criterion_weight_in_percent(client_for, juror, mine, criteria):
    """Next to each criterion, its share of the total (award.rubric.effective_weights): the weight
    alone decides it, whatever the criterion's range."""
    url = reverse("scoring:score", args=[mine.pk])
    # Equal weights: the tenths left over go to the first criterion, so the shares add up to 100.
    assert _weights_by_legend(client_for(juror).get(url).content.decode()) == [
        ("Criterion 0", "weight 33.4 %"),
        ("Criterion 1", "weight 33.3 %"),
        ("Criterion 2", "weight 33.3 %"),
    ]
    for criterion, weight, top in zip(criteria, ("3", "1.5", "0.5"), ("10", "5", "100"), strict=True):
        criterion.weight, criterion.max_value = Decimal(weight), Decimal(top)
        criterion.save()
    assert _weights_by_legend(client_for(juror).get(url).content.decode()) == [
        ("Criterion 0", "weight 60 %"),
        ("Criterion 1", "weight 30 %"),
        ("Criterion 2", "weight 10 %"),
    ]


def test_scoring_page_blind_review_hides_names(client_for, juror, mine, criteria, edition):
    from tests.factories import TeamMemberFactory

    TeamMemberFactory(project=mine.project, name="Zora Teamleader", is_contact=True)
    mine.project.partners = "Partner Institute Ltd"
    mine.project.save()
    body = client_for(juror).get(reverse("scoring:score", args=[mine.pk])).content.decode()
    assert "Zora Teamleader" in body and "Partner Institute Ltd" in body
    edition.blind_review = True
    edition.save()
    body = client_for(juror).get(reverse("scoring:score", args=[mine.pk])).content.decode()
    for secret in (
        "Zora Teamleader",
        "Partner Institute Ltd",
        mine.project.organisation_name,
        mine.project.owner.email,
    ):
        assert secret not in body
    assert "Blind review" in body


def test_scoring_page_other_juror_and_conflicted_get_404(client_for, juror, other_juror, mine):
    assert client_for(other_juror).get(reverse("scoring:score", args=[mine.pk])).status_code == 404
    ConflictFactory(juror=juror, project=mine.project)
    assert client_for(juror).get(reverse("scoring:score", args=[mine.pk])).status_code == 404


def test_scoring_page_save_draft_and_finalise_without_js(client_for, juror, mine, criteria):
    client = client_for(juror)
    url = reverse("scoring:score", args=[mine.pk])
    response = client.post(url, post_data(criteria, 0, 5, 6, None, save="1"), follow=True)
    assert "Your draft is saved." in response.content.decode()
    assert 'value="5"' in response.content.decode()
    response = client.post(url, post_data(criteria, 1, 5, 6, None, overall="ok", finalise="1"))
    assert response.status_code == 400
    assert "Score this criterion before you finalise." in response.content.decode()
    response = client.post(url, post_data(criteria, 1, 5, 6, 7, overall="ok", finalise="1"), follow=True)
    assert "Your review is finalised" in response.content.decode()
    assert Assignment.objects.get(pk=mine.pk).status == AssignmentStatus.COMPLETED


def test_autosave_json_and_stale_message(client_for, juror, mine, criteria):
    client = client_for(juror)
    url = reverse("scoring:score", args=[mine.pk])
    response = client.post(url, post_data(criteria, 0, 5), headers={"X-Autosave": "1"})
    assert response.status_code == 200
    payload = response.json()
    assert payload["ok"] is True and payload["version"] == 1 and payload["message"].startswith("Saved at")
    response = client.post(url, post_data(criteria, 0, 8), headers={"X-Autosave": "1"})
    assert response.status_code == 409
    assert response.json()["stale"] is True
    assert rows(mine)[criteria[0].pk][0] == Decimal(5)


def test_autosave_invalid_value_is_400_and_saves_nothing(client_for, juror, mine, criteria):
    url = reverse("scoring:score", args=[mine.pk])
    response = client_for(juror).post(url, post_data(criteria, 0, 42), headers={"X-Autosave": "1"})
    assert response.status_code == 400
    assert f"value_{criteria[0].pk}" in response.json()["errors"]
    assert Score.objects.count() == 0


def test_autosave_after_deadline_is_403(client_for, juror, mine, criteria, open_round):
    open_round.scoring_opens_at = timezone.now() - timedelta(days=5)
    open_round.scoring_closes_at = timezone.now() - timedelta(seconds=1)
    open_round.save()
    url = reverse("scoring:score", args=[mine.pk])
    response = client_for(juror).post(url, post_data(criteria, 0, 5), headers={"X-Autosave": "1"})
    assert response.status_code == 403
    assert response.json()["errors"]["__all__"] == ["Scoring for this round is closed."]
    assert Score.objects.count() == 0


def test_conflict_declared_on_the_page_recuses_and_hides(client_for, juror, mine):
    client = client_for(juror)
    url = reverse("scoring:declare_conflict", args=[mine.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    response = client.post(url, {"reason": "I advised the team"}, follow=True)
    assert "withdrawn from your assignments" in response.content.decode()
    mine.refresh_from_db()
    assert mine.status == AssignmentStatus.RECUSED
    assert AuditEntry.objects.filter(action="assignment.recuse", target_id=str(mine.pk)).exists()
    assert client.get(reverse("scoring:score", args=[mine.pk])).status_code == 404
    assert mine.project.title not in client.get(reverse("scoring:dashboard")).content.decode()


@pytest.mark.parametrize("n", [1, 5])
def test_dashboard_query_count_constant(client_for, juror, open_round, criteria, django_assert_num_queries, n):
    for _ in range(n):
        assignment(open_round, juror)
    client = client_for(juror)
    client.get(reverse("scoring:dashboard"))  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as base:
        client.get(reverse("scoring:dashboard"))
    with django_assert_num_queries(len(base.captured_queries)):
        body = client.get(reverse("scoring:dashboard")).content.decode()
    assert body.count('class="badge badge-pending"') == n
    assert "left" in body  # the countdown


def test_dashboard_query_count_does_not_grow(client_for, juror, open_round, criteria):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(juror)
    assignment(open_round, juror)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("scoring:dashboard"))
    for _ in range(6):
        assignment(open_round, juror)
    with CaptureQueriesContext(connection) as seven:
        client.get(reverse("scoring:dashboard"))
    assert len(seven.captured_queries) == len(one.captured_queries)


@pytest.mark.parametrize("language", ["en", "sk", "cs", "pl", "hu"])
def test_scoring_pages_in_every_language(client_for, juror, mine, criteria, language):
    from django.utils import translation

    client = client_for(juror)
    client.cookies["award_language"] = language
    score_page = client.get(reverse("scoring:score", args=[mine.pk])).content.decode()
    dashboard = client.get(reverse("scoring:dashboard")).content.decode()
    with translation.override(language):
        assert translation.gettext("Your scores") in score_page
        assert translation.gettext("Save draft") in score_page
        assert translation.gettext("My assignments") in dashboard
    response = client.post(
        reverse("scoring:score", args=[mine.pk]), post_data(criteria, 0, 5), headers={"X-Autosave": "1"}
    )
    with translation.override(language):
        assert response.json()["message"] == translation.gettext("Saved at %(time)s") % {
            "time": response.json()["message"][-5:]
        }


@pytest.mark.parametrize("n", [1, 6])
def test_scoring_page_query_count_is_fixed(client_for, juror, mine, criteria, django_assert_num_queries, n):
    from submissions.models import Attachment
    from tests.factories import TeamMemberFactory

    for i in range(n):
        TeamMemberFactory(project=mine.project, name=f"Member {i}", email=f"member{i}@team{i}.sk")
        Attachment.objects.create(
            project=mine.project,
            file=f"attachments/x{i}.pdf",
            original_name=f"plan-{i}.pdf",
            content_type="application/pdf",
            size=10,
        )
    score_save(actor=juror, assignment=mine, expected_version=0, values=values(criteria, *[5] * len(criteria)))
    client = client_for(juror)
    url = reverse("scoring:score", args=[mine.pk])
    client.get(url)  # warm the session
    # session, user, assignment (with the briefing's acknowledgement), team, attachments, rubric,
    # conflict rows, scores, nav roles
    with django_assert_num_queries(9):
        body = client.get(url).content.decode()
    assert body.count("plan-") == n and f"Member {n - 1}" in body
    assert len(re.findall(r'<input type="text" name="value_\d+" value="5"', body)) == len(criteria)
    assert body.count('value="5" checked') == len(criteria)
    # The autosave: session, user, assignment, team, rubric, conflict rows (view and service),
    # savepoint, the round's mode under its lock, version update, upsert, release, re-read of the
    # changed fields, the briefing's acknowledgement.
    data = post_data(criteria, 1, *[6] * len(criteria))
    with django_assert_num_queries(14):
        response = client.post(url, data, headers={"X-Autosave": "1"})
    assert response.json()["version"] == 2
    assert set(rows(mine).values()) == {(Decimal(6), "")}


def test_scoring_page_conflict_by_team_address_is_404(client_for, juror, mine):
    from tests.factories import TeamMemberFactory

    juror.email = "julia@jury-university.sk"
    juror.save()
    client = client_for(juror)
    url = reverse("scoring:score", args=[mine.pk])
    assert client.get(url).status_code == 200
    TeamMemberFactory(project=mine.project, name="Colleague", email="colleague@jury-university.sk")
    assert client.get(url).status_code == 404
    response = client.post(url, post_data([], 0), headers={"X-Autosave": "1"})
    assert response.status_code == 404
