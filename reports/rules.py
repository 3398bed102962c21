"""Permission predicates of the reports app."""

from award.models import User
from award.rules import is_organiser
from reports.enums import JobStatus
from reports.models import Job


def can_rerun_job(user: User, job: Job) -> bool:
    """A failed job may be run again by an organiser of its edition."""
    return job.status == JobStatus.FAILED and is_organiser(user, job.edition)
