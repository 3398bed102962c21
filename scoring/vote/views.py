"""The public voting page and the email confirmation; the organisers' set-up, live counts,
fraud report (with voiding and export) and the audience prize."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from award.errors import status_for
from award.models import Edition
from award.selectors import edition_for_organiser
from award.views_helpers import run_service
from scoring.vote import checks
from scoring.vote.enums import VoteStatus
from scoring.vote.forms import PublicVoteForm, VoidForm, VoteForm
from scoring.vote.models import PublicVote, Vote
from scoring.vote.pictures import pictures_for, thumbnail
from scoring.vote.selectors import standing_projects, suspicious_groups, vote_counts
from scoring.vote.services import (
    VoteError,
    VoteRequest,
    VoteSettings,
    audience_prize_award,
    public_vote_configure,
    vote_confirm,
    vote_request,
    votes_void,
)
from scoring.vote.tasks import vote_confirmation_email_send

SEEN_COOKIE = "vote_seen"
PAGE_SIZE = 24


def _poll(slug: str) -> PublicVote:
    return get_object_or_404(PublicVote.objects.select_related("edition"), edition__slug=slug)


def _page_context(request, poll: PublicVote, form: VoteForm) -> dict:
    now = timezone.now()
    projects = Paginator(standing_projects(poll), PAGE_SIZE).get_page(request.GET.get("page"))
    public = poll.edition.results_are_public(now)
    counts = vote_counts(poll) if public else {}
    pictures = pictures_for([p.pk for p in projects])
    return {
        "poll": poll,
        "edition": poll.edition,
        "projects": projects,
        "rows": [(p, counts.get(p.pk), p.pk in pictures) for p in projects],
        "form": form,
        "challenge": checks.challenge_issue(poll.pk),
        "is_open": poll.is_open(now),
        "not_yet": now < poll.opens_at,
        "results_public": public,
        "honeypot": checks.HONEYPOT_FIELD,
    }


def vote_page(request, slug: str):
    poll = _poll(slug)
    if request.method == "POST":
        return _vote_post(request, poll)
    response = render(request, "scoring/vote/vote.html", _page_context(request, poll, VoteForm()))
    # Never kept by the browser: each page's bot check is spent by one vote, and a voter who comes
    # back to the page (to vote in another category) gets a fresh one instead of the spent one.
    # Only the GET: a page answering a POST (a refused vote) marked so would come back as the
    # browser's "confirm form resubmission"; vote.js loads that one afresh when it comes back.
    add_never_cache_headers(response)
    response.set_signed_cookie(
        SEEN_COOKIE,
        str(poll.pk),
        salt=SEEN_COOKIE,
        max_age=7 * 24 * 3600,
        samesite="Lax",
        httponly=True,
        secure=request.is_secure(),
    )
    return response


def _vote_post(request, poll: PublicVote):
    form = VoteForm(request.POST)
    if not form.is_valid():
        return render(request, "scoring/vote/vote.html", _page_context(request, poll, form), status=400)
    data = form.cleaned_data
    seen = request.get_signed_cookie(SEEN_COOKIE, default="", salt=SEEN_COOKIE) == str(poll.pk)
    try:
        with transaction.atomic():
            vote = vote_request(
                poll=poll,
                request=VoteRequest(
                    project_id=data["project"],
                    email=data["email"],
                    challenge=data["challenge"],
                    solution=data["solution"],
                    honeypot=data["website"],
                    ip=checks.client_ip(request),
                    signature=checks.browser_signature(request),
                    page_seen=seen,
                ),
            )
            # The task gets the vote's id, never the address (the queue's table keeps arguments).
            site_url, language, vote_id = request.build_absolute_uri("/"), get_language(), vote.pk
            transaction.on_commit(
                lambda: vote_confirmation_email_send.enqueue(vote_id=vote_id, site_url=site_url, language=language)
            )
    except VoteError as error:
        for message in error.messages:
            form.add_error(None, message)
        status = 429 if error.code == "limit" else status_for(error)
        return render(request, "scoring/vote/vote.html", _page_context(request, poll, form), status=status)
    return redirect("vote:sent", slug=poll.edition.slug)


def vote_picture(request, slug: str, pk: int):
    poll = _poll(slug)
    project = get_object_or_404(standing_projects(poll), pk=pk)
    attachment = pictures_for([project.pk]).get(project.pk)
    data = thumbnail(attachment) if attachment else None
    if data is None:
        raise Http404
    response = HttpResponse(data, content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=3600"
    return response


def vote_sent(request, slug: str):
    poll = _poll(slug)
    return render(request, "scoring/vote/sent.html", {"poll": poll, "edition": poll.edition})


def vote_confirm_view(request, slug: str, token: str):
    """GET shows a button (mail scanners follow links but do not press buttons); POST counts."""
    poll = _poll(slug)
    context = {"poll": poll, "edition": poll.edition}
    if request.method != "POST":
        return render(request, "scoring/vote/confirm.html", context)
    try:
        outcome = vote_confirm(token=token, poll=poll)
    except VoteError as error:
        context["errors"] = error.messages
        return render(request, "scoring/vote/confirm.html", context, status=status_for(error))
    context.update(done=True, vote=outcome.vote, replaced=outcome.replaced)
    return render(request, "scoring/vote/confirm.html", context)


# --- Organisers ---------------------------------------------------------------------------------


def _organised(request, slug: str) -> Edition:
    return edition_for_organiser(request.user, slug=slug)


@login_required
def manage(request, slug: str):
    edition = _organised(request, slug)
    poll = PublicVote.objects.filter(edition=edition).first()
    if request.method == "POST":
        form = PublicVoteForm(request.POST, instance=poll, edition=edition)
        if form.is_valid():
            d = form.cleaned_data
            settings = VoteSettings(
                standing=d["standing"],
                opens_at=d["opens_at"],
                closes_at=d["closes_at"],
                per_category=d["per_category"],
                changeable=d["changeable"],
                categories=list(d["categories"]),
                max_per_network=d["max_per_network"],
                difficulty=d["difficulty"],
                network_retention_days=d["network_retention_days"],
            )
            try:
                public_vote_configure(edition=edition, actor=request.user, settings=settings)
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("The public vote is saved."))
                return redirect("vote:manage", slug=slug)
        status = 400
    else:
        form = PublicVoteForm(instance=poll, edition=edition)
        status = 200
    rows = []
    totals = {}
    if poll is not None:
        counts = vote_counts(poll)
        projects = Paginator(standing_projects(poll), 50).get_page(request.GET.get("page"))
        rows = [(p, counts.get(p.pk, 0)) for p in projects]
        totals = {
            "confirmed": sum(counts.values()),
            "pending": Vote.objects.filter(poll=poll, status=VoteStatus.PENDING).count(),
            "void": Vote.objects.filter(poll=poll, status=VoteStatus.VOID).count(),
        }
    else:
        projects = None
    return render(
        request,
        "scoring/vote/manage.html",
        {"edition": edition, "poll": poll, "form": form, "rows": rows, "projects": projects, "totals": totals},
        status=status,
    )


def _organised_poll(request, slug: str) -> PublicVote:
    edition = _organised(request, slug)
    poll = PublicVote.objects.filter(edition=edition).select_related("edition").first()
    if poll is None:
        raise Http404
    return poll


@login_required
def fraud(request, slug: str):
    poll = _organised_poll(request, slug)
    return render(
        request, "scoring/vote/fraud.html", {"poll": poll, "edition": poll.edition, "groups": suspicious_groups(poll)}
    )


@require_POST
@login_required
def void(request, slug: str):
    poll = _organised_poll(request, slug)
    form = VoidForm(request.POST)
    url = reverse("vote:fraud", args=[slug])
    if not form.is_valid():
        messages.error(request, _("Write the reason for voiding these votes."))
        return redirect(url)
    d = form.cleaned_data
    return run_service(
        request,
        lambda: votes_void(poll=poll, kind=d["kind"], key=d["key"], reason=d["reason"], actor=request.user),
        success_url=url,
        success_message=lambda n: ngettext("%(count)s vote voided.", "%(count)s votes voided.", n) % {"count": n},
    )


class _Echo:
    def write(self, value):
        return value


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@login_required
def fraud_export(request, slug: str):
    """The report as CSV: one line per suspicious group, then its votes (no address, no hash)."""
    poll = _organised_poll(request, slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="vote-fraud-{poll.edition.slug}.csv"'
    writer = csv.writer(response)
    writer.writerow([_("Signal"), _("Group"), _("Votes"), _("First"), _("Last")])
    for group in suspicious_groups(poll):
        writer.writerow([_cell(group.kind_label), _cell(group.label), group.count, group.first, group.last])
    writer.writerow([])
    writer.writerow(
        [
            _("Vote"),
            _("Project"),
            _("Status"),
            _("Confirmed at"),
            _("Email domain"),
            _("Network"),
            _("Browser signature"),
            _("Voting page opened"),
            _("Reason for voiding"),
        ]
    )
    votes = Vote.objects.filter(poll=poll).exclude(status=VoteStatus.PENDING).select_related("project")
    for vote in votes.order_by("confirmed_at", "pk").iterator(chunk_size=2000):
        writer.writerow(
            [
                vote.pk,
                _cell(vote.project.title),
                vote.get_status_display(),
                vote.confirmed_at,
                _cell(vote.email_domain),
                vote.network,
                vote.signature,
                vote.page_seen,
                _cell(vote.void_reason),
            ]
        )
    return response


@require_POST
@login_required
def prize(request, slug: str):
    poll = _organised_poll(request, slug)
    return run_service(
        request,
        lambda: audience_prize_award(poll=poll, actor=request.user),
        success_url=reverse("vote:manage", args=[slug]),
        success_message=_("The audience prize is awarded as a special award."),
    )
