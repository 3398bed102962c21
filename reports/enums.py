from django.db import models
from django.utils.translation import gettext_lazy as _


class CertificateKind(models.TextChoices):
    WINNER = "winner", _("Winner")
    FINALIST = "finalist", _("Finalist")
    PARTICIPANT = "participant", _("Participant")
    SPECIAL = "special", _("Special award")
    JUROR = "juror", _("Thank-you to a juror")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class JobFailure(models.TextChoices):
    ERROR = "error", _("The job stopped with an error")
    WORKER_LOST = "worker_lost", _("The worker stopped responding")


class ExportKind(models.TextChoices):
    RANKING = "ranking", _("Ranking workbook")
    SCORE_MATRIX = "score_matrix", _("Score matrix")
    SCORE_MATRIX_BLIND = "score_matrix_blind", _("Score matrix for jurors (names hidden)")
    JUROR_PROGRESS = "juror_progress", _("Juror progress")
    APPLICATIONS = "applications", _("Applications list")
    DOSSIER = "dossier", _("Category dossier (PDF)")
