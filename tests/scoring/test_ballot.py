"""The ranked final ballot: jurors cast their own ballots, conflicts and ties within a ballot are
counted as the statute says, the Schulze winner is recorded through the usual winner service, a
remaining tie goes to the chair with a reason (audited), and everything is sealed."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from award.enums import FinalMode, Role, RoundKind
from award.models import AuditEntry
from scoring.ballot.models import Ballot, BallotEntry
from scoring.ballot.selectors import ballot_count
from scoring.ballot.services import BallotError, ballot_save, ballot_tie_decide
from scoring.enums import ResultKind
from scoring.models import Result
from scoring.results.seal import verify_snapshot
from scoring.results.services import ResultsError, round_freeze, winners_select
from tests.factories import (
    AssignmentFactory,
    CategoryFactory,
    ConflictFactory,
    EditionRoleFactory,
    ProjectFactory,
    RoundFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def make_final(edition, *, finalists: int = 3, jurors: int = 3, chair=None, number: int = 2):
    category = CategoryFactory(edition=edition, name=f"Smart City {number}", slug=f"smart-city-{number}")
    final = RoundFactory(
        edition=edition, number=number, kind=RoundKind.FINAL, final_mode=FinalMode.RANKED, name=f"Final {number}"
    )
    projects = [
        ProjectFactory(
            edition=edition,
            category=category,
            status="eligible",
            reference=f"V4A-2026-{number}{i + 1:03d}",
            title=f"Fin {i}",
        )
        for i in range(finalists)
    ]
    panel = [UserFactory(last_name=f"Panel{i}") for i in range(jurors)]
    if chair is not None:
        panel.append(chair)
    for juror in panel:
        role = EditionRoleFactory(edition=edition, user=juror, role=Role.JUROR, is_chair=juror is chair)
        role.panels.set([category])
        for project in projects:
            AssignmentFactory(round=final, project=project, juror=juror)
    return final, category, projects, panel


def cast(juror, final, category, projects, order: str):
    """order "021": project 0 first, 2 second, 1 third; "0=1 2": 0 and 1 tied first."""
    ranks, place = {}, 1
    for group in order.split():
        members = group.split("=") if "=" in group else list(group)
        if "=" in group:
            for m in members:
                ranks[projects[int(m)].pk] = place
            place += len(members)
        else:
            for m in members:
                ranks[projects[int(m)].pk] = place
                place += 1
    return ballot_save(juror=juror, round=final, category=category, ranks=ranks)


def test_juror_casts_and_changes_only_their_own_ballot(client_for, edition):
    final, category, projects, panel = make_final(edition)
    me, other = panel[0], panel[1]
    cast(other, final, category, projects, "210")
    url = reverse("scoring:ballot", kwargs={"round": final.pk, "category": category.slug})
    client = client_for(me)
    page = client.get(url)
    assert page.status_code == 200
    # The other juror's places are nowhere on my page: my fields are empty.
    assert 'value="1"' not in page.content.decode() and 'value="3"' not in page.content.decode()
    data = {f"rank_{projects[0].pk}": "2", f"rank_{projects[1].pk}": "1", f"rank_{projects[2].pk}": "3"}
    assert client.post(url, data).status_code == 302
    mine = dict(BallotEntry.objects.filter(ballot__juror=me).values_list("project_id", "rank"))
    assert mine == {projects[0].pk: 2, projects[1].pk: 1, projects[2].pk: 3}
    # A tie on my ballot; the other juror's ballot is untouched.
    data[f"rank_{projects[2].pk}"] = "1"
    assert client.post(url, data).status_code == 302
    assert BallotEntry.objects.get(ballot__juror=me, project=projects[2]).rank == 1
    others = dict(BallotEntry.objects.filter(ballot__juror=other).values_list("project_id", "rank"))
    assert others == {projects[2].pk: 1, projects[1].pk: 2, projects[0].pk: 3}
    assert sorted(AuditEntry.objects.filter(action__startswith="ballot.").values_list("action", flat=True)) == [
        "ballot.cast",
        "ballot.cast",
        "ballot.changed",
    ]
    # Someone outside the panel, and the public, get a 404 / the login page.
    assert client_for(UserFactory()).get(url).status_code == 404


def test_the_jurors_home_lists_ballots_not_reviews_for_a_ranked_round(client_for, edition):
    final, category, projects, panel = make_final(edition)
    client = client_for(panel[0])
    page = client.get(reverse("scoring:dashboard")).content.decode()
    ballot_url = reverse("scoring:ballot", kwargs={"round": final.pk, "category": category.slug})
    assert "Ballot not cast yet" in page and ballot_url in page
    # No review to start: the finalists are ranked, not scored.
    assert 'data-testid="continue"' not in page and "0 of 0 reviews completed" in page
    cast(panel[0], final, category, projects, "012")
    assert "Ballot cast" in client.get(reverse("scoring:dashboard")).content.decode()
    # A score posted for a finalist of a ranked round is refused: the ballot decides.
    assignment = final.assignments.filter(juror=panel[0]).first()
    response = client.post(reverse("scoring:score", args=[assignment.pk]), {})
    assert response["Location"] == ballot_url


def test_ballot_refuses_bad_input_with_a_message(client_for, edition):
    final, category, projects, panel = make_final(edition)
    client = client_for(panel[0])
    url = reverse("scoring:ballot", kwargs={"round": final.pk, "category": category.slug})
    bad = {f"rank_{projects[0].pk}": "9", f"rank_{projects[1].pk}": "x", f"rank_{projects[2].pk}": ""}
    response = client.post(url, bad)
    assert response.status_code == 400
    text = response.content.decode()
    assert "less than or equal to 3" in text and "Enter a whole number." in text and "This field is required." in text
    assert not Ballot.objects.exists()
    with pytest.raises(BallotError) as error:
        ballot_save(juror=panel[0], round=final, category=category, ranks={projects[0].pk: 1})
    assert error.value.code == "incomplete"
    # A closed round keeps the ballot read-only.
    final.scoring_closes_at = timezone.now() - timedelta(minutes=1)
    final.scoring_opens_at = timezone.now() - timedelta(days=2)
    final.save()
    assert client.post(url, {f"rank_{p.pk}": "1" for p in projects}).status_code == 409
    assert not Ballot.objects.exists()


def test_a_conflicted_jurors_pairs_with_that_finalist_are_excluded(client_for, edition):
    final, category, projects, panel = make_final(edition, jurors=2)
    a, b, c = projects
    cast(panel[0], final, category, projects, "012")  # A > B > C
    cast(panel[1], final, category, projects, "120")  # B > C > A
    before = ballot_count(round=final, category=category).tally
    assert before.d[0][1] == 1 and before.d[1][0] == 1  # A vs B: one each
    # Juror 2 declares a conflict on A after voting: their A-pairs leave the count, B > C stays.
    ConflictFactory(juror=panel[1], project=a)
    after = ballot_count(round=final, category=category)
    assert after.conflicted_pairs == 1
    assert after.tally.d[0][1] == 1 and after.tally.d[1][0] == 0  # A vs B: juror 1 only
    assert after.tally.d[2][0] == 0 and after.tally.d[1][2] == 2  # C vs A: nobody; B vs C: both
    assert after.tally.order == [[a.pk], [b.pk], [c.pk]]
    # The conflicted finalist is not on the juror's ballot page.
    url = reverse("scoring:ballot", kwargs={"round": final.pk, "category": category.slug})
    page = client_for(panel[1]).get(url).content.decode()
    assert "Fin 1" in page and "Fin 0" not in page


def test_a_tie_within_a_ballot_counts_for_neither_side(edition):
    final, category, projects, panel = make_final(edition, jurors=2)
    cast(panel[0], final, category, projects, "0=1 2")
    cast(panel[1], final, category, projects, "102")
    tally = ballot_count(round=final, category=category).tally
    assert (tally.d[0][1], tally.d[1][0]) == (0, 1)
    assert tally.winner == projects[1].pk


def test_winners_select_records_the_schulze_winner(client_for, edition, organiser):
    final, category, projects, panel = make_final(edition)
    # Plurality would pick Fin 0 (one first place more); the Condorcet winner is Fin 1.
    cast(panel[0], final, category, projects, "012")
    cast(panel[1], final, category, projects, "120")
    cast(panel[2], final, category, projects, "210")
    result = winners_select(category=category, round=final, actor=organiser)
    assert result.project == projects[1] and result.kind == ResultKind.WINNER
    entry = AuditEntry.objects.get(action="results.winner_selected")
    assert entry.data["method"] == "schulze-margins"
    assert entry.data["count"]["winners"] == [projects[1].pk]
    # The count page shows the matrix, the strongest paths, Borda and why the winner wins.
    url = reverse("results:ballot", kwargs={"edition": edition.slug, "round": 2, "category": category.slug})
    page = client_for(organiser).get(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Winner recorded: Fin 1." in text and "B beats A" in text and "Borda count" in text
    # The usual ranking URL of a ranked round leads to the count.
    ranking = reverse("results:ranking", kwargs={"edition": edition.slug, "round": 2, "category": category.slug})
    assert client_for(organiser).get(ranking)["Location"] == url
    overview = client_for(organiser).get(reverse("results:overview", kwargs={"edition": edition.slug}))
    assert overview.status_code == 200 and "Fin 1" in overview.content.decode()
    # The organisers may still name another winner, with a reason (the ranking page's override).
    override = reverse(
        "results:winner_override", kwargs={"edition": edition.slug, "round": 2, "category": category.slug}
    )
    assert override in text
    client_for(organiser).post(override, {"project": projects[0].pk, "reason": "The statute's rule 7."})
    assert Result.objects.get(category=category, kind=ResultKind.WINNER).project == projects[0]
    # A juror of the panel reads only their own ballot, not the count.
    assert client_for(panel[0]).get(url).status_code == 404


def test_a_remaining_tie_is_named_and_the_chairs_decision_is_audited(client_for, edition, organiser):
    chair = UserFactory(last_name="Chair")
    final, category, projects, panel = make_final(edition, chair=chair)
    cast(panel[0], final, category, projects, "012")
    cast(panel[1], final, category, projects, "120")
    cast(panel[2], final, category, projects, "201")
    with pytest.raises(ResultsError) as error:
        winners_select(category=category, round=final, actor=organiser)
    assert error.value.code == "tie"
    url = reverse("results:ballot", kwargs={"edition": edition.slug, "round": 2, "category": category.slug})
    client = client_for(chair)
    text = client.get(url).content.decode()
    assert "Tie for first place" in text and 'data-testid="ballot-tie-form"' in text
    tie_url = reverse("results:ballot_tie", kwargs={"edition": edition.slug, "round": 2, "category": category.slug})
    client.post(tie_url, {"project": projects[2].pk, "reason": ""})
    for junk in ("abc", "99999999999999999999", str(UserFactory().pk)):
        assert client.post(tie_url, {"project": junk, "reason": "r"}).status_code == 302
    assert not Result.objects.filter(kind=ResultKind.WINNER).exists()
    client.post(tie_url, {"project": projects[2].pk, "reason": "Best replicability across the V4 region."})
    result = Result.objects.get(kind=ResultKind.WINNER)
    assert result.project == projects[2] and result.override_reason == "Best replicability across the V4 region."
    entry = AuditEntry.objects.get(action="results.ballot_tie_decided")
    assert entry.actor == chair and entry.data["tied"] == ["V4A-2026-2001", "V4A-2026-2002", "V4A-2026-2003"]
    assert entry.data["reason"] == "Best replicability across the V4 region."


def test_a_conflicted_chair_cannot_decide_the_tie(edition):
    chair = UserFactory(last_name="Chair")
    final, category, projects, panel = make_final(edition, chair=chair)
    for juror, order in zip(panel[:3], ["012", "120", "201"], strict=True):
        cast(juror, final, category, projects, order)
    ConflictFactory(juror=chair, project=projects[0])
    with pytest.raises(BallotError) as error:
        ballot_tie_decide(round=final, category=category, project=projects[1], reason="Because.", actor=chair)
    assert error.value.code == "forbidden"


def test_ballots_and_count_are_sealed_and_verify(edition, organiser):
    final, category, projects, panel = make_final(edition)
    cast(panel[0], final, category, projects, "012")
    cast(panel[1], final, category, projects, "102")
    cast(panel[2], final, category, projects, "021")
    winners_select(category=category, round=final, actor=organiser)
    round_freeze(round=final, actor=organiser, signed_off=True)
    snapshot = final.snapshots.get()
    [sealed] = snapshot.payload["ballots"]
    assert sealed["count"]["winners"] == [projects[0].pk]
    assert {b["juror"]: b["ranks"] for b in sealed["ballots"]}[panel[1].pk] == {
        f"p{projects[0].pk}": 2,
        f"p{projects[1].pk}": 1,
        f"p{projects[2].pk}": 3,
    }
    assert verify_snapshot(snapshot).identical
    # A changed ballot afterwards shows as a difference.
    BallotEntry.objects.filter(ballot__juror=panel[1], project=projects[0]).update(rank=1)
    assert any(d.where == "ballots" for d in verify_snapshot(snapshot).differences)


def test_rankings_api_carries_the_ranked_result(client_for, edition, organiser):
    final, category, projects, panel = make_final(edition)
    cast(panel[0], final, category, projects, "210")
    body = client_for(organiser).get("/api/v1/rankings/", {"round": final.pk, "category": category.pk}).json()
    assert body["method"] == "schulze-margins"
    assert [row["project"] for row in body["rows"]] == [projects[2].pk, projects[1].pk, projects[0].pk]
    assert body["ballot"]["winners"] == [projects[2].pk]
    assert body["ballot"]["pairwise"][f"p{projects[2].pk}"][f"p{projects[0].pk}"] == 1
    rounds = client_for(organiser).get(f"/api/v1/rounds/{final.pk}/").json()
    assert rounds["final_mode"] == "ranked"


@pytest.mark.parametrize("page", ["ballot", "result"])
def test_query_counts_do_not_grow_with_finalists(client_for, edition, organiser, page):
    counts = []
    for number, n in ((2, 1), (3, 6)):
        final, category, projects, panel = make_final(edition, finalists=n, jurors=2, number=number)
        for juror in panel:
            cast(juror, final, category, projects, "".join(str(i) for i in range(n)))
        if page == "ballot":
            client, url = client_for(panel[0]), reverse("scoring:ballot", args=[final.pk, category.slug])
        else:
            client = client_for(organiser)
            url = reverse(
                "results:ballot", kwargs={"edition": edition.slug, "round": number, "category": category.slug}
            )
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_score_saved_after_the_switch_to_ranked_ballots_is_refused_inside_the_transaction(edition, juror):
    """The page was opened while the round was still scored; the organiser switched it (no score
    existed, so the set-up allowed it): the save reads the round again, locked, and refuses."""
    from decimal import Decimal

    from scoring.jury.errors import ScoringError
    from scoring.jury.scores import ScoreInput, assignment_finalise, score_save
    from scoring.models import Assignment, Score
    from tests.scoring.jury_setup import assignment, rubric

    criteria = rubric(edition, 2)
    final = RoundFactory(edition=edition, number=2, kind=RoundKind.FINAL, final_mode=FinalMode.SCORED)
    opened = Assignment.objects.select_related("round__edition", "project__edition").get(pk=assignment(final, juror).pk)
    type(final).objects.filter(pk=final.pk).update(final_mode=FinalMode.RANKED)
    values = {c.pk: ScoreInput(Decimal(5), "") for c in criteria}
    with CaptureQueriesContext(connection) as queries, pytest.raises(ScoringError) as refused:
        score_save(actor=juror, assignment=opened, expected_version=0, values=values)
    assert refused.value.code == "ranked"
    assert Score.objects.count() == 0
    assert Assignment.objects.get(pk=opened.pk).version == 0
    sql = [q["sql"] for q in queries]
    read = next(i for i, s in enumerate(sql) if "final_mode" in s and "award_round" in s)
    assert not any(s.startswith(("UPDATE", "INSERT")) for s in sql[:read])
    if connection.vendor == "postgresql":
        assert sql[read].endswith("FOR SHARE")
    with pytest.raises(ScoringError) as refused:
        assignment_finalise(actor=juror, assignment=opened, expected_version=0)
    assert refused.value.code == "ranked"
