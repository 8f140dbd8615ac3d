"""The drivers (TimeDriver, MinDriver, RelaxDriver, HysteresisDriver):
each drive runs the `gilbert` binary on the translated config and reads
its result back into the System."""

import json
import pathlib
import re
import shutil
import subprocess

import numpy as np

import micromagneticmodel as mm

import gilbert
from gilbert.constants import MU0
from ._values import GilbertcError, _is_number, _vector
from .config import _write_config, config_of
from .terms import _terms
from .version import __version__


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
        config_of(system, fixed_subregions=self._kwargs.get("fixed_subregions"), **self._run_settings(**self._kwargs))

    _settings = ("t", "n", "dt", "torque_tolerance", "fixed_subregions", "output_step")
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
        config, self._ms, files = config_of(
            system, fixed_subregions=self._kwargs.get("fixed_subregions"), **self._run_settings(**self._kwargs))
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
        if self.command == "relax" and not self._kwargs.get("output_step"):
            # One row, the minimum, with its iteration count (as OOMMF's MinDriver tables).
            t = t.iloc[-1:].reset_index(drop=True)
            t.insert(0, "iteration", [int(r.summary.get("relax_iterations", 0))])
            frames = frames[-1:]
        elif self.command == "relax":
            # output_step: the start, a row after every iteration, the minimum.
            t = t.reset_index(drop=True)
            t.insert(0, "iteration", list(range(len(t) - 1)) + [int(r.summary.get("relax_iterations", 0))])
        self._publish(system, t, [system.m if k == frames[-1] else as_field(k) for k in frames])
        r.close()

    def _publish(self, system, t, fields):
        """system.table from the table `t` (pandas), and the drive in the
        layout micromagneticdata reads: a tab-separated table with units and
        one OVF per sample."""
        import ubermagtable as ut

        t = t.rename(columns={"E_total": "E"})  # Ubermag's name for the total energy
        # Several applied fields: Gilbert's E_zeeman_<name>, Bx_zeeman_<name> (T)
        # are Ubermag's E_<name>, Bx_<name> (mT, as OOMMF's tables).
        t = t.rename(columns=lambda c: re.sub(r"^(E|B[xyz])_zeeman_(.+)$", r"\1_\2", c))
        for c in t.columns:
            if re.match(r"^B[xyz]_", c) and "hysteresis" not in c:
                t[c] = 1e3 * t[c]
        units = {c: ("s" if c == "t" else "J" if c.startswith("E") else "mT" if re.match(r"^B[xyz]_", c) else "")
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

    def _run_settings(self, t=None, n=None, dt=1e-14, fixed_subregions=None, **kwargs):
        if t is None or n is None:
            return {}
        return {"duration": float(t), "thermal_dt": dt,
                "run": {"duration": float(t), "sample_interval": float(t) / int(n)}, "solver": {"tolerance": 1e-6}}


class MinDriver(_Driver):
    """Energy minimisation (``gilbert relax``)."""

    command = "relax"

    def drive_kwargs_setup(self, drive_kwargs):
        unknown = set(drive_kwargs) - {"torque_tolerance", "fixed_subregions", "output_step"}
        if unknown:
            raise GilbertcError(
                f"{type(self).__name__}.drive: {sorted(unknown)} not supported (Gilbert's minimiser takes torque_tolerance, T, "
                "fixed_subregions and output_step)")

    def _run_settings(self, torque_tolerance=1e-9, fixed_subregions=None, output_step=False, **kwargs):
        # max |m × B_eff| at the end, T: 1e-9 T leaves m within ~1e-9 rad of a
        # field of 1 T (OOMMF's MinDriver default, |m × H| < 0.1 A/m, is 1.3e-7 T).
        # output_step: a sample (table row and m) after every iteration.
        relax = {"torque_tolerance": float(torque_tolerance), "max_iterations": 1_000_000}
        if output_step:
            relax["sample_every"] = 1
        return {"relax": relax}

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


#: What compute() evaluates: Ubermag's method names.
_COMPUTED = ("energy", "density", "effective_field")


def compute(func, system):
    """The energy (J, a float), energy density (J/m³, a scalar Field) or
    effective field (A/m, a vector Field) of the system's state, as
    oommfc.compute and mumax3c.compute: `func` is `term.energy`,
    `term.density` or `term.effective_field` of one of system.energy's terms,
    or of system.energy itself (all terms). Gilbert evaluates it with the
    term(s) alone (`gilbert relax` stopped before its first iteration) in
    <system.name>/compute-<k>."""
    name = getattr(func, "__name__", None)
    owner = getattr(func, "__self__", None)
    if name not in _COMPUTED or not isinstance(owner, (mm.EnergyTerm, mm.Energy)):
        raise ValueError(f"compute: {func!r} is not the energy, density or effective_field of an energy term or of system.energy")
    terms = list(owner) if isinstance(owner, mm.Energy) else [owner]
    part = mm.System(name=system.name)
    part.energy = terms[0]
    for term in terms[1:]:
        part.energy += term
    part.m = system.m
    config, ms, files = config_of(part)
    config["relax"] = {"torque_tolerance": 1e300, "max_iterations": 1}
    config["output"] = {"fields": ["m", "B_eff", "Edens_*"]}
    base = pathlib.Path(system.name)
    base.mkdir(exist_ok=True)
    k = len(list(base.glob("compute-*")))
    work = base / f"compute-{k}"
    work.mkdir()
    here = pathlib.Path.cwd()
    try:
        import os

        os.chdir(work)
        _Driver()._write_start(part, files)
        _write_config("config.toml", config)
        _Driver._run([gilbert.binary(), "relax", "config.toml", "--output", "out.h5", "--force"])
        r = gilbert.open("out.h5")
        try:
            return _computed(name, r, system.m.mesh)
        finally:
            r.close()
    finally:
        os.chdir(here)


def _computed(name, r, mesh):
    """The start frame's energy, density or effective field from Gilbert's output."""
    import discretisedfield as df

    if name == "energy":
        return float(r.table["E_total"].iloc[0])
    if name == "effective_field":
        b = np.transpose(r.fields["B_eff"][0], (2, 1, 0, 3)) / MU0  # T → A/m, (nx, ny, nz, 3)
        return df.Field(mesh, nvdim=3, value=b)
    densities = [r.fields[f][0] for f in r.fields if f.startswith("Edens_")]
    total = np.sum(densities, axis=0).reshape(mesh.n[::-1])
    return df.Field(mesh, nvdim=1, value=np.transpose(total, (2, 1, 0))[..., None])
