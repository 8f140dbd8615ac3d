"""A micromagneticmodel System as Gilbert's config: the mesh and its
regions, each term through its translator (terms.ENERGY, terms.DYNAMICS),
the current, temperature and the driver's settings."""

import types

import numpy as np

from gilbert import _toml
from gilbert.constants import BOHR_MAGNETON, ELEMENTARY_CHARGE, G_FACTOR, MU0
from ._values import GilbertcError, _is_number, _scalar, _vector
from .mesh import _Cells, _is_dataframe_field, _u_per_cell
from .terms import DYNAMICS, ENERGY, _current_profile, _terms, translate


def config_of(system, duration=None, thermal_dt=1e-14, applied=None, fixed_subregions=None, **run):
    """The Gilbert config (a dict) for a System, its Ms per cell (A/m,
    shape (nx, ny, nz)) and the extra files it needs ({name: array}); the config
    starts from `m0.omf`, which the driver writes beside it. `duration` (s)
    is the length of a time drive (for currents given as functions of time);
    `thermal_dt` (s) the fixed step of the stochastic Heun scheme when
    system.T > 0; `applied` (A/m, a 3-vector) a field added to the
    system's Zeeman field (a hysteresis step); `fixed_subregions` the names
    of mesh subregions whose m is held fixed (Gilbert's material.frozen)."""
    if not _terms(system.energy):
        raise RuntimeError("System's energy is not defined")
    m = system.m
    mesh = m.mesh
    n = tuple(int(x) for x in mesh.n)
    if len(n) != 3:
        raise GilbertcError(f"mesh.n is {n}: Gilbert's grids are three-dimensional (nx, ny, nz)")
    bc = str(getattr(mesh, "bc", "") or "")
    if "neumann" in bc or "dirichlet" in bc:
        raise GilbertcError(f"mesh.bc is {bc!r}: Gilbert has free edges or periodic ones (x, y, z)")
    cells = _Cells(mesh)
    regions = cells.subregions
    values = np.asarray(m.array, dtype=float)  # (nx, ny, nz, 3)
    norms = np.linalg.norm(values, axis=-1)
    top = float(norms.max())
    if top <= 0:
        raise GilbertcError("system.m is zero everywhere: at least one cell must be magnetic (Ms > 0)")
    # Ms per cell, with differences below 1e-9 of the largest treated as rounding.
    cells.arrays["Ms"] = np.round(norms / top, 9) * top
    ms_cells = cells.arrays["Ms"]
    config = {
        "mesh": {"n": list(n), "cellsize": [float(c) for c in mesh.cell], "periodic_x": "x" in bc,
                 "periodic_y": "y" in bc, "periodic_z": "z" in bc},
        "initial": {"type": "file", "path": "m0.omf"},
    }
    files = {}
    t = types.SimpleNamespace(cells=cells, regions=regions, config=config, files=files, anisotropies=[],
                              anisotropies_k2=[], cubic=[], interfaces=[], dmi_interfaces=[], dmi_class=None,
                              duration=duration, precession=False, current=None, delta_beta=None,
                              relaxation=None, slonczewski=None, zeemans=[], rkky=[], mesh=mesh)
    translate(system.energy, ENERGY, "energy", t)
    anisotropies, interfaces = t.anisotropies, t.interfaces
    if applied is not None:
        static = [z for z in t.zeemans if z[0] is not None and not z[1]]
        if static:  # a hysteresis step adds to the (first) static field
            cells.arrays[static[0][0]] = cells.arrays[static[0][0]] + np.asarray(applied, dtype=float)
        else:
            t.zeemans.append((cells.add("H_applied", applied, "HysteresisDriver field", vector=True, unit=False),
                              {}, "hysteresis"))
    translate(system.dynamics, DYNAMICS, "dynamics", t)
    current, relaxation, delta_beta, precession = t.current, t.relaxation, t.delta_beta, t.precession
    if fixed_subregions:
        unknown = [r for r in fixed_subregions if r not in regions.names]
        if unknown:
            raise GilbertcError(f"fixed_subregions names {unknown}, which are not mesh.subregions ({regions.names})")
        cells.add("frozen", {r: 1.0 for r in fixed_subregions}, "fixed_subregions")
    temperature = vars(system).get("T", 0) or 0
    if temperature:
        cells.add("T", temperature, "System.T")
    cells.classify()
    material = {"Ms": cells.of("Ms"), "A": cells.of("A") if "A" in cells.arrays else 0.0,
                "alpha": cells.of("alpha") if "alpha" in cells.arrays else 0.0}
    config["material"] = material
    if "gamma0" in cells.arrays:
        material["gamma0"] = cells.of("gamma0")
    if "frozen" in cells.arrays:
        f = cells.of("frozen")
        material["frozen"] = [bool(x) for x in f] if isinstance(f, list) else bool(f)
    if interfaces:
        config["interface"] = _region_pairs(cells, interfaces, "A")
    if cells.count > 1:
        files["regions.h5"] = ("regions", np.transpose(cells.map, (2, 1, 0)).astype(np.int32), "")  # [Nz, Ny, Nx]
        config["region_map"] = {"path": "regions.h5", "dataset": "/regions"}
    if t.zeemans:
        config["zeeman"] = _zeeman_entries(cells, t.zeemans)
    if "D" in cells.arrays:
        # Ubermag's classes with Ubermag's signs (Gilbert's own "interfacial"
        # is Cnv_z with the other sign of D).
        config["dmi"] = {"D": cells.of("D"), "class": t.dmi_class}
        if t.dmi_interfaces:
            config["dmi_interface"] = _region_pairs(cells, t.dmi_interfaces, "D")
    entries = [e for k_key, axis_key in anisotropies for e in _axis_entries(cells, k_key, [axis_key], "K1", ["axis"])]
    if entries:
        config["anisotropy"] = entries
    entries = [e for k_key, axis_key in t.anisotropies_k2
               for e in _axis_entries(cells, k_key, [axis_key], "K2", ["axis"])]
    if entries:
        config["anisotropy_k2"] = entries
    entries = [e for k_key, a1, a2 in t.cubic for e in _axis_entries(cells, k_key, [a1, a2], "K1", ["axis1", "axis2"])]
    if entries:
        config["anisotropy_cubic"] = entries
    if t.rkky:
        sub = cells.arrays["subregion"].reshape(cells.size)[cells.representative]
        config["rkky"] = [{"regions": [[r for r in range(cells.count) if sub[r] == s] for s in pair], "axis": axis,
                           "sigma": sigma, "sigma2": sigma2} for pair, axis, sigma, sigma2 in t.rkky]
    if t.slonczewski is not None:
        config["slonczewski"] = _slonczewski_section(cells, t.slonczewski, duration)
    if _terms(system.dynamics) and not precession:
        config["solver"] = {"precession": False}  # damping (and torques) only, as OOMMF's do_precess 0
    if temperature:
        config["temperature"] = {"T": cells.of("T")}
        config.setdefault("solver", {}).update({"method": "stochastic_heun", "dt": float(thermal_dt)})
    if (delta_beta or relaxation) and current is None:
        raise GilbertcError("gilbertc.DeltaBeta and SpinRelaxation act on the current: add mm.ZhangLi(u=..., beta=...)")
    if current is not None:
        attrs = set(vars(current))
        material["beta"] = cells.of("beta")
        u = current.u
        section = {}
        uniform = (_is_number(u) or (not isinstance(u, dict) and not _is_dataframe_field(u)))
        if uniform and relaxation is None:
            section["u"] = [_scalar(u, "ZhangLi.u"), 0.0, 0.0] if _is_number(u) else _vector(u, "ZhangLi.u")
        elif relaxation is None:
            # u per cell, as it is: [current] u_path (an HDF5 file of u).
            uc = _u_per_cell(u, regions)
            files["current_u.h5"] = ("u", np.transpose(uc, (2, 1, 0, 3)), "m/s")  # [Nz, Ny, Nx, 3], x fastest
            section.update({"u_path": "current_u.h5", "u_dataset": "/u"})
        else:
            # The longitudinal terms need the charge current density: j per
            # cell (an HDF5 file) with u = −g μB P j/(2 e Ms).
            p = _scalar(vars(relaxation).get("P"), "SpinRelaxation.P")
            if not 0 < abs(p) <= 1:
                raise GilbertcError(f"SpinRelaxation.P is {p}: expected a spin polarisation in (0, 1] (or its negative)")
            material["P"] = p
            uc = _u_per_cell(u, regions)
            j = -2 * ELEMENTARY_CHARGE * ms_cells[..., None] * uc / (G_FACTOR * BOHR_MAGNETON * p)
            files["current_j.h5"] = ("j", np.transpose(j, (2, 1, 0, 3)), "A/m^2")  # [Nz, Ny, Nx, 3], x fastest
            section.update({"j": [0.0, 0.0, 0.0], "profile": "file", "path": "current_j.h5", "dataset": "/j"})
        section.update(_current_profile(current, duration, "ZhangLi"))
        config["current"] = section
        if delta_beta is not None:
            material["delta_beta"] = cells.of("delta_beta") if "delta_beta" in cells.arrays else "paper"
        if relaxation is not None:
            section = {}
            for k, v in vars(relaxation).items():
                if k in ("P", "name"):
                    continue
                section[k] = int(v) if k == "update_every" else (v if isinstance(v, str) else cells.of(f"longitudinal.{k}"))
            config["longitudinal"] = section
    for key, value in run.items():  # the driver's settings, merged into the sections they name
        if isinstance(value, dict):
            config.setdefault(key, {}).update(value)
        else:
            config[key] = value
    return config, ms_cells, files


def _zeeman_entries(cells, zeemans):
    """[zeeman] for one field, [[zeeman]] (each with its name) for several."""
    entries = []
    for h_key, keys, name in zeemans:
        entry = dict(keys)
        if h_key is not None:
            h = cells.of(h_key)  # one vector everywhere, or one per region
            entry["B"] = [[MU0 * x for x in v] for v in h] if isinstance(h[0], list) else [MU0 * x for x in h]
        if len(zeemans) > 1:
            entry["name"] = name
        entries.append(entry)
    return entries[0] if len(entries) == 1 else entries


def _region_pairs(cells, pairs, key):
    """[[interface]] or [[dmi_interface]] tables: every pair of Gilbert
    regions whose cells lie in the two subregions of each (s1, s2, value)."""
    sub = cells.arrays["subregion"].reshape(cells.size)[cells.representative]
    return [{"regions": [c1, c2], key: value} for s1, s2, value in pairs
            for c1 in range(cells.count) if sub[c1] == s1
            for c2 in range(cells.count) if sub[c2] == s2]


def _axis_entries(cells, k_key, axis_keys, k_name, axis_names):
    """Anisotropy entries: one with the axes when they are the same
    everywhere, else one per distinct set of axes with the constant in the
    regions of that set (0 elsewhere)."""
    k = cells.of(k_key)
    axes = [cells.of(a) for a in axis_keys]
    if not any(isinstance(a[0], list) for a in axes):  # the same axes everywhere
        return [{k_name: k, **dict(zip(axis_names, axes))}]
    ks = k if isinstance(k, list) else [k] * cells.count
    per = list(zip(*[a if isinstance(a[0], list) else [a] * cells.count for a in axes]))  # axes of each region
    key = [tuple(tuple(v) for v in region) for region in per]
    out = []
    for axis_set in sorted({key[r] for r in range(cells.count) if ks[r] != 0}):
        out.append({k_name: [ks[r] if key[r] == axis_set else 0.0 for r in range(cells.count)],
                    **{n: list(v) for n, v in zip(axis_names, axis_set)}})
    return out


def _slonczewski_section(cells, term, duration):
    """[slonczewski] from the Slonczewski term's parameters per region."""
    section = {name: cells.of(f"slonczewski.{name}") for name in ("J", "p", "P", "Lambda", "eps_prime")}
    section.update(_current_profile(term, duration, "Slonczewski"))
    return section


def _write_config(path, config):
    with open(path, "w", encoding="utf-8") as f:
        f.write(_toml.dumps(config))
