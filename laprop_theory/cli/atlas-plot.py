"""``atlas-plot DIR``: heat maps of an atlas folder (the code is in :mod:`.atlas`; a command's
module is named after the command, and this one has a hyphen)."""

from .atlas import add_plot_arguments as add_arguments
from .atlas import run_plot as run

__all__ = ["add_arguments", "run"]
