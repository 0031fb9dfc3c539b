"""``atlas-plot DIR``: heat maps of an atlas folder (the code is in :mod:`.atlas`; a command's
module is named after the command, and this one has a hyphen)."""

from .atlas import add_plot_arguments as add_arguments
from .atlas import run_plot as run

HELP = "heat maps of an atlas folder (best/bound, Adam/LaProp, Prop. 2)"
ORDER = 9  # HELP, at place ORDER: this command's line in --help

__all__ = ["add_arguments", "run"]
