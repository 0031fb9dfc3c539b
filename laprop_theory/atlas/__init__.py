"""The atlas of worst cases: the adversarial searcher swept over (target, μ, ν, T) grids on Dask.

* :mod:`.grid` -- value lists (``0.1,0.5`` or ``start:stop:count``) and points;
* :mod:`.point` -- one point: the searcher under a work budget (objective evaluations), its row;
* :mod:`.store` -- ``DIR/atlas.jsonl``, appended row by row, read back to resume;
* :mod:`.sweep` -- the points as Dask tasks, on a LocalCluster or an existing cluster;
* :mod:`.plot` -- heat maps over (ν, μ) per T.

A row depends only on (target, μ, ν, T, seed, budget), never on the number of workers, the
engine or the order in which points finish. Command line: ``python -m laprop_theory atlas``
and ``atlas-plot`` (:mod:`laprop_theory.cli.atlas`); see docs/atlas.md.
"""

from .grid import Point, make_grid
from .point import DEFAULT_BUDGET, ROW_FIELDS, compute_point

__all__ = ["DEFAULT_BUDGET", "ROW_FIELDS", "Point", "compute_point", "make_grid"]
