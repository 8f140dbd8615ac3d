#!/usr/bin/env python3
"""Plot wall velocity from `gilbert sweep` files against the (q, φ) model.

usage: python3 tools/plot_sweep.py SWEEP.h5 [...] --x beta [--out sweep.png]
needs: pip install h5py matplotlib
"""
import argparse

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("files", nargs="+")
    ap.add_argument("--x", default="beta", help="swept dataset for the x axis")
    ap.add_argument("--out", default="sweep.png")
    args = ap.parse_args()
    fig, ax = plt.subplots(figsize=(7, 5))
    for path in args.files:
        with h5py.File(path, "r", locking=False) as f:
            s = f["sweep"]
            x = s[args.x][:]
            (line,) = ax.plot(x, s["model_velocity"][:], "-", label=f"(q, φ) model, {path}")
            ax.plot(x, s["wall_velocity"][:], "o", color=line.get_color(), label=f"micromagnetics, {path}")
    ax.set_xlabel(args.x)
    ax.set_ylabel("wall velocity (m/s)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(args.out, dpi=120)
    print("wrote", args.out)


if __name__ == "__main__":
    main()
