"""Gilbert from Python: a thin layer over the `gilbert` command line and its
HDF5 output (Documentation/OutputFormat.md).

    import gilbert
    r = gilbert.run("Examples/inplane_wall_current.toml", material__alpha=0.05)
    r.summary["wall_velocity"], r.table["wall_position"], r.fields["m"][-1]
    df = gilbert.sweep("Examples/inplane_sweep.toml", vary={"beta": [0, 0.1, 0.2]})
    live = gilbert.open("run.h5")          # a finished or a running file

The `gilbert` binary is found from `GILBERT_BIN`, then `gilbert` on PATH,
then the release build of the checkout this package sits in.
"""

import builtins
import os
import re
import shutil
import subprocess
import tempfile

import h5py
import numpy as np

from ._toml import dumps as _dumps, _value

__all__ = ["run", "sweep", "open", "Result", "Field", "GilbertError", "binary"]


class GilbertError(RuntimeError):
    """The CLI refused a config or a run failed: `key` (the config key or flag
    it names, or None), `message` (its words) and `status` (its exit status:
    2 bad input, 1 a run that failed)."""

    def __init__(self, message, key=None, status=None, stderr=""):
        super().__init__(message)
        self.message = message
        self.key = key
        self.status = status
        self.stderr = stderr


def binary():
    """Path of the gilbert executable."""
    given = os.environ.get("GILBERT_BIN")
    if given:
        return given
    found = shutil.which("gilbert")
    if found:
        return found
    checkout = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    built = os.path.join(checkout, ".build", "release", "gilbert")
    if os.path.exists(built):
        return built
    raise GilbertError("no gilbert binary: set GILBERT_BIN, put gilbert on PATH, or `swift build -c release`")


def _config_path(config, workdir):
    """A config file for `config`: a dict, a TOML path or a TOML string."""
    if isinstance(config, dict):
        text = _dumps(config)
    elif isinstance(config, (str, os.PathLike)) and os.path.exists(config):
        return os.fspath(config)
    elif isinstance(config, str) and ("=" in config or "[" in config):
        text = config
    else:
        raise GilbertError(f"config is {config!r}: give a dict, a TOML file path or a TOML string", key="config")
    path = os.path.join(workdir, "config.toml")
    with builtins.open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def _set_arguments(set_, overrides):
    """--set KEY=VALUE arguments from a dict and keyword overrides (`__` is a dot)."""
    pairs = dict(set_ or {})
    for k, v in overrides.items():
        pairs[k.replace("__", ".")] = v
    args = []
    for k, v in pairs.items():
        args += ["--set", f"{k}={v if _is_toml_literal(v) else _value(v)}"]
    return args


def _is_toml_literal(v):
    """Whether `v` is a string already in TOML (a number, an array, a quoted
    string, a boolean): passed as it is; other strings are quoted
    (`initial.wall=head-to-head`)."""
    if not isinstance(v, str):
        return False
    try:
        float(v)
        return True
    except ValueError:
        return v.startswith("[") or v.startswith('"') or v in ("true", "false", "inf", "-inf", "nan")


_KEY = re.compile(r"config key '([^']+)'")
_FLAG = re.compile(r"(--[a-z-]+)")


def _error(p):
    """The GilbertError of a finished `gilbert` process that failed: its
    `error:` line, the config key or flag it names, its exit status."""
    text = p.stderr.strip()
    line = next((l for l in text.splitlines() if l.startswith("error:")), text.splitlines()[-1] if text else "")
    message = line[len("error:"):].strip() if line.startswith("error:") else line
    key = _KEY.search(message)
    flag = _FLAG.search(message) if key is None else None
    return GilbertError(message or f"gilbert exited with status {p.returncode}",
                        key=key.group(1) if key else (flag.group(1) if flag else None),
                        status=p.returncode, stderr=p.stderr)


def _call(args):
    p = subprocess.run([binary()] + args, capture_output=True, text=True)
    if p.returncode != 0:
        raise _error(p)
    return p


def run(config, output=None, *, set=None, resume=False, **overrides):
    """Runs a config (a dict, a TOML path or a TOML string) and returns its
    `Result`. Keyword overrides set config keys (`material__alpha=0.02` is
    `--set material.alpha=0.02`; `set={"anisotropy[1].K1": -2e5}` for keys
    that are not Python names). Without `output` the file goes to a
    temporary directory. A named `output` that exists is replaced (naming
    it is the consent `--force` asks for); with `resume=True` the run
    continues it from its last checkpoint instead."""
    workdir = tempfile.mkdtemp(prefix="gilbert-")
    path = _config_path(config, workdir)
    out = os.fspath(output) if output else os.path.join(workdir, "run.h5")
    args = ["run", path, "--output", out] + _set_arguments(set, overrides)
    args += ["--resume", out] if resume else ["--force"]
    _call(args)
    return Result(out)


def sweep(config, vary, output=None, *, jobs=None, set=None, **overrides):
    """Runs `gilbert sweep` over `vary` (a dict: name → list of values or
    "start:stop:count"; names as `gilbert sweep --vary`: beta, delta_beta,
    alpha, P, u, j or any dotted key) and returns a pandas DataFrame, one row
    per point: the swept values, wall_velocity, its uncertainty, regime,
    the model's velocity and regime, status and flags."""
    workdir = tempfile.mkdtemp(prefix="gilbert-sweep-")
    path = _config_path(config, workdir)
    out = os.fspath(output) if output else os.path.join(workdir, "sweep.h5")
    args = ["sweep", path, "--output", out, "--force"] + _set_arguments(set, overrides)
    for name, values in vary.items():
        spec = values if isinstance(values, str) else ",".join(_value(float(v)) for v in values)
        args += ["--vary", f"{name}={spec}"]
    if jobs:
        args += ["--jobs", str(int(jobs))]
    _call(args)
    return read_sweep(out)


def read_sweep(path):
    """The /sweep group of a sweep file as a DataFrame."""
    import pandas as pd

    with _open_h5(path) as f:
        s = f["sweep"]
        columns = {}
        for name in s:
            d = s[name][()]
            if d.dtype.kind == "O":
                d = np.array([x.decode() if isinstance(x, bytes) else x for x in d], dtype=object)
            columns[name] = d
    return pd.DataFrame(columns)


def _open_h5(path):
    """Opens a Gilbert file: finished, running (SWMR), or crashed."""
    try:
        return h5py.File(path, "r")
    except OSError:
        pass
    try:
        return h5py.File(path, "r", swmr=True)
    except OSError:
        return h5py.File(path, "r", locking=False)


def open(path):
    """The `Result` of an existing file, finished or still being written."""
    return Result(path)


def _counted(f, group, attribute, entry, extent):
    """How many frames (entry 0) or rows (entry 1) of a run's file are
    whole on disk, at most `extent`: the count attribute, or while a SWMR
    file runs (-1 there) the entry of /counts (Documentation/OutputFormat.md)."""
    complete = int(f[group].attrs.get(attribute, -1))
    if complete < 0 and "counts" in f:
        counts = f["counts"]
        if hasattr(counts, "refresh") and f.swmr_mode:
            counts.refresh()
        complete = int(counts[entry])
    elif complete == 0 and "counts" not in f and ("summary" not in f or "status" not in f["summary"].attrs):
        # A SWMR file of an earlier version that did not end: its count
        # attribute stayed 0 and its extents were its counts (SWMR files are
        # in the latest format: superblock version 2 or more).
        with builtins.open(f.filename, "rb") as raw:
            head = raw.read(9)
        if len(head) == 9 and head[8] >= 2:
            complete = -1
    return min(extent, complete) if complete >= 0 else extent


class Field:
    """One field of a run, read lazily: `len(field)` complete frames,
    `field[i]` an array (nz, ny, nx, components) in SI units, `field.times`."""

    def __init__(self, result, name):
        self._result = result
        self.name = name

    def _datasets(self):
        f = self._result._file()
        g = f["fields"][self.name]
        for d in (g["value"], g["time"]):
            if hasattr(d, "refresh") and f.swmr_mode:
                d.refresh()
        return f, g["value"], g["time"]

    def __len__(self):
        f, value, time = self._datasets()
        count = min(value.shape[0], time.shape[0])
        return _counted(f, "fields", "frames_complete", 0, count)

    @property
    def times(self):
        _, _, time = self._datasets()
        return np.array(time[: len(self)])

    @property
    def unit(self):
        _, value, _ = self._datasets()
        u = value.attrs.get("unit", "")
        return u.decode() if isinstance(u, bytes) else u

    def __getitem__(self, i):
        n = len(self)
        i = n + i if i < 0 else i
        if not 0 <= i < n:
            raise IndexError(f"frame {i} of {self.name}: the file has {n} complete frames")
        _, value, _ = self._datasets()
        return np.array(value[i])


class Result:
    """A run's file: `table` (pandas), `fields` (lazy), `summary`, `mesh`,
    `path`. A running file is re-read at each access."""

    def __init__(self, path):
        self.path = os.fspath(path)
        self._h5 = None
        self._file()

    def _file(self):
        if self._h5 is None:
            self._h5 = _open_h5(self.path)
        return self._h5

    def close(self):
        if self._h5 is not None:
            self._h5.close()
            self._h5 = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def table(self):
        import pandas as pd

        f = self._file()
        t = f["table"]
        columns = {}
        for name in t:
            d = t[name]
            if f.swmr_mode:
                d.refresh()
            columns[name] = d[()]
        n = min(len(c) for c in columns.values()) if columns else 0
        n = _counted(f, "table", "rows_complete", 1, n)
        return pd.DataFrame({k: v[:n] for k, v in columns.items()})

    @property
    def fields(self):
        return {name: Field(self, name) for name in self._file()["fields"]}

    @property
    def summary(self):
        """The summary: wall velocity, regime, uncertainty, the model's
        velocity (or why there is none), status, counts."""
        f = self._file()
        if "summary" not in f:
            return {}
        out = {}
        for k, v in f["summary"].attrs.items():
            v = v.decode() if isinstance(v, bytes) else v
            out[k] = v.item() if hasattr(v, "item") and np.ndim(v) == 0 else v
        return out

    @property
    def mesh(self):
        """n (nx, ny, nz), cellsize (m) and origin (m)."""
        a = self._file()["mesh"].attrs
        return {"n": tuple(int(x) for x in a["n"]), "cellsize": tuple(float(x) for x in a["cellsize"]),
                "origin": tuple(float(x) for x in a.get("origin", (0.0, 0.0, 0.0)))}

    def coordinates(self):
        """Cell-centre coordinates x (nx), y (ny), z (nz), m."""
        m = self.mesh
        return tuple(m["origin"][k] + (np.arange(m["n"][k]) + 0.5) * m["cellsize"][k] for k in range(3))

    def to_discretisedfield(self, name="m", frame=-1):
        """Frame `frame` of field `name` as a discretisedfield.Field (needs
        the discretisedfield package)."""
        import discretisedfield as df

        m = self.mesh
        p1 = m["origin"]
        p2 = tuple(p1[k] + m["n"][k] * m["cellsize"][k] for k in range(3))
        mesh = df.Mesh(p1=p1, p2=p2, cell=m["cellsize"])
        value = self.fields[name][frame]  # (nz, ny, nx, c)
        value = np.transpose(value, (2, 1, 0, 3))
        return df.Field(mesh, nvdim=value.shape[-1], value=value)

    def __repr__(self):
        return f"gilbert.Result({self.path!r})"
