#!/usr/bin/env python3
"""Plot the /table of a Gilbert HDF5 file: <m> and energies versus time.

usage: python3 tools/plot_table.py RUN.h5 [--out RUN.png]
needs: pip install h5py matplotlib
"""
import argparse

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("file")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    with h5py.File(args.file, "r", locking=False) as f:
        table = {k: f["table"][k][:] for k in f["table"]}
    t = table["t"] * 1e9
    fig, (a, b) = plt.subplots(2, 1, sharex=True, figsize=(7, 6))
    for c in ("mx", "my", "mz"):
        a.plot(t, table[c], label=c)
    a.set_ylabel("<m>")
    a.legend()
    for k in sorted(table):
        if k.startswith("E_"):
            b.plot(t, table[k], label=k)
    b.set_ylabel("energy (J)")
    b.set_xlabel("t (ns)")
    b.legend()
    out = args.out or args.file.rsplit(".", 1)[0] + ".png"
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    print("wrote", out)


if __name__ == "__main__":
    main()
