"""Ranking pages for organisers, public results after the embargo, a team's own result."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from award.forms import EditionTimeZoneFormMixin
from award.limits import MEDIUM_TEXT, form_field_for
from award.models import Edition, Round
from award.rules import is_organiser
from award.selectors import editions_organised_by
from award.views_helpers import posted_id, run_service
from scoring.board import status_board
from scoring.enums import ResultKind
from scoring.jury.forms import ReasonForm
from scoring.models import Result, title_in
from scoring.results.ceremony import ceremony_for, csp_hash, static_text
from scoring.results.seal import publication_snapshot_for, round_snapshots
from scoring.results.selectors import project_feedback, published_results_of
from scoring.results.services import (
    final_round_prepare,
    finalist_override,
    finalists_select,
    results_publish,
    results_unpublish,
    round_freeze,
    special_award_remove,
    special_award_set,
    special_award_titles_set,
    winner_override,
    winners_select,
)
from scoring.rules import can_decide_results
from scoring.selectors import editions_ranked_for
from submissions.enums import ProjectStatus
from submissions.selectors import projects_owned_by


class SpecialAwardForm(forms.Form):
    project = forms.TypedChoiceField(label=_("Project"), coerce=int)
    title = form_field_for(Result, "title", label=_("Award title"))
    citation = form_field_for(Result, "citation", label=_("Citation"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, edition: Edition, **kwargs):
        super().__init__(*args, **kwargs)
        # The title in the other languages, for certificates printed in them; empty = the title above.
        for code, name in settings.LANGUAGES:
            if code != settings.LANGUAGE_CODE:
                self.fields[f"title_{code}"] = form_field_for(
                    Result,
                    "title",
                    label=_("Award title (%(language)s)") % {"language": name},
                    required=False,
                )
                self.fields[f"title_{code}"].widget.attrs["lang"] = code
        self.fields["citation"] = self.fields.pop("citation")  # after the titles
        self.fields["project"].choices = [
            (p.pk, f"{p.reference} · {p.title}")
            for p in edition.projects.filter(status=ProjectStatus.ELIGIBLE).order_by("reference")
        ]


class SignOffForm(forms.Form):
    """The organiser's sign-off: without it the service refuses to freeze or publish."""

    signed_off = forms.BooleanField(label=_("I sign off these results as decided by the jury"), required=False)


class PublishForm(EditionTimeZoneFormMixin, SignOffForm):
    """The publication time, typed in the edition's time zone (pass edition_timezone=)."""

    at = forms.DateTimeField(
        label=_("Schedule for"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Leave empty to publish now."),
    )


class UnpublishForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawing"), max_length=MEDIUM_TEXT, widget=forms.Textarea(attrs={"rows": 2})
    )


def organised_edition(request, slug: str) -> Edition:
    """An edition the user organises. The jury chair sees the edition's ranking but may not
    decide (403); anyone else gets the same 404 as for a missing edition."""
    edition = get_object_or_404(editions_ranked_for(request.user), slug=slug)
    if not can_decide_results(request.user, edition):
        raise PermissionDenied
    return edition


def round_and_category(edition: Edition, number: int, category_slug: str):
    rnd = get_object_or_404(Round.objects.select_related("edition"), edition=edition, number=number)
    category = get_object_or_404(edition.categories.select_related("edition"), slug=category_slug)
    rnd.edition = edition
    category.edition = edition
    return rnd, category


@login_required
def index(request):
    organised = list(editions_organised_by(request.user))
    if len(organised) == 1:
        return redirect("results:overview", edition=organised[0].slug)
    return render(request, "scoring/results/index.html", {"editions": organised})


@login_required
def overview(request, edition: str):
    edition = organised_edition(request, edition)
    rounds = list(edition.rounds.order_by("number"))
    categories = list(edition.categories.order_by("position", "name"))
    special = Result.objects.filter(edition=edition, kind=ResultKind.SPECIAL).select_related("project")
    return render(
        request,
        "scoring/results/overview.html",
        {
            "edition": edition,
            "rounds": rounds,
            "categories": categories,
            "special": special,
            "special_form": SpecialAwardForm(edition=edition),
            "is_public": edition.results_are_public(),
            "publish_form": PublishForm(initial={"at": edition.results_published_at}, edition_timezone=edition.tz),
            "unpublish_form": UnpublishForm(),
            "publication": publication_snapshot_for(edition),
            "sealed_rounds": round_snapshots(edition),
            "board": status_board(edition, rounds=rounds),
        },
    )


def _ranking_url(edition: Edition, rnd: Round, category) -> str:
    return reverse("results:ranking", kwargs={"edition": edition.slug, "round": rnd.number, "category": category.slug})


def _overview_url(edition: Edition) -> str:
    return reverse("results:overview", kwargs={"edition": edition.slug})


@require_POST
@login_required
def finalists_select_view(request, edition: str, round: int, category: str):
    edition = organised_edition(request, edition)
    rnd, cat = round_and_category(edition, round, category)

    def warn(outcome) -> None:
        if outcome.undecided:
            messages.warning(
                request,
                _("Tie across the finalist line: the organisers decide between %(projects)s, with a reason.")
                % {"projects": ", ".join(p.reference or str(p) for p in outcome.undecided)},
            )
        if outcome.incomplete:
            messages.warning(
                request,
                ngettext(
                    "%(count)s project has missing reviews and was not considered.",
                    "%(count)s projects have missing reviews and were not considered.",
                    len(outcome.incomplete),
                )
                % {"count": len(outcome.incomplete)},
            )

    return run_service(
        request,
        lambda: finalists_select(
            category=cat, round=rnd, actor=request.user, replace=request.POST.get("replace") == "1"
        ),
        success_url=_ranking_url(edition, rnd, cat),
        success_message=lambda o: (
            ngettext("%(count)s finalist selected.", "%(count)s finalists selected.", len(o.selected))
            % {"count": len(o.selected)}
        ),
        after=warn,
    )


@require_POST
@login_required
def finalist_override_view(request, edition: str, round: int, category: str):
    edition = organised_edition(request, edition)
    rnd, cat = round_and_category(edition, round, category)
    form = ReasonForm(request.POST, required=True)
    add = request.POST.get("add") == "1"
    if not form.is_valid():
        messages.error(request, _("Write the reason for departing from the ranking."))
        return redirect(_ranking_url(edition, rnd, cat))
    project = get_object_or_404(edition.projects.all(), pk=form.cleaned_data["project"])
    return run_service(
        request,
        lambda: finalist_override(
            category=cat, round=rnd, project=project, add=add, reason=form.cleaned_data["reason"], actor=request.user
        ),
        success_url=_ranking_url(edition, rnd, cat),
        success_message=(
            _("Finalist added; the reason is recorded.") if add else _("Finalist removed; the reason is recorded.")
        ),
    )


@require_POST
@login_required
def final_round_prepare_view(request, edition: str, round: int, category: str):
    edition = organised_edition(request, edition)
    rnd, cat = round_and_category(edition, round, category)
    try:
        target_number = int(request.POST.get("final_round", ""))
    except ValueError:
        target_number = None
    final = edition.rounds.filter(number=target_number).first() if target_number is not None else None
    if final is None:
        messages.error(request, _("Choose a final round that comes after the shortlist round."))
        return redirect(_ranking_url(edition, rnd, cat))
    final.edition = edition
    return run_service(
        request,
        lambda: final_round_prepare(category=cat, source_round=rnd, final_round=final, actor=request.user),
        success_url=_ranking_url(edition, final, cat),
        success_message=lambda n: (
            ngettext("%(count)s final-round assignment created.", "%(count)s final-round assignments created.", n)
            % {"count": n}
        ),
        failure_url=_ranking_url(edition, rnd, cat),
    )


def _winner_message(result) -> str:
    return _("Winner selected: %(project)s.") % {"project": result.project.title}


@require_POST
@login_required
def winners_select_view(request, edition: str, round: int, category: str):
    edition = organised_edition(request, edition)
    rnd, cat = round_and_category(edition, round, category)
    return run_service(
        request,
        lambda: winners_select(category=cat, round=rnd, actor=request.user),
        success_url=_ranking_url(edition, rnd, cat),
        success_message=_winner_message,
    )


@require_POST
@login_required
def winner_override_view(request, edition: str, round: int, category: str):
    edition = organised_edition(request, edition)
    rnd, cat = round_and_category(edition, round, category)
    form = ReasonForm(request.POST, required=True)
    if not form.is_valid():
        messages.error(request, _("Write the reason for departing from the ranking."))
        return redirect(_ranking_url(edition, rnd, cat))
    project = get_object_or_404(edition.projects.all(), pk=form.cleaned_data["project"])
    return run_service(
        request,
        lambda: winner_override(
            category=cat, round=rnd, project=project, reason=form.cleaned_data["reason"], actor=request.user
        ),
        success_url=_ranking_url(edition, rnd, cat),
        success_message=_winner_message,
    )


@require_POST
@login_required
def round_freeze_view(request, edition: str, round: int):
    edition = organised_edition(request, edition)
    rnd = get_object_or_404(edition.rounds.all(), number=round)
    rnd.edition = edition
    form = SignOffForm(request.POST)
    signed_off = form.is_valid() and form.cleaned_data["signed_off"]
    return run_service(
        request,
        lambda: round_freeze(round=rnd, actor=request.user, signed_off=signed_off),
        success_url=_overview_url(edition),
        success_message=_("The round is frozen."),
    )


@require_POST
@login_required
def special_award_view(request, edition: str):
    edition = organised_edition(request, edition)
    posted = posted_id(request, "project")
    if posted is not None and not edition.projects.filter(pk=posted).exists():
        raise Http404  # another edition's project: as if it did not exist
    form = SpecialAwardForm(request.POST, edition=edition)
    if not form.is_valid():
        messages.error(request, _("A special award needs a project, a title and a citation."))
        return redirect(_overview_url(edition))
    project = get_object_or_404(edition.projects.all(), pk=form.cleaned_data["project"])
    titles = {code: form.cleaned_data.get(f"title_{code}", "") for code, _name in settings.LANGUAGES}

    def give() -> Result:
        with transaction.atomic():
            result = special_award_set(
                project=project,
                title=form.cleaned_data["title"],
                citation=form.cleaned_data["citation"],
                actor=request.user,
            )
            return special_award_titles_set(result=result, titles=titles, actor=request.user)

    return run_service(
        request,
        give,
        success_url=_overview_url(edition),
        success_message=_("Special award saved."),
    )


@require_POST
@login_required
def special_award_remove_view(request, edition: str, pk: int):
    edition = organised_edition(request, edition)
    result = get_object_or_404(Result.objects.filter(edition=edition, kind=ResultKind.SPECIAL), pk=pk)
    result.edition = edition
    return run_service(
        request,
        lambda: special_award_remove(result=result, actor=request.user),
        success_url=_overview_url(edition),
        success_message=_("Special award removed."),
    )


@require_POST
@login_required
def publish_view(request, edition: str):
    edition = organised_edition(request, edition)
    form = PublishForm(request.POST, edition_timezone=edition.tz)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors.get("at", [])))
        return redirect(_overview_url(edition))

    def success(published) -> str:
        if published.results_are_public():
            return _("The results are public.")
        return _("The publication of the results is scheduled.")

    return run_service(
        request,
        lambda: results_publish(
            edition=edition, actor=request.user, at=form.cleaned_data["at"], signed_off=form.cleaned_data["signed_off"]
        ),
        success_url=_overview_url(edition),
        success_message=success,
    )


@require_POST
@login_required
def unpublish_view(request, edition: str):
    edition = organised_edition(request, edition)
    form = UnpublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the reason for withdrawing the results."))
        return redirect(_overview_url(edition))
    return run_service(
        request,
        lambda: results_unpublish(edition=edition, actor=request.user, reason=form.cleaned_data["reason"]),
        success_url=_overview_url(edition),
        success_message=_("The results are withdrawn; the reason is recorded."),
    )


# --- Public ------------------------------------------------------------------------------------


def _published_edition(request, slug: str) -> Edition:
    """Before the publication time the results do not exist for anyone but the organisers."""
    edition = get_object_or_404(Edition, slug=slug)
    if not edition.results_are_public() and not is_organiser(request.user, edition):
        raise Http404
    return edition


def public(request, edition: str):
    edition = _published_edition(request, edition)
    groups, sealed = published_results_of(edition)
    # A winner is a finalist too: listed once, as the winner.
    for group in groups:
        winners = {r.project.pk for r in group.winners}
        group.finalists = [r for r in group.finalists if r.project.pk not in winners]
    # Special awards under their own heading (some are not of one category), each title in the
    # reader's language where the organisers gave one.
    special = [(group.category, r) for group in groups for r in group.special]
    live = {
        pk: (titles, audience)
        for pk, titles, audience in Result.objects.filter(pk__in=[r.pk for _c, r in special]).values_list(
            "pk", "titles", "audience_prize"
        )
    }
    language = get_language()
    for _category, result in special:
        titles, result.audience_prize = live.get(result.pk, (None, False))
        result.display_title = title_in(result.title, titles, language)
    return render(
        request,
        "scoring/results/public.html",
        {
            "edition": edition,
            "groups": groups,
            "special": special,
            "sealed": sealed,
            "is_public": edition.results_are_public(),
        },
    )


def public_json(request, edition: str):
    """The published results; once sealed, every number and decision comes from the snapshot
    (``snapshot`` names its hashes), so later changes of scores or of the engine do not show."""
    edition = _published_edition(request, edition)
    groups, sealed = published_results_of(edition)

    def item(result: Result) -> dict:
        data = {"reference": result.project.reference, "title": result.project.title, "summary": result.project.summary}
        if result.kind == ResultKind.SPECIAL:
            data.update(award=result.title, citation=result.citation)
        row = getattr(result, "sealed", None)
        if row is not None:
            data["ranking"] = row
        return data

    snapshot = None
    if sealed is not None:
        snapshot = {
            "hash": sealed.payload_hash,
            "scores_hash": sealed.scores_hash,
            "sealed_at": sealed.created_at.isoformat(),
            "engine_version": sealed.engine_version,
            "method": sealed.method,
        }
    return JsonResponse(
        {
            "edition": edition.name,
            "snapshot": snapshot,
            "categories": [
                {
                    "category": group.category.name,
                    "winners": [item(r) for r in group.winners],
                    "finalists": [item(r) for r in group.finalists],
                    "special_awards": [item(r) for r in group.special],
                }
                for group in groups
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )


def ceremony(request, edition: str):
    """The full-screen ceremony presentation, under the same embargo as the public results."""
    edition = _published_edition(request, edition)
    presenter_url = None
    if is_organiser(request.user, edition):
        presenter_url = reverse("results:ceremony_presenter", kwargs={"edition": edition.slug})
    return render(
        request,
        "scoring/results/ceremony.html",
        {"edition": edition, "ceremony": ceremony_for(edition), "presenter_url": presenter_url},
    )


def ceremony_offline(request, edition: str):
    """The same presentation as one self-contained HTML file (styles, script and pictures
    inlined) for the laptop on stage; its own CSP allows nothing to be fetched."""
    edition = _published_edition(request, edition)
    inline_css = static_text("css/ceremony.css")
    inline_js = static_text("js/ceremony.js")
    response = render(
        request,
        "scoring/results/ceremony.html",
        {
            "edition": edition,
            "ceremony": ceremony_for(edition),
            "offline": True,
            "inline_css": inline_css,
            "inline_js": inline_js,
            "style_hash": csp_hash(inline_css),
            "script_hash": csp_hash(inline_js),
        },
    )
    response["Content-Disposition"] = f'attachment; filename="ceremony-{edition.slug}.html"'
    response["X-Content-Type-Options"] = "nosniff"
    if not edition.results_are_public():
        response["Cache-Control"] = "private, no-store"
    return response


@login_required
def project_result(request, edition: str, pk: int):
    """A team's own result and, if the edition allows it, the anonymised jury feedback."""
    edition = get_object_or_404(Edition, slug=edition)
    organiser = is_organiser(request.user, edition)
    projects = edition.projects.all() if organiser else projects_owned_by(request.user).filter(edition=edition)
    project = get_object_or_404(projects, pk=pk)
    if not edition.results_are_public() and not organiser:
        raise Http404
    sealed = publication_snapshot_for(edition, parts=("results", f"feedback.p{project.pk}"))
    if sealed is not None:
        # The published decisions are the sealed ones, whatever changed since.
        results = [
            Result(project=project, kind=e["kind"], title=e["award_title"], citation=e["citation"])
            for e in sorted(sealed.sealed_parts["results"] or [], key=lambda e: (e["kind"], e["award_title"]))
            if e["project"] == project.pk
        ]
    else:
        results = list(project.awards.order_by("kind", "title"))
    feedback = project_feedback(project, sealed) if edition.feedback_to_applicants else []
    return render(
        request,
        "scoring/results/project.html",
        {
            "edition": edition,
            "project": project,
            "results": results,
            "feedback": feedback,
            "is_public": edition.results_are_public(),
        },
    )
