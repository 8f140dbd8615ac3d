#!/usr/bin/env python3
"""Wall velocity from `gilbert sweep` files, with the (q, phi) model through the points.

    python3 tools/plot_sweep.py SWEEP.h5 [MORE.h5 ...] --x beta [--out sweep]
    python3 tools/plot_sweep.py SWEEP.h5 --map beta delta_beta [--out map]

Curves (--x): velocity against one swept parameter, one series per value of
the other swept parameters (and per file, labelled by what its --set
changed). Error bars are the points' uncertainties. Filled markers are `ok`
points, hollow ones `unconverged`, crosses points whose regime differs from
the model's; failed and pending points are left out. The model's velocity is
drawn as a dense curve over the swept range (200 points from `gilbert model`,
so the Walker kink shows between the points) when x is u, beta or delta_beta
and a gilbert binary is found (GILBERT_BIN, PATH, or this checkout's
.build/release); otherwise as a line through the points' model values.

Map (--map X Y): the velocity over two swept parameters, `ok` points only
(others blank).

Writes OUT.png and OUT.pdf. Needs h5py and matplotlib (tools/requirements.txt).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict

import h5py
import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

SYMBOLS = {
    "beta": ("β", ""), "delta_beta": ("δβ", ""), "alpha": ("α", ""), "P": ("P", ""),
    "u": ("u", "m/s"), "j": ("j", "A/m²"),
}


def label(name, unit=""):
    sym, u = SYMBOLS.get(name, (name, unit))
    u = u or unit
    return f"{sym} ({u})" if u else sym


def value_label(name, value, unit=""):
    sym, u = SYMBOLS.get(name, (name, unit))
    u = u or unit
    return f"{sym} = {value:g}" + (f" {u}" if u else "")


def read(path):
    with h5py.File(path, "r", locking=False) as f:
        s = f["sweep"]
        names = [k for k in s.keys() if "config_key" in s[k].attrs]
        data = {k: s[k][:] for k in names}
        units = {k: s[k].attrs.get("unit", "") for k in names}
        if isinstance(next(iter(units.values()), ""), bytes):
            units = {k: v.decode() for k, v in units.items()}
        out = dict(
            names=names, values=data, units=units,
            v=s["wall_velocity"][:], dv=s["wall_velocity_uncertainty"][:] if "wall_velocity_uncertainty" in s else None,
            model=s["model_velocity"][:], status=s["status"].asstr()[:],
            flags=s["flags"].asstr()[:] if "flags" in s else np.array([""] * len(s["status"])),
            overrides=f.attrs.get("overrides", ""),
        )
        if isinstance(out["overrides"], bytes):
            out["overrides"] = out["overrides"].decode()
        return out


def gilbert_binary():
    """The gilbert executable: GILBERT_BIN, PATH, or this checkout's release build."""
    candidates = [os.environ.get("GILBERT_BIN"), shutil.which("gilbert"),
                  os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".build", "release", "gilbert")]
    return next((c for c in candidates if c and os.access(c, os.X_OK)), None)


def dense_model(path, x, others, key, lo, hi, points=200):
    """The (q, phi) model's velocity at `points` values of x between lo and hi,
    the other swept parameters at `key` (their values), by `gilbert model` on
    the sweep's own config and overrides; None when it cannot be had."""
    binary = gilbert_binary()
    if binary is None or x not in ("u", "beta", "delta_beta") or not hi > lo:
        return None
    with h5py.File(path, "r", locking=False) as f:
        text = f.attrs["config_toml"]
        text = text.decode() if isinstance(text, bytes) else text
        pairs = json.loads(f["sweep"].attrs["overrides_json"])
        keys = {k: f["sweep"][k].attrs["config_key"] for k in others}
    keys = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in keys.items()}
    sets = [f"{k}={v}" for k, v in pairs]
    for name, value in zip(others, key):
        sets.append(f"{keys[name]}=[{value!r}, 0, 0]" if name in ("u", "j") else f"{keys[name]}={value!r}")
    with tempfile.TemporaryDirectory() as scratch:
        config = os.path.join(scratch, "sweep.toml")
        with open(config, "w") as out:
            out.write(text)
        args = [binary, "model", config, "--vary", x, "--from", repr(float(lo)), "--to", repr(float(hi)),
                "--points", str(points)]
        for item in sets:
            args += ["--set", item]
        run = subprocess.run(args, capture_output=True, text=True)
    if run.returncode != 0:
        print(f"note: no dense model curve ({run.stderr.strip().splitlines()[-1] if run.stderr.strip() else 'gilbert model failed'})",
              file=sys.stderr)
        return None
    lines = [line.split("\t") for line in run.stdout.strip().splitlines()]
    header, rows = lines[0], lines[1:]
    column = header.index(x)
    velocity = header.index("model_velocity")
    return np.array([float(r[column]) for r in rows]), np.array([float(r[velocity]) for r in rows])


def pretty_override(text):
    """material.delta_beta=0.02 -> δβ = 0.02"""
    parts = []
    for item in text.split():
        key, _, value = item.partition("=")
        name = key.split(".")[-1]
        try:
            parts.append(value_label(name, float(value)))
        except ValueError:
            parts.append(f"{SYMBOLS.get(name, (name,))[0]} = {value}")
    return ", ".join(parts)


def curves(files, x, out):
    fig, ax = plt.subplots(figsize=(7, 5))
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    n = 0
    for path in files:
        d = read(path)
        if x not in d["names"]:
            sys.exit(f"{path}: '{x}' is not swept there (swept: {', '.join(d['names'])}); "
                     f"a value set with --set is one value, not an axis: sweep it with --vary {x}=...")
        others = [k for k in d["names"] if k != x]
        groups = defaultdict(list)
        for i in range(len(d["v"])):
            groups[tuple(d["values"][k][i] for k in others)].append(i)
        prefix = pretty_override(d["overrides"]) if len(files) > 1 else ""
        for key, idx in sorted(groups.items()):
            idx = sorted(idx, key=lambda i: d["values"][x][i])
            c = colours[n % len(colours)]
            n += 1
            parts = [p for p in [prefix] + [value_label(k, v, d["units"][k]) for k, v in zip(others, key)] if p]
            name = ", ".join(parts) or "micromagnetics"
            xs = d["values"][x][idx]
            dense = dense_model(path, x, others, key, np.min(xs), np.max(xs))
            if dense is not None:
                ax.plot(dense[0], dense[1], "-", color=c, lw=1, alpha=0.8)
                print(f"{name}: the model as a dense curve ({len(dense[0])} points)")
            else:
                ax.plot(xs, d["model"][idx], "-", color=c, lw=1, alpha=0.8)
            for i in idx:
                st, fl = d["status"][i], d["flags"][i]
                if st not in ("ok", "unconverged"):
                    continue
                err = d["dv"][i] if d["dv"] is not None and np.isfinite(d["dv"][i]) else None
                marker = "x" if fl else "o"
                face = c if (st == "ok" and not fl) else "none"
                ax.errorbar(d["values"][x][i], d["v"][i], yerr=err, fmt=marker, color=c, mfc=face, ms=6, capsize=2)
            ax.plot([], [], "o", color=c, label=name)
    ax.plot([], [], "-", color="0.3", label="(q, φ) model")
    ax.plot([], [], "o", color="0.3", mfc="none", label="unconverged")
    ax.plot([], [], "x", color="0.3", label="regime unlike the model's")
    ax.set_xlabel(label(x))
    ax.set_ylabel("wall velocity v (m/s)")
    ax.axhline(0, color="0.8", lw=0.5)
    ax.legend(fontsize=8)
    fig.tight_layout()
    save(fig, out)


def velocity_map(path, x, y, out):
    d = read(path)
    for k in (x, y):
        if k not in d["names"]:
            sys.exit(f"{path}: '{k}' is not swept there (swept: {', '.join(d['names'])})")
    xs, ys = np.unique(d["values"][x]), np.unique(d["values"][y])
    grid = np.full((len(ys), len(xs)), np.nan)
    for i in range(len(d["v"])):
        if d["status"][i] == "ok":
            grid[np.searchsorted(ys, d["values"][y][i]), np.searchsorted(xs, d["values"][x][i])] = d["v"][i]
    fig, ax = plt.subplots(figsize=(6.5, 5))
    def edges(a):
        if len(a) == 1:
            return np.array([a[0] - 0.5, a[0] + 0.5])
        mid = (a[1:] + a[:-1]) / 2
        return np.concatenate([[2 * a[0] - mid[0]], mid, [2 * a[-1] - mid[-1]]])
    mesh = ax.pcolormesh(edges(xs), edges(ys), grid, cmap="viridis", shading="flat")
    fig.colorbar(mesh, ax=ax, label="wall velocity v (m/s)")
    ax.set_xlabel(label(x, d["units"][x]))
    ax.set_ylabel(label(y, d["units"][y]))
    ax.set_title("converged points (blank: unconverged, failed or pending)", fontsize=9)
    fig.tight_layout()
    save(fig, out)


def save(fig, out):
    stem = out[:-4] if out.endswith((".png", ".pdf")) else out
    for ext in ("png", "pdf"):
        fig.savefig(f"{stem}.{ext}", dpi=150)
    print(f"wrote {stem}.png and {stem}.pdf")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+")
    ap.add_argument("--x", default="beta", help="the swept parameter on the x axis")
    ap.add_argument("--map", nargs=2, metavar=("X", "Y"), help="a 2-D map of v over two swept parameters")
    ap.add_argument("--out", default="sweep", help="output name (OUT.png and OUT.pdf)")
    a = ap.parse_args()
    if a.map:
        velocity_map(a.files[0], a.map[0], a.map[1], a.out)
    else:
        curves(a.files, a.x, a.out)


if __name__ == "__main__":
    main()
