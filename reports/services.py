"""Writes of the reports app: issuing and revoking certificates, starting background jobs."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from award.enums import Role
from award.models import Category, Edition, EditionRole, User
from award.services import audit_log
from reports.enums import CertificateKind, ExportKind, JobStatus
from reports.models import Certificate, CertificateBatch, ExportJob, Job
from scoring.enums import ResultKind
from scoring.models import Result
from submissions.enums import ProjectStatus
from submissions.models import Project
from submissions.selectors import projects_for_dossier

KIND_ORDER = [
    CertificateKind.WINNER,
    CertificateKind.SPECIAL,
    CertificateKind.FINALIST,
    CertificateKind.PARTICIPANT,
    CertificateKind.JUROR,
]
_RESULT_KIND = {
    CertificateKind.WINNER: ResultKind.WINNER,
    CertificateKind.FINALIST: ResultKind.FINALIST,
    CertificateKind.SPECIAL: ResultKind.SPECIAL,
}


def _project_fields(project: Project) -> dict:
    return {
        "project": project,
        "category": project.category,
        "recipient_name": (project.organisation_name or project.owner.display_name)[:200],
        "project_title": project.title[:200],
        "reference": project.reference,
        "language": project.owner.language,
    }


def _recipients(edition: Edition, kind: str) -> list[dict]:
    """What each certificate of `kind` states, in print order (category, then reference)."""
    if kind in _RESULT_KIND:
        results = (
            Result.objects.filter(edition=edition, kind=_RESULT_KIND[kind])
            .select_related("project__owner", "project__category", "category")
            .order_by("category__position", "project__reference", "title", "id")
        )
        return [{**_project_fields(r.project), "category": r.category, "award_title": r.title[:200]} for r in results]
    if kind == CertificateKind.PARTICIPANT:
        projects = (
            Project.objects.filter(edition=edition, status=ProjectStatus.ELIGIBLE)
            .select_related("owner", "category")
            .order_by("category__position", "reference", "id")
        )
        return [{**_project_fields(p), "award_title": ""} for p in projects]
    roles = (
        EditionRole.objects.filter(edition=edition, role=Role.JUROR)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user_id")
    )
    return [
        {
            "juror": role.user,
            "recipient_name": role.user.display_name[:200],
            "language": role.user.language,
            "award_title": "",
        }
        for role in roles
    ]


# A project's certificates of one batch from the highest down: by default it gets the first of
# these that the batch includes and it earned (a winner is also a finalist and a participant).
LADDER = [CertificateKind.WINNER, CertificateKind.FINALIST, CertificateKind.PARTICIPANT]


@transaction.atomic
def certificates_issue(
    *, edition: Edition, kinds: Iterable[str], actor: User | None, every_level: bool = False
) -> list[Certificate]:
    """The valid certificates of `kinds`, creating the missing ones. A certificate that exists is
    returned as it is (same code, same statement): reprinting never invalidates a printed code.

    Unless `every_level`, a project gets only the highest of the winner's, finalist's and
    participant's certificates that the batch includes (special awards and jurors' thank-yous
    are never left out)."""
    kinds = [k for k in KIND_ORDER if k in set(kinds)]
    existing = {
        (c.kind, c.project_id, c.juror_id, c.award_title): c
        for c in Certificate.objects.filter(edition=edition, kind__in=kinds, revoked_at__isnull=True)
    }
    ordered: list[Certificate] = []
    created: list[Certificate] = []
    covered: set[int] = set()  # projects that already have a higher certificate in this batch
    for kind in kinds:
        ladder = kind in LADDER and not every_level
        for fields in _recipients(edition, kind):
            project, juror = fields.get("project"), fields.get("juror")
            if ladder and project.pk in covered:
                continue
            key = (kind, project.pk if project else None, juror.pk if juror else None, fields["award_title"])
            certificate = existing.get(key)
            if certificate is None:
                certificate = Certificate(edition=edition, kind=kind, **fields)
                created.append(certificate)
                existing[key] = certificate
            ordered.append(certificate)
        if ladder:
            covered.update(c.project_id for c in ordered if c.kind == kind)
    Certificate.objects.bulk_create(created)
    if created:
        audit_log(
            actor=actor, action="certificates.issued", edition=edition, data={"count": len(created), "kinds": kinds}
        )
    # Objects from bulk_create lack pk on some backends: read the batch back in print order.
    codes = [c.code for c in ordered]
    by_code = {
        c.code: c
        for c in Certificate.objects.filter(code__in=codes).select_related("edition", "category", "project", "juror")
    }
    return [by_code[code] for code in codes]


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, actor: User, reason: str) -> Certificate:
    if certificate.revoked_at is None:
        certificate.revoked_at = timezone.now()
        certificate.revoked_reason = reason
        certificate.save(update_fields=["revoked_at", "revoked_reason"])
        audit_log(
            actor=actor,
            action="certificate.revoked",
            target=certificate,
            edition=certificate.edition,
            data={"reason": reason},
        )
    return certificate


def certificate_batch_start(
    *, edition: Edition, kinds: Iterable[str], actor: User, base_url: str, every_level: bool = False
) -> CertificateBatch:
    from reports.tasks import certificate_batch_run

    kinds = [k for k in KIND_ORDER if k in set(kinds)]
    with transaction.atomic():
        batch = CertificateBatch.objects.create(
            edition=edition, created_by=actor, kinds=kinds, base_url=base_url, every_level=every_level
        )
        audit_log(
            actor=actor,
            action="certificates.batch_started",
            target=batch,
            edition=edition,
            data={"kinds": kinds, "every_level": every_level},
        )
        transaction.on_commit(lambda: certificate_batch_run.enqueue(batch_id=batch.pk))
    return batch


class CertificateEmailError(Exception):
    pass


# A certificate whose email was queued this long ago and is still not sent (its worker died, or
# every try of the email failed: award/emails.py retries for about 36 minutes) is queued again
# by the next press.
EMAIL_REQUEUE_AFTER = timedelta(hours=1)


@dataclass(frozen=True)
class CertificateEmailing:
    """What a press of "email the certificates" did: emails it queued, emails an earlier press
    queued that are still on their way (not queued twice), certificates emailed before."""

    queued: int
    waiting: int
    sent: int
    no_address: int = 0  # certificates whose recipient has no email address: printed, not emailed


def certificates_email(*, batch: CertificateBatch, actor: User) -> CertificateEmailing:
    """Queue one email per certificate of a finished batch (revoked ones left out) to its
    recipient, in the recipient's language, with the PDF attached and the verification link.
    Certificates already emailed, or whose email is already queued, are not queued again, so
    pressing twice (or the page and the API at once) sends each certificate once."""
    from reports.tasks import certificate_email_send

    if batch.status != JobStatus.DONE:
        raise CertificateEmailError(_("The certificates can be emailed once the batch is ready."))
    now = timezone.now()
    with transaction.atomic():
        # Two presses at once: the second waits here for the first's marks (PostgreSQL).
        CertificateBatch.objects.select_for_update().filter(pk=batch.pk).first()
        # The batch's certificates as it issued them (issuing again creates nothing new).
        certificates = certificates_issue(
            edition=batch.edition, kinds=batch.kinds, actor=actor, every_level=batch.every_level
        )
        unsent = [c for c in certificates if c.emailed_at is None]
        # Marks read under the lock (certificates_issue read them before it), with the address.
        marks = {
            pk: (queued, owner_email or juror_email)
            for pk, queued, owner_email, juror_email in Certificate.objects.filter(
                pk__in=[c.pk for c in unsent]
            ).values_list("pk", "email_queued_at", "project__owner__email", "juror__email")
        }
        no_address = {c.pk for c in unsent if not marks.get(c.pk, (None, ""))[1]}
        pending = [
            c.pk
            for c in unsent
            if c.pk not in no_address and (marks[c.pk][0] is None or marks[c.pk][0] < now - EMAIL_REQUEUE_AFTER)
        ]
        Certificate.objects.filter(pk__in=pending).update(email_queued_at=now)
        batch.emails_queued_at = now
        batch.save(update_fields=["emails_queued_at"])
        audit_log(
            actor=actor,
            action="certificates.emailed",
            target=batch,
            edition=batch.edition,
            data={"count": len(pending)},
        )
        base_url = batch.base_url
        transaction.on_commit(
            lambda: [certificate_email_send.enqueue(certificate_id=pk, base_url=base_url) for pk in pending]
        )
    return CertificateEmailing(
        queued=len(pending),
        waiting=len(unsent) - len(pending) - len(no_address),
        sent=len(certificates) - len(unsent),
        no_address=len(no_address),
    )


def export_start(
    *, edition: Edition, kind: str, actor: User, total: int = 0, category: Category | None = None
) -> ExportJob:
    """Queue an export; a dossier needs a category of `edition`, the other kinds take none."""
    from reports.tasks import export_run

    if kind not in ExportKind.values:
        raise ValueError(kind)
    if (kind == ExportKind.DOSSIER) != (category is not None):
        raise ValueError("a dossier, and only a dossier, is of one category")
    if category is not None and category.edition_id != edition.pk:
        raise ValueError("the category is not of this edition")
    with transaction.atomic():
        job = ExportJob.objects.create(
            edition=edition, created_by=actor, kind=kind, category=category, total=total, status=JobStatus.QUEUED
        )
        transaction.on_commit(lambda: export_run.enqueue(job_id=job.pk))
    return job


def dossier_start(*, edition: Edition, category: Category, actor: User) -> ExportJob:
    """The printable dossier of a category, rendered by a worker (it grows with the category)."""
    total = projects_for_dossier(edition, category.pk).count()
    return export_start(edition=edition, kind=ExportKind.DOSSIER, actor=actor, total=total, category=category)


def job_rerun(*, job: Job, actor: User) -> Job:
    """A new job with what the failed `job` was asked to do; certificates keep their codes."""
    if job.status != JobStatus.FAILED:
        raise ValueError("only a failed job is run again")
    if isinstance(job, CertificateBatch):
        return certificate_batch_start(
            edition=job.edition, kinds=job.kinds, actor=actor, base_url=job.base_url, every_level=job.every_level
        )
    if job.kind == ExportKind.DOSSIER:
        return dossier_start(edition=job.edition, category=job.category, actor=actor)
    return export_start(edition=job.edition, kind=job.kind, actor=actor, total=job.total)
