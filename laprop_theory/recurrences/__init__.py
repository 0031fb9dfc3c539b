"""The paper's algorithms as exact recurrences: the executable specification of the project.

Each algorithm is defined exactly once in this package. The proof checker, the tight bounds, the
adversarial searcher, the regret experiments, the property tests of the torch optimizer and
the course notebooks all read the algorithms from this module.

Notation (paper, Sec. 2): μ = β1 momentum, ν = β2 adaptivity, λ_t learning rate, ε added
inside (paper) or outside (authors' code) the square root, t = 1, 2, ... the step count,
c_m = 1 − μ^t and c_n = 1 − ν^t the bias corrections, zero initial state m_0 = n_0 = 0.

Every recurrence runs in two number systems (:mod:`laprop_theory.numerics`): ``MP`` (numpy
object arrays of mpmath ``mpf`` at ``dps`` digits; the default, and the only one whose values
are reported) and ``F64`` (float64 numpy, vectorised over a leading batch axis; exploration
only). A quotient 0/0, which arises only when every gradient so far is 0 and ε = 0, is defined
as 0, the ε → 0 limit.

Example::

    >>> from laprop_theory import recurrences as R
    >>> traj = R.run(R.LaProp(lr=1, mu=0.9, nu=0.999), [[1.0], [-2.0], [0.5]])
    >>> len(traj.deltas)
    3

Modules: :mod:`.core` (the :class:`Algorithm` interface, :func:`run`, :class:`Trajectory`),
:mod:`.laprop2020` (the LaProp paper's algorithms), :mod:`.adam2015` (Kingma & Ba 2015,
Algorithm 1 with Theorem 4.1's schedules) and :mod:`.amsgrad2018` (Reddi, Kale & Kumar 2018,
Algorithm 2). Everything is re-exported here: ``R.LaProp``, ``R.run``, ``R.Adam2015``, ...
"""

from __future__ import annotations

from .adam2015 import Adam2015
from .amsgrad2018 import AMSGrad2018
from .core import LR as LR  # the type aliases stay importable from here
from .core import Algorithm, Trajectory, run
from .core import EpsMode as EpsMode
from .core import GradSource as GradSource
from .core import Number as Number
from .laprop2020 import (
    SSG,
    SSGM,
    Adai,
    Adam,
    LaProp,
    RMSProp,
    TheoryLaProp,
    adam_update_size,
    amsgrad,
    amsprop,
    centered_laprop,
    laprop_update_size,
)

__all__ = [
    "AMSGrad2018",
    "Adai",
    "Adam",
    "Adam2015",
    "Algorithm",
    "LaProp",
    "RMSProp",
    "SSG",
    "SSGM",
    "TheoryLaProp",
    "Trajectory",
    "adam_update_size",
    "amsgrad",
    "amsprop",
    "centered_laprop",
    "laprop_update_size",
    "run",
]
