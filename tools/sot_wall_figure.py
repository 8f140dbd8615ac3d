#!/usr/bin/env python3
"""The velocity of an SOT-driven chiral Néel wall against the heavy metal's
current density, for three values of D (issue 29 item 11): Gilbert's runs of
Examples/sot_neel_wall.toml (a perpendicular wire, dx = Δ/8) as points, the
(q, φ) model (`gilbert model --vary current`) as curves, and the DMI
saturation velocity v_D = π γ D/(2 Ms) as dashed lines.

    tools/sot_wall_figure.py [--gilbert .build/release/gilbert] [--out Documentation/figures/sot_neel_wall]

Writes <out>.png and <out>.csv (every run: D, j, measured velocity and its
uncertainty, the model's velocity). Each run takes well under a second.
"""

import argparse
import csv
import math
import os
import subprocess
import sys
import tempfile

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
EXAMPLE = os.path.join(ROOT, "Examples", "sot_neel_wall.toml")
GAMMA, MS, J0 = 1.7595e11, 1.1e6, 1e11  # the example's γ_LL, Ms and sot.j


def run(gilbert, d, j, workdir):
    out = os.path.join(workdir, f"run-{d:g}-{j:g}.h5")
    subprocess.run([gilbert, "run", EXAMPLE, "--set", f"dmi.D={d!r}", "--set", f"sot.j={j!r}", "--output", out,
                    "--force"], check=True, capture_output=True, text=True)
    with h5py.File(out, "r") as f:
        a = f["summary"].attrs
        return float(a["wall_velocity"]), float(a.get("wall_velocity_uncertainty", math.nan)), float(a["model_velocity"])


def model_curve(gilbert, d, j_max, workdir):
    out = os.path.join(workdir, f"model-{d:g}.csv")
    subprocess.run([gilbert, "model", EXAMPLE, "--set", f"dmi.D={d!r}", "--vary", "current", "--from", "0", "--to",
                    repr(j_max / J0), "--points", "201", "--output", out, "--force"], check=True, capture_output=True)
    with open(out) as f:
        rows = list(csv.DictReader(f))
    return [float(r["current_scale"]) * J0 for r in rows], [float(r["model_velocity"]) for r in rows]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--gilbert", default=os.environ.get("GILBERT_BIN", os.path.join(ROOT, ".build", "release", "gilbert")))
    p.add_argument("--out", default=os.path.join(ROOT, "Documentation", "figures", "sot_neel_wall"))
    args = p.parse_args()
    ds = [0.5e-3, 1.0e-3, 1.5e-3]
    js = [0.25e12, 0.5e12, 1e12, 2e12, 3e12, 4e12]
    rows = []
    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    with tempfile.TemporaryDirectory() as work:
        for d, colour in zip(ds, ["C0", "C1", "C2"]):
            jm, vm = model_curve(args.gilbert, d, max(js), work)
            ax.plot([x / 1e12 for x in jm], vm, color=colour, lw=1.2, label=f"model, D = {d * 1e3:g} mJ/m²")
            vd = math.pi * GAMMA * d / (2 * MS)
            ax.axhline(vd, color=colour, ls="--", lw=0.8)
            for j in js:
                v, dv, model = run(args.gilbert, d, j, work)
                rows.append({"D": d, "j": j, "velocity": v, "uncertainty": dv, "model_velocity": model, "v_D": vd})
                ax.plot(j / 1e12, v, "o", color=colour, ms=4)
                print(f"D = {d:g} J/m², j = {j:g} A/m²: {v:.4f} m/s (model {model:.4f}, v_D {vd:.2f})", file=sys.stderr)
    ax.plot([], [], "ok", ms=4, label="Gilbert, dx = Δ/8")
    ax.plot([], [], "--k", lw=0.8, label="v_D = πγD/(2Ms)")
    ax.set_xlabel("current density in the heavy metal j (10¹² A/m²)")
    ax.set_ylabel("wall velocity (m/s)")
    ax.set_title("SOT-driven Néel wall (ξ_DL = 0.1, α = 0.3, t_F = 1 nm)")
    ax.legend(fontsize=8, loc="lower right")
    ax.set_xlim(0, max(js) / 1e12 * 1.02)
    ax.set_ylim(0, None)
    fig.tight_layout()
    fig.savefig(args.out + ".png", dpi=130)
    with open(args.out + ".csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {args.out}.png and {args.out}.csv")


if __name__ == "__main__":
    main()
