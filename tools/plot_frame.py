#!/usr/bin/env python3
"""A snapshot of m from a Gilbert HDF5 file.

    python3 tools/plot_frame.py RUN.h5 [--frame -1] [--out frame]

1D (one row): m_x, m_y, m_z against x. 2D: the in-plane angle of m on a
colour wheel (hue = direction of (m_x, m_y), white where m points out of the
plane) beside m_z on a diverging map (-1 blue, +1 red). Writes OUT.png and
OUT.pdf. Needs h5py and matplotlib.
"""
import argparse

import h5py
import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.colors import hsv_to_rgb  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("file")
    ap.add_argument("--frame", type=int, default=-1, help="frame index; negative counts from the end")
    ap.add_argument("--out", default="frame", help="output name (OUT.png and OUT.pdf)")
    a = ap.parse_args()
    with h5py.File(a.file, "r", locking=False) as f:
        value = f["fields/m/value"]
        frames = value.shape[0]
        if frames == 0:
            raise SystemExit(f"{a.file}: no frames of m (output.fields = [] ?)")
        k = a.frame if a.frame >= 0 else frames + a.frame
        if not 0 <= k < frames:
            raise SystemExit(f"--frame {a.frame}: the file has frames 0 ... {frames - 1}")
        m = value[k][0]                      # [y, x, 3] of the first layer
        time = f["fields/m/time"][k]
        dx, dy = f["mesh"].attrs["cellsize"][:2]
    ny, nx = m.shape[:2]
    if ny == 1:
        fig, ax = plt.subplots(figsize=(7, 3.5))
        x = (np.arange(nx) + 0.5) * dx * 1e9
        for c, name in enumerate(("m_x", "m_y", "m_z")):
            ax.plot(x, m[0, :, c], label=name)
        ax.set_xlabel("x (nm)")
        ax.set_ylabel("m")
        ax.set_ylim(-1.05, 1.05)
        ax.legend(fontsize=8)
    else:
        fig, axes = plt.subplots(1, 2, figsize=(10, 4.2))
        extent = [0, nx * dx * 1e9, 0, ny * dy * 1e9]
        hue = (np.arctan2(m[..., 1], m[..., 0]) / (2 * np.pi)) % 1.0
        inplane = np.clip(np.hypot(m[..., 0], m[..., 1]), 0, 1)
        rgb = hsv_to_rgb(np.stack([hue, inplane, np.ones_like(hue)], axis=-1))
        axes[0].imshow(rgb, origin="lower", extent=extent, interpolation="nearest")
        axes[0].set_title("in-plane direction (colour wheel)", fontsize=9)
        im = axes[1].imshow(m[..., 2], origin="lower", extent=extent, cmap="RdBu_r", vmin=-1, vmax=1,
                            interpolation="nearest")
        fig.colorbar(im, ax=axes[1], label="m_z")
        axes[1].set_title("m_z", fontsize=9)
        for ax in axes:
            ax.set_xlabel("x (nm)")
            ax.set_ylabel("y (nm)")
    fig.suptitle(f"{a.file}: frame {k}, t = {time * 1e9:.4g} ns", fontsize=9)
    fig.tight_layout()
    stem = a.out[:-4] if a.out.endswith((".png", ".pdf")) else a.out
    for ext in ("png", "pdf"):
        fig.savefig(f"{stem}.{ext}", dpi=150)
    print(f"wrote {stem}.png and {stem}.pdf")


if __name__ == "__main__":
    main()
