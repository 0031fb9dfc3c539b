"""Solutions of notebook 02 (and a wrong answer per exercise, which its check must reject)."""

# %% ex1 solution
ex1_bound = prop1_bound("0.9", dps=DPS)
ex1_t = 1
while laprop_supremum("0.9", "0.9", ex1_t, dps=DPS).value < mpmath.mpf("0.99") * ex1_bound:
    ex1_t += 1
print("first t with sup >= 99% of 1/sqrt(1 - nu):", ex1_t)

# %% ex1 wrong
ex1_t = 10

# %% ex2 solution
# Same sign, each gradient 10^4 times the previous one: every normalised gradient is then
# within a relative 1e-8 of its own bound.
ex2_g = [10.0 ** (4 * k) for k in range(8)]

# %% ex2 wrong
ex2_g = [1.0] * 8

# %% ex3 solution
# mu = 0: the momentum averages the bounds sqrt((1 - nu^k)/(1 - nu)) of the u_k, which grow with
# k; mu = 0 puts all the weight on the last and largest one, a larger mu mixes in smaller ones.
ex3_mu = "0"

# %% ex3 wrong
ex3_mu = "0.99"

# %% ex4 solution
# B_t = (1 - mu)/sqrt(1 - nu) * (1 + mu + ... + mu^(t-1)) = (1 - mu^t)/sqrt(1 - nu)
mu, nu, t = sp.symbols("mu nu t", positive=True)
m_bound = (1 - mu**t) / sp.sqrt(1 - nu)

# %% ex4 wrong
mu, nu, t = sp.symbols("mu nu t", positive=True)
m_bound = (1 - mu**t) / (1 - nu)
