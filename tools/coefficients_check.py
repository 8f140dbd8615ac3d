#!/usr/bin/env python3
"""Independent hand calculation of the microscopic-model coefficients
(Documentation/Longitudinal.md, the paper's Eqs. 21, 23, 32, 36, 40, D7; SI with ħ restored),
used as the reference numbers of Tests/GilbertTests/CoefficientTests.swift.

usage: python3 tools/coefficients_check.py
"""
from math import pi, sqrt

hbar = 1.054571817e-34
e = 1.602176634e-19
m = 9.1093837015e-31
# The test material: k_F± (1/m), n_i v_i² (J² m³), n_so λ_so² (J² m⁷).
kf = {+1: 1.1e10, -1: 0.9e10}
niv2 = 4.0e-68
nsol2 = 1.2e-109

nu = {s: m * kf[s] / (2 * pi**2 * hbar**2) for s in kf}
r = nsol2 / niv2
kz = {s: r * kf[s] ** 4 / 3 for s in kf}
kp = 2 * r * kf[1] ** 2 * kf[-1] ** 2 / 3
g = {s: nu[-s] / nu[s] for s in kf}
tau = {s: hbar / (2 * pi * niv2 * nu[s] * (1 + kz[s] + kp * g[s])) for s in kf}
D = {s: hbar**2 * kf[s] ** 2 * tau[s] / (3 * m**2) for s in kf}
sig = {s: e**2 * D[s] * nu[s] for s in kf}
taus = {s: tau[s] / (kp * g[s]) for s in kf}
ell = {s: sqrt(D[s] * taus[s]) for s in kf}
gamma = 8 * pi * e**2 * hbar / (15 * m**2) * nsol2 * nu[1] * nu[-1] * kf[1] ** 2 * kf[-1] ** 2 * sum(
    s * kf[s] ** 2 * tau[s] ** 2 for s in kf)
dsig = pi * e**2 / (9 * m) * nsol2 * sum(s * kf[s] ** 4 * nu[s] ** 2 * tau[s] for s in kf)
sigs = e**2 * (D[1] * nu[1] - D[-1] * nu[-1]) + dsig
amr = (dsig / sigs) / (1 - dsig / sigs)
sigB = sig[1] + sig[-1]
beta = 32 * pi * e**2 / (9 * m * sigB * (kf[1] ** 2 - kf[-1] ** 2)) * nsol2 * sum(
    s * tau[s] * nu[s] * kf[s] ** 4 for s in kf) * sum(nu[s] * kf[s] ** 2 for s in kf)
rows = [
    ("tau_up", tau[1]), ("tau_down", tau[-1]), ("D_up", D[1]), ("D_down", D[-1]),
    ("sigma_up", sig[1]), ("sigma_down", sig[-1]), ("tau_s_up", taus[1]), ("tau_s_down", taus[-1]),
    ("ell_s_up", ell[1]), ("ell_s_down", ell[-1]), ("gamma", gamma), ("delta_gamma", gamma / 3),
    ("delta_sigma_s", dsig), ("gamma_tau", gamma - dsig), ("delta_gamma_tau", gamma / 3 + dsig),
    ("spin_amr", amr), ("beta", beta), ("delta_beta", -beta / 5),
]
for name, value in rows:
    print(f"{name:16s} {value:.12e}")
