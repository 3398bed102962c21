"""The briefing per edition (issue 18): the organisers' instructions, the conflict-of-interest
rules, the rubric and how scores are combined. A juror acknowledges it once per edition before
the first score; every score save checks it (scoring.jury.scores)."""

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from award.models import Edition, User
from award.rules import is_juror, require_organiser
from award.services import audit_log
from scoring.jury.errors import ScoringError
from scoring.models import BriefingAcknowledgement


def briefing_url(edition: Edition) -> str:
    return reverse("scoring:briefing", kwargs={"slug": edition.slug})


def briefing_acknowledged(juror: User, edition: Edition) -> bool:
    if not getattr(juror, "is_authenticated", False):
        return False
    return BriefingAcknowledgement.objects.filter(juror=juror, edition=edition).exists()


class BriefingRequired(ScoringError):
    """A score save before the juror acknowledged the edition's briefing (a 409; see award.errors)."""

    def __init__(self, edition: Edition):
        self.url = briefing_url(edition)
        super().__init__(
            _("Read and acknowledge the jury briefing before your first score: %(url)s"),
            code="briefing",
            params={"url": self.url},
        )


def require_briefing(juror: User, edition: Edition) -> None:
    if not briefing_acknowledged(juror, edition):
        raise BriefingRequired(edition)


def briefing_acknowledge(*, actor: User, edition: Edition, now=None) -> BriefingAcknowledgement:
    """Record that the juror has read the briefing; once per edition (a second call returns the
    first acknowledgement unchanged and writes no audit entry)."""
    if not is_juror(actor, edition):
        raise ScoringError(_("Only a juror of this edition can acknowledge its briefing."), code="forbidden")
    existing = BriefingAcknowledgement.objects.filter(juror=actor, edition=edition).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            ack = BriefingAcknowledgement.objects.create(juror=actor, edition=edition, at=now or timezone.now())
            audit_log(actor=actor, action="briefing.acknowledge", target=ack, edition=edition, data={})
    except IntegrityError:
        # A second tab acknowledged at the same moment: the unique constraint kept one row.
        return BriefingAcknowledgement.objects.get(juror=actor, edition=edition)
    return ack


def briefing_update(*, actor: User, edition: Edition, texts: dict[str, str]) -> Edition:
    """The organisers' instructions per language: `texts` maps a language code to its text."""
    require_organiser(actor, edition)
    fields = [f"juror_briefing_{code}" for code in texts]
    with transaction.atomic():
        before = {f: getattr(edition, f) for f in fields}
        for code, text in texts.items():
            setattr(edition, f"juror_briefing_{code}", (text or "").strip())
        # The original column keeps the English text (award.i18n.DefaultLanguageColumnMixin).
        edition.save(update_fields=[*fields, "juror_briefing"])
        changed = sorted(f for f in fields if (before[f] or "") != (getattr(edition, f) or ""))
        if changed:
            audit_log(
                actor=actor,
                action="edition.briefing_update",
                target=edition,
                edition=edition,
                data={"changed": changed},
            )
    return edition
