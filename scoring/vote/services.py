"""Writes of the public vote: set-up (organisers), a vote request and its email confirmation
(the public), voiding a suspicious group and awarding the audience prize (organisers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings as django_settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from award.models import Category, Edition, User
from award.rules import require_organiser
from award.services import audit_log
from scoring.results.services import special_award_set, special_award_titles_set
from scoring.vote import checks
from scoring.vote.enums import Standing, SuspicionKind, VoteStatus
from scoring.vote.models import PublicVote, Vote
from scoring.vote.selectors import group_votes, scope_of, standing_projects, vote_counts
from submissions.models import Project

CONFIRM_SALT = "scoring.vote.confirm"
CONFIRM_MAX_AGE = 24 * 3600


class VoteError(ValidationError):
    """A vote or a vote set-up that the rules do not allow."""


@dataclass
class VoteSettings:
    standing: str
    opens_at: datetime
    closes_at: datetime
    per_category: bool = True
    changeable: bool = False
    categories: list[Category] | None = None
    max_per_network: int = 30
    difficulty: int = 16
    network_retention_days: int = 30


@transaction.atomic
def public_vote_configure(*, edition: Edition, actor: User, settings: VoteSettings) -> PublicVote:
    require_organiser(actor, edition)
    if settings.closes_at <= settings.opens_at:
        raise VoteError(_("The vote must close after it opens."), code="window")
    categories = list(settings.categories or [])
    if any(c.edition_id != edition.pk for c in categories):
        raise VoteError(_("Choose categories of this edition."), code="categories")
    if settings.standing == Standing.CATEGORIES and not categories:
        raise VoteError(_("Choose the categories whose eligible projects stand."), code="categories")
    poll = PublicVote.objects.select_for_update().filter(edition=edition).first()
    created = poll is None
    if created:
        poll = PublicVote(edition=edition)
    elif poll.votes.filter(status=VoteStatus.CONFIRMED).exists() and (
        poll.per_category != settings.per_category or poll.standing != settings.standing
    ):
        raise VoteError(
            _("Votes have been cast: who stands and one vote per category or in total can no longer change."),
            code="started",
        )
    for name in (
        "standing",
        "opens_at",
        "closes_at",
        "per_category",
        "changeable",
        "max_per_network",
        "difficulty",
        "network_retention_days",
    ):
        setattr(poll, name, getattr(settings, name))
    poll.full_clean(exclude=["edition", "secret"])
    poll.save()
    poll.categories.set(categories if settings.standing == Standing.CATEGORIES else [])
    audit_log(
        actor=actor,
        action="vote.configured",
        target=poll,
        edition=edition,
        data={
            "created": created,
            "standing": poll.standing,
            "categories": [c.pk for c in categories],
            "opens_at": poll.opens_at.isoformat(),
            "closes_at": poll.closes_at.isoformat(),
            "per_category": poll.per_category,
            "changeable": poll.changeable,
        },
    )
    return poll


@dataclass
class VoteRequest:
    project_id: int
    email: str
    challenge: str
    solution: str
    honeypot: str
    ip: str
    signature: str
    page_seen: bool


def confirmation_token(vote: Vote) -> str:
    return signing.dumps({"v": vote.pk}, salt=CONFIRM_SALT)


def vote_request(*, poll: PublicVote, request: VoteRequest, now: datetime | None = None) -> Vote:
    """A vote waiting for its email confirmation. The address is held on the vote only until the
    confirmation email is sent (the caller enqueues vote_confirmation_email_send with the vote's
    id after the commit; the task blanks it): the task queue never holds it."""
    now = now or timezone.now()
    if not poll.is_open(now):
        raise VoteError(_("The vote is not open."), code="closed")
    try:
        fingerprint = checks.challenge_verify(
            challenge=request.challenge,
            solution=request.solution,
            honeypot=request.honeypot,
            poll_id=poll.pk,
            difficulty=poll.difficulty,
            min_seconds=poll.min_seconds,
            now=now.timestamp(),
        )
    except checks.BotCheckFailed:
        raise VoteError(
            _("The automatic check that you are a person did not pass. Reload the page, wait a moment and vote again."),
            code="bot_check",
        ) from None
    email = (request.email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise VoteError(_("Enter a valid email address."), code="email") from None
    domain = checks.email_domain(email)
    if checks.is_disposable(domain):
        raise VoteError(
            _("Addresses of disposable email services are not accepted. Vote with an address you keep."),
            code="disposable",
        )
    project = standing_projects(poll).filter(pk=request.project_id).first()
    if project is None:
        raise VoteError(_("This project does not stand in the vote."), code="not_standing")
    voter = checks.voter_hash(poll.secret, email)
    network = checks.network_of(request.ip)
    hour_ago = now - timedelta(hours=1)
    if (
        Vote.objects.filter(poll=poll, voter_hash=voter, created_at__gte=hour_ago).count()
        >= poll.max_requests_per_address
    ):
        raise VoteError(_("Too many votes from this address in the last hour. Try again later."), code="limit")
    if (
        network
        and Vote.objects.filter(poll=poll, network=network, created_at__gte=hour_ago).count() >= poll.max_per_network
    ):
        raise VoteError(_("Too many votes from your network in the last hour. Try again later."), code="limit")
    scope = scope_of(poll, project)
    # An address whose vote was voided as fraud does not vote again in that scope.
    blocking = [VoteStatus.VOID] if poll.changeable else [VoteStatus.VOID, VoteStatus.CONFIRMED]
    if Vote.objects.filter(poll=poll, scope=scope, voter_hash=voter, status__in=blocking).exists():
        raise VoteError(_("This address has already voted here."), code="already")
    try:
        with transaction.atomic():
            return Vote.objects.create(
                poll=poll,
                project=project,
                scope=scope,
                voter_hash=voter,
                email_domain=domain,
                email_pending=email,
                network=network,
                signature=request.signature,
                page_seen=request.page_seen,
                challenge=fingerprint,
                created_at=now,
            )
    except IntegrityError:  # the same solved challenge sent twice
        raise VoteError(
            _("The automatic check that you are a person did not pass. Reload the page, wait a moment and vote again."),
            code="bot_check",
        ) from None


@dataclass
class Confirmation:
    vote: Vote
    counted: bool
    replaced: int = 0


def vote_confirm(*, token: str, poll: PublicVote | None = None, now: datetime | None = None) -> Confirmation:
    """Count a vote. One confirmed vote per address and scope is a database constraint, so two
    concurrent confirmations by one address count once whatever the timing; a changeable vote
    replaces the address's earlier one."""
    now = now or timezone.now()
    try:
        vote_id = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)["v"]
    except (signing.BadSignature, KeyError, TypeError):
        raise VoteError(_("This confirmation link is invalid or has expired. Vote again."), code="token") from None
    try:
        with transaction.atomic():
            votes = Vote.objects.select_for_update().select_related("poll", "project")
            if poll is not None:  # a link opened under another edition's address is not this vote's
                votes = votes.filter(poll=poll)
            vote = votes.filter(pk=vote_id).first()
            if vote is None:
                raise VoteError(_("This confirmation link is invalid or has expired. Vote again."), code="token")
            if vote.status == VoteStatus.CONFIRMED:
                return Confirmation(vote, counted=True)
            if vote.status != VoteStatus.PENDING:
                raise VoteError(_("This vote no longer counts."), code="gone")
            if not vote.poll.is_open(now):
                raise VoteError(_("The vote is closed."), code="closed")
            earlier = Vote.objects.filter(
                poll_id=vote.poll_id, scope=vote.scope, voter_hash=vote.voter_hash, status=VoteStatus.CONFIRMED
            )
            replaced = 0
            if Vote.objects.filter(
                poll_id=vote.poll_id, scope=vote.scope, voter_hash=vote.voter_hash, status=VoteStatus.VOID
            ).exists():
                raise VoteError(_("This address has already voted here."), code="already")
            if vote.poll.changeable:
                replaced = earlier.update(status=VoteStatus.REPLACED)
            elif earlier.exists():
                raise VoteError(_("This address has already voted here."), code="already")
            vote.status = VoteStatus.CONFIRMED
            vote.confirmed_at = now
            vote.email_pending = ""  # normally blank already: the email that brought the link was sent
            vote.save(update_fields=["status", "confirmed_at", "email_pending"])
            return Confirmation(vote, counted=True, replaced=replaced)
    except IntegrityError:
        # Another confirmation by the same address committed first: that one counts.
        raise VoteError(_("This address has already voted here."), code="already") from None


@transaction.atomic
def votes_void(*, poll: PublicVote, kind: str, key: str, reason: str, actor: User) -> int:
    """Void the confirmed votes of a suspicious group with a reason; audited."""
    require_organiser(actor, poll.edition)
    reason = (reason or "").strip()
    if not reason:
        raise VoteError(_("Write the reason for voiding these votes."), code="reason_required")
    if kind not in SuspicionKind.values:
        raise VoteError(_("Unknown kind of group."), code="kind")
    votes = group_votes(poll, kind, key)
    by_project = dict(votes.values("project_id").annotate(n=Count("id")).values_list("project_id", "n"))
    count = votes.update(status=VoteStatus.VOID, void_reason=reason)
    if not count:
        raise VoteError(_("This group has no counted votes."), code="empty")
    audit_log(
        actor=actor,
        action="vote.voided",
        target=poll,
        edition=poll.edition,
        data={"kind": kind, "key": key, "reason": reason, "votes": count, "by_project": by_project},
    )
    return count


def _winners(poll: PublicVote) -> dict[int, list[tuple[Project, int]]]:
    counts = vote_counts(poll)
    by_scope: dict[int, list[tuple[Project, int]]] = {}
    for project in standing_projects(poll):
        n = counts.get(project.pk, 0)
        if n:
            by_scope.setdefault(scope_of(poll, project), []).append((project, n))
    return by_scope


@transaction.atomic
def audience_prize_award(*, poll: PublicVote, actor: User, now: datetime | None = None) -> list:
    """After the close, the most voted project (of each category, with one vote per category)
    receives the audience prize as a special award: its certificate and ceremony slide follow."""
    edition = poll.edition
    require_organiser(actor, edition)
    now = now or timezone.now()
    if poll.is_open(now) or now < poll.opens_at:
        raise VoteError(_("The audience prize is awarded after the vote closes."), code="open")
    by_scope = _winners(poll)
    if not by_scope:
        raise VoteError(_("No vote has been counted."), code="empty")
    results = []
    for rows in by_scope.values():
        top = max(n for _, n in rows)
        first = [p for p, n in rows if n == top]
        if len(first) > 1:
            raise VoteError(
                _("Tie for the audience prize between %(projects)s; decide it with a special award by hand.")
                % {"projects": ", ".join(p.title for p in first)},
                code="tie",
            )
        # The award's own title is in the site's default language, whoever awards it; each
        # recipient's certificate prints it in the recipient's language.
        with translation.override(django_settings.LANGUAGE_CODE):
            title = str(_("Audience prize"))
            citation = str(_("Chosen by the public: %(votes)s confirmed votes.") % {"votes": top})
        result = special_award_set(project=first[0], title=title, citation=citation, actor=actor, audience_prize=True)
        titles = {}
        for code, _name in django_settings.LANGUAGES:
            with translation.override(code):
                titles[code] = str(_("Audience prize"))
        results.append(special_award_titles_set(result=result, titles=titles, actor=actor))
    audit_log(
        actor=actor,
        action="vote.prize_awarded",
        target=poll,
        edition=edition,
        data={"projects": [r.project_id for r in results]},
    )
    return results
