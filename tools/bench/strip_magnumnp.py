"""A transverse wall in a permalloy strip with demag, run by magnum.np on
Gilbert's grid: the reference data of Tests/Fixtures/refdata/strip/.

    python3 tools/bench/peers.py --setup                    # once: the venv with magnum.np
    tools/bench/.venv/bin/python tools/bench/strip_magnumnp.py --gilbert .build/release/gilbert

For each case (u below and above Walker breakdown) it
  1. runs `gilbert run Tests/Fixtures/refdata/strip/strip_transverse.toml`
     with `current.u` set, writing m and the end-charge compensation field
     B_end_charges; frame 0 is the relaxed wall both codes start from;
  2. runs magnum.np 2.2 (CPU, float64, RKF45 at atol = rtol = 1e-7) on the
     same grid from that frame, with exchange, demag (Newell), Zhang-Li and
     the same static end-charge field as an external field, its gamma set to
     Gilbert's gamma0 = mu0 * 1.7595e11, and the same whole-cell moving frame
     (shift when the wall is more than 2 cells from the centre, new cells
     filled with the domains, checked every 10 ps);
  3. writes magnumnp_strip_u<u>.txt: t, q (m, absolute), phi (rad, unwrapped),
     every 10 ps, and prints both codes' velocity.

Conventions matched to Gilbert (MODEL.md):
  - magnum.np's Zhang-Li field is (b/gamma)[m x (j.grad)m + xi (j.grad)m];
    in its LLG this gives dm/dt = +b j-terms of the opposite sign to
    Gilbert's -(u.grad)m + beta m x (u.grad)m, so b = 1 and j = -u (m/s):
    the drift velocity u along +x moves the wall along +x (checked: with
    xi = alpha the wall moves at u);
  - wall position q: in each row, where (N + sum m_x)/2 cells lie to the
    left (Gilbert's strip definition), averaged over rows, plus the frame's
    offset; tilt phi = atan2(sum m_z, sum m_y), unwrapped.
"""
import argparse
import math
import os
import subprocess
import sys

import h5py
import numpy as np
import torch

torch.set_num_threads(1)
import magnumnp as mnp  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
REF = os.path.join(ROOT, "Tests", "Fixtures", "refdata", "strip")
CONFIG = os.path.join(REF, "strip_transverse.toml")
MU0 = 1.25663706212e-6
GAMMA0 = MU0 * 1.7595e11
CASES = [300.0, 1600.0]


def position(m, dx):
    """Gilbert's strip wall position (m) of m[nx, ny, 1, 3] in the frame."""
    nx, ny = m.shape[0], m.shape[1]
    qs = []
    for iy in range(ny):
        remaining = (nx + float(m[:, iy, 0, 0].sum())) / 2
        q = nx * dx
        for ix in range(nx):
            if remaining <= 1:
                q = (ix + remaining) * dx
                break
            remaining -= 1
        qs.append(q)
    return sum(qs) / len(qs)


def run_case(gilbert, u, work):
    out = os.path.join(work, f"gilbert_strip_u{int(u)}.h5")
    subprocess.run(
        [gilbert, "run", CONFIG, "--output", out, "--force", "--set", f"current.u=[{u},0,0]",
         "--set", 'output.fields=["m","B_end_charges"]'], check=True)
    with h5py.File(out, "r") as f:
        m0 = np.array(f["fields/m/value"][0])[0]  # (ny, nx, 3)
        b_end = np.array(f["fields/B_end_charges/value"][0])[0]
        t_g = np.array(f["table/t"])
        q_g = np.array(f["table/wall_position"])
        cell = tuple(float(c) for c in f["mesh"].attrs["cellsize"])
        params = {k: np.array(f["parameters"][k]) for k in f["parameters"].keys()}
    ny, nx = m0.shape[0], m0.shape[1]
    dx = cell[0]
    alpha = float(params["alpha"].ravel()[0])
    beta = float(params["beta"].ravel()[0])
    ms = float(params["Ms"].ravel()[0])
    a_ex = float(params["A"].ravel()[0])

    mnp.constants.gamma = GAMMA0
    mesh = mnp.Mesh((nx, ny, 1), cell)
    state = mnp.State(mesh)
    state.material = {"Ms": ms, "A": a_ex, "alpha": alpha, "xi": beta, "b": 1.0}
    state.j = state.Constant([-u, 0.0, 0.0])
    to_mnp = lambda a: torch.tensor(np.transpose(a, (1, 0, 2)).reshape(nx, ny, 1, 3), dtype=torch.float64)
    state.m = to_mnp(m0)
    h_end = to_mnp(b_end) / MU0
    terms = [mnp.ExchangeField(), mnp.DemagField(), mnp.ExternalField(h_end), mnp.SpinTorqueZhangLi()]
    llg = mnp.LLGSolver(terms, atol=1e-7, rtol=1e-7)

    duration = float(t_g[-1])
    interval = 1e-11
    steps = int(round(duration / interval))
    offset, last_phi = 0.0, None
    rows = []
    for k in range(steps + 1):
        if k > 0:
            llg.step(state, interval)
        m = state.m
        q = position(m, dx) + offset
        phi = math.atan2(float(m[..., 2].sum()), float(m[..., 1].sum()))
        if last_phi is not None:
            phi += 2 * math.pi * round((last_phi - phi) / (2 * math.pi))
        last_phi = phi
        rows.append((k * interval, q, phi))
        # The moving frame: whole-cell shifts, new cells filled with the domains.
        cells = (q - offset - nx * dx / 2) / dx
        if abs(cells) > 2:
            s = int(round(cells))
            shifted = torch.empty_like(m)
            if s > 0:
                shifted[: nx - s] = m[s:]
                shifted[nx - s:] = torch.tensor([-1.0, 0.0, 0.0], dtype=torch.float64)
            else:
                shifted[-s:] = m[: nx + s]
                shifted[: -s] = torch.tensor([1.0, 0.0, 0.0], dtype=torch.float64)
            state.m = shifted
            offset += s * dx
    path = os.path.join(REF, f"magnumnp_strip_u{int(u)}.txt")
    with open(path, "w") as f:
        f.write(f"# magnum.np {mnp.__version__ if hasattr(mnp, '__version__') else '2.2'}, torch {torch.__version__}, "
                f"strip_transverse.toml with current.u = [{u}, 0, 0]; made by tools/bench/strip_magnumnp.py\n")
        f.write("# t (s)  q (m, absolute)  phi (rad, unwrapped)\n")
        for t, q, phi in rows:
            f.write(f"{t:.6e} {q:.10e} {phi:.10e}\n")
    half = len(rows) // 2
    t = np.array([r[0] for r in rows])
    q = np.array([r[1] for r in rows])
    v_m = np.polyfit(t[half:], q[half:], 1)[0]
    v_g = np.polyfit(t_g[len(t_g) // 2:], q_g[len(q_g) // 2:], 1)[0]
    print(f"u = {u}: mean velocity over the second half: gilbert {v_g:.2f} m/s, magnum.np {v_m:.2f} m/s, "
          f"ratio {v_g / v_m:.5f}; wrote {path}", flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--gilbert", default=os.path.join(ROOT, ".build", "release", "gilbert"))
    p.add_argument("--work", default="/tmp/gilbert-strip")
    p.add_argument("--u", type=float, nargs="*", default=CASES)
    args = p.parse_args()
    os.makedirs(args.work, exist_ok=True)
    for u in args.u:
        run_case(args.gilbert, u, args.work)


if __name__ == "__main__":
    sys.exit(main())
