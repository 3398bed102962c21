"""The jury's emails: their kinds (placeholders and default texts) and their values."""

from __future__ import annotations

from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from award.emails import EmailKind, hello, kind_register, paragraphs, signature
from award.models import EditionRole, Round, User
from scoring.enums import AssignmentStatus
from scoring.models import Assignment

OPEN = [AssignmentStatus.PENDING, AssignmentStatus.IN_PROGRESS]


def _invitation_defaults(count: int) -> tuple[str, str]:
    subject = _("Invitation to the jury of %(edition)s") % {"edition": "{edition_name}"}
    body = paragraphs(
        hello("juror_name"),
        _(
            "The organisers invite you to join the jury of %(edition)s. Jurors score the projects assigned "
            "to them online, criterion by criterion, and can save their work at any time."
        )
        % {"edition": "{edition_name}"},
        _("To accept, choose a password here:") + "\n{link}",
        signature(),
    )
    return subject, body


def _reminder_defaults(count: int) -> tuple[str, str]:
    subject = ngettext(
        "Reminder: %(counter)s review is waiting for you", "Reminder: %(counter)s reviews are waiting for you", count
    ) % {"counter": "{review_count}"}
    body = paragraphs(
        hello("juror_name"),
        _("These reviews of %(round)s are not finalised yet. The scoring deadline is %(deadline)s (%(zone)s).")
        % {"round": "{round_name}", "deadline": "{deadline}", "zone": "{time_zone}"},
        "{review_list}",
        _("All your assignments:") + " {link}",
        signature(),
    )
    return subject, body


def _ballot_reminder_defaults(count: int) -> tuple[str, str]:
    subject = ngettext(
        "Reminder: %(counter)s ballot is waiting for you", "Reminder: %(counter)s ballots are waiting for you", count
    ) % {"counter": "{ballot_count}"}
    body = paragraphs(
        hello("juror_name"),
        _("You have not cast these ballots of %(round)s yet. The ballot closes on %(deadline)s (%(zone)s).")
        % {"round": "{round_name}", "deadline": "{deadline}", "zone": "{time_zone}"},
        "{ballot_list}",
        _("All your assignments:") + " {link}",
        signature(),
    )
    return subject, body


INVITATION = kind_register(
    EmailKind(
        key="jury_invitation",
        label=gettext_lazy("Invitation to the jury"),
        placeholders={
            "juror_name": gettext_lazy("the juror's name"),
            "edition_name": gettext_lazy("the edition's name"),
            "link": gettext_lazy("the link to accept and choose a password"),
        },
        defaults=_invitation_defaults,
        sample={"juror_name": "Petr Novák"},
        position=50,
    )
)
# What both reminders (reviews and ranked ballots) say of the juror and the round.
REMINDER_PLACEHOLDERS = {
    "juror_name": gettext_lazy("the juror's name"),
    "edition_name": gettext_lazy("the edition's name"),
    "round_name": gettext_lazy("the round's name"),
    "deadline": gettext_lazy("the scoring deadline"),
    "time_zone": gettext_lazy("the edition's time zone"),
}
REMINDER = kind_register(
    EmailKind(
        key="jury_reminder",
        label=gettext_lazy("Reminder to jurors"),
        placeholders={
            **REMINDER_PLACEHOLDERS,
            "review_count": gettext_lazy("how many reviews are open"),
            "review_list": gettext_lazy("the list of open reviews with their links"),
            "link": gettext_lazy("the link to all the juror's assignments"),
        },
        defaults=_reminder_defaults,
        sample={
            "juror_name": "Petr Novák",
            "round_name": "Shortlist",
            "deadline": "30. 10. 2026 23:59",
            "time_zone": "Europe/Bratislava",
            "review_count": "2",
            "review_list": "- V4A-2026-0042 Smart benches: https://example.org/jury/assignments/1/\n"
            "- V4A-2026-0043 Open data portal: https://example.org/jury/assignments/2/",
        },
        position=60,
    )
)


BALLOT_REMINDER = kind_register(
    EmailKind(
        key="jury_ballot_reminder",
        label=gettext_lazy("Reminder to cast the ranked ballots"),
        placeholders={
            **REMINDER_PLACEHOLDERS,
            "ballot_count": gettext_lazy("how many ballots are not cast yet"),
            "ballot_list": gettext_lazy("the list of ballots not cast yet with their links"),
            "link": gettext_lazy("the link to all the juror's assignments"),
        },
        defaults=_ballot_reminder_defaults,
        sample={
            "juror_name": "Petr Novák",
            "round_name": "Final",
            "deadline": "30. 11. 2026 23:59",
            "time_zone": "Europe/Bratislava",
            "ballot_count": "1",
            "ballot_list": "- Smart mobility: https://example.org/jury/ballot/2/smart-mobility/",
        },
        position=61,
    )
)


def reminder_kind(rnd: Round) -> EmailKind:
    """The reminder of a ranked final round names the ballots not cast, not reviews."""
    return BALLOT_REMINDER if is_ranked_round(rnd) else REMINDER


def reminder_count(rnd: Round, values: dict[str, str]) -> int:
    return int(values["ballot_count" if is_ranked_round(rnd) else "review_count"])


def is_ranked_round(rnd: Round) -> bool:
    from scoring.ballot.selectors import is_ranked

    return is_ranked(rnd)


def _ballot_reminder_values(juror: User, rnd: Round, *, site_url: str = "") -> dict[str, str] | None:
    from award.models import Category
    from scoring.ballot.selectors import ballots_progress

    missing = ballots_progress([rnd], juror=juror).missing(rnd.pk).get(juror.pk, [])
    if not missing:
        return None
    base = site_url.rstrip("/")
    edition = rnd.edition
    with translation.override(juror.language or "en"):
        categories = Category.objects.filter(pk__in=missing).order_by("position", "name", "pk")
        lines = [f"- {c.name}: " + base + reverse("scoring:ballot", args=[rnd.pk, c.slug]) for c in categories]
        deadline = ""
        if rnd.scoring_closes_at:
            deadline = formats.date_format(rnd.scoring_closes_at.astimezone(edition.tz), "DATETIME_FORMAT")
        return {
            "juror_name": juror.display_name,
            "edition_name": edition.name,
            "round_name": rnd.name,
            "deadline": deadline,
            "time_zone": edition.timezone,
            "ballot_count": str(len(lines)),
            "ballot_list": "\n".join(lines),
            "link": base + reverse("scoring:dashboard"),
        }


def invitation_values(role: EditionRole, *, link: str) -> dict[str, str]:
    with translation.override(role.user.language or "en"):
        return {"juror_name": role.user.display_name, "edition_name": role.edition.name, "link": link}


def reminder_values(juror: User, rnd: Round, *, site_url: str = "") -> dict[str, str] | None:
    """The reminder's placeholders for one juror, or None when nothing of theirs is open (in a
    ranked final round: the ballots the juror has not cast)."""
    if is_ranked_round(rnd):
        return _ballot_reminder_values(juror, rnd, site_url=site_url)
    open_work = list(
        Assignment.objects.filter(round=rnd, juror=juror, status__in=OPEN)
        .select_related("project")
        .order_by("project__reference")
    )
    if not open_work:
        return None
    base = site_url.rstrip("/")
    edition = rnd.edition
    with translation.override(juror.language or "en"):
        lines = [
            f"- {a.project.reference} {a.project.title} ({a.get_status_display()}): "
            + base
            + reverse("scoring:score", args=[a.pk])
            for a in open_work
        ]
        deadline = ""
        if rnd.scoring_closes_at:
            deadline = formats.date_format(rnd.scoring_closes_at.astimezone(edition.tz), "DATETIME_FORMAT")
        return {
            "juror_name": juror.display_name,
            "edition_name": edition.name,
            "round_name": rnd.name,
            "deadline": deadline,
            "time_zone": edition.timezone,
            "review_count": str(len(open_work)),
            "review_list": "\n".join(lines),
            "link": base + reverse("scoring:dashboard"),
        }
