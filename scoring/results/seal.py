"""Sealed results (issue 15, item 9): what a frozen round or a publication was decided with.

A snapshot (``ResultsSnapshot``) holds, as plain JSON:

- ``rounds``: per round (the frozen one, or every round of the edition for a publication) and
  per category the presented rows (``presenter.row_as_json``: whatever the presenter exposes),
  the agreement, the decision band (projects whose finalist probability lies strictly between
  ``DECISION_BAND``) and any summary the engine's ranking carries (``_ranking_extras``);
- ``results``: the finalists, winners and special awards with their reasons and citations;
- ``ballots`` (only when a sealed round is a ranked final round, scoring/ballot): per round and
  category every juror's ballot and the Schulze count (``ballot.selectors.ballots_sealed``);
- ``vetoes`` (only when there are any): the jury chair's vetoes with their reasons (issue 19);
- the rubric, the method, the engine's version and parameters, and ``scores_hash``: the sha256
  of every counted review's values (``_legacy_ranking_v1.score_rows_hash``).

``payload_hash`` is the sha256 of the payload's canonical JSON; it is what the public page shows.
Snapshots are built with translations deactivated, so their labels are the source (English)
strings whatever the organiser's language, and the same data always gives the same hash.

``verify_snapshot`` recomputes a snapshot from the current data with the engine that sealed it
(the current engine, or the frozen legacy module for "legacy-1") and lists every difference.
"""

from __future__ import annotations

import inspect
import json
import math
from dataclasses import dataclass

from django.apps import apps as django_apps
from django.db.models import Count, Sum
from django.db.models.fields.json import KeyTransform
from django.utils import translation

from award.models import Category, Edition, Round, User
from scoring.ballot.selectors import ballots_sealed
from scoring.calibration.posterior import DECISION_BAND
from scoring.enums import SnapshotKind
from scoring.migrations import _legacy_ranking_v1 as legacy
from scoring.models import ResultsSnapshot
from scoring.ranking import engine
from scoring.ranking.analysis import ENGINE_VERSION as ANALYSIS_ENGINE_VERSION
from scoring.ranking.presenter import ranking_rows, row_as_json

SNAPSHOT_FORMAT = "snapshot-v1"
LEGACY_ENGINE_VERSION = legacy.ENGINE_VERSION
# Stored with the snapshot: what the organiser confirmed (the form shows it translated).
SIGN_OFF_TEXT = "I sign off these results as decided by the jury."
SEED = 0
# Summary attributes a ranking may carry (the calibrated engine adds some); kept when present.
_RANKING_EXTRAS = (
    "category_analysis",
    "agreement_verdict",
    "alpha",
    "decision_band",
    "band",
    "expected_wrong",
    "components",
    "connected",
    "round_mean",
    "round_sd",
)


def current_engine_version() -> str:
    """The version of ``scoring.ranking.engine.ranking_for``: the calibrated analysis's
    ``ENGINE_VERSION`` (bumped whenever its numbers change), unless the engine declares its own."""
    return getattr(engine, "ENGINE_VERSION", None) or ANALYSIS_ENGINE_VERSION


def _plain(value):
    """JSON-safe plain data: numpy scalars to Python, NaN/inf to None, model instances to pk."""
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if hasattr(value, "item") and callable(value.item) and not hasattr(value, "__len__"):
        return _plain(value.item())
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)) or hasattr(value, "tolist"):
        items = value.tolist() if hasattr(value, "tolist") else list(value)
        return [_plain(v) for v in items]
    if hasattr(value, "pk"):
        return value.pk
    return str(value)


def canonical(data) -> dict:
    """The payload as it will read back from the JSON column (string keys, plain numbers)."""
    return json.loads(legacy.canonical_json(_plain(data)))


def decision_band(rows: list[dict]) -> list[int]:
    low, high = DECISION_BAND
    band = []
    for row in rows:
        p = row.get("p_top", row.get("finalist_probability"))
        if p is not None and low < p < high:
            band.append(row["project"])
    return band


def rubric_of(edition_id: int, apps=django_apps) -> list[dict]:
    Criterion = apps.get_model("award", "Criterion")
    return [
        {"id": pk, "name": name, "weight": f"{w:.2f}", "min": f"{lo:.2f}", "max": f"{hi:.2f}", "step": f"{st:.2f}"}
        for pk, name, w, lo, hi, st in Criterion.objects.filter(edition_id=edition_id)
        .order_by("position", "id")
        .values_list("id", "name", "weight", "min_value", "max_value", "step")
    ]


def results_entries(edition_id: int, round_id: int | None = None, apps=django_apps) -> list[dict]:
    """The decisions: every result of the edition (a publication) or of the frozen round."""
    ResultModel = apps.get_model("scoring", "Result")
    results = ResultModel.objects.filter(edition_id=edition_id)
    if round_id is not None:
        results = results.filter(round_id=round_id)
    return [
        {
            "id": r[0],
            "category": r[1],
            "round": r[2],
            "project": r[3],
            "kind": r[4],
            "award_title": r[5],
            "citation": r[6],
            "override_reason": r[7],
            "reference": r[8],
            "title": r[9],
            "organisation_name": r[10],
        }  # fmt: skip
        for r in results.order_by("category_id", "kind", "project__reference", "id").values_list(
            "id",
            "category_id",
            "round_id",
            "project_id",
            "kind",
            "title",
            "citation",
            "override_reason",
            "project__reference",
            "project__title",
            "project__organisation_name",
        )  # fmt: skip
    ]


def vetoes_entries(edition_id: int, round_id: int | None = None, apps=django_apps) -> list[dict]:
    """The jury chair's vetoes (issue 19): every veto of the edition (a publication) or of the
    frozen round. An installation whose models predate the vetoes has none."""
    try:
        Veto = apps.get_model("scoring", "MeetingVeto")
    except LookupError:
        return []
    vetoes = Veto.objects.filter(edition_id=edition_id)
    if round_id is not None:
        vetoes = vetoes.filter(round_id=round_id)
    keys = (
        "id",
        "category",
        "round",
        "project",
        "kind",
        "award_title",
        "reason",
        "vetoed_by",
        "vetoed_at",
        "reference",
    )
    return [
        dict(zip(keys, (*row[:8], row[8].isoformat(), row[9]), strict=True))
        for row in vetoes.order_by("vetoed_at", "id").values_list(
            "id",
            "category_id",
            "round_id",
            "project_id",
            "kind",
            "title",
            "reason",
            "vetoed_by_id",
            "vetoed_at",
            "project__reference",
        )  # fmt: skip
    ]


def feedback_means(round_ids: list[int], apps=django_apps) -> dict[str, dict[str, dict[str, float]]]:
    """The anonymised feedback's numbers a team reads on its page: per project, round and
    criterion the mean value of its finalised reviews (``selectors.project_feedback``), keyed
    "p<project id>" (a numeric key would read as an array index in SQLite's JSON paths). One query."""
    Score = apps.get_model("scoring", "Score")
    out: dict[str, dict[str, dict[str, float]]] = {}
    rows = (
        Score.objects.filter(assignment__round_id__in=round_ids, assignment__status="completed")
        .values("assignment__project_id", "assignment__round_id", "criterion_id")
        .annotate(total=Sum("value"), n=Count("id"))
        .order_by()
        .values_list("assignment__project_id", "assignment__round_id", "criterion_id", "total", "n")
    )
    for project_id, round_id, criterion_id, total, n in rows:
        out.setdefault(f"p{project_id}", {}).setdefault(str(round_id), {})[str(criterion_id)] = float(total) / n
    return out


def published_rows(rounds: list[dict], results: list[dict]) -> dict[str, dict | None]:
    """Per result id, the sealed ranking row of its project in its round and category (None for
    a special award without a round): what the public pages show, read without the rest."""
    rows = {
        (rnd["round"], entry["category"], row["project"]): row
        for rnd in rounds
        for entry in rnd["categories"]
        for row in entry["rows"]
    }
    return {str(r["id"]): rows.get((r["round"], r["category"], r["project"])) for r in results}


def _ranking_extras(ranking) -> dict:
    return {name: _plain(getattr(ranking, name)) for name in _RANKING_EXTRAS if hasattr(ranking, name)}


def _current_ranking(category: Category, round: Round):
    """``ranking_for`` with its finalist probabilities (seeded) when the engine takes those
    arguments (the calibrated engine may not: it always computes them)."""
    accepted = inspect.signature(engine.ranking_for).parameters
    extra = {k: v for k, v in {"bootstrap": True, "seed": SEED}.items() if k in accepted}
    return engine.ranking_for(category=category, round=round, **extra)


def _parameters(ranking) -> dict:
    draws = getattr(ranking, "bootstrap_samples", None) or getattr(ranking, "n_draws", None)
    return {"seed": getattr(ranking, "seed", SEED), "draws": draws}


def _category_entry(category_id: int, slug: str, ranking, rows: list[dict]) -> dict:
    return {
        "category": category_id,
        "slug": slug,
        "top_n": getattr(ranking, "top_n", None),
        "agreement": getattr(ranking, "agreement", None),
        "agreement_method": getattr(ranking, "agreement_method", ""),
        "decision_band": decision_band(rows),
        "summary": _ranking_extras(ranking),
        "rows": rows,
    }


def _rounds_current(edition: Edition, rounds: list[Round]) -> tuple[list[dict], str, dict]:
    categories = list(edition.categories.order_by("position", "name", "id"))
    method, parameters, out = edition.aggregation_method, {"seed": SEED, "draws": None}, []
    for rnd in rounds:
        rnd.edition = edition
        entries = []
        for category in categories:
            category.edition = edition
            ranking = _current_ranking(category, rnd)
            method, parameters = ranking.method, _parameters(ranking)
            rows = [row_as_json(row) for row in ranking_rows(ranking)]
            entries.append(_category_entry(category.pk, category.slug, ranking, rows))
        out.append({"round": rnd.pk, "number": rnd.number, "kind": rnd.kind, "categories": entries})
    return out, method, parameters


def rounds_legacy(apps, edition, rounds, method: str | None = None) -> tuple[list[dict], str, dict]:
    """The same entries computed by the frozen legacy engine (models from ``apps``), with the
    official ``method`` (by default the edition's). A method that engine did not know (an edition
    already moved to "calibrated" before it was sealed) is read as the z-scores it replaced, the
    way the calibrated engine reads a stored "standardised" the other way round."""
    method = method or edition.aggregation_method
    if method not in legacy.METHODS_ORDER:
        method = legacy.AggregationMethod.STANDARDISED
    Category = apps.get_model("award", "Category")
    categories = list(Category.objects.filter(edition_id=edition.pk).order_by("position", "name", "id"))
    samples = max(legacy.MIN_BOOTSTRAP_SAMPLES, edition.bootstrap_samples or 0)
    out = []
    for rnd in rounds:
        entries = []
        for category in categories:
            ranking = legacy.ranking_for(
                apps=apps, category=category, round=rnd, edition=edition, bootstrap=True, method=method
            )
            rows = [legacy.row_as_json(row, ranking) for row in ranking.rows]
            entries.append(_category_entry(category.pk, category.slug, ranking, rows))
        out.append({"round": rnd.pk, "number": rnd.number, "kind": rnd.kind, "categories": entries})
    return out, method, {"seed": SEED, "draws": samples}


def build_payload(
    *,
    edition,
    kind: str,
    rounds: list,
    engine_version: str,
    apps=django_apps,
    round_id: int | None = None,
    sealed_method: str | None = None,
) -> dict:
    """The snapshot's payload (canonical plain data), by the named engine. ``sealed_method``:
    recompute a sealed snapshot (always by the frozen module for "legacy-1", with its method)."""
    with translation.override(None):
        if engine_version == LEGACY_ENGINE_VERSION and (
            apps is not django_apps or sealed_method or current_engine_version() != LEGACY_ENGINE_VERSION
        ):
            entries, method, parameters = rounds_legacy(apps, edition, rounds, sealed_method)
        elif engine_version == current_engine_version():
            entries, method, parameters = _rounds_current(edition, rounds)
        else:
            raise LookupError(f"No code for engine version {engine_version!r} on this installation.")
        results = results_entries(edition.pk, round_id, apps)
        # The ranked final rounds' ballots and counts, and the jury chair's vetoes (issue 19);
        # each key exists only when there is something in it, so the snapshots sealed before
        # either existed recompute to the same hash.
        ballots = ballots_sealed(rounds) if apps is django_apps else []
        vetoes = vetoes_entries(edition.pk, round_id, apps)
        extra = ({"ballots": ballots} if ballots else {}) | ({"vetoes": vetoes} if vetoes else {})
        return canonical(
            {
                **extra,
                "format": SNAPSHOT_FORMAT,
                "edition": {"id": edition.pk, "slug": edition.slug, "year": edition.year},
                "kind": kind,
                "round": round_id,
                "engine_version": engine_version,
                "method": method,
                "parameters": parameters,
                "rubric": rubric_of(edition.pk, apps),
                "scores_hash": legacy.score_rows_hash(apps, [r.pk for r in rounds]),
                "rounds": entries,
                "results": results,
                "published": published_rows(entries, results),
                "feedback": feedback_means([r.pk for r in rounds], apps),
            }
        )


def snapshot_store(*, edition: Edition, round: Round | None, actor: User | None, sign_off: str) -> ResultsSnapshot:
    """Seal the frozen round (``round``) or the edition's publication (``round`` None) with the
    current engine. The caller holds the transaction and writes the audit entry."""
    kind = SnapshotKind.PUBLISH if round is None else SnapshotKind.FREEZE
    rounds = list(edition.rounds.order_by("number")) if round is None else [round]
    version = current_engine_version()
    payload = build_payload(
        edition=edition, kind=kind, rounds=rounds, engine_version=version, round_id=round.pk if round else None
    )
    return ResultsSnapshot.objects.create(
        edition=edition,
        round=round,
        kind=kind,
        signed_off_by=actor,
        sign_off=sign_off,
        engine_version=version,
        method=payload["method"],
        parameters=payload["parameters"],
        rubric=payload["rubric"],
        scores_hash=payload["scores_hash"],
        payload_hash=legacy.sha256_of(payload),
        payload=payload,
    )


# --- Reading --------------------------------------------------------------------------------------


def snapshot_for(round: Round) -> ResultsSnapshot | None:
    """The latest snapshot of a frozen round (None when it was never sealed): for the ranking
    page's banner (``scoring/results/_sealed_banner.html``)."""
    return (
        ResultsSnapshot.objects.filter(round=round, kind=SnapshotKind.FREEZE)
        .select_related("edition")
        .order_by("-created_at", "-id")
        .first()
    )


def round_snapshots(edition: Edition) -> dict[int, ResultsSnapshot]:
    """The latest snapshot of each frozen round of the edition, by round id, in one query."""
    latest: dict[int, ResultsSnapshot] = {}
    for snapshot in (
        ResultsSnapshot.objects.filter(edition=edition, kind=SnapshotKind.FREEZE)
        .defer("payload", "rubric")
        .order_by("round_id", "-created_at", "-id")
    ):
        snapshot.edition = edition
        latest.setdefault(snapshot.round_id, snapshot)
    return latest


def _payload_part(path: str):
    """A part of the payload read by the database ("results", "feedback.p42"), not the whole."""
    expression = "payload"
    for key in path.split("."):
        expression = KeyTransform(key, expression)
    return expression


def publication_snapshot_for(edition: Edition, *, parts: tuple[str, ...] = ()) -> ResultsSnapshot | None:
    """The snapshot of the edition's current publication: the latest one, while the results are
    published or scheduled; None when they are not (or were published before sealing existed).

    The payload can weigh megabytes at thousands of projects, so it is not read: each of
    ``parts`` (a key path such as "results" or "feedback.p42") is, as ``sealed_parts[path]``."""
    if edition.results_published_at is None:
        return None
    names = {f"part_{i}": path for i, path in enumerate(parts)}
    snapshot = (
        ResultsSnapshot.objects.filter(edition=edition, kind=SnapshotKind.PUBLISH)
        .select_related("edition")
        .defer("payload", "rubric")
        .annotate(**{name: _payload_part(path) for name, path in names.items()})
        .order_by("-created_at", "-id")
        .first()
    )
    if snapshot is not None:
        snapshot.sealed_parts = {path: getattr(snapshot, name) for name, path in names.items()}
    return snapshot


def sealed_results(editions) -> dict[int, dict[int, dict]]:
    """Per edition (of ``editions``, a queryset of published ones) with a publication snapshot:
    its sealed results by result id. One query; only the results part of the payloads is read."""
    out: dict[int, dict[int, dict]] = {}
    for edition_id, results in (
        ResultsSnapshot.objects.filter(kind=SnapshotKind.PUBLISH, edition__in=editions)
        .order_by("edition_id", "-created_at", "-id")
        .values_list("edition_id", "payload__results")
    ):
        if edition_id not in out:
            out[edition_id] = {entry["id"]: entry for entry in results or []}
    return out


# --- Verifying ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    where: str  # "round 1 / smart-city"
    project: str  # reference (or id), "" for a category-wide figure
    field: str
    sealed: object
    recomputed: object


def _diff(sealed, recomputed, path: str, out: list[tuple[str, object, object]]) -> None:
    if isinstance(sealed, dict) and isinstance(recomputed, dict):
        for key in sorted(set(sealed) | set(recomputed)):
            _diff(sealed.get(key), recomputed.get(key), f"{path}.{key}" if path else key, out)
    elif isinstance(sealed, float) and isinstance(recomputed, float):
        if not math.isclose(sealed, recomputed, rel_tol=1e-12, abs_tol=1e-12):
            out.append((path, sealed, recomputed))
    elif sealed != recomputed:
        out.append((path, sealed, recomputed))


def _rows_by_project(rows: list[dict]) -> dict[int, dict]:
    return {row["project"]: row for row in rows}


def compare_payloads(sealed: dict, recomputed: dict) -> list[Difference]:
    """Every difference between two payloads: per round, category and project, field by field
    (the row order is compared as the rank, so a reordering shows as rank differences)."""
    differences: list[Difference] = []
    rounds_now = {r["round"]: r for r in recomputed.get("rounds", [])}
    for rnd in sealed.get("rounds", []):
        now = rounds_now.get(rnd["round"], {"categories": []})
        cats_now = {c["category"]: c for c in now["categories"]}
        for entry in rnd["categories"]:
            where = f"round {rnd['number']} / {entry['slug']}"
            other = cats_now.get(entry["category"], {"rows": []})
            for key in sorted(set(entry) | set(other)):
                if key in ("rows", "category", "slug"):
                    continue
                found: list[tuple[str, object, object]] = []
                _diff(entry.get(key), other.get(key), key, found)
                differences += [Difference(where, "", f, a, b) for f, a, b in found]
            rows_then, rows_now = _rows_by_project(entry["rows"]), _rows_by_project(other["rows"])
            for project_id in list(rows_then) + [p for p in rows_now if p not in rows_then]:
                a, b = rows_then.get(project_id), rows_now.get(project_id)
                label = (a or b).get("reference") or str(project_id)
                if a is None or b is None:
                    differences.append(
                        Difference(where, label, "row", "present" if a else "absent", "present" if b else "absent")
                    )
                    continue
                found = []
                _diff(a, b, "", found)
                differences += [Difference(where, label, f, x, y) for f, x, y in found]
    found = []
    _diff(sealed.get("feedback", {}), recomputed.get("feedback", {}), "", found)
    differences += [Difference("feedback", "", f, a, b) for f, a, b in found]
    found = []
    _diff(
        {f"{b['round']}/{b['category']}": b for b in sealed.get("ballots", [])},
        {f"{b['round']}/{b['category']}": b for b in recomputed.get("ballots", [])},
        "",
        found,
    )
    differences += [Difference("ballots", "", f, a, b) for f, a, b in found]
    found = []
    _diff(
        {"method": sealed.get("method"), "parameters": sealed.get("parameters"), "rubric": sealed.get("rubric")},
        {
            "method": recomputed.get("method"),
            "parameters": recomputed.get("parameters"),
            "rubric": recomputed.get("rubric"),
        },
        "",
        found,
    )
    differences += [Difference("edition", "", f, a, b) for f, a, b in found]
    vetoes_then = {v["id"]: v for v in sealed.get("vetoes", [])}
    vetoes_now = {v["id"]: v for v in recomputed.get("vetoes", [])}
    for veto_id in sorted(set(vetoes_then) | set(vetoes_now)):
        a, b = vetoes_then.get(veto_id), vetoes_now.get(veto_id)
        label = (a or b).get("reference") or str((a or b).get("project"))
        if a is None or b is None:
            differences.append(Difference("vetoes", label, (a or b)["kind"], "present" if a else "absent",
                                          "present" if b else "absent"))  # fmt: skip
            continue
        found = []
        _diff(a, b, "", found)
        differences += [Difference("vetoes", label, f, x, y) for f, x, y in found]
    then = {r["id"]: r for r in sealed.get("results", [])}
    now = {r["id"]: r for r in recomputed.get("results", [])}
    for result_id in sorted(set(then) | set(now)):
        a, b = then.get(result_id), now.get(result_id)
        label = (a or b).get("reference") or str((a or b).get("project"))
        if a is None or b is None:
            kind = (a or b)["kind"]
            differences.append(
                Difference("results", label, kind, "present" if a else "absent", "present" if b else "absent")
            )
            continue
        found = []
        _diff(a, b, "", found)
        differences += [Difference("results", label, f, x, y) for f, x, y in found]
    return differences


@dataclass
class Verification:
    snapshot: ResultsSnapshot
    payload_intact: bool
    scores_hash_now: str
    differences: list[Difference]
    error: str = ""

    @property
    def scores_match(self) -> bool:
        return self.scores_hash_now == self.snapshot.scores_hash

    @property
    def identical(self) -> bool:
        return self.payload_intact and self.scores_match and not self.differences and not self.error


def verify_snapshot(snapshot: ResultsSnapshot) -> Verification:
    edition = snapshot.edition
    if snapshot.round_id is None:
        rounds = list(
            Round.objects.filter(pk__in=[r["round"] for r in snapshot.payload.get("rounds", [])]).order_by("number")
        )
    else:
        rounds = [snapshot.round]
    intact = legacy.sha256_of(snapshot.payload) == snapshot.payload_hash
    scores_now = legacy.score_rows_hash(django_apps, [r.pk for r in rounds])
    try:
        recomputed = build_payload(
            edition=edition, kind=snapshot.kind, rounds=rounds, engine_version=snapshot.engine_version,
            round_id=snapshot.round_id, sealed_method=snapshot.method,
        )  # fmt: skip
    except LookupError as error:
        return Verification(snapshot, intact, scores_now, [], error=str(error))
    return Verification(snapshot, intact, scores_now, compare_payloads(snapshot.payload, recomputed))


def snapshots_of(edition: Edition):
    return (
        ResultsSnapshot.objects.filter(edition=edition).select_related("round", "edition").order_by("created_at", "id")
    )
