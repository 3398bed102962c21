"""Every base page renders for each role and in each of the five languages."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from scoring.enums import AssignmentStatus
from tests.factories import TEST_PASSWORD, AssignmentFactory, EditionFactory, ProjectFactory

pytestmark = pytest.mark.django_db

LANGUAGES = {
    "en": "Log in",
    "sk": "Prihlásiť sa",
    "cs": "Přihlásit se",
    "pl": "Zaloguj się",
    "hu": "Bejelentkezés",
}
HOME_MARKERS = {
    "applicant": "My applications",
    "juror": "My assignments",
    "organiser": "Edition dashboard: %(edition)s",
}


def html_lang(response) -> str:
    return re.search(r'<html lang="([a-z-]+)"', response.content.decode()).group(1)


@pytest.fixture
def personas(applicant, juror, organiser, open_round):
    ProjectFactory(edition=open_round.edition, owner=applicant, title="Smart benches")
    AssignmentFactory(round=open_round, juror=juror, project__title="Open data portal")
    return {"applicant": applicant, "juror": juror, "organiser": organiser}


@pytest.mark.parametrize("language,login_text", LANGUAGES.items())
@pytest.mark.parametrize(
    "url_name", ["home", "login", "password_reset", "password_reset_done", "password_reset_complete"]
)
def test_public_pages_render_in_every_language(client, language, login_text, url_name):
    client.cookies["award_language"] = language
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert html_lang(response) == language
    assert login_text in response.content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", ["applicant", "juror", "organiser"])
def test_home_page_per_role_in_every_language(client, personas, role, language):
    from django.utils import translation

    client.force_login(personas[role])
    client.cookies["award_language"] = language
    response = client.get(reverse("home"))
    body = response.content.decode()
    assert response.status_code == 200
    assert html_lang(response) == language
    with translation.override(language):
        marker = translation.gettext(HOME_MARKERS[role])
        if role == "organiser":
            marker = marker % {"edition": "Test Award 2026"}
        assert marker in body
        if language != "en":
            assert translation.gettext(HOME_MARKERS[role]) != HOME_MARKERS[role]
        assert translation.gettext("Log out") in body


def test_home_shows_each_role_only_its_own_panel(client, personas):
    client.force_login(personas["applicant"])
    body = client.get("/").content.decode()
    assert "Smart benches" in body
    assert "Edition dashboard" not in body and "My assignments" not in body

    client.force_login(personas["juror"])
    body = client.get("/").content.decode()
    assert "Open data portal" in body
    assert "Smart benches" not in body and "Edition dashboard" not in body

    client.force_login(personas["organiser"])
    body = client.get("/").content.decode()
    assert "Edition dashboard" in body
    assert "My assignments" not in body


def test_profile_language_is_used_when_no_language_was_chosen(client, applicant):
    applicant.language = "hu"
    applicant.save()
    client.force_login(applicant)
    response = client.get("/")
    assert html_lang(response) == "hu"
    assert "Kijelentkezés" in response.content.decode()


def test_language_switcher_sets_the_language(client):
    response = client.post(reverse("set_language"), {"language": "pl", "next": "/"}, follow=True)
    assert html_lang(response) == "pl"
    assert "Zaloguj się" in response.content.decode()


def test_login_with_email_and_wrong_password_message(client, applicant):
    response = client.post(reverse("login"), {"username": "applicant@example.org", "password": "nope"})
    assert response.status_code == 200
    assert "The email address or the password is not right" in response.content.decode()
    response = client.post(reverse("login"), {"username": "Applicant@Example.org", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.get("/").context["user"] == applicant


def test_logout_is_a_post(client, applicant):
    client.force_login(applicant)
    response = client.post(reverse("logout"), follow=True)
    assert response.status_code == 200
    assert not response.context["user"].is_authenticated


def test_password_reset_end_to_end(client, applicant):
    response = client.post(reverse("password_reset"), {"email": "applicant@example.org"}, follow=True)
    assert "Check your email" in response.content.decode()
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    assert "Choose a new password" in response.content.decode()
    new = "a-much-longer-new-passphrase"
    response = client.post(response.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}, follow=True)
    assert "Your password has been changed" in response.content.decode()
    applicant.refresh_from_db()
    assert applicant.check_password(new)


def test_password_reset_with_invalid_link(client):
    response = client.get("/accounts/reset/MQ/bad-token/")
    assert "This link is no longer valid" in response.content.decode()


def test_admin_is_available_to_the_organiser_account(client, organiser):
    organiser.is_staff = True
    organiser.is_superuser = True
    organiser.save()
    client.force_login(organiser)
    response = client.get(reverse("admin:submissions_project_changelist") + "?q=nothing")
    assert response.status_code == 200
    assert "0 projects" in response.content.decode()


@pytest.mark.parametrize("n", [1, 6])
def test_juror_home_query_count_constant(client, juror, open_round, django_assert_num_queries, n):
    for _ in range(n):
        AssignmentFactory(round=open_round, juror=juror, status=AssignmentStatus.PENDING)
    client.force_login(juror)
    with django_assert_num_queries(7):  # +1: has the juror acknowledged the edition's briefing (issue 18)
        response = client.get("/")
    assert response.content.decode().count('class="badge badge-pending"') == n


@pytest.mark.parametrize("n", [1, 6])
def test_organiser_home_query_count_constant(client, organiser, open_round, django_assert_num_queries, n):
    for _ in range(n):
        AssignmentFactory(round=open_round)
    client.force_login(organiser)
    # +1: the set-up panel (editions not yet public); +4: the status board (categories,
    # assignments and results counted, certificates counted by reports), whatever the rows.
    with django_assert_num_queries(12):
        response = client.get("/")
    assert f"0 of {n} reviews completed" in response.content.decode()
    assert 'data-testid="status-board"' in response.content.decode()


def test_home_stays_on_the_edition_being_judged_when_the_next_call_opens(client, juror, organiser, open_round):
    # This year's call has closed and its jury is at work; next year's call has just opened.
    edition = open_round.edition
    edition.submissions_open_at = timezone.now() - timedelta(days=90)
    edition.submissions_close_at = timezone.now() - timedelta(days=30)
    edition.save()
    assignment = AssignmentFactory(round=open_round, juror=juror, project__title="Bus stops that talk")
    EditionFactory(name="Award 2027", year=2027)
    client.force_login(juror)
    assert assignment.project.title in client.get("/").content.decode()
    client.force_login(organiser)
    assert f"Edition dashboard: {edition.name}" in client.get("/").content.decode()
    assert client.get(reverse("scoring:manage")).url == reverse("scoring:jurors", args=[edition.slug])
