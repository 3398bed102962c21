"""Helpers shared by the ranking tests: the old z-score method (kept only as the reference the
calibrated method is compared with) and a check that no SQL statement runs twice."""

from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path

import numpy as np


def _bench_methods():
    """bench/_methods.py, the one place the old z-score formula is written (the benches use it)."""
    path = Path(__file__).resolve().parents[2] / "bench" / "_methods.py"
    spec = importlib.util.spec_from_file_location("bench_methods", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def standardised(y, project, juror, *, n_projects: int | None = None) -> np.ndarray:
    """The former ``standardised`` method (reference only, never a user's choice): each juror's
    totals become z-scores over all the projects that juror scored (population standard deviation;
    a juror whose totals do not vary gives 0), averaged per project and mapped back onto the scale
    with the overall mean and population standard deviation of the totals (mean + sd × z)."""
    project = np.asarray(project, dtype=np.int64)
    juror = np.asarray(juror, dtype=np.int64)
    P = int(project.max()) + 1 if n_projects is None else n_projects
    return _bench_methods().z_score(y, project, juror, n_projects=P, n_jurors=int(juror.max()) + 1)


def repeated_statements(captured_queries) -> list[str]:
    """The SQL statements (with their parameters) that ran more than once."""
    counts = Counter(q["sql"] for q in captured_queries)
    return [sql for sql, n in counts.items() if n > 1]
