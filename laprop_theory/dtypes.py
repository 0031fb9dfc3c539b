"""What the property tests and the bridge's tolerance need to know of each torch dtype.

:data:`DTYPE_INFO` gives, for a parameter dtype, its unit roundoff and smallest subnormal, and
the exponent range of the dtype the optimizer keeps its state in (float32 for float16 and
bfloat16 params, see docs/optimizer-spec.md). :mod:`laprop_theory.bridge` derives its
tolerance from it; :mod:`laprop_theory.testing.strategies` draws gradients within its range.
Plain data: no torch, no hypothesis.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DTYPE_INFO", "DtypeInfo"]


@dataclass(frozen=True)
class DtypeInfo:
    """Unit roundoff u of the parameter dtype, and the exponent range of the state dtype."""

    name: str
    unit_roundoff: float
    mantissa_bits: int
    state_max: float  # largest finite value of the state dtype
    state_tiny: float  # smallest normal value of the state dtype
    param_eta: float  # smallest positive (subnormal) value of the param dtype


DTYPE_INFO: dict[str, DtypeInfo] = {
    "float64": DtypeInfo("float64", 2.0**-53, 53, 1.7976931348623157e308, 2.2250738585072014e-308,
                          2.0**-1074),
    "float32": DtypeInfo("float32", 2.0**-24, 24, 3.4028234663852886e38, 1.1754943508222875e-38,
                          2.0**-149),
    "bfloat16": DtypeInfo("bfloat16", 2.0**-8, 8, 3.4028234663852886e38, 1.1754943508222875e-38,
                            2.0**-133),
    "float16": DtypeInfo("float16", 2.0**-11, 11, 3.4028234663852886e38, 1.1754943508222875e-38,
                           2.0**-24),
}
