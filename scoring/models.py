from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from award.limits import CITATION_TEXT, LONG_TEXT, MEDIUM_TEXT, SHORT_TEXT
from award.models import Category, Criterion, Edition, Round
from scoring.enums import AssignmentStatus, ConflictSource, ResultKind, SnapshotKind
from submissions.models import Project


class ConflictOfInterest(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="conflicts", verbose_name=_("edition"))
    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflicts", verbose_name=_("juror")
    )
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="conflicts", verbose_name=_("project"))
    source = models.CharField(_("source"), max_length=20, choices=ConflictSource.choices)
    reason = models.TextField(_("reason"), max_length=MEDIUM_TEXT, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.UniqueConstraint(fields=["juror", "project"], name="conflict_unique_per_juror_project"),
        ]

    def __str__(self) -> str:
        return f"{self.juror} ↔ {self.project}"


class BriefingAcknowledgement(models.Model):
    """A juror has read the edition's briefing (instructions, conflicts of interest, the rubric
    and how scores are combined); no score is saved before it (scoring.jury.briefing)."""

    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="briefing_acknowledgements", verbose_name=_("edition")
    )
    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="briefing_acknowledgements",
        verbose_name=_("juror"),
    )
    at = models.DateTimeField(_("acknowledged at"), default=timezone.now)

    class Meta:
        verbose_name = _("briefing acknowledgement")
        verbose_name_plural = _("briefing acknowledgements")
        constraints = [
            models.UniqueConstraint(fields=["juror", "edition"], name="briefing_acknowledged_once_per_edition"),
        ]

    def __str__(self) -> str:
        return f"{self.juror} – {self.edition}"


class Assignment(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("round"))
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("project")
    )
    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("juror")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=AssignmentStatus.choices, default=AssignmentStatus.PENDING
    )
    # Optimistic locking: every save of the scores bumps it; a save based on an older
    # version is refused instead of silently overwriting another tab's work.
    version = models.PositiveIntegerField(_("version"), default=0)
    overall_comment = models.TextField(_("overall comment"), max_length=LONG_TEXT, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round", "project", "juror"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["juror", "project", "round"], name="assignment_unique_per_juror_project_round"
            ),
            models.CheckConstraint(
                condition=~Q(status=AssignmentStatus.COMPLETED) | Q(finalised_at__isnull=False),
                name="assignment_completed_has_finalised_at",
            ),
        ]
        indexes = [models.Index(fields=["juror", "status"])]

    def __str__(self) -> str:
        return f"{self.juror} – {self.project} ({self.round})"

    @property
    def is_locked(self) -> bool:
        return self.status in {AssignmentStatus.COMPLETED, AssignmentStatus.RECUSED}


class Score(models.Model):
    """One value per criterion per assignment. The value's range is the criterion's and is
    enforced by a database trigger (see migration 0002), not only by forms."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="scores", verbose_name=_("assignment")
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="scores", verbose_name=_("criterion")
    )
    value = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    comment = models.TextField(_("comment"), max_length=LONG_TEXT, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["assignment", "criterion__position", "criterion_id"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="score_unique_per_assignment_criterion"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value}"


class Result(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="results", verbose_name=_("edition"))
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="results", verbose_name=_("category"))
    round = models.ForeignKey(
        Round, on_delete=models.SET_NULL, null=True, blank=True, related_name="results", verbose_name=_("round")
    )
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="awards", verbose_name=_("project"))
    kind = models.CharField(_("kind"), max_length=20, choices=ResultKind.choices)
    title = models.CharField(_("award title"), max_length=SHORT_TEXT, blank=True)
    # A special award's title in other languages (language code -> title), as the organisers
    # typed it; `title` is the default that every language without one falls back to.
    titles = models.JSONField(_("award title in other languages"), default=dict, blank=True)
    citation = models.TextField(_("citation"), max_length=CITATION_TEXT, blank=True)
    # The special award that the public vote gave (scoring/vote): its certificate is headed by
    # the award's title and says the public chose it, where another special award's says so.
    audience_prize = models.BooleanField(_("audience prize"), default=False)
    override_reason = models.TextField(_("reason for overriding the ranking"), max_length=MEDIUM_TEXT, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["edition", "category", "kind", "id"]
        verbose_name = _("result")
        verbose_name_plural = _("results")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "kind"],
                condition=~Q(kind=ResultKind.SPECIAL),
                name="result_unique_finalist_winner_per_project",
            ),
            models.UniqueConstraint(
                fields=["project", "title"],
                condition=Q(kind=ResultKind.SPECIAL),
                name="result_unique_special_award_title_per_project",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.project}"

    def title_in(self, language: str | None) -> str:
        """The award's title in `language`, else the default title."""
        return title_in(self.title, self.titles, language)


def title_in(title: str, titles: dict | None, language: str | None) -> str:
    """`titles[language]` when the organisers gave one, else `title`."""
    local = (titles or {}).get(language or "") if isinstance(titles, dict) else None
    return str(local).strip() if local and str(local).strip() else title


class FinalistRemoval(models.Model):
    """A finalist taken off the list against the ranking. The finalist's Result row is deleted
    (it is no longer a result), so the decision and its reason are kept here, for the ranking
    page and the workbook; the audit log records it as well."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="+", verbose_name=_("edition"))
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+", verbose_name=_("category"))
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+", verbose_name=_("round"))
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="finalist_removals", verbose_name=_("project")
    )
    reason = models.TextField(_("reason for overriding the ranking"), max_length=MEDIUM_TEXT)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    removed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["removed_at", "id"]
        verbose_name = _("finalist removal")
        verbose_name_plural = _("finalist removals")
        constraints = [
            # The statute allows departing from the ranking only with a stated reason.
            models.CheckConstraint(condition=~Q(reason=""), name="finalist_removal_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.project}: {self.reason}"


class RankingAnalysisCache(models.Model):
    """The round's calibrated analysis (scoring/ranking/analysis.py), stored so that a page view
    never refits, each category's computed ranking rows (parameters ending in ";rows") and the
    cross-category award's numbers per choice of criteria (parameters starting with "cross;").
    One row per round and parameters; ``key`` is a hash of the round's fingerprint (one aggregate
    over its reviews, scores, eligibility and rubric) with the engine version: a row whose key differs
    from the current one is stale and is recomputed (scoring/ranking/cache.py). A database row,
    not Django's cache: the cache here is per process and every gunicorn worker would refit."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+", verbose_name=_("round"))
    parameters = models.CharField(_("parameters"), max_length=100)
    key = models.CharField(_("key"), max_length=64)
    engine_version = models.CharField(_("engine version"), max_length=40)
    computed_at = models.DateTimeField(_("computed at"))
    payload = models.JSONField(_("payload"))

    class Meta:
        verbose_name = _("ranking analysis cache")
        verbose_name_plural = _("ranking analysis caches")
        constraints = [
            models.UniqueConstraint(fields=["round", "parameters"], name="ranking_cache_unique_per_round_parameters"),
        ]

    def __str__(self) -> str:
        return f"{self.round} [{self.parameters}]"


class ResultsSnapshot(models.Model):
    """The sealed numbers of a frozen round or of a publication (issue 15, item 9): the inputs'
    hash, the rubric, the method, the engine's version and parameters, and every number the
    organisers decided with or published, with the organiser's sign-off. Written once by
    ``scoring.results.seal`` and never changed: ``save`` refuses an update and ``delete`` refuses
    (the admin is read-only too); an unpublication and a new publication add a new snapshot.

    ``round`` is the frozen round (kind freeze) or None for an edition's publication, which seals
    every round of the edition. ``scores_hash`` is the sha256 of the canonical JSON of every
    counted review's values (see ``_legacy_ranking_v1.score_rows_hash``), ``payload_hash`` the
    sha256 of the canonical JSON of ``payload``."""

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="snapshots", verbose_name=_("edition"))
    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, null=True, blank=True, related_name="snapshots", verbose_name=_("round")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=SnapshotKind.choices)
    created_at = models.DateTimeField(_("sealed at"), default=timezone.now)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed off by"),
    )
    sign_off = models.TextField(_("sign-off"), max_length=MEDIUM_TEXT)
    engine_version = models.CharField(_("engine version"), max_length=40)
    method = models.CharField(_("method"), max_length=40)
    parameters = models.JSONField(_("parameters"), default=dict)
    rubric = models.JSONField(_("rubric"), default=list)
    scores_hash = models.CharField(_("hash of the score rows"), max_length=64)
    payload_hash = models.CharField(_("hash"), max_length=64, db_index=True)
    payload = models.JSONField(_("sealed numbers"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("results snapshot")
        verbose_name_plural = _("results snapshots")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=SnapshotKind.FREEZE) & Q(round__isnull=False))
                | (Q(kind=SnapshotKind.PUBLISH) & Q(round__isnull=True)),
                name="snapshot_round_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.edition} · {self.get_kind_display()} · {self.payload_hash[:12]}"

    @property
    def short_hash(self) -> str:
        return self.payload_hash[:12]

    def save(self, *args, **kwargs):
        if self.pk is not None or kwargs.get("force_update"):
            raise ValidationError(_("A sealed snapshot cannot be changed."), code="sealed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("A sealed snapshot cannot be deleted."), code="sealed")


class CeremonySponsor(models.Model):
    """A sponsor's or partner's slide in the ceremony, in the organisers' order: before a chosen
    category's slides, or after the title slide when no category is chosen. The logo is kept
    scaled down as a data: URL, so the offline copy of the presentation embeds it."""

    class Kind(models.TextChoices):
        SPONSOR = "sponsor", _("Sponsor")
        PARTNER = "partner", _("Partner")

    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="ceremony_sponsors", verbose_name=_("edition")
    )
    name = models.CharField(_("name"), max_length=SHORT_TEXT)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SPONSOR)
    logo = models.TextField(_("logo"), blank=True)
    before_category = models.ForeignKey(
        Category,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("shown before the category"),
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["edition", "position", "id"]
        verbose_name = _("sponsor or partner")
        verbose_name_plural = _("sponsors and partners")

    def __str__(self) -> str:
        return self.name


class CeremonyCue(models.Model):
    """The presenter's notes: for a category, who hands over its prize; for a project, how its
    names are pronounced and, for a special award, who hands it over."""

    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="ceremony_cues", verbose_name=_("edition")
    )
    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("category")
    )
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("project")
    )
    pronunciation = models.CharField(_("pronunciation note"), max_length=SHORT_TEXT, blank=True)
    handed_over_by = models.CharField(_("prize handed over by"), max_length=SHORT_TEXT, blank=True)

    class Meta:
        verbose_name = _("ceremony cue")
        verbose_name_plural = _("ceremony cues")
        constraints = [
            models.CheckConstraint(
                condition=Q(category__isnull=True, project__isnull=False)
                | Q(category__isnull=False, project__isnull=True),
                name="ceremony_cue_category_or_project",
            ),
            models.UniqueConstraint(fields=["edition", "category"], name="ceremony_cue_unique_category"),
            models.UniqueConstraint(fields=["edition", "project"], name="ceremony_cue_unique_project"),
        ]

    def __str__(self) -> str:
        return str(self.category or self.project)


from scoring.ballot.models import Ballot, BallotEntry  # noqa: E402, F401  (the ranked ballot's models)
from scoring.vote.models import PublicVote, Vote  # noqa: E402, F401  (the public vote's models live in their package)


class MeetingNote(models.Model):
    """The jury chair's notes on a project at the jury meeting, one per project per round."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+", verbose_name=_("round"))
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+", verbose_name=_("project"))
    text = models.TextField(_("notes"), max_length=LONG_TEXT, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("meeting note")
        verbose_name_plural = _("meeting notes")
        constraints = [models.UniqueConstraint(fields=["round", "project"], name="meeting_note_one_per_project")]

    def __str__(self) -> str:
        return f"{self.project}: {self.text[:40]}"


class MeetingVeto(models.Model):
    """The jury chair's veto of a decision (finalist, winner or special award), where the
    edition's statute gives the chair one (``Edition.chair_veto``). The vetoed result is removed;
    the veto is kept here and sealed with the results. Once per decision: the unique constraint
    lets the chair veto a decision (project, kind, award title) once, even when the jury records
    it again after the veto (in whichever round's meeting)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="+", verbose_name=_("edition"))
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+", verbose_name=_("category"))
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+", verbose_name=_("round"))
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+", verbose_name=_("project"))
    kind = models.CharField(_("kind"), max_length=20, choices=ResultKind.choices)
    title = models.CharField(_("award title"), max_length=SHORT_TEXT, blank=True)
    reason = models.TextField(_("reason for the veto"), max_length=MEDIUM_TEXT)
    vetoed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    vetoed_at = models.DateTimeField(_("vetoed at"), default=timezone.now)

    class Meta:
        ordering = ["vetoed_at", "id"]
        verbose_name = _("veto")
        verbose_name_plural = _("vetoes")
        constraints = [
            models.UniqueConstraint(fields=["project", "kind", "title"], name="meeting_veto_once_per_decision"),
            models.CheckConstraint(condition=~Q(reason=""), name="meeting_veto_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.project}: {self.kind}"
