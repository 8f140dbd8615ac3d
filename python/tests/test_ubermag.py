"""Ubermag's own calculator tests (micromagnetictests 0.64.0) with gilbertc
as the calculator. Needs micromagneticmodel, discretisedfield, ubermagtable,
micromagneticdata and micromagnetictests; CI installs them with
tools/install_ubermag.sh (skipped where they are not installed).

Run: GILBERT_BIN=$PWD/.build/release/gilbert PYTHONPATH=python python3 -m pytest python/tests/test_ubermag.py

Every test of the suite is collected here; the ones Gilbert cannot run are
skipped by name with the reason (SKIPPED below, also in python/README.md).
A test not named there must pass."""

import pytest

pytest.importorskip("micromagnetictests")
import gilbertc  # noqa: E402
from micromagnetictests.calculatortests import *  # noqa: E402,F401,F403


@pytest.fixture(scope="module")
def calculator():
    return gilbertc


_3D = "its mesh is 3D (nz > 1); Gilbert's grids are one cell thick"
_OOMMF = "an OOMMF-specific option (evolvers or stopping criteria of OOMMF's drivers)"
SKIPPED = {
    # Terms Gilbert lacks.
    **{f"TestCubicAnisotropy::{t}": "CubicAnisotropy: Gilbert has no cubic anisotropy" for t in (
        "test_scalar_vector_vector", "test_field_vector_vector", "test_field_field_field", "test_dict_vector_vector")},
    "TestEnergy::test_exchange_cubicanisotropy": "CubicAnisotropy: Gilbert has no cubic anisotropy",
    "TestRKKY::test_scalar": "RKKY: Gilbert has no interlayer exchange",
    **{f"TestSlonczewski::{t}": "Slonczewski: Gilbert has no spin-orbit / Slonczewski torque" for t in (
        "test_single_values", "test_single_values_finite_temperature", "test_dict_values", "test_field_values")},
    "test_stdprob3": "standard problem 3 is a 3D cube (nz > 1)",
    "test_skyrmion": "a 3D disk (nz > 1) with DMI of class T (bulk), which Gilbert lacks",
    "TestDMI::test_crystalclass": "crystal classes T, O, D2d, Cnv_x, Cnv_y: Gilbert has interfacial DMI along z (Cnv_z) only",
    "TestDMI::test_crystalclass_init": "expects class T (bulk DMI) to run; Gilbert has Cnv_z only (it raises ValueError for T)",
    "TestDMI::test_scalar": (
        "DMI with A = 1e-21 J/m: Gilbert's DMI boundary condition dm/dn = (D/2A)(z × n) × m (as mumax3's) turns the two "
        "end cells to ±y and the 198 inner cells (not a multiple of 4) leave <m> = 6.9e3 A/m, not < 1 A/m; "
        "a realistic A is tested in test_gilbertc.py"),
    "TestDMI::test_dict": "as TestDMI::test_scalar (A = 1e-21 J/m against the DMI boundary condition)",
    # Calculator features not written.
    **{f"TestCompute::{t}": "compute(): not written (and its system has CubicAnisotropy)" for t in (
        "test_energy", "test_energy_density", "test_effective_field", "test_invalid_func", "test_dmi",
        "test_slonczewski", "test_zhang_li")},
    "test_hysteresis_check_for_energy": "HysteresisDriver: not written",
    "test_simple_hysteresis_loop": "HysteresisDriver: not written",
    "test_stepped_hysteresis_loop": "HysteresisDriver: not written",
    "test_schedule": "runs the `oommf` executable as the job scheduler",
    "TestZhangLi::test_time_tcl_scalar_u": "OOMMF Tcl scripts (tcl_strings); the same current as func/dt passes",
    "TestDemag::test_demag_2_pbc": "periodic along y: Gilbert is periodic along x only",
    "TestDemag::test_demag_3_pbc": "periodic along y and z: Gilbert is periodic along x only",
    # OOMMF-specific driver options.
    **{f"TestMinDriver::{t}": _OOMMF for t in (
        "test_evolver_nodriver", "test_noevolver_driver", "test_evolver_driver", "test_wrong_evolver")},
    **{f"TestTimeDriver::{t}": _OOMMF for t in (
        "test_rungekutta_evolver_nodriver", "test_euler_evolver_nodriver", "test_theta_evolver_nodriver",
        "test_therm_heun_evolver_nodriver", "test_noevolver_driver", "test_wrong_evolver")},
    # 3D meshes.
    **{f"TestDamping::{t}": _3D for t in ("test_scalar", "test_dict", "test_field")},
    **{f"TestPrecession::{t}": _3D for t in ("test_scalar", "test_dict", "test_field")},
    **{f"TestExchange::{t}": _3D for t in ("test_scalar", "test_dict", "test_field")},
    **{f"TestDynamics::{t}": _3D for t in ("test_scalar_scalar", "test_scalar_dict", "test_field_field")},
    **{f"TestEnergy::{t}": _3D for t in (
        "test_exchange_zeeman", "test_exchange_uniaxialanisotropy", "test_exchange_dmi_zeeman",
        "test_exchange_dmi_zeeman_uniaxialanisotropy_demag", "test_zeeman_zeeman")},
    **{f"TestMesh::{t}": _3D for t in ("test_single_nopbc", "test_multi_nopbc", "test_single_pbc", "test_multi_pbc")},
    **{f"TestUniaxialAnisotropy::{t}": _3D for t in (
        "test_scalar_vector", "test_field_vector", "test_scalar_field", "test_field_field", "test_dict_vector",
        "test_field_dict", "test_higher_order_scalar_vector")},
    **{f"TestZeeman::{t}": _3D for t in (
        "test_vector", "test_time_vector", "test_dict", "test_time_dict", "test_field", "test_time_field")},
    **{f"TestTimeDriver::{t}": _3D for t in (
        "test_noevolver_nodriver", "test_noevolver_nodriver_finite_temperature", "test_noprecession",
        "test_nodamping", "test_output_files")},
    **{f"TestMinDriver::{t}": _3D for t in ("test_noevolver_nodriver", "test_output_files")},
    "TestFixedSubregions::test_fixed_subregions": _3D,
    "TestThreads::test_threads": _3D,
    "test_dirname": _3D, "test_info_file": _3D, "test_multiple_drives": _3D, "test_format": _3D,
    "test_outputstep": _3D, "test_relaxdriver": _3D, "test_stdprob5": _3D,
}


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the tests write their drives into the working directory


@pytest.fixture(autouse=True)
def _skip_by_name(request):
    name = request.node.nodeid.split("::", 1)[1].split("[")[0]
    if name in SKIPPED:
        pytest.skip(f"{name}: {SKIPPED[name]}")
