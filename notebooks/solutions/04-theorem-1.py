"""Solutions of notebook 04 (and a wrong answer per exercise, which its check must reject)."""

# %% ex1 solution
b = RG.theorem1_bound(mu="0.9", nu="0.999", zeta="0.99", lam="0.1", D="2", G="1", T=100,
                      s_T=[1], g_norms=[10], dps=30)
third = b["terms_worst"][2]
print("third term of the worst-case form:", mp_str(third, 10))
print("third term of Eq. (9):            ", mp_str(b["terms_eq9"][2], 10))

# %% ex1 wrong
third = "2000"

# %% ex2 solution
runs0 = {name: RG.run_reddi(alg, 3000, C="3", backend=F64, name=name)
         for name, alg in RG.reddi_algorithms(C="3", alpha="0.5", mu="0").items()}
converging = {name for name, o in RG.reddi_outcomes(runs0).items() if o["converges"]}
print(converging)

# %% ex2 wrong
converging = {"AMSGrad", "AmsProp", "LaProp"}

# %% ex3 solution
# m_1 = 1 - mu_1 = 1 - mu; m_2 = mu_2 m_1 + 1 - mu_2 = 1 - mu_1 mu_2 = 1 - mu^2 zeta.
mu, zeta = sp.symbols("mu zeta", positive=True)
m2_formula = 1 - mu**2 * zeta
ratio = (1 - mpmath.mpf("0.75") ** 2 * mpmath.mpf("0.25")) ** 2 / (1 - mpmath.mpf("0.75") ** 2)

# %% ex3 wrong
mu, zeta = sp.symbols("mu zeta", positive=True)
m2_formula = 1 - mu * zeta
ratio = (1 - mpmath.mpf("0.75") * mpmath.mpf("0.25")) ** 2 / (1 - mpmath.mpf("0.75") ** 2)
