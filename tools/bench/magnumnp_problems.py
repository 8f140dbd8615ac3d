"""Time magnum.np's LLG right-hand side on the problems `gilbert bench` measures.

Run inside the venv `peers.py --setup` makes (magnum.np from PyPI, CPU torch);
prints one JSON object per problem and size on stdout. One thread
(torch.set_num_threads(1)), float64, CPU. The right-hand side is
LLGSolver.dm(t, m, state), the function its RKF45 calls; it is called until
the first torch.compile has finished (warm-up) and then timed for --seconds.

Problems (the same physics as `gilbert bench`):
  wire  1D wire, dx = 1 nm, Ms 8e5, A 1.3e-11, alpha 0.02; easy x K 5e4,
        hard z K -2e5; Zhang-Li with u = 200 m/s along x, beta (xi) = 0.04.
        (magnum.np has no delta-beta torque; Gilbert's wire computes it too.)
  sp4   muMAG standard problem 4: 200 x 50 x 1 cells of 2.5 x 2.5 x 3 nm,
        Ms 8e5, A 1.3e-11, alpha 0.02, exchange + Zeeman (field 1) + demag (FFT).
  local films of 2 x 2 x 2 nm cells: exchange + uniaxial anisotropy + Zeeman
        (the default `gilbert bench` problem).
"""
import argparse
import json
import time

import torch

torch.set_num_threads(1)
import magnumnp as mnp  # noqa: E402  (after the thread count is set)


def time_rhs(llg, state, seconds):
    m = state.m.clone()
    # Warm-up: torch.compile traces and compiles on the first calls.
    for _ in range(3):
        llg.dm(state.t, m, state)
    calls, start = 0, time.perf_counter()
    while True:
        llg.dm(state.t, m, state)
        calls += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds and calls >= 3:
            return elapsed / calls


def wire(nx, seconds):
    mesh = mnp.Mesh((nx, 1, 1), (1e-9, 1e-9, 1e-9))
    state = mnp.State(mesh)
    state.material = {
        "Ms": 8e5, "A": 1.3e-11, "alpha": 0.02,
        "Ku": 5e4, "Ku_axis": [1.0, 0.0, 0.0],
        "Kh": -2e5, "Kh_axis": [0.0, 0.0, 1.0],
        "xi": 0.04,
    }
    # u = b |j| / gamma-free form: magnum.np's field is (b/gamma)[m x (j.grad)m + xi (j.grad)m],
    # so b j = u (m/s) gives the Zhang-Li torque of drift velocity u.
    state.material["b"] = 1.0
    state.j = state.Constant([200.0, 0.0, 0.0])
    x = torch.arange(nx, dtype=torch.float64) * 0.01
    state.m = torch.stack([torch.cos(x), torch.sin(x), 0.1 * torch.ones_like(x)], dim=-1).reshape(nx, 1, 1, 3)
    mnp.normalize(state.m)
    terms = [mnp.ExchangeField(), mnp.UniaxialAnisotropyField(),
             mnp.UniaxialAnisotropyField(Ku="Kh", Ku_axis="Kh_axis"), mnp.SpinTorqueZhangLi()]
    return time_rhs(mnp.LLGSolver(terms), state, seconds)


def film(nx, ny, seconds, demag):
    dx = (2.5e-9, 2.5e-9, 3e-9) if demag else (2e-9, 2e-9, 2e-9)
    mesh = mnp.Mesh((nx, ny, 1), dx)
    state = mnp.State(mesh)
    state.material = {"Ms": 8e5, "A": 1.3e-11, "alpha": 0.02, "Ku": 5e5, "Ku_axis": [1.0, 0.0, 0.0]}
    i = torch.arange(nx * ny, dtype=torch.float64) * 0.01
    state.m = torch.stack([torch.cos(i), torch.sin(i), 0.1 * torch.ones_like(i)], dim=-1).reshape(nx, ny, 1, 3)
    mnp.normalize(state.m)
    if demag:
        # Standard problem 4, field 1: B = (-24.6, 4.3, 0) mT (H = B/mu0), as `gilbert bench --demag`.
        mu0 = 4e-7 * 3.141592653589793
        terms = [mnp.ExchangeField(), mnp.ExternalField([-24.6e-3 / mu0, 4.3e-3 / mu0, 0]), mnp.DemagField()]
    else:
        terms = [mnp.ExchangeField(), mnp.UniaxialAnisotropyField(), mnp.ExternalField([0, 0.01 / (4e-7 * 3.141592653589793), 0])]
    return time_rhs(mnp.LLGSolver(terms), state, seconds)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seconds", type=float, default=2.0)
    p.add_argument("--wire", default="512,2048,4096,16384")
    p.add_argument("--local", default="64x64,256x256")
    p.add_argument("--sp4", action="store_true", default=True)
    a = p.parse_args()
    for nx in [int(s) for s in a.wire.split(",") if s]:
        t = wire(nx, a.seconds)
        print(json.dumps({"code": "magnum.np", "problem": "wire", "grid": f"{nx}x1", "cells": nx, "rhs_seconds": t}), flush=True)
    if a.sp4:
        t = film(200, 50, a.seconds, demag=True)
        print(json.dumps({"code": "magnum.np", "problem": "demag", "grid": "200x50", "cells": 10000, "rhs_seconds": t}), flush=True)
    for g in [s for s in a.local.split(",") if s]:
        nx, ny = (int(v) for v in g.split("x"))
        t = film(nx, ny, a.seconds, demag=False)
        print(json.dumps({"code": "magnum.np", "problem": "local", "grid": g, "cells": nx * ny, "rhs_seconds": t}), flush=True)


if __name__ == "__main__":
    main()
