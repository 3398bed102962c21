import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from award.models import AuditEntry, User
from scoring.models import Assignment, Score
from submissions.enums import ProjectStatus
from submissions.models import Attachment, Project, TeamMember
from tests.factories import (
    TEST_PASSWORD,
    AssignmentFactory,
    ProjectFactory,
    ScoreFactory,
    TeamMemberFactory,
)

pytestmark = pytest.mark.django_db


def _attach(project, name="plan.pdf", content=b"%PDF-1.4 the plan"):
    return Attachment.objects.create(
        project=project,
        file=SimpleUploadedFile(name, content),
        original_name=name,
        content_type="application/pdf",
        size=len(content),
    )


def _zip(response):
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )
    return archive, json.loads(archive.read("data.json"))


# --- Privacy page -------------------------------------------------------------------------------


def test_privacy_page_is_public_and_states_retention(anonymous, edition):
    edition.retention_days = 365
    edition.save()
    response = anonymous.get("/privacy/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Privacy notice" in text
    assert "365 days after the award ceremony" in text
    assert "Your rights" in text
    assert reverse("account_delete") not in text  # only for signed-in users


def test_footer_and_consent_link_to_privacy_page(client_for, applicant, edition):
    project = ProjectFactory(edition=edition, owner=applicant)
    response = client_for(applicant).get(reverse("submissions:edit", args=[project.pk]))
    assert response.status_code == 200
    assert response.content.decode().count('href="/privacy/"') >= 2


def test_profile_links_to_export_and_delete(client_for, applicant):
    text = client_for(applicant).get(reverse("profile")).content.decode()
    assert reverse("account_data") in text
    assert reverse("account_delete") in text


# --- Export -------------------------------------------------------------------------------------


def test_export_requires_login(anonymous):
    response = anonymous.get(reverse("account_data"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_export_zip_contains_profile_projects_team_and_files(client_for, applicant, other_applicant, edition):
    mine = ProjectFactory(edition=edition, owner=applicant, title="Smart benches", budget_eur=Decimal("1200.50"))
    TeamMemberFactory(project=mine, name="Bea Bench", email="bea@example.org", role="Lead")
    _attach(mine, "plan.pdf", b"%PDF-1.4 my plan")
    theirs = ProjectFactory(edition=edition, owner=other_applicant, title="Secret tram")
    TeamMemberFactory(project=theirs, name="Tom Tram", email="tom@example.org")
    _attach(theirs, "tram.pdf", b"%PDF-1.4 their plan")

    response = client_for(applicant).get(reverse("account_data"))
    assert response.status_code == 200
    assert "attachment;" in response["Content-Disposition"]
    archive, data = _zip(response)

    assert data["profile"]["email"] == "applicant@example.org"
    assert data["profile"]["first_name"] == "Ada"
    assert [p["title"] for p in data["projects"]] == ["Smart benches"]
    project = data["projects"][0]
    assert project["budget_eur"] == "1200.50"
    assert project["team"] == [{"name": "Bea Bench", "role": "Lead", "email": "bea@example.org", "is_contact": False}]
    path = project["attachments"][0]["path_in_zip"]
    assert archive.read(path) == b"%PDF-1.4 my plan"

    everything = b"".join(archive.read(name) for name in archive.namelist()).decode()
    for foreign in ("Secret tram", "Tom Tram", "tom@example.org", "their plan", "other.applicant@example.org"):
        assert foreign not in everything
    assert AuditEntry.objects.filter(action="account.data_exported", actor=applicant).exists()


# --- Deletion -----------------------------------------------------------------------------------


def test_delete_page_explains_withdrawal_of_open_applications(client_for, applicant, edition):
    ProjectFactory(edition=edition, owner=applicant, status=ProjectStatus.SUBMITTED, reference="V4A-2026-001")
    text = client_for(applicant).get(reverse("account_delete")).content.decode()
    assert "V4A-2026-001" in text
    assert "will be withdrawn from the award and anonymised" in text


def test_delete_with_wrong_password_changes_nothing(client_for, applicant, edition):
    project = ProjectFactory(edition=edition, owner=applicant, status=ProjectStatus.SUBMITTED, title="Kept")
    response = client_for(applicant).post(reverse("account_delete"), {"password": "wrong"})
    assert response.status_code == 400
    assert "The password is not correct." in response.content.decode()
    applicant.refresh_from_db()
    assert applicant.email == "applicant@example.org" and applicant.is_active
    project.refresh_from_db()
    assert project.title == "Kept" and project.status == ProjectStatus.SUBMITTED


def test_delete_account_removes_personal_data_and_keeps_scores(
    client_for, applicant, juror, edition, open_round, django_capture_on_commit_callbacks
):
    submitted = ProjectFactory(
        edition=edition,
        owner=applicant,
        status=ProjectStatus.ELIGIBLE,
        title="Smart benches",
        organisation_name="Town of Ada",
        website="https://ada.example.org",
        budget_eur=Decimal("5000"),
        reference="V4A-2026-007",
    )
    TeamMemberFactory(project=submitted, name="Bea Bench", email="bea@example.org")
    attachment = _attach(submitted)
    stored = attachment.file.name
    storage = attachment.file.storage
    draft = ProjectFactory(edition=edition, owner=applicant, status=ProjectStatus.DRAFT)
    assignment = AssignmentFactory(round=open_round, project=submitted, juror=juror)
    ScoreFactory(assignment=assignment, value=Decimal("7"))

    client = client_for(applicant)
    client.get(reverse("account_data"))  # audited with the account as target
    assert AuditEntry.objects.filter(target_repr="Ada Applicant").exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_delete"), {"password": TEST_PASSWORD})
    assert response.status_code == 302

    user = User.objects.get(pk=applicant.pk)
    assert user.email == f"deleted-{user.pk}@invalid"
    assert (user.first_name, user.last_name, user.organisation) == ("", "", "")
    assert not user.is_active and not user.has_usable_password()

    assert not Project.objects.filter(pk=draft.pk).exists()
    submitted.refresh_from_db()
    assert submitted.status == ProjectStatus.WITHDRAWN
    assert (submitted.title, submitted.organisation_name, submitted.website) == ("", "", "")
    assert submitted.budget_eur == Decimal("5000") and submitted.country and submitted.organisation_type
    assert submitted.category_id is not None and submitted.reference == "V4A-2026-007"
    assert list(TeamMember.objects.filter(project=submitted).values_list("name", "email")) == [("", "")]
    assert not Attachment.objects.filter(project=submitted).exists()
    assert not storage.exists(stored)
    # The juror's work on the project is kept for the statistics.
    assert Score.objects.get(assignment__project=submitted).value == Decimal("7")
    # Signed out: the next page is anonymous.
    assert client.get(reverse("profile")).status_code == 302
    entry = AuditEntry.objects.get(action="account.deleted")
    assert "applicant@example.org" not in entry.target_repr
    assert not AuditEntry.objects.filter(target_repr__contains="Applicant").exists()


def test_juror_deleting_account_keeps_scores_anonymised(client_for, juror, edition, open_round):
    project = ProjectFactory(edition=edition, status=ProjectStatus.ELIGIBLE)
    assignment = AssignmentFactory(round=open_round, project=project, juror=juror)
    ScoreFactory(assignment=assignment, value=Decimal("9"))

    response = client_for(juror).post(reverse("account_delete"), {"password": TEST_PASSWORD})
    assert response.status_code == 302

    assignment = Assignment.objects.get(pk=assignment.pk)
    assert assignment.juror_id == juror.pk
    assert assignment.juror.email == f"deleted-{juror.pk}@invalid"
    assert assignment.juror.get_full_name() == "" and assignment.juror.organisation == ""
    assert Score.objects.get(assignment=assignment).value == Decimal("9")


def test_deleted_account_cannot_sign_in(client, applicant):
    from submissions.privacy import account_delete

    account_delete(actor=applicant, password=TEST_PASSWORD)
    assert not client.login(email="applicant@example.org", password=TEST_PASSWORD)
    assert not client.login(email=f"deleted-{applicant.pk}@invalid", password=TEST_PASSWORD)


def test_winning_project_keeps_its_published_name_when_owner_deletes(applicant, edition):
    from scoring.models import Result

    project = ProjectFactory(
        edition=edition, owner=applicant, status=ProjectStatus.ELIGIBLE, title="Winner", organisation_name="Town"
    )
    TeamMemberFactory(project=project, name="Wanda", email="wanda@example.org")
    Result.objects.create(edition=edition, category=project.category, project=project, kind="winner")
    from submissions.privacy import account_delete

    account_delete(actor=applicant, password=TEST_PASSWORD)
    project.refresh_from_db()
    assert (project.title, project.organisation_name) == ("Winner", "Town")
    assert not TeamMember.objects.filter(name="Wanda").exists()


@pytest.mark.parametrize("projects", [1, 4])
def test_export_query_count_does_not_grow_with_projects(
    client_for, applicant, edition, projects, django_assert_num_queries
):
    for _ in range(projects):
        project = ProjectFactory(edition=edition, owner=applicant)
        TeamMemberFactory(project=project)
        _attach(project)
    client = client_for(applicant)
    client.get(reverse("profile"))  # warm the session
    with django_assert_num_queries(8):
        response = client.get(reverse("account_data"))
    _, data = _zip(response)
    assert len(data["projects"]) == projects


def test_privacy_page_is_translated(anonymous, edition):
    anonymous.cookies["award_language"] = "sk"
    text = anonymous.get("/privacy/", HTTP_ACCEPT_LANGUAGE="sk").content.decode()
    assert "Vaše práva" in text
    assert "730 dní po slávnostnom odovzdávaní ocenení" in text


def test_delete_requires_login(anonymous):
    response = anonymous.post(reverse("account_delete"), {"password": TEST_PASSWORD})
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
