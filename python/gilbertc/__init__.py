"""An Ubermag calculator for Gilbert (as oommfc and mumax3c are for OOMMF and
mumax3): drives a micromagneticmodel ``System`` with the `gilbert` binary.

    import gilbertc as gc
    gc.TimeDriver().drive(system, t=1e-9, n=100)
    gc.MinDriver().drive(system)
    gc.HysteresisDriver().drive(system, Hmin=(0, 0, -1e6), Hmax=(0, 0, 1e6), n=21)

What it translates is listed in python/README.md: any mesh (3D too) with
subregions; parameters as numbers, dicts or fields (one Gilbert region per
class of equal values, through a region map); Exchange, UniaxialAnisotropy,
Zeeman (per region, with time functions), Demag, DMI Cnv_z; Precession,
Damping, ZhangLi (u as a number, vector, dict, field or function of time),
system.T; DeltaBeta and SpinRelaxation, Gilbert's own terms. Anything else
is refused with ``GilbertcError`` naming the term or the mesh property.
"""

import json
import pathlib
import shutil
import subprocess

import numpy as np

import gilbert
from gilbert import _toml

try:
    import micromagneticmodel as mm
except ImportError as e:  # pragma: no cover
    raise ImportError("gilbertc needs micromagneticmodel (pip install micromagneticmodel discretisedfield ubermagtable)") from e

__version__ = "0.2.0"
MU0 = 1.25663706212e-6
GAMMA0 = MU0 * 1.7595e11
# Gilbert's constants (Sources/Gilbert/Constants.swift): u = -g muB P j / (2 e Ms).
_MU_B, _E, _G = 9.2740100783e-24, 1.602176634e-19, 2.0


class GilbertcError(ValueError):
    """A System that Gilbert cannot represent."""


def _is_number(v):
    return isinstance(v, (int, float, np.floating, np.integer)) and not isinstance(v, bool)


def _scalar(value, name):
    if _is_number(value):
        return float(value)
    raise GilbertcError(f"{name} is {value!r}: gilbertc translates one number here (not a field or a function)")


def _vector(value, name):
    try:
        v = [float(x) for x in value]
    except (TypeError, ValueError):
        v = None
    if v is None or len(v) != 3:
        raise GilbertcError(f"{name} is {value!r}: gilbertc translates a constant 3-vector here")
    return v


class _Regions:
    """The mesh's subregions, cell by cell: subregion k is 1 + k, every other
    cell 0 (a parameter dict's "default"). Where subregions overlap the first
    named wins."""

    def __init__(self, mesh):
        self.names = list((getattr(mesh, "subregions", None) or {}).keys())
        n = [int(x) for x in mesh.n]
        origin = np.asarray(mesh.region.pmin, dtype=float)
        centres = [(np.arange(n[a]) + 0.5) * float(mesh.cell[a]) for a in range(3)]
        self.map = np.zeros(tuple(n), dtype=int)  # (nx, ny, nz), as discretisedfield
        for k in reversed(range(len(self.names))):
            r = mesh.subregions[self.names[k]]
            lo = np.asarray(r.pmin, dtype=float) - origin
            hi = np.asarray(r.pmax, dtype=float) - origin
            inside = [(c >= lo[a]) & (c < hi[a]) for a, c in enumerate(centres)]
            self.map[np.ix_(*inside)] = k + 1

    def values(self, value, name, default=0.0, convert=None):
        """One value per subregion index from a number (or vector) or a dict
        by subregion name ("default" for the cells outside them)."""
        convert = convert or (lambda v, n: _scalar(v, n))
        if isinstance(value, dict):
            unknown = set(value) - set(self.names) - {"default"}
            if unknown:
                raise GilbertcError(f"{name} names {sorted(unknown)}, which are not mesh.subregions ({self.names})")
            base = value.get("default", default)
            per = [base] + [value.get(n, base) for n in self.names]
            return [convert(v, f"{name}[{n}]") for v, n in zip(per, ["default"] + self.names)]
        return [convert(value, name)] * (len(self.names) + 1)


class _Cells:
    """Parameters cell by cell, from numbers, vectors, dicts by subregion or
    discretisedfield.Fields. Gilbert's regions are then the classes of cells
    whose parameters are all equal (at most 256), given to Gilbert as a
    region map (`[region_map]`, an HDF5 file of region indices)."""

    def __init__(self, mesh):
        self.subregions = _Regions(mesh)
        self.shape = self.subregions.map.shape
        self.size = int(np.prod(self.shape))
        self.arrays = {}

    def add(self, key, value, name, vector=False, default=0.0, unit=True):
        """Stores parameter `key` for every cell; `name` is its Ubermag name,
        for errors. Vectors are made unit vectors (axes) unless `unit` is False."""
        if _is_dataframe_field(value):
            a = np.asarray(value.array, dtype=float)
            if a.shape[:3] != self.shape or a.shape[-1] != (3 if vector else 1):
                raise GilbertcError(
                    f"{name} is a Field of shape {a.shape}: expected the system's mesh with {3 if vector else 1} component(s)")
            a = a if vector else a[..., 0]
        else:
            convert = _vector if vector else _scalar
            if vector and default == 0.0:
                default = [0.0, 0.0, 0.0]
            per = np.asarray(self.subregions.values(value, name, default=default, convert=convert), dtype=float)
            a = per[self.subregions.map]
        if vector and unit:  # axes: unit vectors
            norms = np.linalg.norm(a, axis=-1, keepdims=True)
            a = np.where(norms > 0, a / np.where(norms > 0, norms, 1), 0.0)
        self.arrays[key] = a
        return key

    def classify(self):
        """Groups the cells: afterwards `count`, `map` (region of each cell;
        region 0 is the first cell's) and `of(key)`."""
        rows = np.concatenate([a.reshape(self.size, -1) for a in self.arrays.values()], axis=1)
        unique, first, inverse = np.unique(rows, axis=0, return_index=True, return_inverse=True)
        if len(unique) > 256:
            varying = [k for k, a in self.arrays.items() if len(np.unique(a.reshape(self.size, -1), axis=0)) > 1]
            raise GilbertcError(
                f"the parameters {varying} take {len(unique)} combinations of values over the cells; Gilbert has at most 256 regions")
        order = np.argsort(first)
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
        self.map = rank[np.asarray(inverse).reshape(-1)].reshape(self.shape)
        self.representative = first[order]
        self.count = len(unique)

    def of(self, key):
        """The parameter per region: a number (or vector) when every region has the same, else a list."""
        a = self.arrays[key].reshape(self.size, -1)[self.representative]
        values = [float(v[0]) for v in a] if a.shape[1] == 1 else [[float(x) for x in v] for v in a]
        return values[0] if all(v == values[0] for v in values) else values


def _is_dataframe_field(value):
    return type(value).__name__ == "Field" and hasattr(value, "mesh")


def _u_per_cell(u, regions, name="ZhangLi.u"):
    """u (m/s) in every cell, shape (nx, ny, nz, 3), from a number (along x),
    a vector, a dict by subregion or a discretisedfield.Field (1 or 3
    components)."""
    shape = regions.map.shape

    def as_vector(v, n):
        return [_scalar(v, n), 0.0, 0.0] if _is_number(v) else _vector(v, n)

    if _is_dataframe_field(u):
        a = np.asarray(u.array, dtype=float)
        if a.shape[-1] == 1:
            a = np.concatenate([a, np.zeros_like(a), np.zeros_like(a)], axis=-1)
        if a.shape != shape + (3,):
            raise GilbertcError(f"{name} is a Field of shape {a.shape}: expected the system's mesh with 1 or 3 components")
        return a
    per = np.asarray(regions.values(u, name, convert=as_vector), dtype=float)
    return per[regions.map]


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


def config_of(system, duration=None, thermal_dt=1e-14, applied=None, **run):
    """The Gilbert config (a dict) for a System, its Ms per cell (A/m,
    shape (nx, ny, nz)) and the extra files it needs ({name: array}); the config
    starts from `m0.omf`, which the driver writes beside it. `duration` (s)
    is the length of a time drive (for currents given as functions of time);
    `thermal_dt` (s) the fixed step of the stochastic Heun scheme when
    system.T > 0; `applied` (A/m, a 3-vector) a field added to the
    system's Zeeman field (a hysteresis step)."""
    if not _terms(system.energy):
        raise RuntimeError("System's energy is not defined")
    m = system.m
    mesh = m.mesh
    n = tuple(int(x) for x in mesh.n)
    if len(n) != 3:
        raise GilbertcError(f"mesh.n is {n}: Gilbert's grids are three-dimensional (nx, ny, nz)")
    bc = str(getattr(mesh, "bc", "") or "")
    if "y" in bc or "z" in bc or "neumann" in bc or "dirichlet" in bc:
        raise GilbertcError(f"mesh.bc is {bc!r}: Gilbert has free edges, periodic along x only")
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
        "mesh": {"n": list(n), "cellsize": [float(c) for c in mesh.cell], "periodic_x": "x" in bc},
        "initial": {"type": "file", "path": "m0.omf"},
    }
    files = {}
    anisotropies = []
    interfaces = []  # (subregion index, subregion index, A)
    for term in system.energy:
        kind = type(term).__name__
        if kind == "Exchange":
            a = term.A
            if isinstance(a, dict) and any(":" in k for k in a):
                # "r1:r2": A between the two subregions (Gilbert's [[interface]]).
                for k in a:
                    if ":" in k:
                        pair = k.split(":")
                        unknown = [x for x in pair if x not in regions.names]
                        if len(pair) != 2 or unknown:
                            raise GilbertcError(f"Exchange.A names {k!r}: expected 'r1:r2' with two of mesh.subregions ({regions.names})")
                        interfaces.append((regions.names.index(pair[0]) + 1, regions.names.index(pair[1]) + 1,
                                           _scalar(a[k], f"Exchange.A[{k}]")))
                a = {k: v for k, v in a.items() if ":" not in k}
                cells.arrays["subregion"] = regions.map.astype(float)  # keep the subregions apart
            cells.add("A", a, "Exchange.A")
        elif kind == "UniaxialAnisotropy":
            if vars(term).get("K2") not in (None, 0) or "K1" in vars(term):
                raise GilbertcError("UniaxialAnisotropy.K2: Gilbert has only K1")
            i = len(anisotropies)
            anisotropies.append((cells.add(f"K{i}", term.K, "UniaxialAnisotropy.K"),
                                 cells.add(f"axis{i}", term.u, "UniaxialAnisotropy.u", vector=True)))
        elif kind == "Zeeman":
            if "zeeman" in config:
                raise GilbertcError("two Zeeman terms: Gilbert has one applied field")
            attrs = vars(term)
            if "tcl_strings" in attrs:
                raise GilbertcError("Zeeman.tcl_strings: OOMMF's Tcl scripts do not run in Gilbert; give func (and dt)")
            cells.add("H", term.H, "Zeeman.H", vector=True, unit=False)
            config["zeeman"] = _zeeman_profile(attrs, duration)
        elif kind == "Demag":
            config["demag"] = {"method": "fft"}
        elif kind == "DMI":
            cc = str(term.crystalclass)
            if cc not in ("Cnv_z", "Cnv"):
                raise GilbertcError(f"DMI.crystalclass is {cc!r}: Gilbert has interfacial DMI with the normal along z (Cnv_z)")
            if isinstance(term.D, dict) and any(":" in k for k in term.D):
                raise GilbertcError("DMI.D between subregions ('r1:r2'): Gilbert's DMI has D per region, not per interface")
            cells.add("D", term.D, "DMI.D")
        else:
            raise GilbertcError(f"energy term {kind}: not translated by gilbertc (Exchange, UniaxialAnisotropy, Zeeman, Demag, DMI Cnv_z)")
    if applied is not None:
        if "H" in cells.arrays:
            cells.arrays["H"] = cells.arrays["H"] + np.asarray(applied, dtype=float)
        else:
            cells.add("H", applied, "HysteresisDriver field", vector=True, unit=False)
            config["zeeman"] = {}
    current = relaxation = None
    delta_beta = None
    precession = False
    for term in _terms(system.dynamics):
        kind = type(term).__name__
        if kind == "Precession":
            gamma0 = _scalar(term.gamma0, "Precession.gamma0")
            if gamma0 == 0:
                continue  # no precession, as with no Precession term
            if abs(gamma0 / GAMMA0 - 1) > 1e-3:
                raise GilbertcError(f"Precession.gamma0 is {term.gamma0}: Gilbert's is {GAMMA0:.6g} m/(A s) (or 0: no precession)")
            precession = True
        elif kind == "Damping":
            cells.add("alpha", term.alpha, "Damping.alpha")
        elif kind == "ZhangLi":
            current = term
            cells.add("beta", term.beta, "ZhangLi.beta")
        elif isinstance(term, DeltaBeta):
            delta_beta = term
            db = vars(term).get("delta_beta", 0.0)
            if db != "paper":
                cells.add("delta_beta", db, "DeltaBeta.delta_beta")
        elif isinstance(term, SpinRelaxation):
            relaxation = term
            for k, v in vars(term).items():
                if k not in ("P", "name", "update_every") and not isinstance(v, str):
                    cells.add(f"longitudinal.{k}", v, f"SpinRelaxation.{k}")
        else:
            raise GilbertcError(f"dynamics term {kind}: not translated by gilbertc (Precession, Damping, ZhangLi, gilbertc.DeltaBeta, gilbertc.SpinRelaxation)")
    temperature = vars(system).get("T", 0) or 0
    if temperature:
        cells.add("T", temperature, "System.T")
    cells.classify()
    material = {"Ms": cells.of("Ms"), "A": cells.of("A") if "A" in cells.arrays else 0.0,
                "alpha": cells.of("alpha") if "alpha" in cells.arrays else 0.0}
    config["material"] = material
    if interfaces:
        sub = cells.arrays["subregion"].reshape(cells.size)[cells.representative]
        config["interface"] = [{"regions": [c1, c2], "A": value} for s1, s2, value in interfaces
                               for c1 in range(cells.count) if sub[c1] == s1
                               for c2 in range(cells.count) if sub[c2] == s2]
    if cells.count > 1:
        files["regions.h5"] = ("regions", np.transpose(cells.map, (2, 1, 0)).astype(np.int32), "")  # [Nz, Ny, Nx]
        config["region_map"] = {"path": "regions.h5", "dataset": "/regions"}
    if "H" in cells.arrays:
        h = cells.of("H")
        # One vector everywhere, or one per region.
        config["zeeman"]["B"] = [[MU0 * x for x in v] for v in h] if isinstance(h[0], list) else [MU0 * x for x in h]
    if "D" in cells.arrays:
        # Ubermag's Cnv_z energy is D(m·∇m_z − m_z ∇·m); Gilbert's (as mumax3's Dind)
        # is D(m_z ∇·m − (m·∇)m_z): the same physics with D of the other sign.
        d = cells.of("D")
        config["dmi"] = {"D": [-x for x in d] if isinstance(d, list) else -d}
    entries = []
    for k_key, axis_key in anisotropies:
        k, axes = cells.of(k_key), cells.of(axis_key)
        if not isinstance(axes[0], list):  # one axis everywhere
            entries.append({"K1": k, "axis": axes})
            continue
        ks = k if isinstance(k, list) else [k] * cells.count
        # An axis that varies: one entry per distinct axis, with K1 in the regions of that axis.
        for axis in sorted({tuple(a) for a, kk in zip(axes, ks) if kk != 0}):
            entries.append({"K1": [kk if tuple(a) == axis else 0.0 for a, kk in zip(axes, ks)], "axis": list(axis)})
    if entries:
        config["anisotropy"] = entries
    if _terms(system.dynamics) and not precession:
        config["solver"] = {"precession": False}  # damping (and torques) only, as OOMMF's do_precess 0
    if temperature:
        config["temperature"] = {"T": cells.of("T")}
        config.setdefault("solver", {}).update({"method": "stochastic_heun", "dt": float(thermal_dt)})
    if (delta_beta or relaxation) and current is None:
        raise GilbertcError("gilbertc.DeltaBeta and SpinRelaxation act on the current: add mm.ZhangLi(u=..., beta=...)")
    if current is not None:
        attrs = set(vars(current))
        if "tcl_strings" in attrs:
            raise GilbertcError("ZhangLi.tcl_strings: OOMMF's Tcl scripts do not run in Gilbert; give func and dt")
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
            j = -2 * _E * ms_cells[..., None] * uc / (_G * _MU_B * p)
            files["current_j.h5"] = ("j", np.transpose(j, (2, 1, 0, 3)), "A/m^2")  # [Nz, Ny, Nx, 3], x fastest
            section.update({"j": [0.0, 0.0, 0.0], "profile": "file", "path": "current_j.h5", "dataset": "/j"})
        if vars(current).get("func") is not None:
            if duration is None:
                raise GilbertcError("ZhangLi.func: a current that varies in time needs a TimeDriver")
            section.update(_time_table(vars(current)["func"], vars(current).get("dt"), duration, "ZhangLi"))
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


def _write_config(path, config):
    with open(path, "w", encoding="utf-8") as f:
        f.write(_toml.dumps(config))


def _field(mesh, frame, ms):
    """A frame of Gilbert's m, (nz, ny, nx, 3) unit vectors, as a
    discretisedfield.Field in A/m on `mesh` ((nx, ny, nz, 3)), with `ms` per cell (nx, ny, nz)."""
    import discretisedfield as df

    return df.Field(mesh, nvdim=3, value=np.transpose(frame, (2, 1, 0, 3)) * ms[..., None])


class _Driver(mm.ExternalDriver):
    """Shared by the drivers. Each drive directory (<name>/drive-<N>) holds
    Gilbert's input (config.toml, m0.ovf and any current file), its output
    out.h5 and gilbert.log, and the same result in the layout
    micromagneticdata reads (<name>.out/table.txt and one m<k>.ovf per
    sample), so `micromagneticdata.Data(name)[-1]` works as for mumax3c."""

    _allowed_attributes = []
    command = "run"

    def drive_kwargs_setup(self, drive_kwargs):
        pass

    def _write_info_json(self, system, start_time, **kwargs):
        # As micromagneticmodel's, with the adapter's version from this file
        # (gilbertc ships inside the `gilbert` distribution).
        info = {"drive_number": system.drive_number, "date": start_time.strftime("%Y-%m-%d"),
                "time": start_time.strftime("%H:%M:%S"), "start_time": start_time.isoformat(timespec="seconds"),
                "adapter": "gilbertc", "adapter_version": __version__, "driver": self.__class__.__name__}
        info.update(kwargs)
        with open("info.json", "w", encoding="utf-8") as f:
            f.write(json.dumps(info))

    def _check_system(self, system):
        # Refuses what cannot be translated before any file is written.
        config_of(system, **self._run_settings(**self._kwargs))

    _settings = ("t", "n", "dt", "torque_tolerance")
    _kwargs = {}

    def drive(self, system, /, ovf_format="bin8", **kwargs):
        self._remember(ovf_format, kwargs)
        return super().drive(system, ovf_format=ovf_format, **kwargs)

    def schedule(self, system, cmd, header, ovf_format="bin8", **kwargs):
        self._remember(ovf_format, kwargs)
        return super().schedule(system, cmd, header, ovf_format=ovf_format, **kwargs)

    def _remember(self, ovf_format, kwargs):
        """Checks the OVF format and keeps the driver's own settings for the
        steps micromagneticmodel calls without them."""
        if ovf_format not in ("bin8", "bin4", "txt"):
            raise GilbertcError(f"ovf_format is {ovf_format!r}: expected 'bin8', 'bin4' or 'txt'")
        self._ovf_format = ovf_format
        self._kwargs = {k: v for k, v in kwargs.items() if k in self._settings}

    @property
    def _x(self):
        return "t"

    def schedule_kwargs_setup(self, schedule_kwargs):
        self.drive_kwargs_setup(schedule_kwargs)

    def _run_settings(self, **kwargs):
        return {}

    def _write_input_files(self, system, **kwargs):
        config, self._ms, files = config_of(system, **self._run_settings(**self._kwargs))
        self._write_start(system, files)
        _write_config("config.toml", config)

    def _write_start(self, system, files):
        """m0.omf (discretisedfield's OVF 2.0 binary-8 writer, A/m; Gilbert
        normalises it, micromagneticdata reads it as the drive's m0) and the
        HDF5 files a config names ({name: (dataset, array, unit)})."""
        system.m.to_file("m0.omf", representation="bin8")  # Gilbert reads binary-8 OVF
        import h5py

        for name, (dataset, array, unit) in files.items():
            with h5py.File(name, "w") as f:
                d = f.create_dataset(dataset, data=array)
                if unit:
                    d.attrs["unit"] = unit

    def _command(self):
        return [gilbert.binary(), self.command, "config.toml", "--output", "out.h5", "--force"]

    def _call(self, system, runner=None, verbose=1, **kwargs):
        self._run(self._command())

    @staticmethod
    def _run(command):
        """Runs one gilbert command, its output appended to gilbert.log."""
        p = subprocess.run(command, capture_output=True, text=True)
        with open("gilbert.log", "a", encoding="utf-8") as f:  # a hysteresis drive runs several
            f.write(p.stdout + p.stderr)
        if p.returncode != 0:
            raise gilbert._error(p)

    def _schedule_commands(self, system, runner):
        # The job runs the same command a drive runs, in the drive directory.
        return [" ".join(self._command())]

    def _read_data(self, system):
        r = gilbert.open("out.h5")
        mesh = system.m.mesh
        field = r.fields["m"]
        times = field.times
        # Ubermag's drives start at the first sample after t = 0 (as OOMMF's and mumax3's).
        frames = [k for k in range(len(field)) if not (self.command == "run" and times[k] == 0 and len(field) > 1)]

        def as_field(k):
            return _field(mesh, field[k], self._ms)

        system.m = as_field(frames[-1])
        t = r.table
        if self.command == "run" and len(t) > 1 and t["t"].iloc[0] == 0:
            t = t.iloc[1:].reset_index(drop=True)
        if self.command == "relax":
            # One row, the minimum, with its iteration count (as OOMMF's MinDriver tables).
            t = t.iloc[-1:].reset_index(drop=True)
            t.insert(0, "iteration", [int(r.summary.get("relax_iterations", 0))])
            frames = frames[-1:]
        self._publish(system, t, [system.m if k == frames[-1] else as_field(k) for k in frames])
        r.close()

    def _publish(self, system, t, fields):
        """system.table from the table `t` (pandas), and the drive in the
        layout micromagneticdata reads: a tab-separated table with units and
        one OVF per sample."""
        import ubermagtable as ut

        t = t.rename(columns={"E_total": "E"})  # Ubermag's name for the total energy
        units = {c: ("s" if c == "t" else "J" if c.startswith("E") else "mT" if "hysteresis" in c else "")
                 for c in t.columns}
        system.table = ut.Table(t, units=units, x=self._x)
        out = pathlib.Path(f"{system.name}.out")
        out.mkdir(exist_ok=True)
        columns = list(t.columns) if "t" in t.columns else ["t"] + list(t.columns)
        with open(out / "table.txt", "w", encoding="utf-8") as f:
            f.write("# " + "\t".join(f"{c} ({units.get(c, 's' if c == 't' else '')})" for c in columns) + "\n")
            for _, row in t.iterrows():
                f.write("\t".join(repr(float(row[c])) if c in row else "0.0" for c in columns) + "\n")
        for i, field in enumerate(fields):
            field.to_file(str(out / f"m{i:06d}.ovf"), representation=getattr(self, "_ovf_format", "bin8"))


class TimeDriver(_Driver):
    """Time evolution: ``drive(system, t=..., n=...)`` samples n times over t."""

    def drive_kwargs_setup(self, drive_kwargs):
        if "t" not in drive_kwargs or "n" not in drive_kwargs:
            raise GilbertcError("TimeDriver.drive needs t (s) and n (samples)")
        t, n = drive_kwargs["t"], drive_kwargs["n"]
        if not _is_number(t) or not t > 0:
            raise GilbertcError(f"TimeDriver.drive: t is {t!r}; expected a duration > 0 (s)")
        if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 1:
            raise GilbertcError(f"TimeDriver.drive: n is {n!r}; expected an integer ≥ 1 (samples)")

    def _check_system(self, system):
        if not _terms(system.dynamics):
            raise RuntimeError("System's dynamics is not defined")
        super()._check_system(system)

    def _run_settings(self, t=None, n=None, dt=1e-14, **kwargs):
        if t is None or n is None:
            return {}
        return {"duration": float(t), "thermal_dt": dt,
                "run": {"duration": float(t), "sample_interval": float(t) / int(n)}, "solver": {"tolerance": 1e-6}}


class MinDriver(_Driver):
    """Energy minimisation (``gilbert relax``)."""

    command = "relax"

    def drive_kwargs_setup(self, drive_kwargs):
        unknown = set(drive_kwargs) - {"torque_tolerance"}
        if unknown:
            raise GilbertcError(f"{type(self).__name__}.drive: {sorted(unknown)} not supported (Gilbert's minimiser takes torque_tolerance, T)")

    def _run_settings(self, torque_tolerance=1e-9, **kwargs):
        # max |m × B_eff| at the end, T: 1e-9 T leaves m within ~1e-9 rad of a
        # field of 1 T (OOMMF's MinDriver default, |m × H| < 0.1 A/m, is 1.3e-7 T).
        return {"relax": {"torque_tolerance": float(torque_tolerance), "max_iterations": 1_000_000}}

    @property
    def _x(self):
        return "iteration"


class RelaxDriver(MinDriver):
    """Relaxation: Gilbert minimises the energy directly (as MinDriver)."""


class HysteresisDriver(MinDriver):
    """A hysteresis loop: the energy minimised (``gilbert relax``) at each
    step of an applied field added to the system's Zeeman field, each step
    starting from the last one's minimum (as OOMMF's HysteresisDriver).

        drive(system, Hmin=(0, 0, -1e6), Hmax=(0, 0, 1e6), n=21)   # Hmax → Hmin → Hmax
        drive(system, Hsteps=[[H1, H2, n1], [H2, H3, n2], ...])    # segments, n points each

    The table has one row per step with Bx/By/Bz_hysteresis (mT, μ0 times the
    added field) and B_hysteresis, its component along the first segment."""

    def drive_kwargs_setup(self, drive_kwargs):
        self._steps(**{k: v for k, v in drive_kwargs.items() if k in ("Hmin", "Hmax", "n", "Hsteps")})
        unknown = set(drive_kwargs) - {"Hmin", "Hmax", "n", "Hsteps", "torque_tolerance"}
        if unknown:
            raise GilbertcError(f"HysteresisDriver.drive: {sorted(unknown)} not supported")

    _settings = ("Hmin", "Hmax", "n", "Hsteps", "torque_tolerance")

    @staticmethod
    def _steps(Hmin=None, Hmax=None, n=None, Hsteps=None):
        if Hsteps is None:
            if Hmin is None or Hmax is None or n is None:
                raise GilbertcError("HysteresisDriver.drive needs Hmin, Hmax (A/m) and n, or Hsteps")
            Hsteps = [[Hmax, Hmin, n], [Hmin, Hmax, n]]
        fields = []
        for k, segment in enumerate(Hsteps):
            if len(segment) != 3:
                raise GilbertcError(f"Hsteps[{k}] is {segment!r}: expected [H_start, H_end, n]")
            start, end = _vector(segment[0], f"Hsteps[{k}][0]"), _vector(segment[1], f"Hsteps[{k}][1]")
            count = segment[2]
            if not isinstance(count, (int, np.integer)) or count < 2:
                raise GilbertcError(f"Hsteps[{k}][2] is {count!r}: expected an integer ≥ 2 (points, ends included)")
            points = [list(p) for p in np.linspace(start, end, int(count))]
            if fields and np.allclose(fields[-1], points[0]):
                points = points[1:]  # a segment starts where the last one ended
            fields += points
        return fields

    def _write_input_files(self, system, **kwargs):
        self._fields = self._steps(**{k: v for k, v in self._kwargs.items() if k in ("Hmin", "Hmax", "n", "Hsteps")})
        for k, h in enumerate(self._fields):
            config, self._ms, files = config_of(system, applied=h, **self._run_settings(**self._kwargs))
            if k == 0:
                self._write_start(system, files)  # the same files at every step
            else:  # from the previous step's minimum
                config["initial"] = {"type": "file", "path": f"step{k - 1:04d}.h5", "frame": -1}
            _write_config(f"step{k:04d}.toml", config)

    @staticmethod
    def _step_command(k):
        return [gilbert.binary(), "relax", f"step{k:04d}.toml", "--output", f"step{k:04d}.h5", "--force"]

    def _call(self, system, runner=None, verbose=1, **kwargs):
        for k in range(len(self._fields)):
            self._run(self._step_command(k))

    def _schedule_commands(self, system, runner):
        return [" ".join(self._step_command(k)) for k in range(len(self._fields))]

    def _read_data(self, system):
        import pandas as pd

        rows, fields = [], []
        first = np.asarray(self._fields[0], dtype=float)
        direction = first / np.linalg.norm(first) if np.linalg.norm(first) > 0 else np.array([0.0, 0.0, 1.0])
        for k, h in enumerate(self._fields):
            r = gilbert.open(f"step{k:04d}.h5")
            fields.append(_field(system.m.mesh, r.fields["m"][-1], self._ms))
            row = r.table.iloc[-1].to_dict()
            row.pop("t", None)
            b = 1e3 * MU0 * np.asarray(h, dtype=float)  # mT
            row.update({"iteration": int(r.summary.get("relax_iterations", 0)), "Bx_hysteresis": b[0],
                        "By_hysteresis": b[1], "Bz_hysteresis": b[2], "B_hysteresis": float(b @ direction)})
            rows.append(row)
            r.close()
        system.m = fields[-1]
        self._publish(system, pd.DataFrame(rows), fields)

    @property
    def _x(self):
        return "B_hysteresis"


def delete(system, silent=False):
    """Removes the system's directory of drives."""
    path = pathlib.Path(system.name)
    if path.exists():
        shutil.rmtree(path)
    elif not silent:
        raise FileNotFoundError(f"no directory {path} for system {system.name}")
