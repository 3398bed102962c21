"""Juror invitations, profiles and the Excel import."""

import io
import re

import pytest
from django.core import mail
from django.urls import reverse
from openpyxl import Workbook

from award.enums import Role
from award.models import EditionRole, User
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db


def test_invite_juror_email_link_sets_password_and_accepts(
    client, client_for, organiser, edition, django_capture_on_commit_callbacks
):
    city = CategoryFactory(edition=edition, name="Smart City")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(organiser).post(
            reverse("scoring:jurors", args=[edition.slug]),
            {
                "email": "New.Juror@Uni.example.cz",
                "first_name": "Nova",
                "last_name": "Jurorova",
                "organisation": "Uni",
                "country": "CZ",
                "panels": [city.pk],
                "expertise": [city.pk],
            },
            follow=True,
        )
    assert "An invitation has been sent to new.juror@uni.example.cz" in response.content.decode()
    user = User.objects.get(email="new.juror@uni.example.cz")
    role = EditionRole.objects.get(user=user, edition=edition, role=Role.JUROR)
    assert list(role.panels.all()) == [city] and role.invited_at is not None and role.accepted_at is None
    assert not user.has_usable_password()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user.email]
    link = re.search(r"http://testserver(/jury/invitation/\S+)", mail.outbox[0].body).group(1)
    client.logout()
    page = client.get(link)
    assert "Join the jury" in page.content.decode()
    bad = client.post(link, {"new_password1": "short", "new_password2": "short"})
    assert bad.status_code == 400
    new = "a-long-jury-passphrase-2026"
    response = client.post(link, {"new_password1": new, "new_password2": new}, follow=True)
    assert "Welcome to the jury" in response.content.decode()
    user.refresh_from_db()
    role.refresh_from_db()
    assert user.check_password(new) and role.accepted_at is not None
    # The link is single-use.
    assert client.get(link).status_code == 400


def test_invitation_with_bad_token_is_refused(client, juror):
    response = client.get(reverse("scoring:invitation_accept", args=["MQ", "bad-token"]))
    assert response.status_code == 400
    assert "no longer valid" in response.content.decode()


def _sheet(rows) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(["Email", "First name", "Last name", "Organisation", "Country", "Panels", "Expertise"])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "jurors.xlsx"
    return buffer


def test_import_preview_shows_row_errors_then_imports_valid_rows(
    client_for, organiser, edition, django_capture_on_commit_callbacks
):
    CategoryFactory(edition=edition, name="Smart City", slug="smart-city")
    CategoryFactory(edition=edition, name="Cyber Security", slug="cyber-security")
    client = client_for(organiser)
    url = reverse("scoring:jurors_import", args=[edition.slug])
    upload = _sheet(
        [
            ["anna@uni.sk", "Anna", "Kovacova", "Uni SK", "SK", "Smart City, cyber-security", "Smart City"],
            ["not-an-email", "Bad", "Row", "X", "SK", "", ""],
            ["pal@bme.hu", "Pál", "Nagy", "BME", "Atlantis", "Smart City", ""],
            ["ewa@pw.pl", "Ewa", "Nowak", "PW", "Poland", "Unknown Cat", ""],
            ["jan@cvut.cz", "Jan", "Novak", "CVUT", "cz", "", ""],
        ]
    )
    response = client.post(url, {"file": upload})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Rows that can be imported: 2. Rows with errors, which will be skipped: 3." in body
    assert "“not-an-email” is not a valid email address." in body
    assert "Unknown country “Atlantis”" in body and "Unknown category “Unknown Cat”" in body
    assert User.objects.filter(email="anna@uni.sk").count() == 0  # preview saves nothing
    signed = re.search(r'name="rows" value="([^"]+)"', body).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"confirm": "1", "rows": signed}, follow=True)
    assert "2 jurors imported and invited." in response.content.decode()
    anna = EditionRole.objects.get(edition=edition, user__email="anna@uni.sk")
    assert sorted(c.slug for c in anna.panels.all()) == ["cyber-security", "smart-city"]
    assert anna.user.country == "SK"
    assert EditionRole.objects.get(edition=edition, user__email="jan@cvut.cz").user.country == "CZ"
    assert sorted(m.to[0] for m in mail.outbox) == ["anna@uni.sk", "jan@cvut.cz"]


def test_import_rejects_non_excel_and_tampered_rows(client_for, organiser, edition):
    client = client_for(organiser)
    url = reverse("scoring:jurors_import", args=[edition.slug])
    fake = io.BytesIO(b"not a zip")
    fake.name = "jurors.xlsx"
    response = client.post(url, {"file": fake})
    assert response.status_code == 400
    assert "could not be read as an Excel" in response.content.decode()
    text = io.BytesIO(b"a,b")
    text.name = "jurors.csv"
    assert "Please upload an Excel .xlsx file." in client.post(url, {"file": text}).content.decode()
    response = client.post(url, {"confirm": "1", "rows": "tampered"}, follow=True)
    assert "The preview has expired" in response.content.decode()
    assert EditionRole.objects.filter(edition=edition, role=Role.JUROR).count() == 0


def test_juror_profile_edit(client_for, organiser, juror, edition):
    city = CategoryFactory(edition=edition)
    role = EditionRole.objects.get(user=juror, edition=edition)
    client = client_for(organiser)
    url = reverse("scoring:juror_edit", args=[edition.slug, role.pk])
    client.post(
        url,
        {
            "email": "ignored@x.org",
            "first_name": "Julia",
            "last_name": "Juror",
            "organisation": "New Org",
            "country": "PL",
            "panels": [city.pk],
        },
    )
    juror.refresh_from_db()
    assert (juror.email, juror.organisation, juror.country) == ("juror@example.org", "New Org", "PL")
    assert list(role.panels.all()) == [city]
    body = client.get(reverse("scoring:jurors", args=[edition.slug])).content.decode()
    assert "New Org" in body and city.name in body


def test_import_matches_panels_named_in_any_language(edition):
    from scoring.jury.jurors_import import jurors_import_preview

    CategoryFactory(edition=edition, name="Smart City", name_sk="Inteligentné mesto", slug="smart-city")
    CategoryFactory(edition=edition, name="Cyber Security", name_hu="Kiberbiztonság", slug="cyber-security")
    upload = _sheet(
        [["anna@uni.sk", "Anna", "Kovacova", "Uni SK", "SK", "Inteligentné mesto, KIBERBIZTONSÁG", "Smart City"]]
    )
    (row,) = jurors_import_preview(edition=edition, file=upload)
    assert row.errors == []
    assert row.data["panels"] == ["smart-city", "cyber-security"]
    assert row.data["expertise"] == ["smart-city"]


def test_import_preview_heads_the_name_column_as_a_person_name(client_for, organiser, edition):
    # Issue 21: the column showed "Názov" (a thing's name) in Slovak.
    organiser.language = "sk"
    organiser.save()
    upload = _sheet([["anna@uni.sk", "Anna", "Kovacova", "Uni SK", "SK", "", ""]])
    response = client_for(organiser).post(reverse("scoring:jurors_import", args=[edition.slug]), {"file": upload})
    body = response.content.decode()
    assert '<th scope="col">Meno</th>' in body
    assert '<th scope="col">Názov</th>' not in body
