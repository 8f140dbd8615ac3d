"""An Ubermag calculator for Gilbert (as oommfc and mumax3c are for OOMMF and
mumax3): drives a micromagneticmodel ``System`` with the `gilbert` binary.

    import gilbertc as gc
    gc.TimeDriver().drive(system, t=1e-9, n=100)
    gc.MinDriver().drive(system)

What it translates (anything else is refused with ``GilbertcError`` naming
the term or the mesh property):

- mesh: one cell thick (nz = 1; Gilbert's grids are 1D wires and 2D films),
  periodic along x or not; a uniform norm of m (Ms);
- energy: Exchange (A), UniaxialAnisotropy (K, u), Zeeman (H, constant),
  Demag;
- dynamics: Precession (gamma0 equal to Gilbert's γ0 = 2.21105e5 within
  1e-3; Ubermag's default 2.21276e5 is 7.7e-4 from it and is run with
  Gilbert's), Damping
  (alpha), ZhangLi (u along x, beta; u is the electron drift velocity, as in
  Ubermag and OOMMF).

This is the first part of issue 13: DMI, fields given per region or as
functions, time-dependent currents and δβ as an Ubermag term are not
translated yet, and micromagnetictests' modules on 3D meshes (most of them)
cannot run on one-cell-thick grids.
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

__version__ = "0.1.0"
GAMMA0 = 1.25663706212e-6 * 1.7595e11


class GilbertcError(ValueError):
    """A System that Gilbert cannot represent."""


def _scalar(value, name):
    if isinstance(value, (int, float, np.floating, np.integer)):
        return float(value)
    raise GilbertcError(f"{name} is {value!r}: gilbertc translates one number (not a dict, field or function)")


def _vector(value, name):
    try:
        v = [float(x) for x in value]
    except TypeError:
        v = None
    if v is None or len(v) != 3:
        raise GilbertcError(f"{name} is {value!r}: gilbertc translates a constant 3-vector")
    return v


def config_of(system, **run):
    """The Gilbert config (a dict) for a System and its Ms (A/m); the config
    starts from `m0.ovf`, which the driver writes beside it."""
    m = system.m
    mesh = m.mesh
    n = tuple(int(x) for x in mesh.n)
    if len(n) != 3 or n[2] != 1:
        raise GilbertcError(f"mesh.n is {n}: Gilbert's grids are one cell thick (nz = 1)")
    bc = str(getattr(mesh, "bc", "") or "")
    if "y" in bc or "z" in bc or "neumann" in bc or "dirichlet" in bc:
        raise GilbertcError(f"mesh.bc is {bc!r}: Gilbert has free edges, periodic along x only")
    values = np.asarray(m.array, dtype=float)  # (nx, ny, nz, 3)
    norms = np.linalg.norm(values, axis=-1)
    ms = float(norms.max())
    if ms <= 0 or np.any(np.abs(norms - ms) > 1e-6 * ms):
        raise GilbertcError("the norm of system.m (Ms) varies: gilbertc translates a uniform Ms")
    config = {
        "mesh": {"n": list(n), "cellsize": [float(c) for c in mesh.cell], "periodic_x": "x" in bc},
        "material": {"Ms": ms, "A": 0.0, "alpha": 0.0},
        "initial": {"type": "file", "path": "m0.ovf"},
    }
    anisotropy = []
    for term in system.energy:
        kind = type(term).__name__
        if kind == "Exchange":
            config["material"]["A"] = _scalar(term.A, "Exchange.A")
        elif kind == "UniaxialAnisotropy":
            if vars(term).get("K2") not in (None, 0) or "K1" in vars(term):
                raise GilbertcError("UniaxialAnisotropy.K2: Gilbert has only K1")
            anisotropy.append({"K1": _scalar(term.K, "UniaxialAnisotropy.K"), "axis": _vector(term.u, "UniaxialAnisotropy.u")})
        elif kind == "Zeeman":
            if set(vars(term)) - {"H", "name"}:
                raise GilbertcError(f"Zeeman with {sorted(set(vars(term)) - {'H', 'name'})}: not translated yet")
            h = _vector(term.H, "Zeeman.H")
            config["zeeman"] = {"B": [x * 1.25663706212e-6 for x in h]}
        elif kind == "Demag":
            config["demag"] = {"method": "fft"}
        else:
            raise GilbertcError(f"energy term {kind}: not translated by gilbertc (Exchange, UniaxialAnisotropy, Zeeman, Demag)")
    if anisotropy:
        config["anisotropy"] = anisotropy
    for term in system.dynamics:
        kind = type(term).__name__
        if kind == "Precession":
            if abs(float(term.gamma0) / GAMMA0 - 1) > 1e-3:
                raise GilbertcError(f"Precession.gamma0 is {term.gamma0}: Gilbert's is {GAMMA0:.6g} m/(A s)")
        elif kind == "Damping":
            config["material"]["alpha"] = _scalar(term.alpha, "Damping.alpha")
        elif kind == "ZhangLi":
            if set(vars(term)) - {"u", "beta", "name"}:
                raise GilbertcError(f"ZhangLi with {sorted(set(vars(term)) - {'u', 'beta', 'name'})}: not translated yet")
            config["material"]["beta"] = _scalar(term.beta, "ZhangLi.beta")
            u = term.u
            config["current"] = {"u": _vector(u, "ZhangLi.u") if np.ndim(u) == 1 else [_scalar(u, "ZhangLi.u"), 0.0, 0.0]}
        else:
            raise GilbertcError(f"dynamics term {kind}: not translated by gilbertc (Precession, Damping, ZhangLi)")
    config.update(run)
    return config, ms


class _Driver(mm.ExternalDriver):
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
        config_of(system)  # refuses what cannot be translated, before any file is written

    @property
    def _x(self):
        return "t"

    def schedule_kwargs_setup(self, schedule_kwargs):
        raise GilbertcError("schedule(): gilbertc runs drives directly (gilbert sweep for batches)")

    def _run_settings(self, **kwargs):
        return {}

    def _write_input_files(self, system, **kwargs):
        config, self._ms = config_of(system, **self._run_settings(**kwargs))
        # discretisedfield's OVF 2.0 binary-8 writer; Gilbert reads it (unit vectors, x fastest).
        system.m.orientation.to_file("m0.ovf", representation="bin8")
        with open("config.toml", "w", encoding="utf-8") as f:
            f.write(_toml.dumps(config))

    def _call(self, system, runner=None, verbose=1, **kwargs):
        p = subprocess.run([gilbert.binary(), self.command, "config.toml", "--output", "out.h5", "--force"],
                           capture_output=True, text=True)
        with open("gilbert.log", "w", encoding="utf-8") as f:
            f.write(p.stdout + p.stderr)
        if p.returncode != 0:
            raise gilbert.GilbertError(p.stderr.strip(), status=p.returncode, stderr=p.stderr)

    def _read_data(self, system):
        import discretisedfield as df
        import ubermagtable as ut

        r = gilbert.open("out.h5")
        frame = r.fields["m"][-1]  # (nz, ny, nx, 3)
        value = np.transpose(frame, (2, 1, 0, 3)) * self._ms
        system.m = df.Field(system.m.mesh, nvdim=3, value=value, norm=self._ms)
        t = r.table
        if self.command == "run" and len(t) > 1 and t["t"].iloc[0] == 0:
            # Ubermag's tables start at the first sample after t = 0 (as OOMMF's).
            t = t.iloc[1:].reset_index(drop=True)
        units = {c: "" for c in t.columns}
        for c in t.columns:
            if c == "t":
                units[c] = "s"
            elif c.startswith("E"):
                units[c] = "J"
        x = "t" if "t" in t.columns and len(t) > 1 else None
        system.table = ut.Table(t, units=units, x=x)
        r.close()

    def _schedule_commands(self, system, runner):
        return []


class TimeDriver(_Driver):
    """Time evolution: ``drive(system, t=..., n=...)`` samples n times over t."""

    def drive_kwargs_setup(self, drive_kwargs):
        if "t" not in drive_kwargs or "n" not in drive_kwargs:
            raise GilbertcError("TimeDriver.drive needs t (s) and n (samples)")

    def _run_settings(self, t, n, **kwargs):
        return {"run": {"duration": float(t), "sample_interval": float(t) / int(n)}, "solver": {"tolerance": 1e-6}}


class MinDriver(_Driver):
    """Energy minimisation (``gilbert relax``)."""

    command = "relax"

    @property
    def _x(self):
        return "iteration"


class RelaxDriver(MinDriver):
    """Relaxation: Gilbert minimises the energy directly (as MinDriver)."""


def delete(system, silent=False):
    """Removes the system's directory of drives."""
    path = pathlib.Path(system.name)
    if path.exists():
        shutil.rmtree(path)
    elif not silent:
        raise FileNotFoundError(f"no directory {path} for system {system.name}")
