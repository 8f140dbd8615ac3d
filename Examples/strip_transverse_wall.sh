#!/usr/bin/env bash
# v against u for the transverse wall of Examples/strip_transverse_wall.toml
# (120 nm × 5 nm permalloy, α = 0.02, the geometry of Thiaville et al. 2005):
# β = 0, α, 2α, and 2α with δβ = −β/5 (the paper's model). Writes
# strip_transverse_wall_*.h5 and Documentation/figures/strip_transverse_wall.png (and .pdf).
# About 15 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release >/dev/null
G=.build/release/gilbert
CFG=Examples/strip_transverse_wall.toml
U=u=50,100,200,300,400,500,600,700
$G sweep "$CFG" --set material.beta=0 --vary "$U" -o strip_transverse_wall_beta0.h5 --force
$G sweep "$CFG" --set material.beta=0.02 --vary "$U" -o strip_transverse_wall_beta_alpha.h5 --force
$G sweep "$CFG" --set material.beta=0.04 --vary "$U" -o strip_transverse_wall_beta_2alpha.h5 --force
$G sweep "$CFG" --set material.beta=0.04 --set 'material.delta_beta="paper"' --vary "$U" \
  -o strip_transverse_wall_beta_2alpha_paper.h5 --force
python3 tools/plot_sweep.py strip_transverse_wall_beta0.h5 strip_transverse_wall_beta_alpha.h5 \
  strip_transverse_wall_beta_2alpha.h5 strip_transverse_wall_beta_2alpha_paper.h5 --x u \
  --out Documentation/figures/strip_transverse_wall
