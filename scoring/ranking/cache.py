"""The round's analysis, computed once per state of its data (issue 15, item 5).

``round_analysis_cached(round, inputs=inputs)`` returns the stored analysis when the key matches
and recomputes otherwise. The key is a hash of the loaded inputs' own arrays
(``loader.inputs_fingerprint``: the counted reviews with their versions and every criterion value,
eligibility, the projects' categories and countries, the jurors' countries, the rubric, the
finalists' counts, the round's kind) with the engine version and the parameters (seed, draws). A
caller that has loaded the inputs (``ranking_for`` does, once) passes them, so the key costs no
query and the analysis is exactly that of the data the caller shows; without them they are loaded
here. Invalidation is automatic: a score saved, a review finalised or reopened, a project withdrawn
or made (in)eligible, a rubric or finalists change all give another key; nothing has to remember to
clear the cache.

Stored in the database (``RankingAnalysisCache``, one row per round and parameters), not in
Django's cache framework: that is per process here, and each gunicorn worker would refit.

Two workers that miss at the same time both compute (the fit is not run under a lock: it takes
up to a second and a lock would hold a transaction open that long); the write is serialised by
``select_for_update`` on the row and by the unique constraint on (round, parameters), so the row
is written once per key, and the second worker returns what the first stored.
"""

from __future__ import annotations

import hashlib

from django.db import IntegrityError, transaction
from django.utils import timezone

from award.models import Round
from scoring.calibration.posterior import DEFAULT_DRAWS
from scoring.models import RankingAnalysisCache
from scoring.ranking.analysis import DEFAULT_SEED, ENGINE_VERSION, RoundAnalysis, round_analysis
from scoring.ranking.loader import RoundInputs, inputs_fingerprint, round_inputs


def _parameters(seed: int, n_draws: int) -> str:
    return f"seed={int(seed)};draws={int(n_draws)}"


def analysis_key(inputs: RoundInputs, *, seed: int = DEFAULT_SEED, n_draws: int = DEFAULT_DRAWS) -> str:
    text = f"{ENGINE_VERSION}|{_parameters(seed, n_draws)}|{inputs_fingerprint(inputs)}"
    return hashlib.sha256(text.encode()).hexdigest()


def round_analysis_cached(
    round: Round, *, seed: int = DEFAULT_SEED, n_draws: int = DEFAULT_DRAWS, inputs: RoundInputs | None = None
) -> RoundAnalysis:
    """The round's analysis: from the stored row when its key is current, else computed and
    stored (see the module docstring). Pass `inputs` (``round_inputs(round)``) when loaded."""
    inputs = round_inputs(round) if inputs is None else inputs
    parameters = _parameters(seed, n_draws)
    key = analysis_key(inputs, seed=seed, n_draws=n_draws)
    stored = (
        RankingAnalysisCache.objects.filter(round_id=round.pk, parameters=parameters, key=key)
        .values_list("payload", flat=True)
        .first()
    )
    if stored is not None:
        return RoundAnalysis.from_payload(stored)
    analysis = round_analysis(round, seed=seed, n_draws=n_draws, inputs=inputs)
    payload = analysis.to_payload()
    try:
        with transaction.atomic():
            row = (
                RankingAnalysisCache.objects.select_for_update()
                .filter(round_id=round.pk, parameters=parameters)
                .first()
            )
            if row is None:
                RankingAnalysisCache.objects.create(
                    round_id=round.pk, parameters=parameters, key=key, engine_version=ENGINE_VERSION,
                    computed_at=timezone.now(), payload=payload,
                )  # fmt: skip
            elif row.key == key:
                # Another worker stored this very state while we computed: keep its row.
                return RoundAnalysis.from_payload(row.payload)
            else:
                row.key, row.engine_version, row.computed_at, row.payload = key, ENGINE_VERSION, timezone.now(), payload
                row.save(update_fields=["key", "engine_version", "computed_at", "payload"])
    except IntegrityError:
        # Another worker created the row between our read and our insert.
        row = RankingAnalysisCache.objects.filter(round_id=round.pk, parameters=parameters, key=key).first()
        if row is not None:
            return RoundAnalysis.from_payload(row.payload)
    return analysis
