"""Connected components of a round's judging plan (the bipartite project–juror graph).

Two projects are comparable through the model only if a chain of shared jurors links them;
a juror's leniency is comparable only with the jurors of the same component. Components are
numbered by size, largest first (0 is the main component), ties by their smallest project
index, so the numbering is stable for the page. Projects without reviews and jurors without
reviews belong to no component (label -1). Linear time: one sparse graph of P + J nodes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components


@dataclass(frozen=True)
class Components:
    project: np.ndarray  # (P,) component of each project, -1 without reviews
    juror: np.ndarray  # (J,) component of each juror, -1 without reviews
    project_sizes: np.ndarray  # (C,) projects per component
    juror_sizes: np.ndarray  # (C,) jurors per component
    review_sizes: np.ndarray  # (C,) reviews per component

    @property
    def count(self) -> int:
        return len(self.project_sizes)

    @property
    def connected(self) -> bool:
        """One component holds every reviewed project (an empty plan counts as connected)."""
        return self.count <= 1

    def projects_of(self, component: int) -> np.ndarray:
        return np.flatnonzero(self.project == component)

    def jurors_of(self, component: int) -> np.ndarray:
        return np.flatnonzero(self.juror == component)


def components(project: np.ndarray, juror: np.ndarray, *, n_projects: int, n_jurors: int) -> Components:
    """The components of the plan whose reviews link `project[r]` with `juror[r]`."""
    project = np.asarray(project, dtype=np.int64)
    juror = np.asarray(juror, dtype=np.int64)
    n = n_projects + n_jurors
    graph = coo_matrix((np.ones(len(project), dtype=np.int8), (project, n_projects + juror)), shape=(n, n)).tocsr()
    _count, labels = connected_components(graph, directed=False)
    reviewed = np.zeros(n, dtype=bool)
    reviewed[project] = True
    reviewed[n_projects + juror] = True
    raw = np.where(reviewed, labels, -1)
    used = np.unique(raw[raw >= 0])
    if len(used) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Components(
            project=np.full(n_projects, -1), juror=np.full(n_jurors, -1),
            project_sizes=empty, juror_sizes=empty, review_sizes=empty,
        )  # fmt: skip
    dense = np.full(n, -1, dtype=np.int64)
    remap = np.full(labels.max() + 1, -1, dtype=np.int64)
    remap[used] = np.arange(len(used))
    dense[reviewed] = remap[raw[reviewed]]
    c = len(used)
    project_label, juror_label = dense[:n_projects], dense[n_projects:]
    project_sizes = np.bincount(project_label[project_label >= 0], minlength=c)
    juror_sizes = np.bincount(juror_label[juror_label >= 0], minlength=c)
    review_sizes = np.bincount(project_label[project], minlength=c)
    # Largest first (by projects, then reviews), ties by the smallest project index in it.
    first = np.full(c, n_projects, dtype=np.int64)
    np.minimum.at(first, project_label[project_label >= 0], np.flatnonzero(project_label >= 0))
    order = np.lexsort((first, -review_sizes, -project_sizes))
    rank = np.empty(c, dtype=np.int64)
    rank[order] = np.arange(c)
    return Components(
        project=np.where(project_label >= 0, rank[np.maximum(project_label, 0)], -1),
        juror=np.where(juror_label >= 0, rank[np.maximum(juror_label, 0)], -1),
        project_sizes=project_sizes[order],
        juror_sizes=juror_sizes[order],
        review_sizes=review_sizes[order],
    )
