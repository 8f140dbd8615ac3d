#!/usr/bin/env python3
"""Gilbert beside magnum.np: time per right-hand side on the same problems.

    python3 tools/bench/peers.py --setup        # once: venv with magnum.np (CPU torch), ~6 GB
    python3 tools/bench/peers.py                # measure; prints a table of ratios
    python3 tools/bench/peers.py --json out.json

Never run in CI (torch is heavy); results go to Documentation/Performance.md
and tools/bench/results/ with the date, the machine and the thread counts.

Both codes run with one thread (GILBERT_THREADS=1, torch.set_num_threads(1)),
float64, CPU. Runs are interleaved (Gilbert, magnum.np, Gilbert, ...) and the
fastest of --repeat runs of each is kept: the machine is shared, so the
ratio of the two is the number to quote. Gilbert's numbers come from
`gilbert bench --json` (release build); magnum.np's from
magnumnp_problems.py (LLGSolver.dm after torch.compile has warmed up).
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
VENV = os.path.join(HERE, ".venv")
PYTHON = os.path.join(VENV, "bin", "python")

# (problem, gilbert bench flags, grids for both codes)
PROBLEMS = [
    ("wire", ["--wire"], ["512x1", "2048x1", "4096x1", "16384x1"]),
    ("demag", ["--demag"], ["200x50"]),
    ("local", [], ["64x64", "256x256"]),
]


def setup():
    if not os.path.exists(PYTHON):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    # magnum.np from PyPI pulls torch; on a machine without a GPU it runs on the CPU.
    subprocess.run([PYTHON, "-m", "pip", "install", "--quiet", "magnumnp==2.2.0"], check=True)
    print("magnum.np installed in", VENV)


def gilbert(binary, problem, flags, grids, seconds):
    env = dict(os.environ, GILBERT_THREADS="1")
    out = subprocess.run(
        [binary, "bench", *flags, "--grids", ",".join(grids), "--seconds", str(seconds), "--json"],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout
    return {r["grid"]: r["rhs_seconds"] for r in map(json.loads, out.splitlines()) if r["problem"] == problem}


def magnumnp(problem, grids, seconds):
    args = {"wire": ["--local", "", "--wire", ",".join(g.split("x")[0] for g in grids)],
            "demag": ["--local", "", "--wire", ""],
            "local": ["--wire", "", "--local", ",".join(grids)]}[problem]
    env = dict(os.environ, CUDA_DEVICE="-1")
    out = subprocess.run([PYTHON, os.path.join(HERE, "magnumnp_problems.py"), "--seconds", str(seconds), *args],
                         env=env, check=True, capture_output=True, text=True).stdout
    rows = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
    return {r["grid"]: r["rhs_seconds"] for r in rows if r["problem"] == problem}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--setup", action="store_true", help="create the venv with magnum.np and exit")
    p.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "gilbert"))
    p.add_argument("--seconds", type=float, default=2.0, help="timing per grid and run")
    p.add_argument("--repeat", type=int, default=2, help="interleaved runs of each code (fastest kept)")
    p.add_argument("--json", help="also write the results here")
    a = p.parse_args()
    if a.setup:
        return setup()
    if not os.path.exists(PYTHON):
        sys.exit("no venv: run `python3 tools/bench/peers.py --setup` first")
    if not os.path.exists(a.binary):
        sys.exit(f"no {a.binary}: run `swift build -c release` first")
    results = []
    for problem, flags, grids in PROBLEMS:
        best_g, best_m = {}, {}
        for _ in range(a.repeat):
            for g, t in gilbert(a.binary, problem, flags, grids, a.seconds).items():
                best_g[g] = min(t, best_g.get(g, t))
            for g, t in magnumnp(problem, grids, a.seconds).items():
                best_m[g] = min(t, best_m.get(g, t))
        for g in grids:
            results.append({"problem": problem, "grid": g, "gilbert_rhs_seconds": best_g[g],
                            "magnumnp_rhs_seconds": best_m[g], "ratio": best_m[g] / best_g[g]})
    print(f"{time.strftime('%Y-%m-%d')}  {platform.processor() or platform.machine()}  {os.cpu_count()} cores, 1 thread each")
    print(f"{'problem':8} {'grid':>9} {'Gilbert (µs)':>14} {'magnum.np (µs)':>16} {'ratio':>8}")
    for r in results:
        print(f"{r['problem']:8} {r['grid']:>9} {r['gilbert_rhs_seconds'] * 1e6:14.1f} "
              f"{r['magnumnp_rhs_seconds'] * 1e6:16.1f} {r['ratio']:8.1f}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"date": time.strftime("%Y-%m-%d"), "machine": platform.platform(), "cores": os.cpu_count(),
                       "threads": 1, "magnumnp": "2.2.0", "results": results}, f, indent=1)


if __name__ == "__main__":
    main()
