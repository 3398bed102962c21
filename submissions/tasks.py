"""Emails about applications, sent by the task worker after the change is committed."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from submissions.models import Project


@task()
def eligibility_email_send(*, project_id: int, status_url: str = "") -> None:
    project = Project.objects.select_related("edition", "owner").get(pk=project_id)
    owner = project.owner
    with translation.override(owner.language):
        context = {"project": project, "user": owner, "status_url": status_url}
        subject = render_to_string("submissions/email/eligibility_subject.txt", context).strip()
        body = render_to_string("submissions/email/eligibility_body.txt", context)
    EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[owner.email]).send()
