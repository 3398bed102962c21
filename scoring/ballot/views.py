"""The ranked final ballot's pages: a juror's ballot, and the count for organisers and the chair."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from award.limits import MEDIUM_TEXT
from award.views_helpers import run_service
from scoring.ballot.selectors import ballot_count, is_ranked, juror_ballot
from scoring.ballot.services import ballot_save, ballot_tie_decide, can_decide_tie
from scoring.enums import AssignmentStatus, ResultKind
from scoring.models import Assignment, Result
from scoring.results.views import round_and_category
from scoring.rules import can_decide_results, can_read_ranking
from scoring.selectors import editions_ranked_for


class BallotForm(forms.Form):
    """A place per finalist (1 = best, equal places = a tie): the ballot without a script, and
    what the keyboard edits; the drag-and-drop script only rewrites these numbers."""

    def __init__(self, *args, finalists: list, ranks: dict[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        n = len(finalists)
        for project in finalists:
            self.fields[f"rank_{project.pk}"] = forms.IntegerField(
                label=project.title,
                min_value=1,
                max_value=n,
                initial=ranks.get(project.pk),
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "ballot-rank", "size": 3}),
            )

    def ranks(self) -> dict[int, int]:
        return {int(name.removeprefix("rank_")): value for name, value in self.cleaned_data.items()}


class TieForm(forms.Form):
    project = forms.TypedChoiceField(label=gettext_lazy("Winner"), coerce=int)
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=MEDIUM_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, tied: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = [(p.pk, f"{p.title} ({p.reference})") for p in tied]


def _juror_round(request, round: int, category: str):
    """The juror's ranked final round and category: 404 unless the juror is assigned there."""
    assignment = (
        Assignment.objects.filter(juror=request.user, round_id=round, project__category__slug=category)
        .exclude(status=AssignmentStatus.RECUSED)
        .select_related("round__edition", "project__category")
        .first()
    )
    if assignment is None or not is_ranked(assignment.round):
        raise Http404
    return assignment.round, assignment.project.category


@login_required
def ballot(request, round: int, category: str):
    rnd, cat = _juror_round(request, round, category)
    mine = juror_ballot(request.user, rnd, cat)
    is_open = rnd.is_open()
    form = BallotForm(
        request.POST if request.method == "POST" and is_open else None, finalists=mine.finalists, ranks=mine.ranks
    )
    if not is_open:
        for field in form.fields.values():
            field.disabled = True
    status = 200
    if request.method == "POST":
        if not is_open:
            messages.error(request, _("The ballot is closed: the round is not open."))
            status = 409
        elif form.is_valid():
            return run_service(
                request,
                lambda: ballot_save(juror=request.user, round=rnd, category=cat, ranks=form.ranks()),
                success_url=request.path,
                success_message=_("Your ballot is saved. You can change it until the round closes."),
            )
        else:
            status = 400
    rows = [(project, form[f"rank_{project.pk}"]) for project in mine.finalists]
    return render(
        request,
        "scoring/ballot/ballot.html",
        {
            "round": rnd,
            "category": cat,
            "edition": rnd.edition,
            "form": form,
            "rows": rows,
            "count": len(rows),
            "cast": mine.ballot is not None,
            "is_open": is_open,
        },
        status=status,
    )


def _letters(n: int) -> list[str]:
    return [chr(ord("A") + i) if i < 26 else f"P{i + 1}" for i in range(n)]


def _places(groups: list[list], label) -> list[dict]:
    out, place = [], 1
    for group in groups:
        out.append({"place": place, "items": [label[c] for c in group], "tie": len(group) > 1})
        place += len(group)
    return out


def count_context(count) -> dict:
    """The count for the page: letters for the finalists, the pairwise matrix, the strongest
    paths, each winner's duels in words, and Borda beside the Schulze order."""
    t = count.tally
    ids = t.candidates
    letters = dict(zip(ids, _letters(len(ids)), strict=True))
    by_id = count.by_id
    legend = [{"letter": letters[pk], "project": by_id[pk]} for pk in ids]
    matrix = []
    for i, a in enumerate(ids):
        cells = []
        for j, _b in enumerate(ids):
            if i == j:
                cells.append(None)
                continue
            cells.append(
                {
                    "d": t.d[i][j],
                    "margin": t.margins[i][j],
                    "strength": t.strength[i][j],
                    "wins": t.strength[i][j] > t.strength[j][i],
                }
            )
        matrix.append({"letter": letters[a], "title": by_id[a].title, "cells": cells})
    why = []
    for w in t.winners:
        for duel in t.duels[w]:
            values = {
                "winner": letters[w],
                "other": letters[duel.opponent],
                "path": " → ".join(letters[c] for c in duel.path_for) or "–",
                "strength": duel.strength_for,
                "back": " → ".join(letters[c] for c in duel.path_against) or "–",
                "against": duel.strength_against,
            }
            if duel.beats:
                text = _(
                    "%(winner)s beats %(other)s: the strongest path %(path)s has strength %(strength)s, "
                    "the strongest path back %(back)s only %(against)s."
                )
            else:
                text = _(
                    "%(winner)s and %(other)s are level: the strongest path %(path)s has strength %(strength)s "
                    "and the strongest path back %(back)s also %(against)s."
                )
            why.append(text % values)
    borda_groups = t.borda_order()
    return {
        "legend": legend,
        "letters": [letters[pk] for pk in ids],
        "matrix": matrix,
        "schulze": _places(t.order, letters),
        "borda": [
            {**place, "points": t.borda[group[0]]}
            for place, group in zip(_places(borda_groups, letters), borda_groups, strict=True)
        ],
        "why": why,
        "tie": t.tie,
        "tied": [by_id[pk] for pk in t.winners] if t.tie else [],
        "winner": by_id[t.winner] if t.winner is not None else None,
        "count": count,
    }


def _readable(request, edition: str, round: int, category: str):
    edition = get_object_or_404(editions_ranked_for(request.user), slug=edition)
    rnd, cat = round_and_category(edition, round, category)
    if not is_ranked(rnd) or not can_read_ranking(request.user, edition, cat):
        raise Http404
    return edition, rnd, cat


def ballot_result_url(edition, rnd, cat) -> str:
    return reverse("results:ballot", kwargs={"edition": edition.slug, "round": rnd.number, "category": cat.slug})


@login_required
def ballot_result(request, edition: str, round: int, category: str):
    edition, rnd, cat = _readable(request, edition, round, category)
    count = ballot_count(round=rnd, category=cat)
    context = count_context(count)
    winner = Result.objects.filter(category=cat, kind=ResultKind.WINNER).select_related("project").first()
    may_decide_tie = context["tie"] and not winner and not rnd.frozen
    may_decide_tie = may_decide_tie and can_decide_tie(request.user, rnd, cat, context["tied"])
    return render(
        request,
        "scoring/ballot/result.html",
        {
            **context,
            "edition": edition,
            "round": rnd,
            "category": cat,
            "recorded": winner,
            "organiser": can_decide_results(request.user, edition),
            "tie_form": TieForm(tied=context["tied"]) if may_decide_tie else None,
        },
    )


@require_POST
@login_required
def ballot_tie(request, edition: str, round: int, category: str):
    edition, rnd, cat = _readable(request, edition, round, category)
    count = ballot_count(round=rnd, category=cat)
    tied = [count.by_id[pk] for pk in count.tally.winners]
    form = TieForm(request.POST, tied=tied)
    url = ballot_result_url(edition, rnd, cat)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(url)
    project = count.by_id[form.cleaned_data["project"]]
    return run_service(
        request,
        lambda: ballot_tie_decide(
            round=rnd, category=cat, project=project, reason=form.cleaned_data["reason"], actor=request.user
        ),
        success_url=url,
        success_message=lambda result: _("Winner recorded: %(project)s.") % {"project": result.project.title},
    )
