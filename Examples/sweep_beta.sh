#!/usr/bin/env bash
# Wall speed versus β for δβ = −β/5 (the paper), 0 and +0.02: in-plane
# head-to-head wall, 1D with the moving frame, below the Walker breakdown,
# plotted against the (q, φ) model. Needs: pip install h5py matplotlib
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release >/dev/null
G=.build/release/gilbert
CFG=Examples/inplane_sweep.toml
$G sweep "$CFG" --set 'material.delta_beta="paper"' --vary beta=0:0.2:21 -o sweep_beta_paper.h5 --force
$G sweep "$CFG" --set material.delta_beta=0 --vary beta=0:0.2:21 -o sweep_beta_zero.h5 --force
$G sweep "$CFG" --set material.delta_beta=0.02 --vary beta=0:0.2:21 -o sweep_beta_plus.h5 --force
python3 tools/plot_sweep.py sweep_beta_paper.h5 sweep_beta_zero.h5 sweep_beta_plus.h5 --x beta --out sweep_beta.png
