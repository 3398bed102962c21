"""A ranked final round is followed ballot by ballot: the progress page, the organisers' home
(dashboard and status board) and the reminders count the ballots cast against the panel members
expected per category, and the reminder names the ballots not cast with their links."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scoring.board import status_board
from scoring.selectors import edition_dashboard
from tests.factories import AssignmentFactory, CategoryFactory, ProjectFactory, UserFactory
from tests.scoring.test_ballot import cast, make_final

pytestmark = pytest.mark.django_db


def test_ranked_round_progress_counts_ballots_not_reviews(client_for, edition, organiser):
    final, category, projects, panel = make_final(edition, finalists=3, jurors=3)
    cast(panel[0], final, category, projects, "012")
    client = client_for(organiser)
    page = client.get(reverse("scoring:progress", kwargs={"pk": final.pk})).content.decode()
    assert "1 of 3 ballots cast" in page and "reviews completed" not in page
    # By juror: ballots cast and progress, no review states (a ballot is cast or not).
    by_juror = page.split('data-testid="by-juror"', 1)[1].split("</table>", 1)[0]
    assert "Ballots cast" in by_juror and "In progress" not in by_juror and "Not started" not in by_juror

    [rnd] = edition_dashboard(edition)["rounds"]
    assert (rnd.ranked, rnd.completed, rnd.assigned, rnd.percent) == (True, 1, 3, 33)
    home = client.get("/").content.decode()
    assert "1 of 3 ballots cast by a panel of 3 jurors" in home

    step = next(s for s in status_board(edition).rows[0].steps if s.key == "final_round")
    assert (step.state, step.detail) == ("todo", "1 of 3")
    for juror in panel[1:]:
        cast(juror, final, category, projects, "0=1 2")
    step = next(s for s in status_board(edition).rows[0].steps if s.key == "final_round")
    assert (step.state, step.detail) == ("done", "3 of 3")


def test_ranked_round_reminder_names_the_ballots_not_cast(
    client_for, edition, organiser, django_capture_on_commit_callbacks
):
    final, category, projects, panel = make_final(edition, finalists=2, jurors=2)
    cast(panel[0], final, category, projects, "01")
    client = client_for(organiser)
    url = reverse("scoring:reminders", kwargs={"pk": final.pk})
    page = client.get(url).content.decode()
    ballot_url = reverse("scoring:ballot", kwargs={"round": final.pk, "category": category.slug})
    assert "Ballots not cast" in page and panel[1].email in page and panel[0].email not in page
    assert ballot_url in page and "jury_ballot_reminder" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    [sent] = mail.outbox
    assert sent.to == [panel[1].email]
    assert sent.subject == "Reminder: 1 ballot is waiting for you"
    assert f"{category.name}: " in sent.body and ballot_url in sent.body
    assert "/jury/assignments/" not in sent.body


def test_ranked_round_pages_query_count_does_not_grow(client_for, edition, organiser):
    final, category, projects, panel = make_final(edition, finalists=2, jurors=1)
    client = client_for(organiser)
    urls = [
        "/",
        reverse("scoring:progress", kwargs={"pk": final.pk}),
        reverse("scoring:reminders", kwargs={"pk": final.pk}),
    ]
    counts = []
    for extra in (0, 4):
        for index in range(extra):
            other = CategoryFactory(edition=edition, slug=f"more-{index}")
            juror = UserFactory()
            for _ in range(2):
                AssignmentFactory(round=final, juror=juror, project=ProjectFactory(edition=edition, category=other))
        counts.append([])
        for url in urls:
            client.get(url)  # warm the session
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts[-1].append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def _finalists(edition, category, projects):
    from scoring.enums import ResultKind
    from scoring.models import Result

    for project in projects:
        Result.objects.create(edition=edition, category=category, project=project, kind=ResultKind.FINALIST)


def test_ranked_round_progress_shows_each_finalists_ballots_not_review_states(client_for, edition, organiser):
    from tests.factories import ConflictFactory

    final, category, projects, panel = make_final(edition, finalists=2, jurors=3)
    _finalists(edition, category, projects)
    cast(panel[0], final, category, projects, "01")
    ConflictFactory(juror=panel[2], project=projects[1])
    page = client_for(organiser).get(reverse("scoring:progress", kwargs={"pk": final.pk})).content.decode()
    table = page[page.index('data-testid="by-project"') :]
    rows = table.split("<tr>")[2:]
    first, second = (next(r for r in rows if p.reference in r) for p in projects)
    assert "<td>1/3</td>" in first and "<td>1/2</td>" in second
    assert first.count("Not ranked yet") == 2 and first.count(">Ranked<") == 1
    assert f'{panel[2].display_name} <span class="badge badge-recused">Left out: conflict of interest' in second
    for review_state in ("Not started", "In progress", "Completed", "Reopen"):
        assert review_state not in table
    assert "each panel member ranks all the finalists of a category on one ballot" in page
    assert "Any status" not in page  # the review-status filter means nothing here


def test_ranked_round_progress_by_project_query_count_does_not_grow(client_for, edition, organiser):
    client = client_for(organiser)
    counts = []
    for number, n in ((2, 1), (3, 5)):
        final, category, projects, panel = make_final(edition, finalists=n, jurors=2, number=number)
        _finalists(edition, category, projects)
        cast(panel[0], final, category, projects, "".join(str(i) for i in range(n)))
        url = reverse("scoring:progress", kwargs={"pk": final.pk})
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            page = client.get(url).content.decode()
        assert page.count("Not ranked yet") == n
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
