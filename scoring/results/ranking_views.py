"""The organisers' (and the jury chair's) ranking page of a category in a round (issue 15).

The page explains itself: a summary in words (``scoring/ranking/explain.py``), the decision band,
the rows with their decision in the third column (visible without scrolling sideways at
1366 × 768; cards on a phone), each row opening into "why here" (its reviews, the leniency
adjustment, the calibrated score ± se and the 80 % rank interval), a glossary of every figure,
the rater diagnostics (organisers only) and the effective weights. Rows are paginated
(``ROWS_PER_PAGE``); the summary and the band always cover the whole category.

Reads: the ranking (``ranking_for(light=True)``: the round's fingerprint, its stored analysis as
``ranking.analysis`` and the category's stored rows, the projects' texts as plain values; no
score row while the round is unchanged) and, for organisers, the jurors' names; no statement
runs twice and the count does not grow with the rows.
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from award.enums import AggregationMethod, RoundKind, TieBreakRule
from award.models import User
from award.rubric import effective_weights
from scoring.ballot.selectors import is_ranked
from scoring.ranking import explain
from scoring.ranking.engine import gc_paused, ranking_for
from scoring.ranking.presenter import RESULT_LABELS, ranking_rows
from scoring.results import charts
from scoring.results.seal import snapshot_for
from scoring.results.views import round_and_category
from scoring.rules import can_decide_results, can_read_ranking
from scoring.selectors import editions_ranked_for

METHOD_LABELS = dict(AggregationMethod.choices)
ROWS_PER_PAGE = 50


def _sealed(rnd):
    """The frozen round's sealed snapshot for the banner (``_sealed_banner.html``), or None."""
    if not rnd.frozen:
        return None  # no query for a round that is not frozen
    return snapshot_for(rnd)


def number_formatter():
    """A fast number format for the reader's language: the decimal separator is read once per
    request (``number_format`` per figure cost a third of the page at 50 rows); the figures are
    below 1,000, so no grouping."""
    separator = get_format("DECIMAL_SEPARATOR")

    def fmt(value: float | None, digits: int = 1) -> str:
        if value is None:
            return "–"
        text = f"{value:.{digits}f}".replace("-", "−")  # a minus sign, as in "−4.1"
        return text.replace(".", separator) if separator != "." else text

    return fmt


def _signed(value: float | None, digits: int = 1, *, fmt=None) -> str:
    """+4.1 / −4.1 in the reader's number format (the sign says which way a juror leans)."""
    if value is None:
        return "–"
    fmt = fmt or number_formatter()
    return ("+" if value >= 0 else "−") + fmt(abs(value), digits)


def _interval(test: dict | None, fmt, *, signed: bool = True, digits: int = 1) -> dict | None:
    """A test's estimate with its 95 % interval as text: "+4.1 (1.2 to 7.0)"."""
    if not test:
        return None
    estimate = _signed(test["estimate"], digits, fmt=fmt) if signed else fmt(test["estimate"], digits)
    interval = _("%(low)s to %(high)s") % {"low": fmt(test["low"], digits), "high": fmt(test["high"], digits)}
    return {"estimate": test["estimate"], "text": f"{estimate} ({interval})", "flagged": test["flagged"]}


def _juror_diagnostics(analysis, juror_ids, labels, outlier_counts, fmt) -> tuple[list[dict], list[str]]:
    """The rater diagnostics rows of the category's jurors, and the labels of those whose reviews
    deserve a second look (with the reasons, in words)."""
    rows, second_look = [], []
    minutes_text = _("%(minutes)s min")
    for juror_id in juror_ids:
        data = analysis.jurors.get(juror_id) or {}
        leniency = _interval(data.get("leniency_test"), fmt)
        scale = _interval(data.get("scale_test"), fmt, signed=False, digits=2)
        favouritism = _interval(data.get("favouritism"), fmt)
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
                ngettext("%(count)s outlier review", "%(count)s outlier reviews", outliers) % {"count": outliers}
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
                "straight_text": None if straight.get("value") is None else f"{fmt(100 * straight['value'], 0)} %",
                "halo": halo,
                "halo_text": None if halo.get("value") is None else fmt(halo["value"], 2),
                "minutes": None if minutes is None else minutes_text % {"minutes": fmt(minutes / 60.0, 0)},
                "time_flagged": bool(seconds.get("flagged")),
                "outliers": outliers,
                "reasons": reasons,
            }
        )
        if reasons:
            second_look.append(f"{labels[juror_id]} ({', '.join(reasons)})")
    return rows, second_look


@login_required
@gc_paused()
def ranking(request, edition: str, round: int, category: str):
    edition = get_object_or_404(editions_ranked_for(request.user), slug=edition)
    rnd, cat = round_and_category(edition, round, category)
    if not can_read_ranking(request.user, edition, cat):
        raise Http404
    if is_ranked(rnd):
        # A ranked final round has ballots, not scores: its count is the ranking.
        return redirect("results:ballot", edition=edition.slug, round=rnd.number, category=cat.slug)
    # The jury chair reads the ranking without deciding, and without the jurors' names (as in
    # the jury's copy of the workbooks).
    read_only = not can_decide_results(request.user, edition)
    is_final = rnd.kind == RoundKind.FINAL
    # Probabilities come from the model's posterior (the cached analysis), never a bootstrap.
    result = ranking_for(category=cat, round=rnd, seed=0, light=True)
    analysis = result.analysis
    summary = result.category_analysis
    # Each review as (juror_id, total, leniency, scale, adjusted_total, outlier), juror order.
    reviews = {row.project.pk: row.reviews for row in result.rows}
    fmt = number_formatter()

    juror_ids = sorted({line.juror_id for lines in reviews.values() for line in lines})
    if read_only:
        labels = {j: _("Juror %(number)s") % {"number": n} for n, j in enumerate(juror_ids, start=1)}
    else:
        users = User.objects.in_bulk(juror_ids)
        labels = {j: users[j].display_name for j in juror_ids}

    # The engine's rows, in official order; only the page's rows are presented and rendered.
    position = {row.project.pk: index for index, row in enumerate(result.rows)}

    def name(pid: int) -> str:
        project = result.rows[position[pid]].project
        return f"{project.title} ({project.reference})"

    outlier_projects = [row.project.pk for row in result.rows if "outlier_review" in row.flags]
    outlier_counts: dict[int, int] = defaultdict(int)
    for lines in reviews.values():
        for line in lines:
            if line.outlier:
                outlier_counts[line.juror_id] += 1

    diagnostics, second_look = (
        ([], None)
        if read_only
        else _juror_diagnostics(
            analysis, sorted(juror_ids, key=lambda j: labels[j].lower()), labels, outlier_counts, fmt
        )
    )
    panels = None
    if summary and len(summary.get("components") or []) > 1:
        panels = [
            [labels[j] for j in juror_ids if (analysis.jurors.get(j) or {}).get("component") == k]
            for k in summary["components"]
        ]
    decided = [row.project.pk for row in result.rows if row.result]
    mentioned = set(decided) | set((summary or {}).get("band", [])) | set((summary or {}).get("selected", []))
    mentioned |= set(outlier_projects)
    for flip in ((summary or {}).get("sensitivity") or {}).get("alone", []) + (
        ((summary or {}).get("sensitivity") or {}).get("worst", [])
    ):
        mentioned |= {flip["enters"], flip["leaves"]}
    names = {pid: name(pid) for pid in mentioned if pid in position}
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

    paginator = Paginator(result.rows, ROWS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    band = [
        {
            "project_id": pid,
            "name": names[pid],
            "p": explain.percent(result.rows[position[pid]].p_top),
            "disagreement": "disagreement" in result.rows[position[pid]].flags,
            "result": str(RESULT_LABELS.get(result.rows[position[pid]].result or "", "")),
            "page": position[pid] // ROWS_PER_PAGE + 1,
        }
        for pid in (summary or {}).get("band", [])
        if pid in position
    ]
    selected = set((summary or {}).get("selected", []))
    page_rows = list(page.object_list)
    # One translation lookup per request, not one per row.
    why_text = _(
        "Calibrated score %(score)s ± %(se)s; expected rank %(expected)s, and in 80 %% of the simulated rankings "
        "between places %(low)s and %(high)s; probability %(p)s."
    )
    review_text = _("%(juror)s: total %(total)s, leniency adjustment %(adjustment)s, adjusted total %(adjusted)s")
    bar_label = _("Probability of winning") if is_final else _("Finalist probability")
    strip_label = _("Review totals")
    rows = []
    # The jury chair's copy is presented without juror ids (presenter: hide_jurors); the reviews'
    # pseudonyms ("Juror 3") come from the engine's row, in ascending order of total.
    for engine_row, row in zip(page_rows, ranking_rows(result, hide_jurors=read_only, rows=page_rows), strict=True):
        lines = list(engine_row.reviews)
        if read_only:
            # In the jury's copy the order of the reviews must not tell which juror gave which.
            lines.sort(key=lambda line: line.total)
        score = row.calibrated_score
        p_top = row.p_top
        percent = None if p_top is None else explain.percent(p_top)
        rows.append(
            {
                "row": row,
                "has_score": score is not None,
                "selected": row.project_id in selected,
                "score": fmt(score),
                "se": fmt(row.score_se),
                "has_expected": row.expected_rank is not None,
                "expected": fmt(row.expected_rank),
                "low": fmt(row.rank_low, 0),
                "high": fmt(row.rank_high, 0),
                "percent": percent,
                "why": None
                if score is None
                else why_text
                % {
                    "score": fmt(score),
                    "se": fmt(row.score_se),
                    "expected": fmt(row.expected_rank),
                    "low": fmt(row.rank_low, 0),
                    "high": fmt(row.rank_high, 0),
                    "p": percent or "–",
                },  # fmt: skip
                "bar": charts.probability_bar(p_top, label=bar_label),
                "strip": charts.strip_plot(row.juror_totals, score=score, label=strip_label),
                "reviews": [
                    {
                        "label": labels[line.juror_id],
                        "total": line.total,
                        "adjusted": line.adjusted_total,
                        "text": review_text
                        % {
                            "juror": labels[line.juror_id],
                            "total": fmt(line.total),
                            "adjustment": "–"
                            if line.adjusted_total is None
                            else _signed(line.adjusted_total - line.total, fmt=fmt),
                            "adjusted": fmt(line.adjusted_total),
                        },  # fmt: skip
                        "outlier": line.outlier,
                    }
                    for line in lines
                ],
                "others": [(METHOD_LABELS.get(m, m), fmt(score), rank) for m, score, rank in row.others],
                "official": fmt(row.official_score),
                "means": [fmt(mean) for mean in row.criterion_means],
            }
        )
    weights = effective_weights(result.criteria)
    final_rounds = [r for r in edition.rounds.all() if r.kind == RoundKind.FINAL and r.number > rnd.number]
    boxes = None
    if not read_only and juror_ids:
        totals_by_juror: dict[int, list[float]] = defaultdict(list)
        for lines in reviews.values():
            for line in lines:
                totals_by_juror[line.juror_id].append(line.total)
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
            "official_is_calibrated": result.method == AggregationMethod.CALIBRATED,
            "other_labels": [METHOD_LABELS.get(m, m) for m in result.other_methods],
            "tie_rule_label": dict(TieBreakRule.choices).get(result.tie_break_rule, ""),
            "weights": [(c.name, weights.get(c.pk)) for c in result.criteria],
            "is_final": is_final,
            "final_rounds": final_rounds,
            "finalists_exist": bool(decided),
        },
    )
