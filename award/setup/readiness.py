"""The set-up checklist: what is still missing before an edition's call can open.

`edition_readiness(edition)` reads the edition and its categories, criteria and rounds in three
queries and lists the gaps, each tied to the step that fixes it. Blocking gaps keep the call
closed (award.setup.services.edition_call_open); the others are advice."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from award.models import Category, Criterion, Edition, Round

STEPS: list[tuple[str, Promise]] = [
    ("basics", _("Basics and timeline")),
    ("categories", _("Categories")),
    ("rubric", _("Rubric")),
    ("rounds", _("Rounds and rules")),
    ("signatories", _("Signatories")),
    ("branding", _("Branding")),
    ("checklist", _("Checklist")),
]

# The organiser-typed texts of each kind of object, in the order the pages show them.
TRANSLATED_FIELDS: dict[type, tuple[str, ...]] = {
    Edition: ("name", "description", "ceremony_place"),
    Category: ("name", "description"),
    Criterion: ("name", "guidance", "level_descriptors"),
    Round: ("name",),
}


def language_names() -> dict[str, str]:
    return {code: str(name) for code, name in settings.LANGUAGES}


def edition_languages(edition: Edition) -> list[str]:
    """The edition's languages in the interface's order, English always first."""
    chosen = set(edition.languages or []) | {"en"}
    return [code for code, _name in settings.LANGUAGES if code in chosen]


def translation_gaps(obj, languages: list[str], *, labels: bool = True) -> dict[str, list[str]]:
    """Language code -> labels (or field names) of the texts filled in English but empty in that
    language (and, for English, the name when it is empty)."""
    gaps: dict[str, list[str]] = {}
    for name in TRANSLATED_FIELDS[type(obj)]:
        english = (getattr(obj, f"{name}_en", "") or "").strip()
        label = str(type(obj)._meta.get_field(name).verbose_name) if labels else name
        if not english:
            if name == "name":
                gaps.setdefault("en", []).append(label)
            continue
        for code in languages:
            if code != "en" and not (getattr(obj, f"{name}_{code}", "") or "").strip():
                gaps.setdefault(code, []).append(label)
    return {code: gaps[code] for code in ["en", *languages] if code in gaps}


@dataclass(frozen=True)
class Gap:
    step: str
    message: str
    blocking: bool = True
    code: str = ""


@dataclass
class Readiness:
    gaps: list[Gap] = field(default_factory=list)

    @property
    def blocking(self) -> list[Gap]:
        return [gap for gap in self.gaps if gap.blocking]

    @property
    def ready(self) -> bool:
        return not self.blocking

    def steps_with_gaps(self) -> set[str]:
        return {gap.step for gap in self.gaps if gap.blocking}

    def for_step(self, step: str) -> list[Gap]:
        return [gap for gap in self.gaps if gap.step == step]


def _missing_translations(step: str, what: str, obj, languages: list[str], names: dict[str, str]) -> list[Gap]:
    gaps = []
    for code, labels in translation_gaps(obj, languages).items():
        gaps.append(
            Gap(
                step,
                _("%(object)s: %(fields)s missing in %(language)s.")
                % {"object": what, "fields": ", ".join(labels), "language": names[code]},
            )
        )
    return gaps


def edition_readiness(edition: Edition, now=None) -> Readiness:
    now = now or timezone.now()
    languages = edition_languages(edition)
    names = language_names()
    categories = list(Category.objects.filter(edition=edition).order_by("position", "id"))
    criteria = list(Criterion.objects.filter(edition=edition).order_by("position", "id"))
    rounds = list(Round.objects.filter(edition=edition).order_by("number"))
    gaps: list[Gap] = []

    # Basics and timeline.
    gaps += _missing_translations("basics", _("The edition"), edition, languages, names)
    if edition.submissions_close_at <= edition.submissions_open_at:
        gaps.append(Gap("basics", _("The submission deadline must come after the call opens.")))
    if edition.submissions_close_at <= now:
        gaps.append(Gap("basics", _("The submission deadline has already passed."), code="deadline_passed"))
    if edition.ceremony_at is None:
        gaps.append(Gap("basics", _("The ceremony has no date yet."), blocking=False))
    elif edition.ceremony_at <= edition.submissions_close_at:
        gaps.append(Gap("basics", _("The ceremony must come after the submission deadline.")))
    if edition.results_published_at is not None and edition.results_published_at <= edition.submissions_close_at:
        gaps.append(Gap("basics", _("The results must be published after the submission deadline.")))
    if not edition.eligible_countries:
        gaps.append(Gap("basics", _("No country is eligible.")))
    if not edition.eligible_organisation_types:
        gaps.append(Gap("basics", _("No kind of organisation is eligible.")))

    # Categories.
    if not categories:
        gaps.append(Gap("categories", _("There is no category yet.")))
    for category in categories:
        gaps += _missing_translations("categories", category.name_en or category.slug, category, languages, names)

    # Rubric.
    if not criteria:
        gaps.append(Gap("rubric", _("The rubric has no criterion yet.")))
    for criterion in criteria:
        what = criterion.name_en or str(criterion.pk)
        if criterion.weight <= 0:
            gaps.append(Gap("rubric", _("%(criterion)s: the weight must be above zero.") % {"criterion": what}))
        if criterion.max_value <= criterion.min_value:
            gaps.append(Gap("rubric", _("%(criterion)s: the maximum must be above the minimum.") % {"criterion": what}))
        elif criterion.step <= 0 or (criterion.max_value - criterion.min_value) % criterion.step:
            gaps.append(
                Gap(
                    "rubric",
                    _("%(criterion)s: the step does not divide the range, so the maximum cannot be given.")
                    % {"criterion": what},
                    blocking=False,
                )
            )
        gaps += _missing_translations("rubric", what, criterion, languages, names)

    # Rounds.
    if not rounds:
        gaps.append(Gap("rounds", _("There is no scoring round yet.")))
    previous = None
    for round_ in rounds:
        what = round_.name_en or str(round_.number)
        if round_.scoring_opens_at < edition.submissions_close_at:
            gaps.append(
                Gap(
                    "rounds",
                    _("%(round)s: scoring must open after the submission deadline.") % {"round": what},
                )
            )
        if previous is not None and round_.scoring_opens_at < previous.scoring_closes_at:
            gaps.append(
                Gap("rounds", _("%(round)s: scoring must open after the round before it closes.") % {"round": what})
            )
        if edition.ceremony_at is not None and round_.scoring_closes_at > edition.ceremony_at:
            gaps.append(Gap("rounds", _("%(round)s: scoring must close before the ceremony.") % {"round": what}))
        gaps += _missing_translations("rounds", what, round_, languages, names)
        previous = round_

    # Signatories and branding.
    signatories = [s for s in (edition.signatories or []) if isinstance(s, dict) and s.get("name")]
    if not signatories:
        gaps.append(Gap("signatories", _("No one signs the certificates yet.")))
    for person in signatories:
        titles = person.get("titles") or {}
        if not (person.get("title") or titles.get("en")):
            continue
        missing = [names[code] for code in languages if code != "en" and not (titles.get(code) or "").strip()]
        if missing:
            gaps.append(
                Gap(
                    "signatories",
                    _("%(name)s: the title is missing in %(languages)s.")
                    % {"name": person["name"], "languages": ", ".join(missing)},
                )
            )
    if not edition.logo:
        gaps.append(Gap("branding", _("No logo: pages and certificates show the award's own."), blocking=False))
    return Readiness(gaps)
