"""Solutions of notebook 05 (and a wrong answer per exercise, which its check must reject)."""

# %% ex1 solution
p1 = Problem("prop1", "0.5", "0.9", 6)
st1, why1 = search(p1, seed=0, dps=50, limits=RunLimits(time_limit=None, rounds=3))
res1 = build_result(p1, st1, seed=0, dps=50, stopped=why1)
print("best ratio:", res1["ratio"], "  certified violation:", res1["certified_violation"])

# %% ex1 wrong
res1 = {"ratio": "0.1", "certified_violation": False}

# %% ex2 solution
g6 = [mpmath.nstr(mpmath.mpf("1.8") ** (6 - k), 20) for k in range(1, 7)]  # g_k = (mu/nu)^(t-k)

# %% ex2 wrong
g6 = ["1"] * 6

# %% ex3 solution
# n_2 = (1 - nu)(nu g1^2 + g2^2), c_n = (1 - nu)(1 + nu): the step is
# sqrt((1 + nu) g2^2 / (nu g1^2 + g2^2)) <= sqrt(1 + nu), attained at g1 = 0, any g2 != 0.
nu = sp.symbols("nu", positive=True)
sup_T2 = sp.sqrt(1 + nu)

# %% ex3 wrong
nu = sp.symbols("nu", positive=True)
sup_T2 = 1 / sp.sqrt(1 - nu)
