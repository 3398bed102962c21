"""The ranked ballots' data. Imported by scoring.models (the app's models module)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from award.models import Category, Round
from submissions.models import Project


class Ballot(models.Model):
    """One panel member's ranking of a category's finalists in a ranked final round."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="ballots", verbose_name=_("round"))
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="ballots", verbose_name=_("category"))
    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ballots", verbose_name=_("juror")
    )
    cast_at = models.DateTimeField(_("cast at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("ranked ballot")
        verbose_name_plural = _("ranked ballots")
        constraints = [
            models.UniqueConstraint(fields=["round", "category", "juror"], name="ballot_unique_per_juror"),
        ]

    def __str__(self) -> str:
        return f"{self.juror} · {self.category} · {self.round}"


class BallotEntry(models.Model):
    """A finalist's place on a ballot: 1 is the best; equal places are a tie within the ballot."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="entries", verbose_name=_("ballot"))
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="ballot_entries", verbose_name=_("project")
    )
    rank = models.PositiveSmallIntegerField(_("place"))

    class Meta:
        verbose_name = _("ballot place")
        verbose_name_plural = _("ballot places")
        constraints = [
            models.UniqueConstraint(fields=["ballot", "project"], name="ballot_entry_unique_per_project"),
            models.CheckConstraint(condition=Q(rank__gte=1), name="ballot_entry_rank_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.rank}"
