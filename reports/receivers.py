"""Reactions to the applicant side: submissions cannot import reports, so it sends a signal
and looks PDF renderers and job starters up in registries that this module fills."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from reports.applications import application_summary_pdf
from reports.services import dossier_start
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
    with translation.override(language):
        context = {"project": project, "user": owner, "status_url": status_url}
        subject = render_to_string("submissions/email/submitted_subject.txt", context).strip()
        body = render_to_string("submissions/email/submitted_body.txt", context)
    message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[owner.email])
    message.attach(f"{project.reference}.pdf", pdf, "application/pdf")
    message.send()


@receiver(project_submitted, dispatch_uid="reports.submission_confirmation")
def on_project_submitted(sender, project: Project, status_url: str = "", **kwargs) -> None:
    project_id = project.pk
    transaction.on_commit(lambda: submission_confirmation_send.enqueue(project_id=project_id, status_url=status_url))
