"""Writes on applications. Views call these; they do not re-implement them."""

from collections.abc import Callable, Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from award.limits import length_errors
from award.models import Edition, User
from award.rules import is_organiser
from award.services import audit_log, transition_check
from submissions import rules
from submissions.enums import PROJECT_TRANSITIONS, ProjectStatus
from submissions.models import Attachment, Project, TeamMember
from submissions.signals import project_submitted
from submissions.timefmt import edition_datetime
from submissions.validators import attachment_max_count, attachment_validate

# Fields the team may write; everything else (status, reference, owner…) is the server's.
EDITABLE_FIELDS = [
    "category",
    "organisation_name",
    "organisation_type",
    "country",
    "city_region",
    "population",
    "title",
    "summary",
    "problem",
    "solution",
    "results",
    "innovation",
    "citizen_involvement",
    "sustainability",
    "budget_eur",
    "funding_sources",
    "start_date",
    "end_date",
    "website",
    "partners",
    "consent_rules",
    "consent_privacy",
]
# Submission needs every editable field except these; the consents have their own messages.
OPTIONAL_FIELDS = {"website", "partners", "population", "consent_rules", "consent_privacy"}
REQUIRED_FIELDS = [name for name in EDITABLE_FIELDS if name not in OPTIONAL_FIELDS]
# The team's free texts; each one's limit is its model field's max_length.
TEXT_FIELDS = [
    "organisation_name",
    "city_region",
    "title",
    "summary",
    "problem",
    "solution",
    "results",
    "innovation",
    "citizen_involvement",
    "sustainability",
    "funding_sources",
    "website",
    "partners",
]

LABELS = dict(ProjectStatus.choices)


class StaleApplicationError(ValidationError):
    """A save based on an older copy of the application than the stored one. `changed` names the
    fields whose sent value differs from the stored one; `version` is the stored version."""

    def __init__(self, *, changed: list[str], version: int):
        super().__init__(
            _(
                "This application was changed in another window or tab (or through the API) after this copy "
                "was loaded, so nothing was saved."
            ),
            code="stale",
        )
        self.changed = changed
        self.version = version


def _transition(project: Project, target: str) -> None:
    transition_check(current=project.status, target=target, allowed=PROJECT_TRANSITIONS, labels=LABELS)


def _locked(project: Project) -> Project:
    return Project.objects.select_for_update().select_related("edition", "owner").get(pk=project.pk)


def _deadline_error(project: Project) -> ValidationError:
    return ValidationError(
        _("The deadline (%(deadline)s) has passed: the application can no longer be changed or submitted.")
        % {"deadline": edition_datetime(project.deadline, project.edition)},
        code="deadline_passed",
    )


def _require_editable(actor: User, project: Project, now: datetime) -> None:
    if not rules.is_owner(actor, project):
        raise PermissionDenied
    if project.status != ProjectStatus.DRAFT:
        raise ValidationError(
            _("This application is “%(status)s” and cannot be changed. Reopen it as a draft first.")
            % {"status": project.get_status_display()},
            code="not_draft",
        )
    if not rules.before_deadline(project, now):
        raise _deadline_error(project)


def project_create(*, actor: User, edition: Edition, now: datetime | None = None) -> Project:
    now = now or timezone.now()
    if not actor.is_authenticated:
        raise PermissionDenied
    if actor.email_confirmed_at is None:
        raise ValidationError(
            _("Please confirm your email address before starting an application."), code="unconfirmed"
        )
    if not edition.submissions_are_open(now):
        raise ValidationError(_("Applications for this edition are not open."), code="closed")
    with transaction.atomic():
        project = Project.objects.create(
            edition=edition,
            owner=actor,
            organisation_name=actor.organisation,
            country=actor.country if actor.country in edition.eligible_countries else "",
        )
        audit_log(actor=actor, action="project.created", target=project, edition=edition)
    return project


def _check_values(values: dict[str, Any]) -> dict[str, list]:
    errors: dict[str, list] = {}
    start, end = values.get("start_date"), values.get("end_date")
    if start and end and end < start:
        errors["end_date"] = [_("The end date cannot be before the start date.")]
    budget = values.get("budget_eur")
    if budget is not None and Decimal(budget) < 0:
        errors["budget_eur"] = [_("The budget cannot be negative.")]
    category = values.get("category")
    edition_id = values.get("edition_id")
    if category is not None and edition_id is not None and category.edition_id != edition_id:
        errors["category"] = [_("Choose one of this edition's categories.")]
    return errors


def project_update(
    *,
    actor: User,
    project: Project,
    changes: dict[str, Any],
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Project:
    """Save part of a draft. Only the given fields change; a check that fails leaves the
    stored application exactly as it was.

    Optimistic locking: with `expected_version` (the version the form or the API client last
    read), the save applies only if the stored application is still at that version, compared
    under the row lock and bumped in the same transaction; otherwise StaleApplicationError names
    the fields that differ and nothing is written. Without it (an API client that sends no
    version) the save applies as before; every save bumps the version all the same."""
    now = now or timezone.now()
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    with transaction.atomic():
        project = _locked(project)
        _require_editable(actor, project, now)
        # Compare-and-increment in one UPDATE, as score_save does: it holds on every database,
        # SQLite included, where the row lock above is a no-op. Every write of the team's fields
        # (and of the team) bumps the version, so a successful UPDATE also means that what was
        # read above is still what is stored. A refused save below rolls the bump back.
        stored = Project.objects.filter(pk=project.pk)
        if expected_version is not None:
            stored = stored.filter(version=expected_version)
        if not stored.update(version=F("version") + 1):
            current = Project.objects.get(pk=project.pk)
            changed = [name for name in EDITABLE_FIELDS if name in changes and changes[name] != getattr(current, name)]
            raise StaleApplicationError(changed=changed, version=current.version)
        errors = length_errors(Project, {name: value for name, value in changes.items() if name in TEXT_FIELDS})
        merged = {name: getattr(project, name) for name in EDITABLE_FIELDS}
        merged.update(changes)
        merged["edition_id"] = project.edition_id
        for name, messages in _check_values(merged).items():
            errors.setdefault(name, []).extend(messages)
        if errors:
            raise ValidationError(errors)
        for name, value in changes.items():
            setattr(project, name, value)
        project.save(update_fields=[*changes, "updated_at"])
        project.refresh_from_db(fields=["version"])
    return project


def project_team_replace(
    *, actor: User, project: Project, members: Iterable[dict[str, Any]], now: datetime | None = None
) -> list[TeamMember]:
    now = now or timezone.now()
    with transaction.atomic():
        project = _locked(project)
        _require_editable(actor, project, now)
        members = [member for member in members if member.get("name")]
        errors = {}
        for index, member in enumerate(members):
            for key, messages in length_errors(
                TeamMember, {k: member.get(k) for k in ("name", "role", "email")}
            ).items():
                errors[f"team-{index}-{key}"] = messages
        if errors:
            raise ValidationError(errors)
        project.team.all().delete()
        created = TeamMember.objects.bulk_create(
            TeamMember(
                project=project,
                name=member["name"],
                role=member.get("role", ""),
                email=member.get("email", ""),
                position=index,
            )
            for index, member in enumerate(members)
        )
        # The team is part of the application: a stale copy of the form must not replace it either.
        Project.objects.filter(pk=project.pk).update(version=F("version") + 1)
    return created


def attachment_add(*, actor: User, project: Project, upload: UploadedFile, now: datetime | None = None) -> Attachment:
    now = now or timezone.now()
    content_type, extension = attachment_validate(upload)
    with transaction.atomic():
        # The project row lock serialises concurrent uploads, so the count limit holds.
        project = _locked(project)
        _require_editable(actor, project, now)
        limit = attachment_max_count()
        if project.attachments.count() >= limit:
            raise ValidationError(
                _("An application may have at most %(limit)s attachments. Remove one before adding another.")
                % {"limit": limit},
                code="too_many",
            )
        attachment = Attachment(
            project=project,
            original_name=upload.name[:255],
            content_type=content_type,
            size=upload.size,
        )
        # The stored name is random (see attachment_upload_to) with the sniffed extension.
        attachment.file.save("upload" + extension, upload, save=False)
        attachment.save()
    return attachment


def attachment_delete(*, actor: User, attachment: Attachment, now: datetime | None = None) -> None:
    now = now or timezone.now()
    with transaction.atomic():
        project = _locked(attachment.project)
        _require_editable(actor, project, now)
        file = attachment.file
        attachment.delete()
        transaction.on_commit(lambda: file.storage.delete(file.name))


def project_missing(project: Project) -> dict[str, list]:
    """Every problem that stops submission, by field, so that the form shows them all at once."""
    errors: dict[str, list] = {}
    required = _("This field is required to submit.")
    for name in REQUIRED_FIELDS:
        value = getattr(project, name if name != "category" else "category_id")
        if value in (None, ""):
            errors[name] = [required]
    if not project.consent_rules:
        errors["consent_rules"] = [_("You must accept the rules of the award to submit.")]
    if not project.consent_privacy:
        errors["consent_privacy"] = [_("You must consent to the processing of personal data to submit.")]
    edition = project.edition
    if project.country and project.country not in edition.eligible_countries:
        errors.setdefault("country", []).append(_("Organisations from this country are not eligible in this edition."))
    if project.organisation_type and project.organisation_type not in edition.eligible_organisation_types:
        errors.setdefault("organisation_type", []).append(
            _("This type of organisation is not eligible in this edition.")
        )
    values = {name: getattr(project, name) for name in EDITABLE_FIELDS}
    # A text stored before its limit applied is kept, but the organisers get it within the limit.
    for name, messages in length_errors(Project, {name: values[name] for name in TEXT_FIELDS}).items():
        errors.setdefault(name, []).extend(messages)
    values["edition_id"] = project.edition_id
    for name, messages in _check_values(values).items():
        errors.setdefault(name, []).extend(messages)
    return errors


def _reference_number(reference: str) -> int:
    tail = reference.rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def _references_in_use(edition: Edition) -> set[int]:
    """The numbers of the edition's references that carry its own prefix and year."""
    references = Project.objects.filter(
        edition=edition, reference__startswith=f"{edition.reference_prefix}-{edition.year}-"
    ).values_list("reference", flat=True)
    return {_reference_number(r) for r in references}


def _reference_format(edition: Edition, number: int) -> str:
    return f"{edition.reference_prefix}-{edition.year}-{number:04d}"


def _reference_next(edition: Edition) -> str:
    # The UPDATE takes the edition row's lock until commit, so two submissions never get the
    # same number and a number is never reused.
    Edition.objects.filter(pk=edition.pk).update(reference_counter=F("reference_counter") + 1)
    edition = Edition.objects.only("reference_prefix", "year", "reference_counter").get(pk=edition.pk)
    number = edition.reference_counter
    if Project.objects.filter(edition=edition, reference=_reference_format(edition, number)).exists():
        # The counter lags behind references written without it (a restore, a script): still
        # under the lock, take the next free number and move the counter there, instead of
        # failing this submission, and every later one, on the unique constraint.
        in_use = _references_in_use(edition)
        while number in in_use:
            number += 1
        Edition.objects.filter(pk=edition.pk).update(reference_counter=number)
    return _reference_format(edition, number)


def edition_reference_counter_sync(*, edition: Edition) -> int:
    """Move the edition's reference counter up to the highest reference in use (never down),
    for code that writes references itself (restore from a backup, the demo). Returns it."""
    with transaction.atomic():
        counter = Edition.objects.select_for_update().values_list("reference_counter", flat=True).get(pk=edition.pk)
        counter = max([counter, *_references_in_use(edition)])
        Edition.objects.filter(pk=edition.pk).update(reference_counter=counter)
    edition.reference_counter = counter
    return counter


def project_submit(*, actor: User, project: Project, status_url: str = "", now: datetime | None = None) -> Project:
    now = now or timezone.now()
    with transaction.atomic():
        project = _locked(project)
        if not rules.is_owner(actor, project):
            raise PermissionDenied
        _transition(project, ProjectStatus.SUBMITTED)
        if not rules.before_deadline(project, now):
            raise _deadline_error(project)
        if actor.email_confirmed_at is None:
            raise ValidationError(_("Please confirm your email address before submitting."), code="unconfirmed")
        errors = project_missing(project)
        if errors:
            raise ValidationError(errors)
        if not project.reference:
            project.reference = _reference_next(project.edition)
        project.status = ProjectStatus.SUBMITTED
        project.submitted_at = now
        project.save(update_fields=["reference", "status", "submitted_at", "updated_at"])
        audit_log(actor=actor, action="project.submitted", target=project, edition=project.edition)
        project_submitted.send(sender=Project, project=project, status_url=status_url)
    return project


def project_reopen(
    *, actor: User, project: Project, until: datetime | None = None, reason: str = "", now: datetime | None = None
) -> Project:
    """Back to draft. The team may do it before the deadline; after it only an organiser
    may, optionally giving the team until `until` to submit again (audited)."""
    now = now or timezone.now()
    with transaction.atomic():
        project = _locked(project)
        organiser = is_organiser(actor, project.edition)
        if not organiser and not rules.is_owner(actor, project):
            raise PermissionDenied
        _transition(project, ProjectStatus.DRAFT)
        if organiser and not rules.is_owner(actor, project):
            if until is not None and until <= now:
                raise ValidationError({"until": [_("Choose a moment in the future.")]})
            project.reopened_until = until
            project.status = ProjectStatus.DRAFT
            project.save(update_fields=["status", "reopened_until", "updated_at"])
            audit_log(
                actor=actor,
                action="project.reopened",
                target=project,
                edition=project.edition,
                data={"until": until.isoformat() if until else None, "reason": reason},
            )
            return project
        if not rules.before_deadline(project, now):
            raise _deadline_error(project)
        project.status = ProjectStatus.DRAFT
        project.save(update_fields=["status", "updated_at"])
        audit_log(actor=actor, action="project.reopened_by_team", target=project, edition=project.edition)
    return project


def project_withdraw(*, actor: User, project: Project) -> Project:
    with transaction.atomic():
        project = _locked(project)
        if not rules.is_owner(actor, project):
            raise PermissionDenied
        _transition(project, ProjectStatus.WITHDRAWN)
        previous = project.status
        project.status = ProjectStatus.WITHDRAWN
        project.save(update_fields=["status", "updated_at"])
        audit_log(
            actor=actor, action="project.withdrawn", target=project, edition=project.edition, data={"from": previous}
        )
    return project


def project_eligibility_set(
    *, actor: User, project: Project, eligible: bool, reason: str = "", status_url: str = ""
) -> Project:
    from submissions.tasks import eligibility_email_send

    reason = (reason or "").strip()
    with transaction.atomic():
        project = _locked(project)
        if not is_organiser(actor, project.edition):
            raise PermissionDenied
        target = ProjectStatus.ELIGIBLE if eligible else ProjectStatus.INELIGIBLE
        _transition(project, target)
        if not eligible and not reason:
            raise ValidationError({"reason": [_("Give the reason why the application is not eligible.")]})
        errors = length_errors(Project, {"ineligibility_reason": reason}, keys={"ineligibility_reason": "reason"})
        if errors:
            raise ValidationError(errors)
        previous = project.status
        project.status = target
        project.ineligibility_reason = "" if eligible else reason
        project.save(update_fields=["status", "ineligibility_reason", "updated_at"])
        audit_log(
            actor=actor,
            action="project.eligibility",
            target=project,
            edition=project.edition,
            data={"from": previous, "to": target, "reason": reason},
        )
        project_id = project.pk
        transaction.on_commit(lambda: eligibility_email_send.enqueue(project_id=project_id, status_url=status_url))
    return project


def projects_eligibility_set(
    *,
    actor: User,
    projects: Iterable[Project],
    eligible: bool,
    reason: str = "",
    status_url_for: Callable[[Project], str] | None = None,
) -> tuple[list[Project], list[tuple[Project, str]]]:
    """Bulk screening: the same decision and reason for many applications, each one through
    project_eligibility_set (so each gets its own audit entry and its team its own email, in the
    team's language, after commit). An application that cannot take the decision (withdrawn,
    reopened as a draft, already decided so) is skipped with the reason and the others go ahead.
    Returns (changed, skipped)."""
    reason = (reason or "").strip()
    if not eligible and not reason:
        raise ValidationError({"reason": [_("Give the reason why the application is not eligible.")]})
    errors = length_errors(Project, {"ineligibility_reason": reason}, keys={"ineligibility_reason": "reason"})
    if errors:
        raise ValidationError(errors)
    target = ProjectStatus.ELIGIBLE if eligible else ProjectStatus.INELIGIBLE
    changed: list[Project] = []
    skipped: list[tuple[Project, str]] = []
    with transaction.atomic():
        for project in projects:
            if project.status == target:
                skipped.append((project, str(_("It already has this decision."))))
                continue
            try:
                # A savepoint each: a refused application leaves the others' decisions standing.
                with transaction.atomic():
                    changed.append(
                        project_eligibility_set(
                            actor=actor,
                            project=project,
                            eligible=eligible,
                            reason=reason,
                            status_url=status_url_for(project) if status_url_for else "",
                        )
                    )
            except ValidationError as error:
                skipped.append((project, " ".join(error.messages)))
    return changed, skipped
