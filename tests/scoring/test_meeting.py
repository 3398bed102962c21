"""The jury meeting view (issue 19, item 1): discussion order, juror names hidden unless shown,
decisions through the results services (a recused chair is refused, an organiser is not), the
chair's veto once per decision, audited and sealed, and flat query counts."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from award.enums import Role
from award.models import AuditEntry, EditionRole
from scoring.enums import AssignmentStatus, ConflictSource, ResultKind
from scoring.models import ConflictOfInterest, MeetingNote, MeetingVeto, Result
from scoring.ranking.cache import round_analysis_cached
from scoring.results.services import round_freeze
from tests.factories import (
    AssignmentFactory,
    CategoryFactory,
    CriterionFactory,
    EditionRoleFactory,
    ProjectFactory,
    ScoreFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

QUALITY = [9.0, 7.5, 7.4, 7.3, 5.0, 4.0]
OFFSETS = [1.0, 0.0, -0.5]
NOISE = [0.9, -0.6, 0.3, -0.9, 0.6, 0.0, -0.3, 0.75, -0.45, 0.15, -0.75, 0.45, 0.2]


def _board(edition, rnd, count=6):
    category = CategoryFactory(edition=edition, name="Smart City", slug="smart-city", finalists_count=2)
    criteria = [
        CriterionFactory(edition=edition, name="Impact", weight=Decimal(2), min_value=0, max_value=10, position=1),
        CriterionFactory(edition=edition, name="Innovation", weight=Decimal(1), min_value=0, max_value=10, position=2),
    ]
    jurors = [UserFactory(first_name=f"Hedda{i}", last_name=f"Reviewer{i}") for i in range(len(OFFSETS))]
    for juror in jurors:
        EditionRoleFactory(edition=edition, user=juror, role=Role.JUROR).panels.set([category])
    projects, k = [], 0
    for index, quality in enumerate((QUALITY * 3)[:count]):
        project = ProjectFactory(
            edition=edition, category=category, status="eligible", reference=f"V4A-2026-{index + 1:04d}",
            title=f"Project {index + 1}",
        )  # fmt: skip
        for juror, offset in zip(jurors, OFFSETS, strict=True):
            value = max(0.0, min(10.0, round(quality + offset + NOISE[k % len(NOISE)], 1)))
            k += 1
            assignment = AssignmentFactory(
                round=rnd, project=project, juror=juror, status=AssignmentStatus.COMPLETED,
                finalised_at=timezone.now(), overall_comment=f"Overall {index}-{k}",
            )  # fmt: skip
            for criterion in criteria:
                ScoreFactory(
                    assignment=assignment, criterion=criterion, value=Decimal(str(value)), comment=f"Note {index}-{k}"
                )
        projects.append(project)
    chair = UserFactory(first_name="Cyril", last_name="Chair", email="chair@example.org")
    EditionRoleFactory(edition=edition, user=chair, role=Role.JUROR, is_chair=True).panels.set([category])
    return {"category": category, "jurors": jurors, "projects": projects, "chair": chair, "criteria": criteria}


@pytest.fixture
def board(edition, open_round):
    return _board(edition, open_round)


def meeting(edition, rnd, category, project=None, action=""):
    kwargs = {"edition": edition.slug, "round": rnd.number, "category": category.slug}
    if project is None:
        return reverse("results:meeting" + action, kwargs=kwargs)
    return reverse("results:meeting" + (action or "_project"), kwargs=kwargs | {"project": project.pk})


def test_meeting_lists_the_decision_band_first_and_hides_juror_names(board, edition, open_round, client_for):
    chair, category = board["chair"], board["category"]
    analysis = round_analysis_cached(open_round)
    band = analysis.categories[category.pk]["band"]
    assert band  # the close projects 2-4 are contested
    client = client_for(chair)
    response = client.get(meeting(edition, open_round, category))
    assert response.status_code == 200
    order = [item["project"].pk for item in response.context["items"]]
    assert set(order[: len(band)]) == set(band)
    assert sorted(order) == sorted(p.pk for p in board["projects"])
    # The first of the order is under discussion: three reviews side by side, no names.
    text = response.content.decode()
    assert text.count('data-testid="juror-column"') == 3
    assert "Juror 1" in text and "Juror 3" in text
    for juror in board["jurors"]:
        assert juror.display_name not in text
    current = response.context["project"]
    assert current.pk == order[0]
    assert f"Note {board['projects'].index(current)}-" in text  # the per-criterion comments

    # The chair shows the names (audited); they stay shown until hidden again.
    client.post(meeting(edition, open_round, category, action="_names"), {"show": "1"})
    assert AuditEntry.objects.filter(action="meeting.names_shown", actor=chair).count() == 1
    text = client.get(meeting(edition, open_round, category, current)).content.decode()
    assert all(juror.display_name in text for juror in board["jurors"])
    client.post(meeting(edition, open_round, category, action="_names"), {"show": "0"})
    text = client.get(meeting(edition, open_round, category, current)).content.decode()
    assert not any(juror.display_name in text for juror in board["jurors"])


def test_meeting_is_404_for_a_plain_juror_and_an_applicant(board, edition, open_round, applicant, client_for):
    for person in (board["jurors"][0], applicant):
        assert client_for(person).get(meeting(edition, open_round, board["category"])).status_code == 404


def test_recused_chair_cannot_decide_but_an_organiser_can(board, edition, open_round, organiser, client_for):
    chair, category, project = board["chair"], board["category"], board["projects"][1]
    ConflictOfInterest.objects.create(edition=edition, juror=chair, project=project, source=ConflictSource.DECLARED)
    client = client_for(chair)
    page = client.get(meeting(edition, open_round, category, project)).content.decode()
    assert 'data-testid="viewer-recused"' in page and "Cyril Chair (jury chair)" in page
    assert 'data-testid="record-decision"' not in page
    post = {"decision": "finalist", "reason": "Strong replication plan"}
    response = client.post(meeting(edition, open_round, category, project, "_decide"), post)
    assert response.status_code == 403
    assert "You are recused for this project" in response.content.decode()
    assert not Result.objects.filter(project=project).exists()
    response = client_for(organiser).post(meeting(edition, open_round, category, project, "_decide"), post)
    assert response.status_code == 302
    result = Result.objects.get(project=project, kind=ResultKind.FINALIST)
    assert result.override_reason == "Strong replication plan" and result.created_by == organiser
    entry = AuditEntry.objects.get(action="meeting.decision_recorded")
    assert entry.actor == organiser and entry.data["decision"] == "finalist"
    # Reflected at once in the ranking page.
    ranking = client_for(organiser).get(
        reverse("results:ranking", args=[edition.slug, open_round.number, category.slug])
    )
    assert any(
        row["row"].project_id == project.pk and row["row"].result == "finalist" for row in ranking.context["rows"]
    )

    # A deputy (a second chair of the panel, without a conflict) records a decision too.
    deputy = UserFactory(first_name="Dana", last_name="Deputy")
    EditionRoleFactory(edition=edition, user=deputy, role=Role.JUROR, is_chair=True).panels.set([category])
    response = client_for(deputy).post(
        meeting(edition, open_round, category, project, "_decide"),
        {"decision": "special", "title": "Jury prize", "reason": "Open data for all"},
    )
    assert response.status_code == 302
    assert Result.objects.get(project=project, kind=ResultKind.SPECIAL).created_by == deputy


def test_unconflicted_chair_records_a_decision_and_notes(board, edition, open_round, client_for):
    chair, category, project = board["chair"], board["category"], board["projects"][2]
    client = client_for(chair)
    response = client.post(
        meeting(edition, open_round, category, project, "_decide"),
        {"decision": "special", "title": "Jury's special prize", "reason": "Citizens built it"},
    )
    assert response.status_code == 302
    assert Result.objects.get(project=project, kind=ResultKind.SPECIAL).citation == "Citizens built it"
    # A decision without its reason is refused with a message, nothing recorded.
    response = client.post(
        meeting(edition, open_round, category, project, "_decide"), {"decision": "finalist", "reason": " "}, follow=True
    )
    assert "Write the reason for the decision." in response.content.decode()
    assert not Result.objects.filter(project=project, kind=ResultKind.FINALIST).exists()
    response = client.post(meeting(edition, open_round, category, project, "_note"), {"text": "x" * 5001}, follow=True)
    assert "The text is too long: at most 5000 characters." in response.content.decode()
    assert not MeetingNote.objects.exists()
    client.post(meeting(edition, open_round, category, project, "_note"), {"text": "Ask about the budget"})
    assert MeetingNote.objects.get(round=open_round, project=project).text == "Ask about the budget"
    assert "Ask about the budget" in client.get(meeting(edition, open_round, category, project)).content.decode()


def test_chair_vetoes_once_per_decision_audited_and_sealed(board, edition, open_round, organiser, client_for):
    chair, category, project = board["chair"], board["category"], board["projects"][0]
    edition.chair_veto = True
    edition.save(update_fields=["chair_veto"])
    decide = {"decision": "finalist", "reason": "Clear first place"}
    client_for(organiser).post(meeting(edition, open_round, category, project, "_decide"), decide)
    assert Result.objects.filter(project=project, kind=ResultKind.FINALIST).exists()
    # An organiser has no veto; the chair has.
    veto = {"kind": "finalist", "reason": "The statute's conditions are not met"}
    response = client_for(organiser).post(meeting(edition, open_round, category, project, "_veto"), veto)
    assert response.status_code == 403 and not MeetingVeto.objects.exists()
    client = client_for(chair)
    assert 'data-testid="veto"' in client.get(meeting(edition, open_round, category, project)).content.decode()
    assert client.post(meeting(edition, open_round, category, project, "_veto"), veto).status_code == 302
    assert not Result.objects.filter(project=project, kind=ResultKind.FINALIST).exists()
    stored = MeetingVeto.objects.get()
    assert (stored.kind, stored.reason, stored.vetoed_by) == ("finalist", veto["reason"], chair)
    entry = AuditEntry.objects.get(action="meeting.veto")
    assert entry.actor == chair and entry.data["reason"] == veto["reason"]

    # The jury records the decision again: the chair cannot veto it a second time.
    client_for(organiser).post(meeting(edition, open_round, category, project, "_decide"), decide)
    client = client_for(chair)  # one test client: log the chair in again
    assert 'data-testid="veto"' not in client.get(meeting(edition, open_round, category, project)).content.decode()
    response = client.post(meeting(edition, open_round, category, project, "_veto"), veto, follow=True)
    assert "The jury chair has already vetoed this decision once." in response.content.decode()
    assert MeetingVeto.objects.count() == 1
    assert Result.objects.filter(project=project, kind=ResultKind.FINALIST).exists()

    open_round.edition = edition
    round_freeze(round=open_round, actor=organiser, signed_off=True)
    from scoring.models import ResultsSnapshot

    payload = ResultsSnapshot.objects.get(round=open_round).payload
    assert [(v["project"], v["kind"], v["reason"]) for v in payload["vetoes"]] == [
        (project.pk, "finalist", veto["reason"])
    ]


def test_veto_refused_where_the_statute_gives_none(board, edition, open_round, organiser, client_for):
    chair, category, project = board["chair"], board["category"], board["projects"][0]
    client_for(organiser).post(
        meeting(edition, open_round, category, project, "_decide"), {"decision": "finalist", "reason": "Clear"}
    )
    response = client_for(chair).post(
        meeting(edition, open_round, category, project, "_veto"), {"kind": "finalist", "reason": "No"}, follow=True
    )
    assert "statute gives the jury chair no veto." in response.content.decode()
    assert Result.objects.filter(project=project).exists() and not MeetingVeto.objects.exists()


def test_chair_outside_the_panel_gets_404(board, edition, open_round, client_for):
    other = CategoryFactory(edition=edition, name="Cyber", slug="cyber")
    EditionRole.objects.filter(user=board["chair"], edition=edition).get().panels.set([other])
    assert client_for(board["chair"]).get(meeting(edition, open_round, board["category"])).status_code == 404


def test_chair_switches_only_between_the_categories_of_the_panels_chaired(
    board, edition, open_round, organiser, client_for
):
    other = CategoryFactory(edition=edition, name="Cyber security", slug="cyber")
    EditionRole.objects.filter(user=board["chair"], edition=edition).get().panels.set([board["category"]])
    url = meeting(edition, open_round, board["category"])
    other_url = meeting(edition, open_round, other)
    page = client_for(board["chair"]).get(url).content.decode()
    assert board["category"].name in page and other_url not in page and "Cyber security" not in page
    assert client_for(board["chair"]).get(other_url).status_code == 404
    # The organisers switch between every category.
    assert other_url in client_for(organiser).get(url).content.decode()


@pytest.mark.parametrize("count", [1, 8])
def test_meeting_query_count_does_not_grow(
    edition, open_round, organiser, client_for, django_assert_num_queries, count
):
    board = _board(edition, open_round, count)
    client = client_for(organiser)
    url = meeting(edition, open_round, board["category"])
    client.get(url)  # warm the session and the round's stored analysis
    with django_assert_num_queries(22) as captured:
        response = client.get(url)
    assert len(response.context["items"]) == count
    statements = [query["sql"] for query in captured.captured_queries]
    assert [sql for sql in statements if statements.count(sql) > 1] == []


def test_whoever_runs_the_meeting_sets_the_time_for_a_project(board, edition, open_round, organiser, client_for):
    client = client_for(organiser)
    url = meeting(edition, open_round, board["category"])
    timer = reverse(
        "results:meeting_timer",
        kwargs={"edition": edition.slug, "round": open_round.number, "category": board["category"].slug},
    )
    assert 'data-target="300"' in client.get(url).content.decode()  # 5 minutes unless chosen
    client.post(timer, {"minutes": "3", "next": url})
    page = client.get(url).content.decode()
    assert 'data-target="180"' in page and '<option value="3" selected>' in page
    # Anything not offered is refused with a message, and the time stays.
    page = client.post(timer, {"minutes": "abc", "next": url}, follow=True).content.decode()
    assert "Choose one of the times offered." in page and 'data-target="180"' in page
    assert 'data-target="180"' in client.post(timer, {"minutes": "7"}, follow=True).content.decode()
    # Someone who may not run this meeting gets 404.
    assert client_for(board["jurors"][0]).post(timer, {"minutes": "3"}).status_code == 404
