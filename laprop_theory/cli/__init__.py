"""One module per command of ``python -m laprop_theory``."""
