"""Ubermag terms to Gilbert's config: one table (ENERGY, DYNAMICS) from a
term's class name to the function that translates it, and Gilbert's own
dynamics terms (DeltaBeta, SpinRelaxation)."""

import numpy as np

import micromagneticmodel as mm

from gilbert.constants import GAMMA0
from ._values import GilbertcError, _is_number, _scalar


class DeltaBeta(mm.DynamicsTerm):
    """Gilbert-specific: the anisotropic non-adiabatic torque of the paper's
    Eq. (46), δβ (one number or a dict by subregion; `"paper"` is δβ = −β/5).
    Needs a ZhangLi term (u and β) in the same dynamics.

        system.dynamics += gilbertc.DeltaBeta(delta_beta=-0.02)
    """

    _allowed_attributes = ["delta_beta"]
    _reprlatex = r"\delta\beta\ \text{(Gilbert, Eq. 46)}"

    def dmdt(self, m, Heff):
        raise NotImplementedError


class SpinRelaxation(mm.DynamicsTerm):
    """Gilbert-specific: the longitudinal spin-relaxation terms of the paper's
    Eq. (47) (Gilbert's `[longitudinal]` section, Documentation/Physics.md).
    Keyword arguments are that section's keys (rho_perp, rho_par, sigma_up,
    sigma_down, ell_s_up, ell_s_down, gamma_tau, delta_gamma_tau,
    tau_parallel, update_every), plus `P`, the current's spin polarisation,
    with which ZhangLi's u becomes the charge current j = −2 e Ms u/(g μB P)
    these terms need.

        system.dynamics += gilbertc.SpinRelaxation(P=0.7, rho_perp=2e-7, gamma_tau=1e5)
    """

    _allowed_attributes = ["P", "rho_perp", "rho_par", "sigma_up", "sigma_down", "ell_s_up", "ell_s_down",
                           "gamma_tau", "delta_gamma_tau", "tau_parallel", "update_every"]
    _reprlatex = r"\text{spin relaxation (Gilbert, Eq. 47)}"

    def dmdt(self, m, Heff):
        raise NotImplementedError


def _terms(container):
    try:
        return list(container)
    except TypeError:
        return []


def _time_table(func, dt, t_end, name):
    """A piecewise-linear table of func sampled every dt over [0, t_end]."""
    if func is None:
        return None
    if dt is None:
        raise GilbertcError(f"{name}.func needs {name}.dt (s), the step at which it is sampled")
    count = int(np.ceil(t_end / dt - 1e-9)) + 1
    if count > 200_000:
        raise GilbertcError(f"{name}.dt = {dt} s samples func {count} times over {t_end} s; give dt ≥ {t_end / 200_000:.3g} s")
    ts = [i * float(dt) for i in range(count)]
    return {"time_profile": "table", "table_t": ts, "table_value": [float(func(t)) for t in ts]}


def _zeeman_profile(attrs, duration):
    """[zeeman]'s time_profile keys for Ubermag's func: "sin" (sin 2πf(t − t0),
    Gilbert's sine with phase −2πf t0), "sinc" (sin x / x, x = 2πf(t − t0),
    sampled 50 times per period) or a callable returning a number (sampled
    every dt)."""
    func = attrs.get("func")
    if func is None:
        return {}
    if duration is None:
        raise GilbertcError("Zeeman.func: a field that varies in time needs a TimeDriver")
    if func in ("sin", "sinc"):
        f, t0 = attrs.get("f"), attrs.get("t0", 0.0)
        if not _is_number(f) or f <= 0:
            raise GilbertcError(f"Zeeman.f is {f!r}: func = {func!r} needs a frequency f > 0 (Hz)")
        if func == "sin":
            return {"time_profile": "sine", "frequency": float(f), "phase": float(-2 * np.pi * f * t0)}
        return _time_table(lambda t: float(np.sinc(2 * f * (t - t0))), 1 / (50 * f), duration, "Zeeman")
    if not callable(func):
        raise GilbertcError(f"Zeeman.func is {func!r}: expected 'sin', 'sinc' or a callable")
    if np.ndim(func(0.0)) != 0:
        raise GilbertcError("Zeeman.func returns a matrix (a rotating field): Gilbert's field is B · s(t) with one factor s")
    return _time_table(func, attrs.get("dt"), duration, "Zeeman")


# The translators. Each takes the term and the translation in progress
# (`t`: cells, regions, config, files, anisotropies, interfaces, duration;
# and the dynamics it finds: precession, current, delta_beta, relaxation).


def _exchange(term, t):
    a = term.A
    if isinstance(a, dict) and any(":" in k for k in a):
        # "r1:r2": A between the two subregions (Gilbert's [[interface]]).
        for k in a:
            if ":" in k:
                pair = k.split(":")
                unknown = [x for x in pair if x not in t.regions.names]
                if len(pair) != 2 or unknown:
                    raise GilbertcError(f"Exchange.A names {k!r}: expected 'r1:r2' with two of mesh.subregions ({t.regions.names})")
                t.interfaces.append((t.regions.names.index(pair[0]) + 1, t.regions.names.index(pair[1]) + 1,
                                     _scalar(a[k], f"Exchange.A[{k}]")))
        a = {k: v for k, v in a.items() if ":" not in k}
        t.cells.arrays["subregion"] = t.regions.map.astype(float)  # keep the subregions apart
    t.cells.add("A", a, "Exchange.A")


def _uniaxial_anisotropy(term, t):
    if vars(term).get("K2") not in (None, 0) or "K1" in vars(term):
        raise GilbertcError("UniaxialAnisotropy.K2: Gilbert has only K1")
    i = len(t.anisotropies)
    t.anisotropies.append((t.cells.add(f"K{i}", term.K, "UniaxialAnisotropy.K"),
                           t.cells.add(f"axis{i}", term.u, "UniaxialAnisotropy.u", vector=True)))


def _zeeman(term, t):
    if "zeeman" in t.config:
        raise GilbertcError("two Zeeman terms: Gilbert has one applied field")
    attrs = vars(term)
    if "tcl_strings" in attrs:
        raise GilbertcError("Zeeman.tcl_strings: OOMMF's Tcl scripts do not run in Gilbert; give func (and dt)")
    t.cells.add("H", term.H, "Zeeman.H", vector=True, unit=False)
    t.config["zeeman"] = _zeeman_profile(attrs, t.duration)


def _demag(term, t):
    t.config["demag"] = {"method": "fft"}


def _dmi(term, t):
    cc = str(term.crystalclass)
    if cc not in ("Cnv_z", "Cnv"):
        raise GilbertcError(f"DMI.crystalclass is {cc!r}: Gilbert has interfacial DMI with the normal along z (Cnv_z)")
    if isinstance(term.D, dict) and any(":" in k for k in term.D):
        raise GilbertcError("DMI.D between subregions ('r1:r2'): Gilbert's DMI has D per region, not per interface")
    t.cells.add("D", term.D, "DMI.D")


def _precession(term, t):
    gamma0 = _scalar(term.gamma0, "Precession.gamma0")
    if gamma0 == 0:
        return  # no precession, as with no Precession term
    if abs(gamma0 / GAMMA0 - 1) > 1e-3:
        raise GilbertcError(f"Precession.gamma0 is {term.gamma0}: Gilbert's is {GAMMA0:.6g} m/(A s) (or 0: no precession)")
    t.precession = True


def _damping(term, t):
    t.cells.add("alpha", term.alpha, "Damping.alpha")


def _zhang_li(term, t):
    t.current = term
    t.cells.add("beta", term.beta, "ZhangLi.beta")


def _delta_beta(term, t):
    t.delta_beta = term
    db = vars(term).get("delta_beta", 0.0)
    if db != "paper":
        t.cells.add("delta_beta", db, "DeltaBeta.delta_beta")


def _spin_relaxation(term, t):
    t.relaxation = term
    for k, v in vars(term).items():
        if k not in ("P", "name", "update_every") and not isinstance(v, str):
            t.cells.add(f"longitudinal.{k}", v, f"SpinRelaxation.{k}")


#: Ubermag energy terms, by class name, and their translators.
ENERGY = {"Exchange": _exchange, "UniaxialAnisotropy": _uniaxial_anisotropy, "Zeeman": _zeeman, "Demag": _demag,
          "DMI": _dmi}
#: Dynamics terms, by class name (Gilbert's own included), and their translators.
DYNAMICS = {"Precession": _precession, "Damping": _damping, "ZhangLi": _zhang_li, "DeltaBeta": _delta_beta,
            "SpinRelaxation": _spin_relaxation}


def translate(container, table, what, t):
    """Translates every term of `container` with `table`; a term it does not
    list is refused, naming the ones it does."""
    for term in _terms(container):
        kind = type(term).__name__
        if kind not in table:
            raise GilbertcError(f"{what} term {kind}: not translated by gilbertc ({', '.join(table)})")
        table[kind](term, t)
