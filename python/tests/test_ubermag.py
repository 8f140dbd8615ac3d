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
    "TestSlonczewski::test_single_values_finite_temperature": (
        "OOMMF's evolver Xf_ThermSpinXferEvolver (and Tcl scripts); gilbertc has no evolver classes"),
    "TestDMI::test_crystalclass_init": (
        "expects a calculator that has a RelaxDriver to be mumax3c and to refuse the classes mumax3 lacks "
        "(Cnv_x, Cnv_y, D2d); Gilbert has them all"),
    "TestDMI::test_crystalclass": (
        "DMI alone (A = 0) on a line of 200 cells: every uniform spiral is stationary and the ends turn by 90° per "
        "cell; Gilbert's minimiser (Barzilai-Borwein steps) leaves phase slips between 90°-spirals of either phase "
        "after 10⁶ iterations (max torque 7e-3 T), so <m> is not 0; every class is tested in RacetrackTermsTests"),
    "TestDMI::test_scalar": (
        "first expects RelaxDriver to refuse DMI without exchange, as mumax3c's does (a calculator with a RelaxDriver "
        "is taken to be mumax3c); Gilbert runs it (A = 0: no boundary condition, OOMMF's free edge)"),
    "TestDMI::test_dict": "as TestDMI::test_scalar (expects mumax3c's refusal of DMI without exchange)",
    # Parameters Gilbert takes as one value (or one per region).
    # Calculator behaviour of another calculator.
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
}


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the tests write their drives into the working directory


@pytest.fixture(autouse=True)
def _skip_by_name(request):
    name = request.node.nodeid.split("::", 1)[1].split("[")[0]
    if name in SKIPPED:
        pytest.skip(f"{name}: {SKIPPED[name]}")
