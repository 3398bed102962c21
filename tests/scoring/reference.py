"""Helpers shared by the ranking tests: the old z-score method (kept only as the reference the
calibrated method is compared with) and a check that no SQL statement runs twice."""

from __future__ import annotations

from collections import Counter

import numpy as np


def standardised(y, project, juror, *, n_projects: int | None = None) -> np.ndarray:
    """The former ``standardised`` method (reference only, never a user's choice): each juror's
    totals become z-scores over all the projects that juror scored (population standard deviation;
    a juror whose totals do not vary gives 0), averaged per project and mapped back onto the scale
    with the overall mean and population standard deviation of the totals (mean + sd × z)."""
    y = np.asarray(y, dtype=float)
    project = np.asarray(project, dtype=np.int64)
    juror = np.asarray(juror, dtype=np.int64)
    P = int(project.max()) + 1 if n_projects is None else n_projects
    J = int(juror.max()) + 1
    count = np.bincount(juror, minlength=J)
    mean = np.bincount(juror, weights=y, minlength=J) / np.maximum(count, 1)
    sd = np.sqrt(np.bincount(juror, weights=(y - mean[juror]) ** 2, minlength=J) / np.maximum(count, 1))
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(sd[juror] > 0, (y - mean[juror]) / sd[juror], 0.0)
    per_project = np.bincount(project, minlength=P)
    with np.errstate(invalid="ignore", divide="ignore"):
        z_mean = np.bincount(project, weights=z, minlength=P) / per_project
    return y.mean() + y.std() * z_mean


def repeated_statements(captured_queries) -> list[str]:
    """The SQL statements (with their parameters) that ran more than once."""
    counts = Counter(q["sql"] for q in captured_queries)
    return [sql for sql, n in counts.items() if n > 1]
