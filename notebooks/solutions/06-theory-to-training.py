"""Solutions of notebook 06 (and a wrong answer per exercise, which its check must reject)."""

# %% ex1 solution
mu1, nu1 = 0.9, 0.5
grads1 = [float(g) for g in adam_supremum(mu1, nu1, 10).sequence]   # (mu/nu)^(t-k), t = 10
traj1 = torch_adam_trajectory(np.array([[g] for g in grads1]), lr=1e-3, mu=mu1, nu=nu1)
step1 = abs(traj1[-1, 0] - traj1[-2, 0])
print([round(g, 3) for g in grads1], step1)

# %% ex1 wrong
mu1, nu1, grads1 = 0.9, 0.999, [1.0, 1.0, 1.0]
traj1 = torch_adam_trajectory(np.array([[g] for g in grads1]), lr=1e-3, mu=mu1, nu=nu1)
step1 = abs(traj1[-1, 0] - traj1[-2, 0])

# %% ex2 solution
gen = np.random.default_rng(1)
ex2_grads = gen.standard_normal((200, 10)) * np.exp(gen.uniform(-8, 8, size=(200, 10)))
bound = float(prop1_bound(0.99))
steps_seen = [np.max(np.abs(np.diff(torch_trajectory(row.reshape(10, 1),
                  Config(lr=1.0, mu=0.9, nu=0.99, eps=0.0))[:, 0]))) for row in ex2_grads]
worst_ratio = max(steps_seen) / bound
print("largest step / Prop. 1 bound:", worst_ratio)

# %% ex2 wrong
ex2_grads = np.random.default_rng(1).standard_normal((200, 10))
worst_ratio = 0.01

# %% ex3 solution
# For gamma = mu/sqrt(nu) > 1 the sum is ~ gamma^(2t)/(gamma^2 - 1), while 1 - mu^t and 1 - nu^t
# tend to 1: sup_t ~ const * gamma^t, so the ratio tends to gamma.
mu, nu = sp.symbols("mu nu", positive=True)
growth = mu / sp.sqrt(nu)

# %% ex3 wrong
mu, nu = sp.symbols("mu nu", positive=True)
growth = mu**2 / nu
