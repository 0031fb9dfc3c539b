"""laprop: the LaProp optimizer (Ziyin, Wang & Ueda) and its peer Adai for PyTorch."""

from .adai import Adai, AdaiW
from .optimizer import LaProp

__version__ = "0.1.0"
__all__ = ["Adai", "AdaiW", "LaProp", "__version__"]
