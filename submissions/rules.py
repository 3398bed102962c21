"""Permission predicates for applications."""

from django.utils import timezone

from award.models import User
from award.rules import is_organiser
from submissions.enums import ProjectStatus
from submissions.models import Project


def is_owner(user: User, project: Project) -> bool:
    return user.is_authenticated and project.owner_id == user.pk


def before_deadline(project: Project, now=None) -> bool:
    return (now or timezone.now()) < project.deadline


def can_edit(user: User, project: Project, now=None) -> bool:
    return is_owner(user, project) and project.status == ProjectStatus.DRAFT and before_deadline(project, now)


def can_reopen_as_team(user: User, project: Project, now=None) -> bool:
    return is_owner(user, project) and project.status == ProjectStatus.SUBMITTED and before_deadline(project, now)


def can_withdraw(user: User, project: Project) -> bool:
    return is_owner(user, project) and project.status in {
        ProjectStatus.DRAFT,
        ProjectStatus.SUBMITTED,
        ProjectStatus.ELIGIBLE,
    }


def can_screen(user: User, project: Project) -> bool:
    return is_organiser(user, project.edition)


def can_view(user: User, project: Project) -> bool:
    return is_owner(user, project) or can_screen(user, project)
