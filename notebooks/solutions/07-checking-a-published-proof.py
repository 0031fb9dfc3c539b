"""Solutions of notebook 07 (and a wrong answer per exercise, which its check must reject)."""

# %% ex1 solution
# [D3] as printed: coefficient G_inf (not 2 G_inf) on the root.
ex1_step = Step("D3", G_inf * sp.sqrt(norm_T**2 - g_T**2) + last, "<=", 2 * G_inf * norm_T,
                induction, eq="[D3]", note="induction step, as printed")

# %% ex1 wrong
# "corrected" to 2 G_inf: a different line from the printed one
ex1_step = Step("D3", 2 * G_inf * sp.sqrt(norm_T**2 - g_T**2) + last, "<=", 2 * G_inf * norm_T,
                induction, eq="[D3]")

# %% ex2 solution
# ln T + 0.5772 > 4 gives T > e^3.42 ~ 30.6; H_30 = 3.995, H_31 = 4.027.
ex2_T = 31

# %% ex2 wrong
ex2_T = 30
