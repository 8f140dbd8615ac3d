"""The mesh and its cells: subregions, and parameters given as numbers,
dicts or fields gathered into Gilbert's regions (one per class of equal values)."""

import numpy as np

from ._values import GilbertcError, _is_number, _scalar, _vector


class _Regions:
    """The mesh's subregions, cell by cell: subregion k is 1 + k, every other
    cell 0 (a parameter dict's "default"). Where subregions overlap the first
    named wins."""

    def __init__(self, mesh):
        self.names = list((getattr(mesh, "subregions", None) or {}).keys())
        n = [int(x) for x in mesh.n]
        origin = np.asarray(mesh.region.pmin, dtype=float)
        centres = [(np.arange(n[a]) + 0.5) * float(mesh.cell[a]) for a in range(3)]
        self.map = np.zeros(tuple(n), dtype=int)  # (nx, ny, nz), as discretisedfield
        for k in reversed(range(len(self.names))):
            r = mesh.subregions[self.names[k]]
            lo = np.asarray(r.pmin, dtype=float) - origin
            hi = np.asarray(r.pmax, dtype=float) - origin
            inside = [(c >= lo[a]) & (c < hi[a]) for a, c in enumerate(centres)]
            self.map[np.ix_(*inside)] = k + 1

    def values(self, value, name, default=0.0, convert=None):
        """One value per subregion index from a number (or vector) or a dict
        by subregion name ("default" for the cells outside them)."""
        convert = convert or (lambda v, n: _scalar(v, n))
        if isinstance(value, dict):
            unknown = set(value) - set(self.names) - {"default"}
            if unknown:
                raise GilbertcError(f"{name} names {sorted(unknown)}, which are not mesh.subregions ({self.names})")
            base = value.get("default", default)
            per = [base] + [value.get(n, base) for n in self.names]
            return [convert(v, f"{name}[{n}]") for v, n in zip(per, ["default"] + self.names)]
        return [convert(value, name)] * (len(self.names) + 1)


class _Cells:
    """Parameters cell by cell, from numbers, vectors, dicts by subregion or
    discretisedfield.Fields. Gilbert's regions are then the classes of cells
    whose parameters are all equal (at most 256), given to Gilbert as a
    region map (`[region_map]`, an HDF5 file of region indices)."""

    def __init__(self, mesh):
        self.subregions = _Regions(mesh)
        self.shape = self.subregions.map.shape
        self.size = int(np.prod(self.shape))
        self.arrays = {}

    def add(self, key, value, name, vector=False, default=0.0, unit=True):
        """Stores parameter `key` for every cell; `name` is its Ubermag name,
        for errors. Vectors are made unit vectors (axes) unless `unit` is False."""
        if _is_dataframe_field(value):
            a = np.asarray(value.array, dtype=float)
            if a.shape[:3] != self.shape or a.shape[-1] != (3 if vector else 1):
                raise GilbertcError(
                    f"{name} is a Field of shape {a.shape}: expected the system's mesh with {3 if vector else 1} component(s)")
            a = a if vector else a[..., 0]
        else:
            convert = _vector if vector else _scalar
            if vector and default == 0.0:
                default = [0.0, 0.0, 0.0]
            per = np.asarray(self.subregions.values(value, name, default=default, convert=convert), dtype=float)
            a = per[self.subregions.map]
        if vector and unit:  # axes: unit vectors
            norms = np.linalg.norm(a, axis=-1, keepdims=True)
            a = np.where(norms > 0, a / np.where(norms > 0, norms, 1), 0.0)
        self.arrays[key] = a
        return key

    def classify(self):
        """Groups the cells: afterwards `count`, `map` (region of each cell;
        region 0 is the first cell's) and `of(key)`."""
        rows = np.concatenate([a.reshape(self.size, -1) for a in self.arrays.values()], axis=1)
        unique, first, inverse = np.unique(rows, axis=0, return_index=True, return_inverse=True)
        if len(unique) > 256:
            varying = [k for k, a in self.arrays.items() if len(np.unique(a.reshape(self.size, -1), axis=0)) > 1]
            raise GilbertcError(
                f"the parameters {varying} take {len(unique)} combinations of values over the cells; Gilbert has at most 256 regions")
        order = np.argsort(first)
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
        self.map = rank[np.asarray(inverse).reshape(-1)].reshape(self.shape)
        self.representative = first[order]
        self.count = len(unique)

    def of(self, key):
        """The parameter per region: a number (or vector) when every region has the same, else a list."""
        a = self.arrays[key].reshape(self.size, -1)[self.representative]
        values = [float(v[0]) for v in a] if a.shape[1] == 1 else [[float(x) for x in v] for v in a]
        return values[0] if all(v == values[0] for v in values) else values


def _is_dataframe_field(value):
    return type(value).__name__ == "Field" and hasattr(value, "mesh")


def _u_per_cell(u, regions, name="ZhangLi.u"):
    """u (m/s) in every cell, shape (nx, ny, nz, 3), from a number (along x),
    a vector, a dict by subregion or a discretisedfield.Field (1 or 3
    components)."""
    shape = regions.map.shape

    def as_vector(v, n):
        return [_scalar(v, n), 0.0, 0.0] if _is_number(v) else _vector(v, n)

    if _is_dataframe_field(u):
        a = np.asarray(u.array, dtype=float)
        if a.shape[-1] == 1:
            a = np.concatenate([a, np.zeros_like(a), np.zeros_like(a)], axis=-1)
        if a.shape != shape + (3,):
            raise GilbertcError(f"{name} is a Field of shape {a.shape}: expected the system's mesh with 1 or 3 components")
        return a
    per = np.asarray(regions.values(u, name, convert=as_vector), dtype=float)
    return per[regions.map]
