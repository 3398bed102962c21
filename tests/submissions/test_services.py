import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from award.enums import Role
from award.models import AuditEntry
from award.services import TransitionError
from submissions import services
from submissions.enums import ProjectStatus
from submissions.models import Attachment, Project
from tests.factories import EditionFactory, EditionRoleFactory, ProjectFactory, UserFactory
from tests.submissions.conftest import HTML_BYTES, JPEG_BYTES, PDF_BYTES, PNG_BYTES, upload

pytestmark = pytest.mark.django_db


def test_project_create_makes_a_draft_owned_by_the_actor(edition, confirmed_applicant):
    project = services.project_create(actor=confirmed_applicant, edition=edition)
    assert project.status == ProjectStatus.DRAFT
    assert project.owner == confirmed_applicant
    assert project.reference == ""


def test_project_create_needs_a_confirmed_email(edition, applicant):
    with pytest.raises(ValidationError) as caught:
        services.project_create(actor=applicant, edition=edition)
    assert caught.value.code == "unconfirmed"
    assert Project.objects.count() == 0


def test_project_create_refused_when_the_call_is_closed(confirmed_applicant):
    closed = EditionFactory(
        submissions_open_at=timezone.now() - timedelta(days=10),
        submissions_close_at=timezone.now() - timedelta(seconds=1),
    )
    with pytest.raises(ValidationError):
        services.project_create(actor=confirmed_applicant, edition=closed)
    assert Project.objects.count() == 0


def test_project_update_saves_only_given_fields(draft, confirmed_applicant):
    services.project_update(actor=confirmed_applicant, project=draft, changes={"title": "New title"})
    draft.refresh_from_db()
    assert draft.title == "New title"
    assert draft.summary == "Solar benches that count passers-by."


def test_project_update_refuses_end_before_start_and_keeps_the_stored_dates(draft, confirmed_applicant):
    with pytest.raises(ValidationError) as caught:
        services.project_update(
            actor=confirmed_applicant, project=draft, changes={"end_date": draft.start_date - timedelta(days=1)}
        )
    assert "end_date" in caught.value.message_dict
    draft.refresh_from_db()
    assert str(draft.end_date) == "2025-12-31"


def test_project_update_refuses_negative_budget(draft, confirmed_applicant):
    with pytest.raises(ValidationError):
        services.project_update(actor=confirmed_applicant, project=draft, changes={"budget_eur": Decimal("-1")})
    draft.refresh_from_db()
    assert draft.budget_eur == Decimal("125000.50")


def test_project_update_by_another_person_is_refused(draft, other_applicant):
    with pytest.raises(PermissionDenied):
        services.project_update(actor=other_applicant, project=draft, changes={"title": "Hijacked"})
    draft.refresh_from_db()
    assert draft.title == "Smart benches"


def test_project_update_after_the_deadline_is_refused(draft, confirmed_applicant):
    later = draft.edition.submissions_close_at + timedelta(seconds=1)
    with pytest.raises(ValidationError) as caught:
        services.project_update(actor=confirmed_applicant, project=draft, changes={"title": "Late"}, now=later)
    assert caught.value.code == "deadline_passed"


def test_submit_gives_a_reference_and_records_the_time(draft, confirmed_applicant, mailoutbox):
    project = services.project_submit(actor=confirmed_applicant, project=draft)
    assert project.status == ProjectStatus.SUBMITTED
    assert project.reference == "V4A-2026-0001"
    assert project.submitted_at is not None
    assert AuditEntry.objects.filter(action="project.submitted", target_id=str(draft.pk)).count() == 1


def test_references_are_sequential_and_never_reused(edition, category, confirmed_applicant):
    first = ProjectFactory(edition=edition, category=category, owner=confirmed_applicant, **_complete())
    second = ProjectFactory(edition=edition, category=category, owner=confirmed_applicant, **_complete())
    services.project_submit(actor=confirmed_applicant, project=first)
    services.project_withdraw(actor=confirmed_applicant, project=first)
    second = services.project_submit(actor=confirmed_applicant, project=second)
    assert second.reference == "V4A-2026-0002"
    edition.refresh_from_db()
    assert edition.reference_counter == 2


def test_reference_skips_numbers_in_use_when_the_counter_lags(edition, category, confirmed_applicant, other_applicant):
    # References written without the counter (a restore, a seed): 0001, 0002 and 0004 exist, counter 0.
    for number in (1, 2, 4):
        ProjectFactory(
            edition=edition,
            category=category,
            owner=other_applicant,
            status=ProjectStatus.SUBMITTED,
            reference=f"V4A-2026-{number:04d}",
        )
    first = ProjectFactory(edition=edition, category=category, owner=confirmed_applicant, **_complete())
    second = ProjectFactory(edition=edition, category=category, owner=confirmed_applicant, **_complete())
    assert services.project_submit(actor=confirmed_applicant, project=first).reference == "V4A-2026-0003"
    assert services.project_submit(actor=confirmed_applicant, project=second).reference == "V4A-2026-0005"
    edition.refresh_from_db()
    assert edition.reference_counter == 5


def test_reference_counter_sync_moves_up_to_the_highest_reference_never_down(edition, category, other_applicant):
    ProjectFactory(edition=edition, category=category, owner=other_applicant, reference="V4A-2026-0043")
    ProjectFactory(edition=edition, category=category, owner=other_applicant, reference="OTHER-2026-0099")
    assert services.edition_reference_counter_sync(edition=edition) == 43
    edition.reference_counter = 50
    edition.save(update_fields=["reference_counter"])
    assert services.edition_reference_counter_sync(edition=edition) == 50


def test_resubmission_keeps_the_reference(draft, confirmed_applicant):
    project = services.project_submit(actor=confirmed_applicant, project=draft)
    project = services.project_reopen(actor=confirmed_applicant, project=project)
    assert project.status == ProjectStatus.DRAFT
    project = services.project_submit(actor=confirmed_applicant, project=project)
    assert project.reference == "V4A-2026-0001"


def _complete():
    from tests.submissions.conftest import COMPLETE

    return dict(COMPLETE)


def test_submit_lists_every_missing_field_at_once(edition, confirmed_applicant):
    project = ProjectFactory(edition=edition, owner=confirmed_applicant, title="", category=None)
    with pytest.raises(ValidationError) as caught:
        services.project_submit(actor=confirmed_applicant, project=project)
    errors = caught.value.message_dict
    for field in [
        "title",
        "category",
        "summary",
        "problem",
        "budget_eur",
        "start_date",
        "consent_rules",
        "consent_privacy",
    ]:
        assert field in errors
    project.refresh_from_db()
    assert project.status == ProjectStatus.DRAFT and project.reference == ""


def test_submit_one_second_after_the_deadline_is_refused(draft, confirmed_applicant):
    close = draft.edition.submissions_close_at
    with pytest.raises(ValidationError) as caught:
        services.project_submit(actor=confirmed_applicant, project=draft, now=close)
    assert caught.value.code == "deadline_passed"
    draft.refresh_from_db()
    assert draft.status == ProjectStatus.DRAFT
    ok = services.project_submit(actor=confirmed_applicant, project=draft, now=close - timedelta(seconds=1))
    assert ok.status == ProjectStatus.SUBMITTED


def test_submit_refuses_an_ineligible_country(draft, confirmed_applicant):
    edition = draft.edition
    edition.eligible_countries = ["CZ"]
    edition.save()
    with pytest.raises(ValidationError) as caught:
        services.project_submit(actor=confirmed_applicant, project=draft)
    assert "country" in caught.value.message_dict


def test_team_reopen_after_the_deadline_is_refused(draft, confirmed_applicant):
    project = services.project_submit(actor=confirmed_applicant, project=draft)
    later = project.edition.submissions_close_at + timedelta(minutes=1)
    with pytest.raises(ValidationError):
        services.project_reopen(actor=confirmed_applicant, project=project, now=later)
    project.refresh_from_db()
    assert project.status == ProjectStatus.SUBMITTED


def test_organiser_reopen_after_the_deadline_is_audited_and_extends_the_team_deadline(
    draft, confirmed_applicant, organiser
):
    project = services.project_submit(actor=confirmed_applicant, project=draft)
    edition = project.edition
    edition.submissions_close_at = timezone.now() - timedelta(minutes=1)
    edition.submissions_open_at = timezone.now() - timedelta(days=5)
    edition.save()
    until = timezone.now() + timedelta(days=3)
    project = services.project_reopen(actor=organiser, project=project, until=until, reason="Missing page")
    assert project.status == ProjectStatus.DRAFT
    entry = AuditEntry.objects.get(action="project.reopened")
    assert entry.actor == organiser and entry.data["reason"] == "Missing page"
    project = services.project_update(actor=confirmed_applicant, project=project, changes={"title": "Fixed"})
    project = services.project_submit(actor=confirmed_applicant, project=project)
    assert project.status == ProjectStatus.SUBMITTED and project.title == "Fixed"


def test_withdraw_from_draft_and_no_way_back(draft, confirmed_applicant):
    project = services.project_withdraw(actor=confirmed_applicant, project=draft)
    assert project.status == ProjectStatus.WITHDRAWN
    with pytest.raises(TransitionError):
        services.project_submit(actor=confirmed_applicant, project=project)


def test_withdraw_by_another_team_is_refused(draft, other_applicant):
    with pytest.raises(PermissionDenied):
        services.project_withdraw(actor=other_applicant, project=draft)


def test_eligibility_needs_an_organiser_and_a_reason_for_ineligible(draft, confirmed_applicant, organiser, mailoutbox):
    project = services.project_submit(actor=confirmed_applicant, project=draft)
    mailoutbox.clear()
    with pytest.raises(PermissionDenied):
        services.project_eligibility_set(actor=confirmed_applicant, project=project, eligible=True)
    with pytest.raises(ValidationError):
        services.project_eligibility_set(actor=organiser, project=project, eligible=False, reason=" ")
    project.refresh_from_db()
    assert project.status == ProjectStatus.SUBMITTED
    assert mailoutbox == []


def test_eligibility_decisions_are_audited_and_mailed_in_the_team_language(
    draft, confirmed_applicant, organiser, mailoutbox, django_capture_on_commit_callbacks
):
    confirmed_applicant.language = "sk"
    confirmed_applicant.save()
    project = services.project_submit(actor=confirmed_applicant, project=draft)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        project = services.project_eligibility_set(
            actor=organiser, project=project, eligible=False, reason="Project not yet implemented"
        )
    assert project.status == ProjectStatus.INELIGIBLE
    assert project.ineligibility_reason == "Project not yet implemented"
    assert AuditEntry.objects.get(action="project.eligibility").data["to"] == "ineligible"
    assert len(mailoutbox) == 1
    assert "Project not yet implemented" in mailoutbox[0].body
    assert mailoutbox[0].to == ["applicant@example.org"]
    with django_capture_on_commit_callbacks(execute=True):
        project = services.project_eligibility_set(actor=organiser, project=project, eligible=True)
    assert project.status == ProjectStatus.ELIGIBLE and project.ineligibility_reason == ""


def test_eligibility_of_a_draft_is_refused(draft, organiser):
    with pytest.raises(TransitionError):
        services.project_eligibility_set(actor=organiser, project=draft, eligible=True)


def test_organiser_of_another_edition_cannot_decide(draft, confirmed_applicant):
    project = services.project_submit(actor=confirmed_applicant, project=draft)
    stranger = UserFactory()
    EditionRoleFactory(edition=EditionFactory(), user=stranger, role=Role.ORGANISER)
    with pytest.raises(PermissionDenied):
        services.project_eligibility_set(actor=stranger, project=project, eligible=True)


@pytest.mark.parametrize(
    "name,content,content_type",
    [("a.pdf", PDF_BYTES, "application/pdf"), ("b.png", PNG_BYTES, "image/png"), ("c.jpeg", JPEG_BYTES, "image/jpeg")],
)
def test_attachment_add_accepts_pdf_png_jpeg_by_content(draft, confirmed_applicant, name, content, content_type):
    attachment = services.attachment_add(actor=confirmed_applicant, project=draft, upload=upload(name, content))
    assert attachment.content_type == content_type
    assert attachment.original_name == name
    # Stored under a random name with the extension of the sniffed type, never the applicant's name.
    assert re.fullmatch(r"attachments/[0-9a-f]{32}\.(pdf|png|jpg)", attachment.file.name)
    with attachment.file.open("rb") as handle:
        assert handle.read() == content


def test_attachment_add_refuses_html_renamed_to_pdf(draft, confirmed_applicant):
    with pytest.raises(ValidationError) as caught:
        services.attachment_add(actor=confirmed_applicant, project=draft, upload=upload("cv.pdf", HTML_BYTES))
    assert caught.value.code == "bad_type"
    assert Attachment.objects.count() == 0


@override_settings(ATTACHMENT_MAX_BYTES=1024)
def test_attachment_add_refuses_a_file_over_the_limit(draft, confirmed_applicant):
    with pytest.raises(ValidationError) as caught:
        services.attachment_add(
            actor=confirmed_applicant, project=draft, upload=upload("big.pdf", PDF_BYTES + b"0" * 1024)
        )
    assert caught.value.code == "too_large"


@override_settings(ATTACHMENT_MAX_COUNT=2)
def test_attachment_add_refuses_one_too_many(draft, confirmed_applicant):
    for n in range(2):
        services.attachment_add(actor=confirmed_applicant, project=draft, upload=upload(f"{n}.pdf", PDF_BYTES))
    with pytest.raises(ValidationError) as caught:
        services.attachment_add(actor=confirmed_applicant, project=draft, upload=upload("3.pdf", PDF_BYTES))
    assert caught.value.code == "too_many"
    assert draft.attachments.count() == 2


def test_attachment_delete_removes_row_and_file(draft, confirmed_applicant, django_capture_on_commit_callbacks):
    attachment = services.attachment_add(actor=confirmed_applicant, project=draft, upload=upload("a.pdf", PDF_BYTES))
    path = attachment.file.path
    with django_capture_on_commit_callbacks(execute=True):
        services.attachment_delete(actor=confirmed_applicant, attachment=attachment)
    assert draft.attachments.count() == 0
    import os

    assert not os.path.exists(path)


def test_team_replace(draft, confirmed_applicant):
    services.project_team_replace(
        actor=confirmed_applicant,
        project=draft,
        members=[{"name": "Eva", "role": "Lead", "email": "eva@example.org"}, {"name": ""}],
    )
    assert list(draft.team.values_list("name", "role")) == [("Eva", "Lead")]
