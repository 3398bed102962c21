"""Reactions to the applicant side: submissions cannot import reports, so it sends a signal
and looks PDF renderers and job starters up in registries that this module fills."""

from django.db import transaction
from django.dispatch import receiver
from django.urls import reverse
from django_tasks import task

from award.emails import email_send
from reports.applications import application_summary_pdf
from reports.services import dossier_start
from submissions.emails import SUBMITTED, application_values
from submissions.models import Project
from submissions.signals import job_starter_register, pdf_renderer_register, project_submitted


def dossier_job_start(*, edition, category, actor) -> str:
    job = dossier_start(edition=edition, category=category, actor=actor)
    return reverse("reports:export", args=[edition.slug, job.pk])


pdf_renderer_register("application_summary", application_summary_pdf)
job_starter_register("application_dossier", dossier_job_start)


@task()
def submission_confirmation_send(*, project_id: int, status_url: str = "") -> None:
    project = Project.objects.select_related("edition", "category", "owner").get(pk=project_id)
    owner = project.owner
    language = owner.language
    pdf = application_summary_pdf(project, language=language)
    email_send(
        kind=SUBMITTED.key,
        edition=project.edition,
        to=owner.email,
        language=language,
        values=application_values(project, language=language, link=status_url),
        attachments=[(f"{project.reference}.pdf", pdf, "application/pdf")],
        site_url=status_url,
    )


@receiver(project_submitted, dispatch_uid="reports.submission_confirmation")
def on_project_submitted(sender, project: Project, status_url: str = "", **kwargs) -> None:
    project_id = project.pk
    transaction.on_commit(lambda: submission_confirmation_send.enqueue(project_id=project_id, status_url=status_url))
