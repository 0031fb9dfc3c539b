"""Solutions of notebook 01 (and a wrong answer per exercise, which its check must reject).

tests/course/test_notebooks.py puts each ``solution`` block in place of the exercise's student cell.
"""

# %% ex1 solution
# A large first gradient, then a small one. Adam's bias-corrected momentum still carries most
# of g1 (m_2 / c_m = (0.09 * 100 + 0.1) / 0.19 = 47.9), but with nu small the RMS has mostly
# forgotten g1: sqrt(n_2 / c_n) is about sqrt(nu) * |g1| = 10. So the step is about 4.8.
ex1_mu, ex1_nu, ex1_g = "0.9", "0.01", ["100", "1"]

# %% ex1 wrong
ex1_mu, ex1_nu, ex1_g = "0.9", "0.999", ["1", "1"]

# %% ex2 solution
ex2_seqs = [list(np.random.default_rng(k).uniform(-2, 2, 6)) for k in range(5)]
lap0 = R.LaProp(lr=1, mu="0.7", nu=0)
gap_bc = rec_gap(lap0, R.SSGM(lr=1, mu="0.7", bias_correction=True), ex2_seqs)
gap_plain = rec_gap(lap0, R.SSGM(lr=1, mu="0.7", bias_correction=False), ex2_seqs)
ex2_which = "with"
print("with bias correction:   ", mp_str(gap_bc, 3))
print("without bias correction:", mp_str(gap_plain, 3))
# Without the correction the first step is only (1 - mu) lambda = 0.3 lambda long instead of
# lambda (LaProp's c_m = 1 - mu cancels the factor 1 - mu): a gap of mu = 0.7 at t = 1.

# %% ex2 wrong
gap_bc, gap_plain, ex2_which = "0.7", "0", "without"

# %% ex3 solution
# A small gradient, a huge one, a small one: LaProp normalised g_1 by |g_1| and g_2 by the RMS
# of (g_1, g_2), but Adam divides everything by the RMS of all three.
ex3_g = ["1", "100", "1"]

# %% ex3 wrong
ex3_g = ["1", "-1", "1"]

# %% ex4 solution
def my_adam(grads, mu, nu, lr=1.0):
    m = n = 0.0
    steps = []
    for t, g in enumerate(grads, start=1):
        m = mu * m + (1 - mu) * g
        n = nu * n + (1 - nu) * g * g
        steps.append(-lr * (m / (1 - mu**t)) / np.sqrt(n / (1 - nu**t)))
    return steps


def my_laprop(grads, mu, nu, lr=1.0):
    m = n = 0.0
    steps = []
    for t, g in enumerate(grads, start=1):
        n = nu * n + (1 - nu) * g * g
        m = mu * m + (1 - mu) * lr * g / np.sqrt(n / (1 - nu**t))
        steps.append(-m / (1 - mu**t))
    return steps

# %% ex4 wrong
def my_adam(grads, mu, nu, lr=1.0):
    m = n = 0.0
    steps = []
    for t, g in enumerate(grads, start=1):
        m = mu * m + (1 - mu) * g
        n = nu * n + (1 - nu) * g * g
        steps.append(-lr * (m / (1 - mu**t)) / np.sqrt(n / (1 - nu**t)))
    return steps


def my_laprop(grads, mu, nu, lr=1.0):  # forgets the bias correction c_n
    m = n = 0.0
    steps = []
    for t, g in enumerate(grads, start=1):
        n = nu * n + (1 - nu) * g * g
        m = mu * m + (1 - mu) * lr * g / np.sqrt(n)
        steps.append(-m / (1 - mu**t))
    return steps

# %% ex5 solution
# u_1 = 1; n_2 / c_n(2) = (nu g1^2 + g2^2) / (1 + nu), so u_2 = g2 sqrt((1 + nu)/(nu g1^2 + g2^2));
# m_2 = (1 - mu)(mu u_1 + u_2) and c_m(2) = (1 - mu)(1 + mu).
mu, nu, g1, g2 = sp.symbols("mu nu g1 g2", positive=True)
laprop_step2 = (mu + g2 * sp.sqrt((1 + nu) / (nu * g1**2 + g2**2))) / (1 + mu)

# %% ex5 wrong
mu, nu, g1, g2 = sp.symbols("mu nu g1 g2", positive=True)
laprop_step2 = (mu + g2 / sp.sqrt(nu * g1**2 + g2**2)) / (1 + mu)   # without c_n
