"""The adversarial searcher: worst-case gradient sequences for the paper's bounds.

* :mod:`.targets` -- the registry of objectives (update sizes, the propositions' ratios,
  AmsProp, centered LaProp, Theorem 1's regret), each in float64, mpmath and ball arithmetic;
* :mod:`.heuristics` -- float64 exploration: structured families, random screens, batched
  local search in log-space;
* :mod:`.engine` -- the loop: rounds of tasks (optionally in worker processes), mpmath polish;
* :mod:`.certify` -- certification of violations with python-flint balls;
* :mod:`.checkpoint` -- the ``--out`` file (atomic writes, validated resume);
* :mod:`.result` -- the reported result; :mod:`.bench` -- the benchmark.

Command line: ``python -m laprop_theory search`` (:mod:`laprop_theory.cli.search`); see
docs/search.md.
"""
