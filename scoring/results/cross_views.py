"""The cross-category award page (issue 17, item 8): choose a round's scores and criteria, read
every eligible project of the edition ranked on them (``scoring/ranking/cross.py``), and give the
award, which becomes a special award with its certificate."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from award.enums import RoundKind
from award.forms import ModelChoiceIdField, ModelMultipleIdField
from award.limits import form_field_for
from award.models import Criterion, Edition, Round
from award.views_helpers import run_service
from scoring.models import Result
from scoring.ranking.cross import cross_ranking
from scoring.ranking.engine import gc_paused
from scoring.results.ranking_views import number_formatter
from scoring.results.services import cross_award_give
from scoring.results.views import organised_edition


class CrossAwardForm(forms.Form):
    round = ModelChoiceIdField(
        label=_("Scores of the round"), queryset=Round.objects.none(), to_field_name="number", empty_label=None
    )
    criteria = ModelMultipleIdField(
        label=_("Criteria"),
        queryset=Criterion.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one criterion.")},
    )

    def __init__(self, *args, edition: Edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = edition.rounds.order_by("number")
        self.fields["criteria"].queryset = edition.criteria.order_by("position", "id")


class CrossAwardGiveForm(forms.Form):
    project = forms.TypedChoiceField(label=_("Project"), coerce=int)
    title = form_field_for(Result, "title", label=_("Award title"))
    citation = form_field_for(Result, "citation", label=_("Citation"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, rows=None, **kwargs):
        super().__init__(*args, **kwargs)
        if rows is None:  # a POST: the service checks that the project is ranked
            self.fields["project"] = forms.IntegerField()
            return
        self.fields["project"].choices = [
            (row.project.pk, f"{row.rank}. {row.project.reference} · {row.project.title}") for row in rows
        ]


def _page_url(edition: Edition, data=None) -> str:
    url = reverse("results:cross_award", kwargs={"edition": edition.slug})
    if data:
        query = [("round", data.get("round", ""))] + [("criteria", c) for c in data.getlist("criteria")]
        url += "?" + urlencode(query)
    return url


# The page lists the best projects; "show all" lists every eligible project of the edition.
SHOWN = 50


@login_required
@gc_paused()
def cross_award(request, edition: str):
    edition = organised_edition(request, edition)
    rounds = list(edition.rounds.order_by("number"))
    first = next((r for r in rounds if r.kind == RoundKind.SHORTLIST), rounds[0] if rounds else None)
    form = CrossAwardForm(
        request.GET if "round" in request.GET else None,
        edition=edition,
        initial={"round": first.number if first else None},
    )
    ranking = give_form = None
    rows = []
    show_all = request.GET.get("all") == "1"
    if form.is_valid():
        rnd = form.cleaned_data["round"]
        rnd.edition = edition
        ranking = cross_ranking(round=rnd, criteria=list(form.cleaned_data["criteria"]))
        fmt = number_formatter()
        rows = [
            {
                "row": row,
                "score": fmt(row.official_score),
                "mean": fmt(row.scores.get("mean")),
                "criteria": [fmt(row.criterion_means.get(c.pk)) for c in ranking.criteria],
            }
            for row in (ranking.rows if show_all else ranking.ranked_rows[:SHOWN])
        ]
        ranked = ranking.ranked_rows if show_all else ranking.ranked_rows[:SHOWN]
        give_form = CrossAwardGiveForm(rows=ranked, initial={"project": ranked[0].project.pk} if ranked else None)
    return render(
        request,
        "scoring/results/cross_award.html",
        {
            "edition": edition,
            "form": form,
            "ranking": ranking,
            "rows": rows,
            "give_form": give_form,
            "show_all": show_all,
            "hidden": len(ranking.rows) - len(rows) if ranking else 0,
            "all_url": request.get_full_path() + "&all=1",
        },
    )


@require_POST
@login_required
def cross_award_give_view(request, edition: str):
    edition = organised_edition(request, edition)
    form = CrossAwardForm(request.POST, edition=edition)
    give = CrossAwardGiveForm(request.POST)
    back = _page_url(edition, request.POST)
    if not form.is_valid() or not give.is_valid():
        messages.error(request, _("The award needs a round, criteria, a project, a title and a citation."))
        return redirect(back)
    rnd = form.cleaned_data["round"]
    rnd.edition = edition
    project = get_object_or_404(edition.projects.all(), pk=give.cleaned_data["project"])
    return run_service(
        request,
        lambda: cross_award_give(
            round=rnd,
            criteria=list(form.cleaned_data["criteria"]),
            project=project,
            title=give.cleaned_data["title"],
            citation=give.cleaned_data["citation"],
            actor=request.user,
        ),
        success_url=reverse("results:overview", kwargs={"edition": edition.slug}),
        success_message=_("Special award saved."),
        failure_url=back,
    )
