"""The plain aggregation methods and the old z-score method, over review arrays, for the benches.

Reviews are arrays: the total of each review (0–100), its project index and its juror index.
Projects may have any number of reviews (a project without any gets NaN). The plain methods
are the ranking's mean, median and trimmed mean (the highest and the lowest total dropped when
a project has at least 4, else the mean). ``z_score`` is the old official method, kept here
only as the reference the calibrated score is compared with (issue 15): each juror's totals
become z-scores (population sd; a juror whose totals do not vary gives 0), averaged per
project and mapped back with the round's mean and population sd.

Used by bench/fairness.py and bench/ranking.py, so both compare against the same formulas.
"""

from __future__ import annotations

import numpy as np


def plain_methods(y, project, *, n_projects: int) -> dict[str, np.ndarray]:
    """Mean, median and trimmed mean per project, vectorised over (project, total)-sorted reviews."""
    y = np.asarray(y, dtype=float)
    project = np.asarray(project, dtype=np.int64)
    count = np.bincount(project, minlength=n_projects)
    order = np.lexsort((y, project))
    ordered = y[order]
    start = np.concatenate(([0], np.cumsum(count)[:-1]))
    has = count > 0
    mean = np.full(n_projects, np.nan)
    median = np.full(n_projects, np.nan)
    trimmed = np.full(n_projects, np.nan)
    total = np.bincount(project, weights=y, minlength=n_projects)
    mean[has] = total[has] / count[has]
    s, c = start[has], count[has]
    median[has] = (ordered[s + (c - 1) // 2] + ordered[s + c // 2]) / 2
    trimmed[has] = mean[has]
    four = has & (count >= 4)
    s4, c4 = start[four], count[four]
    trimmed[four] = (total[four] - ordered[s4] - ordered[s4 + c4 - 1]) / (c4 - 2)
    return {"mean": mean, "median": median, "trimmed_mean": trimmed}


def z_score(y, project, juror, *, n_projects: int, n_jurors: int) -> np.ndarray:
    """The old standardised method (reference only; see the module docstring)."""
    y = np.asarray(y, dtype=float)
    m = np.bincount(juror, minlength=n_jurors)
    safe = np.maximum(m, 1)
    mean = np.bincount(juror, weights=y, minlength=n_jurors) / safe
    sd = np.sqrt(np.maximum(np.bincount(juror, weights=y * y, minlength=n_jurors) / safe - mean**2, 0.0))
    z = np.where(sd[juror] > 0, (y - mean[juror]) / np.where(sd[juror] > 0, sd[juror], 1.0), 0.0)
    count = np.bincount(project, minlength=n_projects)
    zbar = np.full(n_projects, np.nan)
    has = count > 0
    zbar[has] = np.bincount(project, weights=z, minlength=n_projects)[has] / count[has]
    return y.mean() + y.std() * zbar
