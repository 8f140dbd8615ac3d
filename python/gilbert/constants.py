"""Gilbert's physical constants for the Python side (gilbert, gilbertc):
the values of Sources/Gilbert/Constants.swift, which a test
(python/tests/test_gilbertc.py) holds these to, so the two cannot drift."""

MU0 = 1.25663706212e-6  # T·m/A
GAMMA_LL = 1.7595e11  # rad/(s·T)
GAMMA0 = MU0 * GAMMA_LL  # m/(A·s)
BOHR_MAGNETON = 9.2740100783e-24  # J/T
ELEMENTARY_CHARGE = 1.602176634e-19  # C
BOLTZMANN = 1.380649e-23  # J/K
G_FACTOR = 2.0
