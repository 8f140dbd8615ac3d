"""Check that ParaView shows a Gilbert run: run with ParaView's pvpython.

    pvpython tools/check_paraview.py RUN.h5

Opens RUN.xdmf2 and RUN.xdmf with ParaView's default reader for each
extension, and prints the reader, the number of time steps and the cell
arrays with their ranges at the last step, beside the last frame of m read
from the .h5 (for comparison). Exit 1 when RUN.xdmf2 shows no `m`.
"""
import os
import sys

import h5py
from paraview.simple import OpenDataFile


def show(path):
    src = OpenDataFile(path)
    src.UpdatePipelineInformation()
    times = list(src.TimestepValues) if src.TimestepValues else []
    src.UpdatePipeline(times[-1] if times else 0)
    cd = src.CellData
    arrays = {cd.GetArray(i).GetName(): [cd.GetArray(i).GetRange(c) for c in range(cd.GetArray(i).GetNumberOfComponents())]
              for i in range(cd.GetNumberOfArrays())}
    print(f"{os.path.basename(path)}: reader {src.GetXMLName()}, {len(times)} steps, cell arrays {arrays}")
    return arrays


def main():
    h5 = sys.argv[1]
    stem = h5.rsplit(".", 1)[0]
    with h5py.File(h5, "r", locking=False) as f:
        m = f["fields/m/value"][-1]
        print(f"{os.path.basename(h5)}: last frame of m, ranges",
              [(float(m[..., c].min()), float(m[..., c].max())) for c in range(3)])
    ok = "m" in show(stem + ".xdmf2")
    show(stem + ".xdmf")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
