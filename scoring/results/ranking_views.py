"""The organisers' (and the jury chair's) ranking page of a category in a round (issue 15).

The page explains itself: a summary in words (``scoring/ranking/explain.py``), the decision band,
the rows with their decision in the third column (visible without scrolling sideways at
1366 × 768; cards on a phone), each row opening into "why here" (its reviews, the leniency
adjustment, the calibrated score ± se and the 80 % rank interval), a glossary of every figure,
the rater diagnostics (organisers only) and the effective weights. Rows are paginated
(``ROWS_PER_PAGE``); the summary and the band always cover the whole category.

Reads: the ranking (``ranking_for``) and the round's cached analysis, each once; no statement
runs twice and the count does not grow with the rows.
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from award.enums import AggregationMethod, RoundKind, TieBreakRule
from award.models import User
from award.rubric import effective_weights
from scoring.calibration import descriptive
from scoring.ranking import explain
from scoring.ranking.cache import round_analysis_cached
from scoring.ranking.engine import ranking_for
from scoring.ranking.presenter import ranking_rows
from scoring.results import charts
from scoring.results.views import _round_and_category
from scoring.rules import can_decide_results, can_read_ranking
from scoring.selectors import editions_ranked_for

METHOD_LABELS = dict(AggregationMethod.choices)
ROWS_PER_PAGE = 50


def _sealed(rnd):
    """The round's sealed snapshot, when the sealing helper's selector exists (None otherwise)."""
    from scoring.results import selectors

    snapshot_for = getattr(selectors, "snapshot_for", None)
    return snapshot_for(rnd) if snapshot_for is not None else None


def _review_lines(analysis, round_totals, category_id: int) -> dict[int, list[tuple]]:
    """Per project, its reviews as (juror_id, total, leniency, scale, adjusted_total, outlier) in
    juror-id order: the shape of the engine's ``RankRow.reviews``. The adjusted total is
    c + (y − c − b_j) / s_j (``analysis.py``), c the model's centre."""
    centre = (analysis.model or {}).get("centre") or 0.0
    outliers = {(o["project_id"], o["juror_id"]) for o in analysis.outliers}
    lines: dict[int, list[tuple]] = defaultdict(list)
    for project_id, category, juror_id, total in round_totals:
        if category != category_id:
            continue
        juror = analysis.jurors.get(juror_id) or {}
        leniency = juror.get("leniency") or 0.0
        scale = juror.get("scale") or 1.0
        adjusted = centre + (total - centre - leniency) / scale
        lines[project_id].append((juror_id, total, leniency, scale, adjusted, (project_id, juror_id) in outliers))
    for reviews in lines.values():
        reviews.sort()
    return lines


def _signed(value: float | None, digits: int = 1) -> str:
    """+4.1 / −4.1 in the reader's number format (the sign says which way a juror leans)."""
    if value is None:
        return "–"
    return ("+" if value >= 0 else "−") + number_format(abs(value), digits)


def _interval(test: dict | None) -> dict | None:
    if not test:
        return None
    return {
        "estimate": test["estimate"], "signed": _signed(test["estimate"]), "low": test["low"], "high": test["high"],
        "flagged": test["flagged"],
    }  # fmt: skip


def _juror_diagnostics(analysis, juror_ids, labels, outlier_counts) -> tuple[list[dict], list[str]]:
    """The rater diagnostics rows of the category's jurors, and the labels of those whose reviews
    deserve a second look (with the reasons, in words)."""
    rows, second_look = [], []
    for juror_id in juror_ids:
        data = analysis.jurors.get(juror_id) or {}
        leniency = _interval(data.get("leniency_test"))
        scale = _interval(data.get("scale_test"))
        favouritism = _interval(data.get("favouritism"))
        straight = data.get("straight_lining") or {}
        halo = data.get("halo") or {}
        seconds = data.get("seconds_per_review") or {}
        reasons = []
        if leniency and leniency["flagged"]:
            reasons.append(
                _("more lenient than the panel") if leniency["estimate"] > 0 else _("harsher than the panel")
            )
        if scale and scale["flagged"]:
            reasons.append(_("spreads scores wider") if scale["estimate"] > 1 else _("spreads scores narrower"))
        if favouritism and favouritism["flagged"]:
            reasons.append(_("favours projects of their own country"))
        if straight.get("flagged"):
            reasons.append(_("same value on every criterion"))
        if halo.get("flagged"):
            reasons.append(_("criteria move together"))
        if seconds.get("flagged"):
            reasons.append(_("very quick reviews"))
        outliers = outlier_counts.get(juror_id, 0)
        if outliers:
            reasons.append(
                (_("%(count)s outlier review") if outliers == 1 else _("%(count)s outlier reviews"))
                % {"count": outliers}
            )
        minutes = seconds.get("value")
        rows.append(
            {
                "label": labels[juror_id],
                "reviews": data.get("reviews", 0),
                "leniency": leniency,
                "scale": scale,
                "favouritism": favouritism,
                "straight_lining": straight,
                "halo": halo,
                "minutes": None if minutes is None else minutes / 60.0,
                "time_flagged": bool(seconds.get("flagged")),
                "outliers": outliers,
                "reasons": reasons,
            }
        )
        if reasons:
            second_look.append(f"{labels[juror_id]} ({', '.join(reasons)})")
    return rows, second_look


@login_required
def ranking(request, edition: str, round: int, category: str):
    edition = get_object_or_404(editions_ranked_for(request.user), slug=edition)
    rnd, cat = _round_and_category(edition, round, category)
    if not can_read_ranking(request.user, edition, cat):
        raise Http404
    # The jury chair reads the ranking without deciding, and without the jurors' names (as in
    # the jury's copy of the workbooks).
    read_only = not can_decide_results(request.user, edition)
    is_final = rnd.kind == RoundKind.FINAL
    # Probabilities come from the model's posterior (the analysis), not a per-project bootstrap.
    result = ranking_for(category=cat, round=rnd, bootstrap=False, seed=0)
    analysis = round_analysis_cached(rnd)
    summary = analysis.categories.get(cat.pk)
    presented = ranking_rows(result, hide_jurors=read_only)
    reviews = _review_lines(analysis, result.round_totals, cat.pk)

    juror_ids = sorted({j for lines in reviews.values() for j, *_rest in lines})
    if read_only:
        labels = {j: _("Juror %(number)s") % {"number": n} for n, j in enumerate(juror_ids, start=1)}
    else:
        users = User.objects.in_bulk(juror_ids)
        labels = {j: users[j].display_name for j in juror_ids}

    names = {row.project_id: f"{row.title} ({row.reference})" for row in presented}
    position = {row.project_id: index for index, row in enumerate(presented)}
    outlier_projects = [o["project_id"] for o in analysis.outliers if o["project_id"] in position]
    outlier_counts: dict[int, int] = defaultdict(int)
    for o in analysis.outliers:
        if o["project_id"] in position:
            outlier_counts[o["juror_id"]] += 1

    diagnostics, second_look = (
        ([], None)
        if read_only
        else _juror_diagnostics(analysis, sorted(juror_ids, key=lambda j: labels[j].lower()), labels, outlier_counts)
    )
    panels = None
    if summary and len(summary.get("components") or []) > 1:
        panels = [
            [labels[j] for j in juror_ids if (analysis.jurors.get(j) or {}).get("component") == k]
            for k in summary["components"]
        ]
    decided = [row.project_id for row in presented if row.result]
    sentences = explain.category_summary(
        category=summary,
        projects=analysis.projects,
        names=names,
        final_round=is_final,
        selection=decided or None,
        decided=bool(decided),
        outlier_projects=outlier_projects,
        panels=panels,
        criteria={c.pk: c.name for c in result.criteria},
        second_look=second_look,
    )

    paginator = Paginator(presented, ROWS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    page_of = {pid: index // ROWS_PER_PAGE + 1 for pid, index in position.items()}
    band = [
        {
            "project_id": pid,
            "name": names[pid],
            "p": explain.percent(analysis.projects[pid].get("p_top")),
            "disagreement": analysis.projects[pid].get("disagreement"),
            "result": presented[position[pid]].result_label,
            "page": page_of[pid],
        }
        for pid in (summary or {}).get("band", [])
        if pid in position
    ]
    outlier_set = set(outlier_projects)
    rows = []
    for row in page.object_list:
        figures = analysis.projects.get(row.project_id) or {}
        lines = reviews.get(row.project_id, [])
        if read_only:
            # In the jury's copy the order of the reviews must not tell which juror gave which.
            lines = sorted(lines, key=lambda line: line[1])
        rows.append(
            {
                "row": row,
                "calibrated": figures,
                "percent": explain.percent(figures.get("p_top")) if figures.get("p_top") is not None else None,
                "bar": charts.probability_bar(
                    figures.get("p_top"),
                    label=_("Probability of winning") if is_final else _("Finalist probability"),
                ),
                "strip": charts.strip_plot(row.juror_totals, score=figures.get("score"), label=_("Review totals")),
                "reviews": [
                    {
                        "label": labels[j],
                        "total": total,
                        "leniency": leniency,
                        "scale": scale,
                        "adjusted": adjusted,
                        "adjustment": _signed(adjusted - total),
                        "outlier": outlier,
                    }
                    for j, total, leniency, scale, adjusted, outlier in lines
                ],
                "outlier": row.project_id in outlier_set,
                "others": [(METHOD_LABELS.get(m, m), score, rank) for m, score, rank in row.others],
            }
        )
    weights = effective_weights(result.criteria)
    final_rounds = [r for r in edition.rounds.all() if r.kind == RoundKind.FINAL and r.number > rnd.number]
    boxes = None
    if not read_only and juror_ids:
        totals_by_juror: dict[int, list[float]] = defaultdict(list)
        for lines in reviews.values():
            for j, total, *_rest in lines:
                totals_by_juror[j].append(total)
        all_totals = [t for values in totals_by_juror.values() for t in values]
        boxes = charts.box_plots(
            [(labels[j], sorted(totals_by_juror[j])) for j in sorted(juror_ids, key=lambda j: labels[j].lower())],
            panel_mean=sum(all_totals) / len(all_totals),
            title=_("Distribution of totals per juror"),
        )
    return render(
        request,
        "scoring/results/ranking.html",
        {
            "edition": edition,
            "round": rnd,
            "category": cat,
            "ranking": result,
            "summary": summary,
            "sentences": sentences,
            "band": band,
            "rows": rows,
            "page_obj": page,
            "diagnostics": diagnostics,
            "boxes": boxes,
            "read_only": read_only,
            "sealed": _sealed(rnd),
            "method_label": METHOD_LABELS.get(result.method, result.method),
            "official_is_calibrated": result.method == getattr(AggregationMethod, "CALIBRATED", None),
            "other_labels": [METHOD_LABELS.get(m, m) for m in result.other_methods],
            "tie_rule_label": dict(TieBreakRule.choices).get(result.tie_break_rule, ""),
            "weights": [(c.name, weights.get(c.pk)) for c in result.criteria],
            "is_final": is_final,
            "final_rounds": final_rounds,
            "finalists_exist": bool(decided),
            "analysis": analysis,
            "descriptive_min_panel": descriptive.MIN_PANEL,
        },
    )
