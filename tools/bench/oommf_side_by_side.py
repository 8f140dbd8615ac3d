#!/usr/bin/env python3
"""Gilbert beside OOMMF 2.1: whole runs, the same problems, on this machine.

    python3 tools/bench/oommf_side_by_side.py --oommf /path/to/oommf/oommf.tcl
    python3 tools/bench/oommf_side_by_side.py --oommf ... --problems sp4 --repeat 3 --json out.json

Never run in CI (OOMMF is built by hand: `fetch github:fangohr/oommf`, then
as an unprivileged user with Debian's tcl-dev, tk-dev and tcl-thread:
`tclsh oommf.tcl pimake`, about 15 minutes; `--user NAME` runs it as that
user when this script runs as root).

The problems (tools/bench/oommf/):
  sp4   standard problem 4, field 1, 1 ns from the relaxed S state, ⟨m⟩ every
        10 ps. Gilbert relaxes the state (Examples/sp4_relax.toml) and OOMMF
        starts from the same state, exported as OVF.
  film  a 1024² permalloy film with demag under SP4's field, from a uniform
        state, 23 ps, ⟨m⟩ every 2.3 ps.
Both codes run with their default time integrator and error control (Gilbert:
no [solver] section; OOMMF: Oxs_RungeKuttaEvolve with its defaults, rkf54),
one thread (GILBERT_THREADS=1; boxsi -threads 1), and every run is timed as a
whole command: set-up, demag kernel, output. Runs are interleaved (Gilbert,
OOMMF, Gilbert, ...) and the fastest of --repeat runs of each is kept; the
ratio of the two is the number to quote. The runs must agree: the largest
difference of ⟨m⟩ over the shared sample times is printed (and must be below
--agree, 1e-4 by default, or the script exits 1).
"""
import argparse
import csv
import io
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PROBLEMS = {"sp4": "sp4_field1", "film": "film"}


def timed(cmd, cwd, env=None):
    start = time.perf_counter()
    out = subprocess.run(cmd, cwd=cwd, env=env, check=True, capture_output=True, text=True)
    return time.perf_counter() - start, out.stdout + out.stderr


def gilbert_run(binary, work, name):
    env = dict(os.environ, GILBERT_THREADS="1")
    seconds, text = timed([binary, "run", f"{name}.toml", "--force"], work, env)
    rhs = int(re.search(r"(\d+) rhs evaluations", text).group(1))
    table = subprocess.run([binary, "table", f"{name}.h5"], cwd=work, check=True, capture_output=True,
                           text=True).stdout
    rows = list(csv.DictReader(io.StringIO(table)))
    curve = [(float(r["t [s]"]), float(r["mx"]), float(r["my"]), float(r["mz"])) for r in rows]
    return seconds, rhs, curve


def oommf_run(tcl, user, work, name, error_scale=1.0):
    parameters = f"-parameters 'error_scale {error_scale}' " if error_scale != 1 else ""
    cmd = f"cd {work} && tclsh {tcl} boxsi -threads 1 -kill all {parameters}{name}.mif"
    full = ["su", user, "-c", cmd] if user else ["sh", "-c", cmd]
    odt = os.path.join(work, f"{name}.odt")
    if os.path.exists(odt):
        os.remove(odt)
    seconds, _ = timed(full, work, dict(os.environ, OOMMF_THREADS="1"))
    columns, rows = None, []
    with open(odt) as f:
        for line in f:
            if line.startswith("# Columns:"):
                columns = re.findall(r"\{[^}]*\}|\S+", line[len("# Columns:"):])
                columns = [c.strip("{}") for c in columns]
            elif not line.startswith("#") and line.strip():
                rows.append([float(x) for x in line.split()])
    col = {c: i for i, c in enumerate(columns)}
    t = col["Oxs_TimeDriver::Simulation time"]
    mx, my, mz = (col[f"Oxs_TimeDriver::m{a}"] for a in "xyz")
    rhs = int(rows[-1][col["Oxs_RungeKuttaEvolve:evolver:Energy calc count"]])
    return seconds, rhs, [(r[t], r[mx], r[my], r[mz]) for r in rows]


def largest_difference(a, b):
    """max |⟨m⟩_a − ⟨m⟩_b| (componentwise) over the times both sampled."""
    worst, shared = 0.0, 0
    for t, *m in a:
        for s, *n in b:
            if abs(s - t) <= 1e-6 * max(abs(t), 1e-15):
                worst = max(worst, *(abs(x - y) for x, y in zip(m, n)))
                shared += 1
    return worst, shared


def prepare(binary, work, user, problems):
    for name in problems:
        for ext in ("toml", "mif"):
            shutil.copy(os.path.join(HERE, "oommf", f"{PROBLEMS[name]}.{ext}"), work)
    if "sp4" in problems:
        shutil.copy(os.path.join(ROOT, "Examples", "sp4_relax.toml"), work)
        subprocess.run([binary, "relax", "sp4_relax.toml", "--force"], cwd=work, check=True, capture_output=True)
        subprocess.run([binary, "export", "sp4_relax.h5", "-o", "sp4_relax.ovf", "--force"], cwd=work, check=True,
                       capture_output=True)
    if user:
        subprocess.run(["chown", "-R", user, work], check=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--oommf", default=os.environ.get("OOMMF_TCL"), help="path to oommf.tcl (or $OOMMF_TCL)")
    p.add_argument("--user", help="run OOMMF as this user (when running as root)")
    p.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "gilbert"))
    p.add_argument("--problems", default="sp4,film")
    p.add_argument("--repeat", type=int, default=2)
    p.add_argument("--oommf-error-scale", type=float, default=1.0,
                   help="scale OOMMF's three default error controls (1: its defaults; 0.1: ten times tighter)")
    p.add_argument("--agree", type=float, default=1e-4, help="largest allowed difference of ⟨m⟩")
    p.add_argument("--json", help="also write the results here")
    a = p.parse_args()
    if not a.oommf or not os.path.exists(a.oommf):
        sys.exit("give --oommf /path/to/oommf.tcl (OOMMF 2.1 built on this machine)")
    if not os.path.exists(a.binary):
        sys.exit(f"no {a.binary}: run `swift build -c release` first")
    problems = a.problems.split(",")
    work = tempfile.mkdtemp(prefix="gilbert-oommf-")
    os.chmod(work, 0o755)
    prepare(a.binary, work, a.user, problems)
    results, failed = [], False
    for name in problems:
        runs = {"gilbert": [], "oommf": []}
        for _ in range(a.repeat):
            runs["gilbert"].append(gilbert_run(a.binary, work, PROBLEMS[name]))
            runs["oommf"].append(oommf_run(a.oommf, a.user, work, PROBLEMS[name], a.oommf_error_scale))
        g = min(runs["gilbert"], key=lambda r: r[0])
        o = min(runs["oommf"], key=lambda r: r[0])
        diff, shared = largest_difference(g[2], o[2])
        final = max(abs(x - y) for x, y in zip(g[2][-1][1:], o[2][-1][1:]))
        row = {
            "problem": name, "oommf_error_scale": a.oommf_error_scale, "gilbert_seconds": [r[0] for r in runs["gilbert"]],
            "oommf_seconds": [r[0] for r in runs["oommf"]], "gilbert_rhs": g[1], "oommf_rhs": o[1],
            "ratio": o[0] / g[0], "max_m_difference": diff, "final_m_difference": final, "shared_samples": shared,
            "gilbert_final_m": g[2][-1][1:], "oommf_final_m": o[2][-1][1:],
        }
        results.append(row)
        print(f"{name}: Gilbert {g[0]:.2f} s ({g[1]} rhs), OOMMF {o[0]:.2f} s ({o[1]} rhs): "
              f"{row['ratio']:.2f}x; max |d<m>| {diff:.1e} over {shared} samples, final {final:.1e}", flush=True)
        failed |= not diff < a.agree
    if a.json:
        meta = {"date": time.strftime("%Y-%m-%d"), "machine": platform.node(), "cpu": platform.processor(),
                "cores": os.cpu_count(), "threads": 1, "repeat": a.repeat}
        with open(a.json, "w") as f:
            json.dump({"meta": meta, "results": results}, f, indent=1)
    shutil.rmtree(work, ignore_errors=True)
    if failed:
        sys.exit(f"the runs differ by more than {a.agree} in <m>")


if __name__ == "__main__":
    main()
