"""The report layer: tables built once as data, rendered as text, markdown and TeX.

* :mod:`.table` -- :class:`~.table.Table`, :class:`~.table.Column` and the kinds of cell;
* :mod:`.tables` -- every table's rows, built from what was run: the checker's steps, the
  claim summary, the errata, the tight bounds (at the one set :data:`.tables.BOUND_POINTS`),
  Theorem 1's conventions, the regret check, the Reddi et al. counterexample, the searcher
  runs and the experiments;
* :mod:`.text` (``check``, ``check --summary``, ``regret``), :mod:`.markdown`
  (``docs/theory-verdicts.md``) and :mod:`.tex` (the companion note's ``paper/generated/``)
  -- the three renderers;
* :mod:`.papers` -- the other papers' markdown (``docs/other-papers.md``).

Running things (the checker, the regret and Reddi runs, the searcher, the experiments) is
elsewhere: ``laprop_theory.note`` for the note, the commands in ``laprop_theory.cli``.
"""
