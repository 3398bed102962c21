"""The jurors of a ranking: descriptive totals (``juror_table``) and the model's rater diagnostics
(``juror_diagnostics``), both from what the ranking has already read (one query for the users).

``juror_diagnostics`` reads ``analysis.jurors`` (``scoring/ranking/analysis.py``): leniency and
scale with their 95 % and Benjamini–Hochberg-corrected intervals, flagged only when the corrected
interval excludes the neutral value (``calibration/inference.py``); own-country favouritism only
where it was tested (the juror reviewed projects of their own country and others); straight-lining,
halo and time per review compared with the panel's Tukey fence (``calibration/descriptive.py``).
Organisers only: the jury chair's copy shows none of this.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from award.models import Category, Round, User
from scoring.ranking.loader import round_inputs


@dataclass
class JurorRow:
    juror: User
    mean: float
    sd: float
    reviews: int
    difference_from_panel: float
    flag_lenient: bool
    flag_harsh: bool
    totals: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class Test:
    """One diagnostic test of a juror: the estimate, its 95 % interval, the interval corrected
    for testing every juror at once, and whether that corrected interval excludes the neutral
    value (``flagged``)."""

    estimate: float | None
    low: float | None
    high: float | None
    adjusted_low: float | None
    adjusted_high: float | None
    flagged: bool

    @classmethod
    def of(cls, entry: dict | None) -> Test | None:
        if not entry:
            return None
        return cls(
            entry.get("estimate"), entry.get("low"), entry.get("high"), entry.get("adjusted_low"),
            entry.get("adjusted_high"), bool(entry.get("flagged")),
        )  # fmt: skip


@dataclass(frozen=True)
class Figure:
    """A descriptive figure of a juror against the panel: the value (None when the juror has too
    few reviews for it), whether it lies beyond the panel's fence, the panel's median."""

    value: float | None
    flagged: bool
    panel_median: float | None

    @classmethod
    def of(cls, entry: dict | None) -> Figure:
        entry = entry or {}
        return cls(entry.get("value"), bool(entry.get("flagged")), entry.get("panel_median"))


@dataclass(frozen=True)
class JurorDiagnostic:
    juror: User
    reviews: int  # completed reviews in the round (the model learns from all of them)
    reviews_in_category: int
    component: int | None
    # Leniency in points on 0–100 (the shrunk estimate the calibrated score uses) and its test.
    leniency: float | None
    leniency_test: Test | None
    # Scale (1 = ordinary; only for jurors with enough reviews) and its test.
    scale: float | None
    scaled: bool
    scale_test: Test | None
    # Own-country favouritism in points; None when not tested.
    favouritism: Test | None
    straight_lining: Figure
    halo: Figure
    seconds_per_review: Figure

    @property
    def leniency_flag(self) -> str:
        """ "lenient", "harsh" or "" (flagged only when the corrected interval excludes 0)."""
        test = self.leniency_test
        if test is None or not test.flagged or test.estimate is None:
            return ""
        return "lenient" if test.estimate > 0 else "harsh"

    @property
    def scale_flag(self) -> str:
        """ "wide" (spreads projects further than the typical juror), "narrow" or ""."""
        test = self.scale_test
        if test is None or not test.flagged or test.estimate is None:
            return ""
        return "wide" if test.estimate > 1 else "narrow"

    @property
    def flagged(self) -> bool:
        return bool(
            self.leniency_flag
            or self.scale_flag
            or (self.favouritism is not None and self.favouritism.flagged)
            or self.straight_lining.flagged
            or self.halo.flagged
            or self.seconds_per_review.flagged
        )


def _users(ids, ranking=None) -> dict[int, User]:
    """The users by id; with a ranking, those it has read already are not read again."""
    known = ranking.users if ranking is not None else {}
    missing = [pk for pk in ids if pk not in known]
    if missing:
        known.update(User.objects.in_bulk(missing))
    return known


def juror_diagnostics(ranking) -> list[JurorDiagnostic]:
    """The rater diagnostics of every juror who reviewed a project of the ranking's category,
    flagged jurors first, then by leniency (most lenient first) and name."""
    analysis = ranking.analysis
    if analysis is None:
        return []
    in_category: dict[int, int] = defaultdict(int)
    for row in ranking.rows:
        for line in row.reviews:
            in_category[line.juror_id] += 1
    users = _users(sorted(in_category), ranking)
    rows = []
    for juror_id, count in in_category.items():
        entry = analysis.jurors.get(juror_id) or {}
        rows.append(
            JurorDiagnostic(
                juror=users[juror_id],
                reviews=int(entry.get("reviews") or 0),
                reviews_in_category=count,
                component=entry.get("component"),
                leniency=entry.get("leniency"),
                leniency_test=Test.of(entry.get("leniency_test")),
                scale=entry.get("scale"),
                scaled=bool(entry.get("scaled")),
                scale_test=Test.of(entry.get("scale_test")),
                favouritism=Test.of(entry.get("favouritism")),
                straight_lining=Figure.of(entry.get("straight_lining")),
                halo=Figure.of(entry.get("halo")),
                seconds_per_review=Figure.of(entry.get("seconds_per_review")),
            )
        )
    rows.sort(key=lambda r: (not r.flagged, -(r.leniency or 0.0), r.juror.last_name, r.juror.first_name, r.juror.pk))
    return rows


def juror_table(
    *,
    round: Round | None = None,
    category: Category | None = None,
    totals: list[tuple[int, int, int, float]] | None = None,
    ranking=None,
) -> list[JurorRow]:
    """Each juror's mean total, its spread and its distance from the panel's mean total (the
    counted totals of the round, or of the category). Given a ``ranking``, its totals are used
    (no second read) and a juror is lenient or harsh only when the model's leniency test flags
    them (``juror_diagnostics``); otherwise by the edition's leniency threshold on the raw
    difference, which confounds leniency with the quality of the juror's projects."""
    tested: dict[int, dict] = {}
    if ranking is not None:
        totals = ranking.round_totals
        round = ranking.round if round is None else round
        category = ranking.category if category is None else category
        if ranking.analysis is not None:
            tested = ranking.analysis.jurors
    elif totals is None:
        inputs = round_inputs(round)
        totals = [
            (int(inputs.project_ids[p]), int(inputs.project_category[p]), int(inputs.juror_ids[j]), float(t))
            for p, j, t in zip(inputs.project, inputs.juror, inputs.total, strict=True)
        ]
    if category is not None:
        totals = [t for t in totals if t[1] == category.pk]
    by_juror: dict[int, list[float]] = defaultdict(list)
    for _p, _c, juror_id, total in totals:
        by_juror[juror_id].append(total)
    everything = [t[3] for t in totals]
    panel_mean = math.fsum(everything) / len(everything) if everything else 0.0
    threshold = float(round.edition.leniency_threshold)
    jurors = _users(sorted(by_juror), ranking)
    rows = []
    for juror_id, values in by_juror.items():
        mean = math.fsum(values) / len(values)
        difference = mean - panel_mean
        if ranking is not None:
            test = (tested.get(juror_id) or {}).get("leniency_test") or {}
            flagged = bool(test.get("flagged"))
            lenient = flagged and (test.get("estimate") or 0) > 0
            harsh = flagged and (test.get("estimate") or 0) < 0
        else:
            lenient, harsh = difference > threshold, difference < -threshold
        rows.append(
            JurorRow(
                juror=jurors[juror_id],
                mean=mean,
                sd=math.sqrt(math.fsum((v - mean) ** 2 for v in values) / len(values)),
                reviews=len(values),
                difference_from_panel=difference,
                flag_lenient=lenient,
                flag_harsh=harsh,
                totals=sorted(values),
            )
        )
    rows.sort(key=lambda r: (-r.difference_from_panel, r.juror.last_name, r.juror.first_name, r.juror.pk))
    return rows
