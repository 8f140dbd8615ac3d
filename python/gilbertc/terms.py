"""Ubermag terms to Gilbert's config: one table (ENERGY, DYNAMICS) from a
term's class name to the function that translates it, and Gilbert's own
dynamics terms (DeltaBeta, SpinRelaxation)."""

import numpy as np

import micromagneticmodel as mm

from gilbert.constants import GAMMA0, MU0
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


def _tcl_samples(tcl, duration, name, samples=1000):
    """OOMMF's Tcl time function (Ubermag's tcl_strings: script, script_name,
    script_args) evaluated by Python's own Tcl interpreter (tkinter) at
    `samples` + 1 equal steps over the drive: (times, rows of numbers).
    Gilbert interpolates linearly between them (the derivatives the script
    also returns are not used)."""
    try:
        import tkinter
        interp = tkinter.Tcl()
    except Exception as e:  # pragma: no cover - tkinter is in Debian's python3-tk
        raise GilbertcError(f"{name}.tcl_strings: evaluating OOMMF's Tcl scripts needs Python's tkinter (apt install python3-tk): {e}")
    if duration is None:
        raise GilbertcError(f"{name}.tcl_strings: a function of time needs a TimeDriver")
    interp.eval(tcl["script"])
    args = str(tcl.get("script_args", "stage stage_time total_time")).split()
    unknown = [a for a in args if a not in ("stage", "stage_time", "total_time")]
    if unknown:
        raise GilbertcError(f"{name}.tcl_strings script_args {unknown}: expected stage, stage_time and total_time")
    times = [duration * k / samples for k in range(samples + 1)]
    rows = []
    for t in times:
        values = {"stage": "0", "stage_time": repr(t), "total_time": repr(t)}
        out = interp.eval(" ".join([tcl["script_name"]] + [values[a] for a in args]))
        rows.append([float(x) for x in interp.splitlist(out)])
    return times, rows


def _current_profile(term, duration, name):
    """The time profile keys of a current (ZhangLi's, Slonczewski's): its
    Tcl script sampled, or its func sampled every dt; none when constant."""
    attrs = vars(term)
    if "tcl_strings" in attrs:
        return _tcl_profile(attrs["tcl_strings"], duration, name)
    if attrs.get("func") is None:
        return {}
    if duration is None:
        raise GilbertcError(f"{name}.func: a current that varies in time needs a TimeDriver")
    return _time_table(attrs["func"], attrs.get("dt"), duration, name)


def _tcl_profile(tcl, duration, name):
    """A scalar Tcl time function (a current's) as a [current]-style table profile."""
    times, rows = _tcl_samples(tcl, duration, name)
    return {"time_profile": "table", "table_t": times, "table_value": [r[0] for r in rows]}


#: OOMMF's Oxs_TransformZeeman types: how many values the script returns
#: (before their derivatives) and where each goes in the 3 × 3 matrix.
_TRANSFORM = {"identity": [], "diagonal": [0, 4, 8], "symmetric": [0, 1, 2, 4, 5, 8], "general": list(range(9))}


def _zeeman_tcl(term, tcl, duration):
    """[zeeman] keys for a field given by OOMMF Tcl strings: Oxs_ScriptUZeeman
    (the script returns H in A/m: a table of vectors) or Oxs_TransformZeeman
    (a matrix applied to H: a table of matrices)."""
    energy = tcl.get("energy", "Oxs_ScriptUZeeman")
    times, rows = _tcl_samples(tcl, duration, "Zeeman")
    if energy == "Oxs_ScriptUZeeman":
        return {"table_t": times, "table_B": [[MU0 * x for x in r[:3]] for r in rows]}, False
    if energy != "Oxs_TransformZeeman":
        raise GilbertcError(f"Zeeman.tcl_strings energy is {energy!r}: expected Oxs_ScriptUZeeman or Oxs_TransformZeeman")
    kind = str(tcl.get("type", "general"))
    if kind not in _TRANSFORM:
        raise GilbertcError(f"Zeeman.tcl_strings type is {kind!r}: expected one of {sorted(_TRANSFORM)}")
    matrices = []
    for r in rows:
        m = [1.0, 0, 0, 0, 1.0, 0, 0, 0, 1.0] if kind == "identity" else [0.0] * 9
        for k, slot in enumerate(_TRANSFORM[kind]):
            m[slot] = r[k]
        if kind == "symmetric":
            m[3], m[6], m[7] = m[1], m[2], m[5]
        matrices.append(m)
    return {"table_t": times, "table_matrix": matrices}, True


def _zeeman_profile(attrs, duration):
    """[zeeman]'s time keys for Ubermag's func: "sin" (sin 2πf(t − t0),
    Gilbert's sine with phase −2πf t0), "sinc" (sin x / x, x = 2πf(t − t0),
    sampled 50 times per period), a callable returning a number (sampled
    every dt: a table profile) or a 3 × 3 matrix (a field that turns:
    table_matrix)."""
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
    if np.ndim(func(0.0)) == 0:
        return _time_table(func, attrs.get("dt"), duration, "Zeeman")
    if np.size(func(0.0)) != 9:
        raise GilbertcError(f"Zeeman.func returns shape {np.shape(func(0.0))}: expected a number or a 3 × 3 matrix (9 numbers)")
    table = _time_table(lambda t: 0.0, attrs.get("dt"), duration, "Zeeman")
    ts = table["table_t"]
    return {"table_t": ts, "table_matrix": [[float(x) for x in np.asarray(func(t), dtype=float).reshape(9)] for t in ts]}


# The translators. Each takes the term and the translation in progress
# (`t`: cells, regions, config, files, anisotropies, interfaces, duration;
# and the dynamics it finds: precession, current, delta_beta, relaxation).


def _pairs(values, t, name):
    """The "r1:r2" entries of a parameter dict as (subregion index, subregion index, value)."""
    out = []
    for k, v in values.items():
        if ":" in k:
            pair = k.split(":")
            unknown = [x for x in pair if x not in t.regions.names]
            if len(pair) != 2 or unknown:
                raise GilbertcError(f"{name} names {k!r}: expected 'r1:r2' with two of mesh.subregions ({t.regions.names})")
            out.append((t.regions.names.index(pair[0]) + 1, t.regions.names.index(pair[1]) + 1, _scalar(v, f"{name}[{k}]")))
    return out


def _split_pairs(value, t, name, into):
    """A parameter given as a dict with "r1:r2" keys: those go to `into` as
    (subregion, subregion, value) and the subregions are kept apart; the
    rest (per subregion) is returned."""
    if not (isinstance(value, dict) and any(":" in k for k in value)):
        return value
    into.extend(_pairs(value, t, name))
    t.cells.arrays["subregion"] = t.regions.map.astype(float)  # keep the subregions apart
    return {k: v for k, v in value.items() if ":" not in k}


def _exchange(term, t):
    # "r1:r2": A between the two subregions (Gilbert's [[interface]]).
    t.cells.add("A", _split_pairs(term.A, t, "Exchange.A", t.interfaces), "Exchange.A")


def _uniaxial_anisotropy(term, t):
    attrs = vars(term)
    k1 = attrs["K1"] if "K1" in attrs else attrs.get("K")
    i = len(t.anisotropies)
    k_key = t.cells.add(f"K{i}", k1, "UniaxialAnisotropy.K1" if "K1" in attrs else "UniaxialAnisotropy.K")
    axis_key = t.cells.add(f"axis{i}", term.u, "UniaxialAnisotropy.u", vector=True)
    t.anisotropies.append((k_key, axis_key))
    if attrs.get("K2") not in (None, 0):
        # Ubermag's −K1 (m·u)² − K2 (m·u)⁴ is, up to a constant, Gilbert's
        # K1′ sin²θ + K2′ sin⁴θ with K1′ = K1 + 2 K2 and K2′ = −K2.
        k2_key = t.cells.add(f"K2_{i}", attrs["K2"], "UniaxialAnisotropy.K2")
        t.cells.arrays[k_key] = t.cells.arrays[k_key] + 2 * t.cells.arrays[k2_key]
        t.cells.arrays[k2_key] = -t.cells.arrays[k2_key]
        t.anisotropies_k2.append((k2_key, axis_key))


def _cubic_anisotropy(term, t):
    i = len(t.cubic)
    t.cubic.append((t.cells.add(f"Kc{i}", term.K, "CubicAnisotropy.K"),
                    t.cells.add(f"c1axis{i}", term.u1, "CubicAnisotropy.u1", vector=True),
                    t.cells.add(f"c2axis{i}", term.u2, "CubicAnisotropy.u2", vector=True)))


def _zeeman(term, t):
    """One applied field: its H per cell (key H<i>) and its time keys; the
    config's [zeeman] (one) or [[zeeman]] (several, named as the terms)."""
    attrs = vars(term)
    i = len(t.zeemans)
    keys, uses_h = {}, True
    if "tcl_strings" in attrs:
        keys, uses_h = _zeeman_tcl(term, attrs["tcl_strings"], t.duration)
    else:
        keys = _zeeman_profile(attrs, t.duration)
    h_key = t.cells.add(f"H{i}", term.H, "Zeeman.H", vector=True, unit=False) if uses_h else None
    t.zeemans.append((h_key, keys, str(getattr(term, "name", "zeeman"))))


def _demag(term, t):
    t.config["demag"] = {"method": "fft"}


#: Ubermag's crystal classes and Gilbert's names for them (Ubermag's energy
#: forms and signs; the legacy "Cnv" and "D2d" are the z ones).
DMI_CLASSES = {"Cnv": "Cnv_z", "D2d": "D2d_z", "T": "T", "O": "O", **{c: c for c in (
    "Cnv_x", "Cnv_y", "Cnv_z", "D2d_x", "D2d_y", "D2d_z")}}


def _dmi(term, t):
    cc = str(term.crystalclass)
    if cc not in DMI_CLASSES:
        raise GilbertcError(f"DMI.crystalclass is {cc!r}: expected one of {sorted(DMI_CLASSES)}")
    if t.dmi_class is not None:
        raise GilbertcError("two DMI terms: Gilbert has one [dmi] (one class)")
    t.dmi_class = DMI_CLASSES[cc]
    # "r1:r2": D on the bonds between the two subregions (Gilbert's [[dmi_interface]]).
    t.cells.add("D", _split_pairs(term.D, t, "DMI.D", t.dmi_interfaces), "DMI.D")


def _rkky(term, t):
    """RKKY between two subregions: [[rkky]] between the Gilbert regions of
    each, along the axis on which the two do not overlap."""
    names = list(getattr(term, "subregions", []) or [])
    unknown = [n for n in names if n not in t.regions.names]
    if len(names) != 2 or unknown:
        raise GilbertcError(f"RKKY.subregions is {names!r}: expected two of mesh.subregions ({t.regions.names})")
    boxes = [t.mesh.subregions[n] for n in names]
    axes = [a for a in range(3) if boxes[0].pmax[a] <= boxes[1].pmin[a] or boxes[1].pmax[a] <= boxes[0].pmin[a]]
    if len(axes) != 1:
        raise GilbertcError(f"RKKY.subregions {names}: expected two subregions apart along one axis (x, y or z)")
    attrs = vars(term)
    t.rkky.append(([t.regions.names.index(n) + 1 for n in names], "xyz"[axes[0]],
                   _scalar(term.sigma, "RKKY.sigma"), _scalar(attrs.get("sigma2", 0.0), "RKKY.sigma2")))
    t.cells.arrays["subregion"] = t.regions.map.astype(float)  # keep the subregions apart


def _precession(term, t):
    g = term.gamma0
    if _is_number(g):
        gamma0 = float(g)
        if gamma0 == 0:
            return  # no precession, as with no Precession term
        t.precession = True
        if abs(gamma0 / GAMMA0 - 1) > 1e-3:  # another γ0 (Ubermag's 2.211e5 is taken as Gilbert's μ0 γ_e)
            t.cells.add("gamma0", gamma0, "Precession.gamma0")
        return
    # γ0 per subregion or as a field: Gilbert's material.gamma0 per region (0: that region does not move).
    t.precession = True
    t.cells.add("gamma0", g, "Precession.gamma0", default=GAMMA0)


def _damping(term, t):
    t.cells.add("alpha", term.alpha, "Damping.alpha")


def _zhang_li(term, t):
    t.current = term
    t.cells.add("beta", term.beta, "ZhangLi.beta")


def _slonczewski(term, t):
    attrs = vars(term)
    t.slonczewski = term
    t.cells.add("slonczewski.J", term.J, "Slonczewski.J")
    t.cells.add("slonczewski.p", term.mp, "Slonczewski.mp", vector=True)
    t.cells.add("slonczewski.P", term.P, "Slonczewski.P")
    t.cells.add("slonczewski.Lambda", term.Lambda, "Slonczewski.Lambda")
    t.cells.add("slonczewski.eps_prime", attrs.get("eps_prime", 0.0), "Slonczewski.eps_prime")


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
ENERGY = {"Exchange": _exchange, "UniaxialAnisotropy": _uniaxial_anisotropy, "CubicAnisotropy": _cubic_anisotropy,
          "Zeeman": _zeeman, "Demag": _demag, "DMI": _dmi, "RKKY": _rkky}
#: Dynamics terms, by class name (Gilbert's own included), and their translators.
DYNAMICS = {"Precession": _precession, "Damping": _damping, "ZhangLi": _zhang_li, "Slonczewski": _slonczewski,
            "DeltaBeta": _delta_beta, "SpinRelaxation": _spin_relaxation}


def translate(container, table, what, t):
    """Translates every term of `container` with `table`; a term it does not
    list is refused, naming the ones it does."""
    for term in _terms(container):
        kind = type(term).__name__
        if kind not in table:
            raise GilbertcError(f"{what} term {kind}: not translated by gilbertc ({', '.join(table)})")
        table[kind](term, t)
