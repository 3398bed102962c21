"""The organiser's assignment and progress pages stay small at any size: a page of projects,
a filter (status, juror, category), a search, and the reopen form only for the review chosen."""

import pytest
from django.urls import reverse

from award.models import AuditEntry
from scoring.enums import AssignmentStatus
from scoring.jury.manage_views import ROUND_PAGE_SIZE
from scoring.models import Assignment
from tests.factories import CategoryFactory
from tests.scoring.jury_setup import assignment, eligible_project, juror_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(edition, open_round):
    city, region = (
        CategoryFactory(edition=edition, name="Smart City"),
        CategoryFactory(edition=edition, name="Smart Region"),
    )
    anna = juror_in(edition, panels=[city], first_name="Anna", last_name="Kovács")
    boris = juror_in(edition, panels=[region], first_name="Boris", last_name="Novák")
    solar = eligible_project(edition, city, title="Solar benches")
    buses = eligible_project(edition, region, title="Night buses", reference="V4A-2026-0042")
    done = assignment(open_round, anna, solar, status=AssignmentStatus.COMPLETED, finalised_at="2026-01-01T00:00Z")
    open_ = assignment(open_round, boris, buses)
    return {
        "city": city,
        "region": region,
        "anna": anna,
        "boris": boris,
        "solar": solar,
        "buses": buses,
        "done": done,
        "open": open_,
    }


def _titles(body: str) -> set[str]:
    return {
        t
        for t in ("Solar benches", "Night buses")
        if t in body.split('data-testid="by-project"')[-1].split("</table>")[0]
    }


@pytest.mark.parametrize("name", ["scoring:progress", "scoring:assignments"])
def test_round_pages_filter_and_search(client_for, organiser, open_round, board, name):
    client = client_for(organiser)
    url = reverse(name, args=[open_round.pk])
    marker = "by-project" if name == "scoring:progress" else "coverage"

    def shown(**params):
        body = client.get(url, params).content.decode()
        table = body.split(f'data-testid="{marker}"')[1].split("</table>")[0]
        return {t for t in ("Solar benches", "Night buses") if t in table}

    assert shown() == {"Solar benches", "Night buses"}
    assert shown(status="completed") == {"Solar benches"}
    assert shown(juror=board["boris"].pk) == {"Night buses"}
    assert shown(category=board["city"].pk) == {"Solar benches"}
    assert shown(q="night") == {"Night buses"}
    assert shown(q="kovács") == {"Solar benches"}
    assert shown(q=board["buses"].reference) == {"Night buses"}
    assert shown(status="completed", juror=board["boris"].pk) == set()
    # Nonsense in the query string is ignored, never a 500.
    assert shown(status="bogus", juror="x", category="1e9", page="zz") == {"Solar benches", "Night buses"}
    assert "No projects match." in client.get(url, {"q": "nothing like this"}).content.decode()


@pytest.mark.parametrize("name", ["scoring:progress", "scoring:assignments"])
def test_round_pages_are_paginated(client_for, organiser, edition, open_round, name):
    city = CategoryFactory(edition=edition)
    anna = juror_in(edition, panels=[city])
    for i in range(ROUND_PAGE_SIZE + 3):
        assignment(open_round, anna, eligible_project(edition, city, title=f"Project number {i:03d}"))
    client = client_for(organiser)
    url = reverse(name, args=[open_round.pk])
    first, second = client.get(url).content.decode(), client.get(url, {"page": 2}).content.decode()
    assert first.count('class="badge badge-pending"') == ROUND_PAGE_SIZE
    assert second.count('class="badge badge-pending"') == 3
    assert "Page 1 of 2" in first and 'rel="next"' in first
    # The totals count the whole round, not the page.
    assert f"{ROUND_PAGE_SIZE + 3} projects" in first


def test_progress_links_to_a_reopen_form_for_the_one_review(client_for, organiser, open_round, board):
    client = client_for(organiser)
    body = client.get(reverse("scoring:progress", args=[open_round.pk])).content.decode()
    reopen_url = reverse("scoring:reopen", args=[board["done"].pk])
    assert f'href="{reopen_url}"' in body
    assert 'name="reason"' not in body
    page = client.get(reopen_url).content.decode()
    assert "Solar benches" in page or board["solar"].reference in page
    assert "Anna Kovács" in page and 'name="reason"' in page
    response = client.post(reopen_url, {"reason": "Typo in a comment"}, follow=True)
    assert "The review is reopened" in response.content.decode()
    board["done"].refresh_from_db()
    assert board["done"].status == AssignmentStatus.IN_PROGRESS
    assert AuditEntry.objects.get(action="assignment.reopen").data["reason"] == "Typo in a comment"


def test_reopen_page_is_404_for_a_juror_and_refuses_an_open_review(client_for, juror, organiser, open_round, board):
    assert client_for(juror).get(reverse("scoring:reopen", args=[board["done"].pk])).status_code == 404
    response = client_for(organiser).post(reverse("scoring:reopen", args=[board["open"].pk]), {"reason": "x"})
    assert response.status_code == 400
    assert "Only a finalised review can be reopened." in response.content.decode()
    assert Assignment.objects.get(pk=board["open"].pk).status == AssignmentStatus.PENDING


def test_assignments_page_opens_swap_only_for_the_assignment_chosen(client_for, organiser, open_round, board):
    client = client_for(organiser)
    url = reverse("scoring:assignments", args=[open_round.pk])
    body = client.get(url).content.decode()
    assert 'name="juror" id="swap-' not in body
    assert f'data-testid="change-{board["open"].pk}"' in body
    chosen = client.get(url, {"change": board["open"].pk}).content.decode()
    assert f'id="swap-{board["open"].pk}"' in chosen
    assert chosen.count('value="swap"') == 1
