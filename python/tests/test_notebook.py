"""The notebook Examples/wall_from_python.ipynb executes without error and
writes its figure (issue 13). Needs nbclient, nbformat and an ipykernel
'python3' kernel (Debian: python3-nbclient, python3-nbformat,
python3-ipykernel); the kernel inherits GILBERT_BIN and PYTHONPATH."""

import os
import pathlib

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOK = pathlib.Path(__file__).resolve().parents[2] / "Examples" / "wall_from_python.ipynb"


def test_the_notebook_runs_and_writes_its_figure(tmp_path):
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    # The kernel is a separate process: it finds this package through PYTHONPATH.
    here = str(NOTEBOOK.parents[1] / "python")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (here, os.environ.get("PYTHONPATH")) if p)
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError on any failing cell (its asserts included)
    figure = tmp_path / "wall_notebook.png"
    assert figure.exists() and figure.stat().st_size > 10_000
