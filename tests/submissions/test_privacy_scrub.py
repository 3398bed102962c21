"""Deleting an account also removes the person's name from other people's applications and
from the audit log's object names and details."""

import pytest
from django.urls import reverse

from award.models import AuditEntry
from award.services import audit_log
from submissions.enums import ProjectStatus
from submissions.models import TeamMember
from submissions.privacy import account_delete
from tests.factories import TEST_PASSWORD, AssignmentFactory, ProjectFactory, TeamMemberFactory

pytestmark = pytest.mark.django_db


def test_deleted_person_is_scrubbed_from_another_teams_project(client_for, applicant, other_applicant, edition):
    theirs = ProjectFactory(edition=edition, owner=other_applicant, status=ProjectStatus.SUBMITTED)
    TeamMemberFactory(project=theirs, name="Ada Applicant", role="Data lead", email="Applicant@Example.org")
    TeamMemberFactory(project=theirs, name="Otto Other", role="Lead", email="other.applicant@example.org")
    response = client_for(applicant).post(reverse("account_delete"), {"password": TEST_PASSWORD})
    assert response.status_code == 302
    assert sorted(TeamMember.objects.filter(project=theirs).values_list("name", "role", "email")) == [
        ("", "", ""),
        ("Otto Other", "Lead", "other.applicant@example.org"),
    ]


def test_deleted_jurors_name_and_address_leave_the_audit_log(juror, other_juror, organiser, edition, open_round):
    juror.first_name, juror.last_name = "Ľubica", "Šťastná"
    juror.save()
    assignment = AssignmentFactory(round=open_round, juror=juror)
    others = AssignmentFactory(round=open_round, juror=other_juror)
    audit_log(actor=organiser, action="juror.invite", target=juror, edition=edition, data={"email": juror.email})
    audit_log(
        actor=organiser,
        action="assignment.remove",
        target=assignment,
        edition=edition,
        data={"juror": "JUROR@example.org", "project": assignment.project.reference, "note": "asked Ľubica Šťastná"},
    )
    audit_log(
        actor=organiser,
        action="assignment.remove",
        target=others,
        edition=edition,
        data={"juror": other_juror.email, "project": others.project.reference},
    )
    assert AuditEntry.objects.filter(target_repr__startswith="Ľubica Šťastná – ").count() == 1

    account_delete(actor=juror, password=TEST_PASSWORD)

    anonymous = f"deleted-{juror.pk}@invalid"
    invite = AuditEntry.objects.get(action="juror.invite")
    assert invite.data == {"email": anonymous}
    removed = AuditEntry.objects.get(action="assignment.remove", target_id=str(assignment.pk))
    assert removed.data == {"juror": anonymous, "project": assignment.project.reference, "note": f"asked {anonymous}"}
    assert removed.target_repr.startswith(f"{anonymous} – ")
    # Nothing about anyone else changes.
    kept = AuditEntry.objects.get(action="assignment.remove", target_id=str(others.pk))
    assert kept.data == {"juror": "other.juror@example.org", "project": others.project.reference}
    assert kept.target_repr.startswith("Jan Second – ")
    for entry in AuditEntry.objects.all():
        text = f"{entry.target_repr} {entry.data}".lower()
        assert "juror@example.org" not in text.replace("other.juror@example.org", "")
        assert "šťastná" not in text
