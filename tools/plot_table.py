#!/usr/bin/env python3
"""A run's table as figures: the wall's q(t) and phi(t), or <m> and the energies.

    python3 tools/plot_table.py RUN.h5 [--out RUN]

With a tracked wall: the absolute wall position q(t) (the moving frame's
shifts and the co-moving frame's displacement are already removed: the
table's wall_position is absolute), the tilt phi(t) unwrapped, and the
velocity dq/dt; the summary's velocity is drawn over it. Without a wall:
<m> and the energies. Writes OUT.png and OUT.pdf. Needs h5py and matplotlib.
"""
import argparse

import h5py
import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("file")
    ap.add_argument("--out", default=None, help="output name (OUT.png and OUT.pdf; default: the run's name)")
    a = ap.parse_args()
    with h5py.File(a.file, "r", locking=False) as f:
        t = f["table/t"][:]
        rows = len(t)
        cols = {k: f["table"][k][:rows] for k in f["table"].keys()}
        summary = dict(f["summary"].attrs) if "summary" in f else {}
    t_ns = t * 1e9
    if "wall_position" in cols:
        fig, axes = plt.subplots(3, 1, figsize=(7, 7.5), sharex=True)
        q = cols["wall_position"] * 1e9
        axes[0].plot(t_ns, q, "-", lw=1.2)
        axes[0].set_ylabel("wall position q (nm)")
        axes[1].plot(t_ns, cols["wall_tilt"], "-", lw=1.2, color="C1")
        axes[1].set_ylabel("wall tilt φ (rad)")
        if len(t) > 1:
            v = np.gradient(cols["wall_position"], t)
            axes[2].plot(t_ns, v, "-", lw=1, color="C2", label="dq/dt")
        if "wall_velocity" in summary:
            vw = float(summary["wall_velocity"])
            regime = summary.get("wall_regime", "")
            regime = regime.decode() if isinstance(regime, bytes) else regime
            axes[2].axhline(vw, color="k", lw=1, ls="--", label=f"wall velocity {vw:.4g} m/s ({regime})")
        if "model_velocity" in summary:
            axes[2].axhline(float(summary["model_velocity"]), color="C3", lw=1, ls=":",
                            label=f"(q, φ) model {float(summary['model_velocity']):.4g} m/s")
        axes[2].set_ylabel("velocity (m/s)")
        axes[2].legend(fontsize=8)
        axes[2].set_xlabel("time t (ns)")
    else:
        fig, axes = plt.subplots(2, 1, figsize=(7, 6), sharex=True)
        for k, c in (("mx", "C0"), ("my", "C1"), ("mz", "C2")):
            if k in cols:
                axes[0].plot(t_ns, cols[k], color=c, label=f"⟨{k[0]}_{k[1]}⟩")
        axes[0].set_ylabel("⟨m⟩")
        axes[0].legend(fontsize=8)
        for k in sorted(c for c in cols if c.startswith("E_")):
            axes[1].plot(t_ns, cols[k], label=k)
        axes[1].set_ylabel("energy (J)")
        axes[1].legend(fontsize=8)
        axes[1].set_xlabel("time t (ns)")
    fig.tight_layout()
    stem = a.out or a.file.rsplit(".", 1)[0]
    stem = stem[:-4] if stem.endswith((".png", ".pdf")) else stem
    for ext in ("png", "pdf"):
        fig.savefig(f"{stem}.{ext}", dpi=150)
    print(f"wrote {stem}.png and {stem}.pdf")


if __name__ == "__main__":
    main()
