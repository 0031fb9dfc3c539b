"""Helpers for testing LaProp-style optimizers against the theory; they need the test extras.

* :mod:`.strategies` -- public hypothesis strategies: hyperparameters over the admissible
  domain and adversarial gradient sequences representable in a torch dtype.

Nothing outside this package imports hypothesis, so the rest of :mod:`laprop_theory` (the
bridge included) imports without it.
"""
