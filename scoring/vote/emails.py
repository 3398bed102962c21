"""The public vote's confirmation email: its kind (placeholders and default text) and its values.

The kind keeps no address (`keeps_address=False`): the email log shows only the address's
domain, and the data to try it again is dropped when the retries end."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils.timesince import timeuntil
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from award.emails import EmailKind, kind_register, paragraphs
from scoring.vote.models import Vote


def _confirmation_defaults(count: int) -> tuple[str, str]:
    subject = _("Confirm your vote: %(edition)s") % {"edition": "{edition_name}"}
    body = paragraphs(
        _("You voted for “%(project)s” in the audience prize of %(edition)s.")
        % {"project": "{project_title}", "edition": "{edition_name}"},
        _("Your vote counts once you confirm it by opening this link (valid for %(validity)s):")
        % {"validity": "{validity}"}
        + "\n{link}",
        _("If you did not vote, ignore this email: nothing is counted and your address is not kept."),
    )
    return subject, body


VOTE_CONFIRMATION = kind_register(
    EmailKind(
        key="vote_confirmation",
        label=gettext_lazy("Confirmation of a public vote"),
        placeholders={
            "project_title": gettext_lazy("the title of the project voted for"),
            "edition_name": gettext_lazy("the edition's name"),
            "link": gettext_lazy("the link that confirms the vote"),
            "validity": gettext_lazy("how long the link is valid"),
        },
        defaults=_confirmation_defaults,
        sample={"project_title": "Smart benches", "validity": "24 h"},
        position=70,
        keeps_address=False,
    )
)


def confirmation_values(vote: Vote, *, site_url: str) -> dict[str, str]:
    """The placeholders' values, in the active language (the voter's)."""
    from scoring.vote.services import CONFIRM_MAX_AGE, confirmation_token

    edition = vote.poll.edition
    return {
        "project_title": vote.project.title,
        "edition_name": edition.name,
        "link": site_url.rstrip("/") + reverse("vote:confirm", args=[edition.slug, confirmation_token(vote)]),
        # Django's own words for a duration ("1 day", "1 deň"), in the voter's language.
        "validity": timeuntil(vote.created_at + timedelta(seconds=CONFIRM_MAX_AGE), vote.created_at),
    }
