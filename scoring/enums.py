from django.db import models
from django.utils.translation import gettext_lazy as _


class AssignmentStatus(models.TextChoices):
    PENDING = "pending", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    RECUSED = "recused", _("Recused")


ASSIGNMENT_TRANSITIONS: dict[str, set[str]] = {
    AssignmentStatus.PENDING: {AssignmentStatus.IN_PROGRESS, AssignmentStatus.COMPLETED, AssignmentStatus.RECUSED},
    AssignmentStatus.IN_PROGRESS: {AssignmentStatus.COMPLETED, AssignmentStatus.RECUSED},
    # Reopening a finalised review is an organiser's action and is audited.
    AssignmentStatus.COMPLETED: {AssignmentStatus.IN_PROGRESS, AssignmentStatus.RECUSED},
    AssignmentStatus.RECUSED: {AssignmentStatus.PENDING},
}


class ConflictSource(models.TextChoices):
    AUTOMATIC = "automatic", _("Detected automatically")
    DECLARED = "declared", _("Declared by the juror")
    ORGANISER = "organiser", _("Set by an organiser")


class ResultKind(models.TextChoices):
    FINALIST = "finalist", _("Finalist")
    WINNER = "winner", _("Winner")
    SPECIAL = "special", _("Special award")


class SnapshotKind(models.TextChoices):
    FREEZE = "freeze", _("Round frozen")
    PUBLISH = "publish", _("Results published")
