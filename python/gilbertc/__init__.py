"""An Ubermag calculator for Gilbert (as oommfc and mumax3c are for OOMMF and
mumax3): drives a micromagneticmodel ``System`` with the `gilbert` binary.

    import gilbertc as gc
    gc.TimeDriver().drive(system, t=1e-9, n=100)
    gc.MinDriver().drive(system)
    gc.HysteresisDriver().drive(system, Hmin=(0, 0, -1e6), Hmax=(0, 0, 1e6), n=21)

What it translates is listed in python/README.md: any mesh (3D too) with
subregions; parameters as numbers, dicts or fields (one Gilbert region per
class of equal values, through a region map); Exchange, UniaxialAnisotropy,
Zeeman (per region, with time functions), Demag, DMI Cnv_z; Precession,
Damping, ZhangLi (u as a number, vector, dict, field or function of time),
system.T; DeltaBeta and SpinRelaxation, Gilbert's own terms. Anything else
is refused with ``GilbertcError`` naming the term or the mesh property.
"""


try:
    import micromagneticmodel as mm  # noqa: F401
except ImportError as e:  # pragma: no cover
    raise ImportError("gilbertc needs micromagneticmodel (pip install micromagneticmodel discretisedfield ubermagtable)") from e

from .version import __version__  # noqa: E402,F401

from gilbert.constants import GAMMA0, MU0  # noqa: E402,F401

from ._values import GilbertcError  # noqa: E402,F401
from .config import config_of  # noqa: E402,F401
from .drivers import HysteresisDriver, MinDriver, RelaxDriver, TimeDriver, compute, delete  # noqa: E402,F401
from .terms import DYNAMICS, ENERGY, DeltaBeta, SpinRelaxation, _zeeman_profile  # noqa: E402,F401
