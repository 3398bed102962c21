"""Polish across the pages (issue 9): empty lists say what to do next, irreversible actions ask
first, actions end with a message, deadlines carry their time zone, error pages keep the site's
landmarks, and the application and scoring pages have a print stylesheet."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.template.loader import render_to_string
from django.urls import reverse

from reports.enums import CertificateKind
from reports.models import CertificateBatch
from scoring.models import Assignment
from submissions.timefmt import edition_datetime
from tests.factories import ProjectFactory, RoundFactory
from tests.scoring.jury_setup import assignment, rubric

pytestmark = pytest.mark.django_db


def test_deadlines_show_the_edition_time_zone_on_jury_pages(client_for, open_round, juror, organiser):
    rubric(open_round.edition, 1)
    a = assignment(open_round, juror)
    edition = open_round.edition
    expected = edition_datetime(open_round.scoring_closes_at, edition)
    # e.g. "Dec. 8, 2026, 6:00 p.m. CET (Europe/Bratislava)"
    assert re.search(r" [A-Z+\-0-9]{2,5} \(" + re.escape(edition.timezone) + r"\)$", expected)
    client = client_for(juror)
    for url in (reverse("scoring:dashboard"), reverse("scoring:score", args=[a.pk]), reverse("home")):
        assert expected in client.get(url).content.decode(), url
    client = client_for(organiser)
    for url in (reverse("scoring:progress", args=[open_round.pk]), reverse("home")):
        assert expected in client.get(url).content.decode(), url


def test_empty_lists_offer_a_next_step(client_for, edition, organiser, juror):
    rnd = RoundFactory(edition=edition, number=1)
    client = client_for(organiser)
    screening = client.get(reverse("submissions:screening", args=[edition.slug])).content.decode()
    assert "No applications match." in screening
    assert f'href="{reverse("submissions:call", args=[edition.slug])}"' in screening
    filtered = client.get(reverse("submissions:screening", args=[edition.slug]), {"q": "nothing"}).content.decode()
    assert f'href="{reverse("submissions:screening", args=[edition.slug])}">Show all applications' in filtered
    page = client.get(reverse("scoring:assignments", args=[rnd.pk])).content.decode()
    assert "Screen the applications" in page
    assert "Assign jurors" in client.get(reverse("scoring:progress", args=[rnd.pk])).content.decode()
    reports = client.get(reverse("reports:home", args=[edition.slug])).content.decode()
    assert 'data-testid="no-batches"' in reports and 'data-testid="no-exports"' in reports
    dashboard = client_for(juror).get(reverse("scoring:dashboard")).content.decode()
    assert "No projects have been assigned to you yet." in dashboard
    assert f'href="{reverse("profile")}">Check your profile meanwhile' in dashboard


def test_irreversible_actions_sit_behind_a_confirmation_step(client_for, open_round, juror, organiser):
    rubric(open_round.edition, 1)
    a = assignment(open_round, juror)
    score_page = client_for(juror).get(reverse("scoring:score", args=[a.pk])).content.decode()
    # The button that locks the review is inside a closed disclosure, not next to "Save draft".
    step = re.search(r'<details class="confirm-step">(.*?)</details>', score_page, re.S).group(1)
    assert 'name="finalise"' in step and "Finalise…" in step
    assert score_page.count('name="finalise"') == 1
    # The swap and remove controls open for the one assignment chosen (the page stays small).
    url = reverse("scoring:assignments", args=[open_round.pk])
    assignments_page = client_for(organiser).get(url, {"change": a.pk}).content.decode()
    step = re.search(r'<details class="confirm-step small">(.*?)</details>', assignments_page, re.S).group(1)
    assert 'value="remove"' in step


def test_removing_an_assignment_still_works_and_says_so(client_for, open_round, juror, organiser):
    a = assignment(open_round, juror)
    response = client_for(organiser).post(
        reverse("scoring:assignments", args=[open_round.pk]), {"action": "remove", "assignment": a.pk}, follow=True
    )
    assert not Assignment.objects.filter(pk=a.pk).exists()
    assert "The assignment is removed." in [str(m) for m in get_messages(response.wsgi_request)]
    assert "The assignment is removed." in response.content.decode()


def test_starting_a_certificate_batch_says_so(client_for, edition, organiser):
    ProjectFactory(edition=edition, status="eligible")
    response = client_for(organiser).post(
        reverse("reports:batch_start", args=[edition.slug]), {"kinds": [CertificateKind.PARTICIPANT]}, follow=True
    )
    batch = CertificateBatch.objects.get()
    assert response.redirect_chain[-1][0] == reverse("reports:batch", args=[edition.slug, batch.pk])
    body = response.content.decode()
    assert "The certificates are being generated; this page shows the progress." in body
    assert 'data-testid="job-progress"' in body


def test_error_pages_keep_the_skip_link_and_landmarks(client, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert 'class="skip-link" href="#main"' in body and '<main id="main"' in body
    assert "Page not found" in body and 'data-testid="error-404"' in body


def test_csrf_failure_page_explains_what_to_do():
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "a@b.c", "password": "x"})
    assert response.status_code == 403
    assert "The form has expired" in response.content.decode()


def test_server_error_page_renders_without_a_request():
    body = render_to_string("500.html")
    assert "Something went wrong" in body and '<main id="main"' in body and 'lang="en"' in body


def test_print_stylesheet_hides_the_site_chrome():
    css = (Path(settings.BASE_DIR) / "static" / "css" / "app.css").read_text()
    hidden = css[css.index("@media print") :].split("{ display: none !important; }")[0]
    for selector in (".site-header", ".site-footer", ".skip-link", ".section-menu", ".form-actions", ".confirm-step"):
        assert selector in hidden, selector
