"""Data protection: export an applicant's data, delete an account, anonymise an edition.

Decisions (see README, "Data protection"):

* A User row is never deleted. Projects keep their owner (PROTECT) and jury assignments
  keep their juror (CASCADE would take the scores with them), so deleting an account
  anonymises the row instead: the email becomes ``deleted-<id>@invalid``, names and
  organisation are cleared, the password is unusable and the account inactive. A juror's
  scores therefore stay, attached to an anonymous juror, and every statistic still adds up.
* Draft applications of a deleted account are deleted with their files. Other applications
  are withdrawn while the edition is still taking or judging them, and anonymised: contact
  and free-text fields, team members and attachments go; category, country, organisation
  type, budget, status, reference and scores stay. Winning projects (a Result of kind winner
  or special award) keep their published title and organisation.
* This module may not import scoring; results are read through ``Project.awards``.
"""

import io
import json
import re
import shutil
import zipfile
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from award.models import AuditEntry, Edition, EmailLog, User
from award.services import audit_log
from submissions.enums import PROJECT_TRANSITIONS, ProjectStatus
from submissions.models import Attachment, Project, TeamMember
from submissions.services import EDITABLE_FIELDS

# Result kinds (scoring.enums.ResultKind) that make a project a winner; kept as strings
# because submissions may not import scoring.
WINNING_RESULT_KINDS = ("winner", "special")

# Project fields cleared when an application is anonymised. Category, country, organisation
# type, budget, dates, status and reference stay for the statistics.
ANONYMISED_TEXT_FIELDS = [
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
    "ineligibility_reason",
]
# What a winning project keeps: its published name and organisation.
WINNER_PUBLIC_FIELDS = {"title", "organisation_name"}

EXPORT_USER_FIELDS = ["id", "email", "first_name", "last_name", "organisation", "country", "language"]
# Everything the team typed (the category is exported by name separately), plus the server's facts.
EXPORT_PROJECT_FIELDS = [
    "id",
    "reference",
    "status",
    *(field for field in EDITABLE_FIELDS if field != "category"),
    "submitted_at",
    "created_at",
    "updated_at",
]


def _jsonable(value):
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _safe_name(name: str) -> str:
    cleaned = re.sub(r"[^\w.\- ]+", "_", name).strip(" .") or "file"
    return cleaned[:120]


def user_projects(user: User) -> QuerySet[Project]:
    return (
        Project.objects.filter(owner=user)
        .select_related("edition", "category")
        .prefetch_related("team", "attachments")
        .order_by("id")
    )


def user_data_export(*, actor: User) -> bytes:
    """A zip with ``data.json`` (profile, projects, team members, attachment list) and the
    attachment files of the actor's own projects. Nothing of anyone else goes in."""
    projects = []
    files: list[tuple[str, Attachment]] = []
    for project in user_projects(actor):
        record = {field: _jsonable(getattr(project, field)) for field in EXPORT_PROJECT_FIELDS}
        record["edition"] = project.edition.name
        record["category"] = project.category.name if project.category else None
        record["team"] = [
            {"name": m.name, "role": m.role, "email": m.email, "is_contact": m.is_contact} for m in project.team.all()
        ]
        record["attachments"] = []
        for attachment in project.attachments.all():
            path = f"attachments/{project.pk}/{attachment.pk}-{_safe_name(attachment.original_name)}"
            record["attachments"].append(
                {
                    "name": attachment.original_name,
                    "content_type": attachment.content_type,
                    "size": attachment.size,
                    "uploaded_at": _jsonable(attachment.uploaded_at),
                    "path_in_zip": path,
                }
            )
            files.append((path, attachment))
        projects.append(record)
    data = {
        "exported_at": timezone.now().isoformat(),
        "profile": {field: _jsonable(getattr(actor, field)) for field in EXPORT_USER_FIELDS}
        | {"date_joined": _jsonable(actor.date_joined), "email_confirmed_at": _jsonable(actor.email_confirmed_at)},
        "projects": projects,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2))
        for path, attachment in files:
            # Attachments are PDFs and images, compressed already: stored as they are, copied
            # in chunks (deflating them again took most of the time and saved nothing).
            info = zipfile.ZipInfo(path, date_time=timezone.localtime(attachment.uploaded_at).timetuple()[:6])
            info.compress_type = zipfile.ZIP_STORED
            try:
                with attachment.file.open("rb") as handle, archive.open(info, "w") as target:
                    shutil.copyfileobj(handle, target, 1024 * 1024)
            except OSError:
                continue  # a missing file is listed in data.json but cannot be included
    with transaction.atomic():
        audit_log(actor=actor, action="account.data_exported", target=actor)
    return buffer.getvalue()


def is_winner(project: Project) -> bool:
    return project.awards.filter(kind__in=WINNING_RESULT_KINDS).exists()


def _attachments_delete(attachments) -> None:
    for attachment in list(attachments):
        name = attachment.file.name
        storage = attachment.file.storage
        attachment.delete()
        if name:
            transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))


def project_anonymise(*, project: Project, keep_public: bool = False) -> None:
    """Blank the personal and free-text data of one project, its team and files.
    Call inside a transaction; the caller audits."""
    fields = [f for f in ANONYMISED_TEXT_FIELDS if not (keep_public and f in WINNER_PUBLIC_FIELDS)]
    for field in fields:
        setattr(project, field, "")
    project.save(update_fields=[*fields, "updated_at"])
    TeamMember.objects.filter(project=project).update(name="", role="", email="")
    _attachments_delete(project.attachments.all())


def open_applications(user: User) -> QuerySet[Project]:
    """Applications that deleting the account would withdraw: sent in, not yet decided."""
    return Project.objects.filter(
        owner=user, status__in=[ProjectStatus.SUBMITTED, ProjectStatus.ELIGIBLE]
    ).select_related("edition")


def account_delete(*, actor: User, password: str) -> None:
    """Delete the actor's account after checking their password (see module docstring)."""
    if not password or not actor.check_password(password):
        raise ValidationError({"password": _("The password is not correct.")})
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=actor.pk)
        withdrawn = anonymised = drafts = 0
        for project in Project.objects.select_for_update().filter(owner=user).order_by("id"):
            if project.status == ProjectStatus.DRAFT:
                _attachments_delete(project.attachments.all())
                project.delete()
                drafts += 1
                continue
            if ProjectStatus.WITHDRAWN in PROJECT_TRANSITIONS.get(project.status, set()):
                previous = project.status
                project.status = ProjectStatus.WITHDRAWN
                project.save(update_fields=["status", "updated_at"])
                audit_log(
                    actor=None,
                    action="project.withdrawn",
                    target=project,
                    edition=project.edition,
                    data={"from": previous, "reason": "account_deleted"},
                )
                withdrawn += 1
            project_anonymise(project=project, keep_public=is_winner(project))
            anonymised += 1
        user_anonymise(user=user)
        audit_log(
            actor=None,
            action="account.deleted",
            target=user,
            data={"drafts_deleted": drafts, "withdrawn": withdrawn, "anonymised": anonymised},
        )


def _scrubbed(value, replacements: list[tuple[re.Pattern, str]]):
    """`value` (JSON data) with every string's mentions of a person replaced."""
    if isinstance(value, str):
        for pattern, replacement in replacements:
            value = pattern.sub(replacement, value)
        return value
    if isinstance(value, list):
        return [_scrubbed(item, replacements) for item in value]
    if isinstance(value, dict):
        return {key: _scrubbed(item, replacements) for key, item in value.items()}
    return value


def audit_entries_scrub(*, names: list[str], replacement: str) -> int:
    """Replace a person's email address and full name in every audit entry's object name and
    details (a juror's address in an invitation, "Name – project (round)" of an assignment).
    The entries stay: what happened is kept, who it was is not. Returns the entries changed."""
    names = sorted({n for n in names if n and len(n) >= 3}, key=len, reverse=True)
    if not names:
        return 0
    query = Q()
    for name in names:
        # Details are stored as JSON text; SQLite keeps non-ASCII characters \u-escaped there.
        for form in {name, json.dumps(name)[1:-1]}:
            query |= Q(target_repr__icontains=form) | Q(data__icontains=form)
    # Whole names and addresses only: juror@example.org is not other.juror@example.org.
    replacements = [
        (re.compile(r"(?<![\w.+-])" + re.escape(name) + r"(?![\w-]|\.\w)", re.IGNORECASE), replacement)
        for name in names
    ]
    changed = []
    for entry in AuditEntry.objects.filter(query).only("id", "target_repr", "data"):
        target_repr = _scrubbed(entry.target_repr, replacements)[:255]
        data = _scrubbed(entry.data, replacements)
        if (target_repr, data) != (entry.target_repr, entry.data):
            entry.target_repr, entry.data = target_repr, data
            changed.append(entry)
    AuditEntry.objects.bulk_update(changed, ["target_repr", "data"], batch_size=500)
    return len(changed)


def team_memberships_scrub(*, email: str) -> int:
    """Blank the rows that name this address as a team member of anyone's application."""
    if not email:
        return 0
    return TeamMember.objects.filter(email__iexact=email).update(name="", role="", email="")


def user_anonymise(*, user: User) -> None:
    # What names this person elsewhere, read before it goes: team rows on other people's
    # applications and audit entries' object names and details.
    old_names = [user.email, user.get_full_name()]
    team_memberships_scrub(email=user.email)
    old_email = user.email
    user.email = f"deleted-{user.pk}@invalid"
    user.first_name = ""
    user.last_name = ""
    user.organisation = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    user.api_tokens.all().delete()
    EmailLog.objects.filter(recipient__iexact=old_email).update(recipient=user.email)
    # Older audit entries about this account name it in target_repr; the entries stay, the name goes.
    AuditEntry.objects.filter(target_type=user._meta.label_lower, target_id=str(user.pk)).update(
        target_repr=str(user)[:255]
    )
    audit_entries_scrub(names=old_names, replacement=str(user))
    if hasattr(user, "two_factor"):
        user.two_factor.delete()
    # Sessions: the user is inactive, so ModelBackend refuses every existing session.


class RetentionNotOver(ValidationError):
    pass


def retention_ends_at(edition: Edition) -> datetime | None:
    if edition.ceremony_at is None:
        return None
    return edition.ceremony_at + timedelta(days=edition.retention_days)


def edition_anonymise_candidates(edition: Edition) -> QuerySet[Project]:
    return (
        Project.objects.filter(edition=edition).exclude(awards__kind__in=WINNING_RESULT_KINDS).order_by("id").distinct()
    )


def edition_anonymise(
    *, actor: User | None, edition: Edition, force: bool = False, dry_run: bool = False, now: datetime | None = None
) -> list[Project]:
    """Anonymise every non-winning application of an edition once its retention period is
    over (``force`` skips that check). Returns the projects concerned; ``dry_run`` changes nothing."""
    now = now or timezone.now()
    ends = retention_ends_at(edition)
    if not force and (ends is None or now < ends):
        raise RetentionNotOver(
            _("The retention period of this edition is not over yet; use --force to anonymise anyway."),
            code="retention_not_over",
        )
    projects = list(edition_anonymise_candidates(edition))
    if dry_run:
        return projects
    with transaction.atomic():
        for project in projects:
            project_anonymise(project=project)
        # Who got which email is of no use once the retention period is over.
        EmailLog.objects.filter(edition=edition).delete()
        audit_log(
            actor=actor,
            action="edition.anonymised",
            target=edition,
            edition=edition,
            data={"projects": len(projects), "forced": force},
        )
    return projects
