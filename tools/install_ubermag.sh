#!/usr/bin/env bash
# Ubermag's packages for python/tests (gilbertc against Ubermag's own
# micromagnetictests), in a venv that sees Debian's numpy, scipy, pandas,
# matplotlib, h5py and the notebook runner (apt, .ci/run):
#
#   tools/install_ubermag.sh [VENV]      # default .venv-ubermag; ~20 s, ~650 MB (VTK)
#   VENV/bin/python -m pytest python/tests
#
# The Ubermag packages go in without their dependency lists (--no-deps):
# discretisedfield asks for pyvista[all] and an h5py pip cannot see in
# Debian's, which would pull numpy 2 over Debian's numpy 1.24. What they
# import is installed beside them, held to Debian's numpy/pandas/matplotlib.
# Versions are the ones the suite was measured with (python/README.md).
set -euo pipefail
venv="${1:-.venv-ubermag}"
/usr/bin/python3 -m venv --system-site-packages "$venv"
constraints="$(mktemp)"
trap 'rm -f "$constraints"' EXIT
/usr/bin/python3 - >"$constraints" <<'PY'
import matplotlib, numpy, pandas, PIL, scipy
for name, module in [("numpy", numpy), ("pandas", pandas), ("matplotlib", matplotlib), ("scipy", scipy), ("pillow", PIL)]:
    print(f"{name}=={module.__version__}")
PY
pip=("$venv/bin/pip" install -q --disable-pip-version-check)
"${pip[@]}" --no-deps micromagnetictests==0.64.0 micromagneticmodel==0.65.0 discretisedfield==0.92.0 \
  micromagneticdata==0.66.0 ubermagtable==0.62.0 ubermagutil==0.64.0
"${pip[@]}" -c "$constraints" xarray==2023.1.0 vtk==9.3.1 pyvista==0.44.1 holoviews==1.23.2 k3d==3.2.0 \
  tqdm==4.70.1 ipywidgets==8.1.9
# (pip then warns that discretisedfield "requires h5py, which is not installed": Debian's h5py is
# there, under a name pip does not list; the import below proves it.)
"$venv/bin/python" -c "import h5py, micromagnetictests, micromagneticdata, ubermagtable; print('Ubermag packages in $venv')"
