"""laprop_theory: the LaProp paper's algorithms as exact recurrences, and its claims checked."""
