"""Emails about applications, sent by the task worker after the change is committed."""

from django_tasks import task

from award.emails import email_send
from submissions.emails import ELIGIBLE, INELIGIBLE, application_values
from submissions.enums import ProjectStatus
from submissions.models import Project


@task()
def eligibility_email_send(*, project_id: int, status_url: str = "") -> None:
    project = Project.objects.select_related("edition", "owner").get(pk=project_id)
    owner = project.owner
    kind = ELIGIBLE if project.status == ProjectStatus.ELIGIBLE else INELIGIBLE
    email_send(
        kind=kind.key,
        edition=project.edition,
        to=owner.email,
        language=owner.language,
        values=application_values(project, language=owner.language, link=status_url),
        site_url=status_url,
    )
