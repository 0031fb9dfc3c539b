"""Solutions of notebook 03 (and a wrong answer per exercise, which its check must reject)."""

# %% ex1 solution
# At mu = 0.1, nu = 0.5, t = 5 the supremum (attained by g_k = (mu/nu)^(t-k)) is above the
# stated bound 1/(1 - mu/sqrt(nu)).
ex1_mu, ex1_nu = "0.1", "0.5"
ex1_g = [str((mpmath.mpf(ex1_mu) / mpmath.mpf(ex1_nu)) ** (5 - k)) for k in range(1, 6)]
print(mp_str(adam_supremum(ex1_mu, ex1_nu, 5, dps=DPS).value, 8), ">", mp_str(prop2_stated_bound(ex1_mu, ex1_nu), 8))

# %% ex1 wrong
ex1_mu, ex1_nu, ex1_g = "0.1", "0.5", ["1", "1", "1"]

# %% ex2 solution
ex2_t = 1
while adam_supremum("0.9", "0.5", ex2_t, dps=DPS).value <= 3:
    ex2_t += 1
ex2_g = adam_supremum("0.9", "0.5", ex2_t, dps=DPS).sequence   # g_k = (mu/nu)^(t-k)
print("t =", ex2_t)

# %% ex2 wrong
ex2_t = 30
ex2_g = ["1"] * 30

# %% ex3 solution
# nu = mu^2: the sum is t, and (1 - mu^(2t))/(1 - mu^2) = (1 - mu^t)(1 + mu^t)/((1 - mu)(1 + mu)),
# so the supremum is sqrt(t (1 - mu)(1 + mu^t) / ((1 + mu)(1 - mu^t))): it grows like sqrt(t).
mu, t = sp.symbols("mu t", positive=True)
sup_gamma1 = sp.sqrt(t * (1 - mu) * (1 + mu**t) / ((1 + mu) * (1 - mu**t)))

# %% ex3 wrong
mu, t = sp.symbols("mu t", positive=True)
sup_gamma1 = sp.sqrt(t)
