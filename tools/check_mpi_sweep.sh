#!/usr/bin/env bash
# The MPI sweep against a serial one (CI runs this after the tests):
# builds gilbert with the MPI trait, runs a 3 × 2 sweep on 1, 2 and 4 ranks
# (mpirun --oversubscribe: 2 cores are enough), and checks that each table
# equals the serial sweep's (--jobs 1, default build) to the last bit.
# Needs: libopenmpi-dev, openmpi-bin, python3-h5py.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --traits MPI --scratch-path .build-mpi --product gilbert >/dev/null
swift build -c release --product gilbert >/dev/null
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
args=(sweep Examples/inplane_sweep.toml --vary beta=0.02,0.05,0.1 --vary u=100,150 --set run.duration=2e-9)
.build/release/gilbert "${args[@]}" --jobs 1 --output "$dir/serial.h5" >/dev/null
for n in 1 2 4; do
  mpirun --oversubscribe --allow-run-as-root -n "$n" .build-mpi/release/gilbert "${args[@]}" \
    --output "$dir/ranks$n.h5" >/dev/null
done
/usr/bin/python3 - "$dir" <<'PY'
import sys, h5py, numpy as np
d = sys.argv[1]
ref = h5py.File(f"{d}/serial.h5", "r")["sweep"]
bad = 0
for n in (1, 2, 4):
    s = h5py.File(f"{d}/ranks{n}.h5", "r")["sweep"]
    same = all(np.array_equal(s[k][:], ref[k][:], equal_nan=True)
               for k in ("beta", "u", "wall_velocity", "wall_velocity_uncertainty", "model_velocity"))
    same = same and list(s["status"].asstr()[:]) == list(ref["status"].asstr()[:])
    print(f"{n} rank(s): {'the serial table to the last bit' if same else 'DIFFERS from the serial table'}")
    bad += not same
sys.exit(1 if bad else 0)
PY
