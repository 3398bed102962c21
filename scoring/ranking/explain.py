"""The jury chair's summary of a category in words (issue 15, item 10).

Pure: it reads the plain data of a round's analysis (``analysis.py``: ``categories[cid]``,
``projects[pid]``, ``jurors[jid]``) and the names the page already has, and returns translated
sentences. No database access, no markup (the template escapes the names).

The sentences, in the order the page shows them:

- ``solid``: the selected finalists (the decided ones, or the top N by calibrated score before a
  decision) whose probability is at least ``SOLID`` (0.9, the upper edge of the decision band);
- ``contested``: the decision band by name (0.1 < P < 0.9: places the model cannot settle);
- ``discuss``: the projects to discuss first: in the band with disagreeing reviews, then the
  rest of the band, then projects with an outlier review;
- ``expected_wrong``: Σ(1 − P) over the selection: how many of the selected projects are
  expected not to belong in the top N;
- ``agreement``: Krippendorff's alpha and its verdict in words (in a final round, low agreement
  on close finalists is expected: read the band);
- ``connectivity``: whether the jurors' leniency can be compared across the category; when the
  judging plan falls apart, the panels by their jurors;
- ``sensitivity``: whether ±10 % on any criterion's weight would change the decision, naming
  the weight that flips which project;
- ``second_look``: the jurors whose reviews deserve a second look (organisers only; the caller
  passes None in the jury chair's copy);
- ``together``: the categories of a round are fitted, and sealed, together.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from scoring.calibration import agreement as verdicts

SOLID = 0.9
# How many names a sentence lists before "and N more".
NAMES_SHOWN = 5
INFO = "info"
WARN = "warn"


@dataclass(frozen=True)
class Sentence:
    code: str
    text: str
    tone: str = INFO


def names_list(names: Iterable[str], *, limit: int = NAMES_SHOWN) -> str:
    """ "A, B, C and 2 more": the first ``limit`` names, then a count of the rest."""
    names = list(names)
    shown = ", ".join(names[:limit])
    rest = len(names) - limit
    if rest <= 0:
        return shown
    return ngettext("%(names)s and %(count)s more", "%(names)s and %(count)s more", rest) % {
        "names": shown,
        "count": rest,
    }


def percent(p: float | None) -> str:
    """A probability in whole percent. Inside the decision band (10 % < P < 90 %) it is never
    shown as 10 % or 90 %, so that a contested place never reads like a settled one."""
    if p is None:
        return "–"
    value = round(100 * p)
    if 0.1 < p < 0.9:
        value = min(89, max(11, value))
    return f"{value} %"


def agreement_words(code: str) -> str:
    return str(
        {
            verdicts.AGREEMENT_VERY_GOOD: _("very good: the jurors read the projects alike"),
            verdicts.AGREEMENT_GOOD: _("good: enough to draw conclusions"),
            verdicts.AGREEMENT_FAIR: _("fair: the jurors share part of their reading of the projects"),
            verdicts.AGREEMENT_POOR: _(
                "poor: the jurors differ about the same project almost as much as the projects differ"
            ),
            verdicts.AGREEMENT_FINAL_ROUND_CLOSE: _(
                "low, as expected among close finalists: read the decision band rather than the agreement"
            ),
            verdicts.AGREEMENT_UNDEFINED: _("not measurable yet (too few reviews of the same projects)"),
        }.get(code, code)
    )


def _flip_text(flip: Mapping, names: Mapping[int, str], criteria: Mapping[int, str], final_round: bool) -> str:
    moves = flip.get("moves") or {}
    weights = "; ".join(
        (_("%(criterion)s +10 %%") if move > 0 else _("%(criterion)s −10 %%"))
        % {"criterion": criteria.get(int(cid), str(cid))}
        for cid, move in sorted(moves.items(), key=lambda item: int(item[0]))
    )
    enters = names.get(int(flip["enters"]), str(flip["enters"]))
    leaves = names.get(int(flip["leaves"]), str(flip["leaves"]))
    if final_round:
        return _("moving the weights (%(weights)s) would make %(enters)s the winner instead of %(leaves)s") % {
            "weights": weights,
            "enters": enters,
            "leaves": leaves,
        }
    return _("moving the weights (%(weights)s) would put %(enters)s among the finalists in place of %(leaves)s") % {
        "weights": weights,
        "enters": enters,
        "leaves": leaves,
    }


def sensitivity_sentence(
    sensitivity: Mapping | None, *, names: Mapping[int, str], criteria: Mapping[int, str], final_round: bool
) -> Sentence | None:
    if not sensitivity:
        return None
    decision = "winner" if final_round else "finalists"
    robust = sensitivity.get("winner_robust" if final_round else "finalists_robust", True)
    if robust:
        text = (
            _("Weights: robust. Moving any criterion's weight by 10 %, alone or together, does not change the winner.")
            if final_round
            else _(
                "Weights: robust. Moving any criterion's weight by 10 %, alone or together, does not change "
                "the finalists."
            )
        )
        return Sentence("sensitivity", text)
    alone = [f for f in sensitivity.get("alone") or [] if f.get("decision") == decision]
    worst = [f for f in sensitivity.get("worst") or [] if f.get("decision") == decision]
    flip = alone[0] if alone else (worst[0] if worst else None)
    if flip is None:
        return None
    return Sentence(
        "sensitivity",
        _("Weights: sensitive. %(flip)s.") % {"flip": _flip_text(flip, names, criteria, final_round)},
        WARN,
    )


def discussion_order(
    *, category: Mapping | None, projects: Mapping[int, Mapping], outlier_projects: Iterable[int] = ()
) -> list[int]:
    """The projects to discuss first, in order: the decision band's projects whose reviews
    disagree, then the rest of the band, then the projects with an outlier review (the summary's
    "discuss" sentence and the jury meeting's order)."""
    band = list((category or {}).get("band") or [])
    disagreeing = [pid for pid in band if (projects.get(pid) or {}).get("disagreement")]
    rest = [pid for pid in band if pid not in disagreeing]
    band_set = set(band)
    outliers = [pid for pid in dict.fromkeys(outlier_projects) if pid not in band_set]
    return disagreeing + rest + outliers


def category_summary(
    *,
    category: Mapping | None,
    projects: Mapping[int, Mapping],
    names: Mapping[int, str],
    final_round: bool,
    selection: list[int] | None = None,
    decided: bool = False,
    outlier_projects: Iterable[int] = (),
    panels: list[list[str]] | None = None,
    criteria: Mapping[int, str] | None = None,
    second_look: list[str] | None = None,
) -> list[Sentence]:
    """The summary's sentences for one category.

    ``selection``: the decided finalists (or winner) when ``decided``, else None for the model's
    top N. ``panels``: the jurors (labels) of each connected component of the category, given
    only when there is more than one. ``second_look``: juror labels, or None to leave the
    sentence out (the jury chair's copy)."""
    if not category or not category.get("projects"):
        return [Sentence("empty", _("No review of this category is finalised yet: there is nothing to explain."))]
    sentences: list[Sentence] = []
    selected = list(selection) if selection is not None else list(category.get("selected") or [])

    def p(pid: int) -> float:
        return (projects.get(pid) or {}).get("p_top") or 0.0

    def name(pid: int) -> str:
        return names.get(pid, str(pid))

    solid = [pid for pid in selected if p(pid) >= SOLID]
    if final_round:
        lead = selected[:1]
        if lead and p(lead[0]) >= SOLID:
            sentences.append(
                Sentence(
                    "solid",
                    _("%(project)s is the winner with confidence (probability %(p)s).")
                    % {"project": name(lead[0]), "p": percent(p(lead[0]))},
                )
            )
        elif lead:
            sentences.append(
                Sentence(
                    "solid",
                    _("No project is the winner with confidence: %(project)s leads with a probability of %(p)s.")
                    % {"project": name(lead[0]), "p": percent(p(lead[0]))},
                    WARN,
                )
            )
    elif solid:
        sentences.append(
            Sentence(
                "solid",
                ngettext(
                    "Solid finalist (probability of at least 90 %%): %(names)s.",
                    "Solid finalists (probability of at least 90 %%): %(names)s.",
                    len(solid),
                )
                % {"names": names_list((name(pid) for pid in solid), limit=len(solid))},
            )
        )
    elif selected:
        sentences.append(Sentence("solid", _("No selected finalist is solid (probability of at least 90 %)."), WARN))

    band = list(category.get("band") or [])
    if band:
        sentences.append(
            Sentence(
                "contested",
                ngettext(
                    "Contested place: %(names)s (a probability between 10 %% and 90 %%).",
                    "Contested places: %(names)s (a probability between 10 %% and 90 %%).",
                    len(band),
                )
                % {"names": names_list(f"{name(pid)} {percent(p(pid))}" for pid in band)},
                WARN,
            )
        )
    else:
        sentences.append(Sentence("contested", _("No place is contested: every project is clearly in or out.")))

    discuss = discussion_order(category=category, projects=projects, outlier_projects=outlier_projects)
    disagreeing = [pid for pid in band if (projects.get(pid) or {}).get("disagreement")]
    if discuss:
        sentences.append(
            Sentence(
                "discuss",
                _("Discuss first: %(names)s.") % {"names": names_list(name(pid) for pid in discuss)}
                + (
                    " "
                    + ngettext(
                        "%(count)s contested project has reviews that disagree.",
                        "%(count)s contested projects have reviews that disagree.",
                        len(disagreeing),
                    )
                    % {"count": len(disagreeing)}
                    if disagreeing
                    else ""
                ),
                WARN if disagreeing else INFO,
            )
        )

    wrong = sum(1.0 - p(pid) for pid in selected)
    if selected:
        text = (
            _("Expected number of wrong finalists in the current selection: %(value)s.")
            if decided
            else _("Expected number of wrong finalists if the top %(n)s are selected: %(value)s.")
        )
        sentences.append(
            Sentence(
                "expected_wrong",
                text % {"value": number_format(wrong, 1), "n": len(selected)},
                WARN if wrong >= 0.5 else INFO,
            )
        )

    code = category.get("agreement") or verdicts.AGREEMENT_UNDEFINED
    alpha = category.get("alpha")
    words = agreement_words(code)
    if alpha is None:
        text = _("Agreement of the jurors: %(verdict)s.") % {"verdict": words}
    else:
        text = _("Agreement of the jurors (Krippendorff's alpha %(alpha)s): %(verdict)s.") % {
            "alpha": number_format(alpha, 2),
            "verdict": words,
        }
    sentences.append(Sentence("agreement", text, WARN if code == verdicts.AGREEMENT_POOR else INFO))

    if panels and len(panels) > 1:
        described = "; ".join(
            _("panel %(number)s: %(jurors)s") % {"number": number, "jurors": names_list(jurors)}
            for number, jurors in enumerate(panels, start=1)
        )
        sentences.append(
            Sentence(
                "connectivity",
                _(
                    "The judging plan is not connected: the jurors of different panels never scored a common "
                    "project (%(panels)s); leniency is compared only within each panel."
                )
                % {"panels": described},
                WARN,
            )
        )
    else:
        sentences.append(
            Sentence(
                "connectivity",
                _("The judging plan is connected: every juror's leniency is compared with the whole panel's."),
            )
        )

    sentence = sensitivity_sentence(
        category.get("sensitivity"), names=names, criteria=criteria or {}, final_round=final_round
    )
    if sentence is not None:
        sentences.append(sentence)

    if second_look is not None:
        if second_look:
            sentences.append(
                Sentence(
                    "second_look",
                    _("Reviews that deserve a second look (see the rater diagnostics): %(names)s.")
                    % {"names": names_list(second_look)},
                    WARN,
                )
            )
        else:
            sentences.append(Sentence("second_look", _("No juror's reviews stand out in the rater diagnostics.")))

    sentences.append(
        Sentence(
            "together",
            _(
                "The categories of a round are fitted together (a juror's leniency is learned from all their "
                "reviews in the round), so they are sealed together."
            ),
        )
    )
    return sentences
