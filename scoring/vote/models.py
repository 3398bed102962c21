"""The public vote's data. Imported by scoring.models (the app's models module).

Privacy by construction: the email address is not kept. A vote request holds it only until its
confirmation email is sent (`email_pending`, blanked by the task that sends it; an unconfirmed
request is deleted after a day), so that the task queue's table never holds it: the task gets the
vote's id. (If the email fails, the email log keeps the address only until its retries end, and
its row shows only the domain.) A vote keeps a keyed hash of it
(HMAC-SHA256 with the vote's own secret, so the same address always gives the same hash within
this vote and nothing outside it), the address's domain (for the fraud report), and the network
and browser signature, which the purge (scoring/vote/privacy.py) deletes on schedule."""

import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from award.limits import MEDIUM_TEXT
from award.models import Category, Edition
from scoring.vote.enums import Standing, VoteStatus
from submissions.models import Project


def _new_secret() -> str:
    return secrets.token_hex(32)


class PublicVote(models.Model):
    """An edition's audience vote: who stands, when, and the rules of one person, one vote."""

    edition = models.OneToOneField(
        Edition, on_delete=models.CASCADE, related_name="public_vote", verbose_name=_("edition")
    )
    standing = models.CharField(_("projects standing"), max_length=20, choices=Standing.choices)
    categories = models.ManyToManyField(
        Category, blank=True, related_name="+", verbose_name=_("categories (for every eligible project)")
    )
    opens_at = models.DateTimeField(_("voting opens"))
    closes_at = models.DateTimeField(_("voting closes"))
    per_category = models.BooleanField(_("one vote per category (otherwise one vote in total)"), default=True)
    changeable = models.BooleanField(_("a vote can be changed before the close"), default=False)
    max_per_network = models.PositiveIntegerField(_("votes per network per hour"), default=30)
    max_requests_per_address = models.PositiveIntegerField(_("vote requests per address per hour"), default=5)
    difficulty = models.PositiveSmallIntegerField(_("bot check difficulty (bits of proof-of-work)"), default=16)
    min_seconds = models.PositiveSmallIntegerField(_("least seconds on the page before voting"), default=3)
    network_retention_days = models.PositiveIntegerField(
        _("days network data is kept after the results are published"), default=30
    )
    # The HMAC key of the voters' hashes: per vote, never shown, deleted with the vote.
    secret = models.CharField(max_length=64, default=_new_secret, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("public vote")
        verbose_name_plural = _("public votes")
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="public_vote_window_ordered"),
            models.CheckConstraint(condition=Q(difficulty__lte=28), name="public_vote_difficulty_bounded"),
        ]

    def __str__(self) -> str:
        return str(self.edition)

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at


class Vote(models.Model):
    poll = models.ForeignKey(PublicVote, on_delete=models.CASCADE, related_name="votes", verbose_name=_("public vote"))
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+", verbose_name=_("project"))
    # The category's pk with one vote per category, 0 with one vote in total: the unique
    # constraint below needs a non-null column.
    scope = models.PositiveBigIntegerField(_("scope"))
    voter_hash = models.CharField(_("voter (keyed hash)"), max_length=64)
    email_domain = models.CharField(_("email domain"), max_length=255)
    # The address, only until the confirmation email is sent (scoring/vote/tasks.py blanks it).
    email_pending = models.EmailField(_("address awaiting its confirmation email"), max_length=254, blank=True)
    network = models.CharField(_("network"), max_length=64, blank=True)
    signature = models.CharField(_("browser signature"), max_length=64, blank=True)
    page_seen = models.BooleanField(_("voting page opened"), default=False)
    challenge = models.CharField(max_length=64, unique=True)
    status = models.CharField(_("status"), max_length=20, choices=VoteStatus.choices, default=VoteStatus.PENDING)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    void_reason = models.TextField(_("reason for voiding"), max_length=MEDIUM_TEXT, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        indexes = [
            models.Index(fields=["poll", "status", "project"], name="vote_poll_status_project"),
            models.Index(fields=["poll", "network", "created_at"], name="vote_poll_network_time"),
            models.Index(fields=["poll", "voter_hash", "created_at"], name="vote_poll_voter_time"),
        ]
        constraints = [
            # One person, one vote: two concurrent confirmations of one address cannot both count.
            # (A hash deleted at the end of the retention period is "".)
            models.UniqueConstraint(
                fields=["poll", "scope", "voter_hash"],
                condition=Q(status="confirmed") & ~Q(voter_hash=""),
                name="vote_one_confirmed_per_voter_and_scope",
            ),
            models.CheckConstraint(condition=~Q(status="void") | ~Q(void_reason=""), name="vote_void_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.project} ({self.get_status_display()})"
