"""gilbertc beyond Ubermag's own tests: the sign of the DMI translation, the
Gilbert-specific dynamics terms (δβ, the Eq. (47) relaxation terms), a
scheduled drive, and the micromagneticdata layout. Needs micromagneticmodel
and discretisedfield (skipped where they are not installed)."""

import numpy as np
import pytest

mm = pytest.importorskip("micromagneticmodel")
df = pytest.importorskip("discretisedfield")
import gilbert  # noqa: E402
import gilbertc  # noqa: E402


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def _wire(name, n=100, left=(0, 0, 1), right=(0, 0, -1)):
    """A 1 nm × 1 nm wire along x with perpendicular anisotropy and an
    up/down domain wall in the middle."""
    mesh = df.Mesh(p1=(0, 0, 0), p2=(n * 1e-9, 1e-9, 1e-9), cell=(1e-9, 1e-9, 1e-9))
    system = mm.System(name=name)
    system.energy = mm.Exchange(A=1e-11) + mm.UniaxialAnisotropy(K=4e5, u=(0, 0, 1))
    system.m = df.Field(mesh, nvdim=3, norm=8e5,
                        value=lambda p: (0.1, 0.1, 1) if p[0] < n * 0.5e-9 else (0.1, 0.1, -1))
    return system


@pytest.mark.parametrize("d", [2e-3, -2e-3])
def test_dmi_chirality_follows_ubermags_energy(d):
    # Ubermag's Cnv_z energy w = D(m·∇m_z − m_z ∇·m) is −D θ' for m = (sin θ, 0, cos θ):
    # D > 0 favours θ growing with x, so an up/down wall has m_x > 0 at its centre
    # (a Néel wall of that sense), D < 0 the opposite. D = 2e-3 J/m² is well below
    # the spiral threshold 4√(AK)/π = 2.8e-3 J/m², so the wall stays a wall.
    system = _wire("dmi_sign")
    system.energy += mm.DMI(D=d, crystalclass="Cnv_z")
    gilbertc.MinDriver().drive(system)
    m = system.m.orientation.array[:, 0, 0, :]
    centre = np.argmin(np.abs(m[:, 2]))
    assert np.sign(m[centre, 0]) == np.sign(d)
    assert abs(m[centre, 0]) > 0.9  # Néel, not Bloch: |m_x| ≈ 1 at the centre
    # Ubermag's own energy density, by central differences, is negative: the
    # DMI lowers the energy of the wall Gilbert found.
    dx = 1e-9
    mx, mz = m[:, 0], m[:, 2]
    w = d * (mx * np.gradient(mz, dx) - mz * np.gradient(mx, dx))
    assert w.sum() < 0


def _moving_wall(delta_beta=None, relaxation=None):
    """The wire's wall with a hard axis along y (K⊥ = 1e5 J/m³), so that it is a
    Néel wall in the xz plane that moves steadily below Walker breakdown."""
    system = _wire("wall_current", n=200)
    system.energy += mm.UniaxialAnisotropy(K=-1e5, u=(0, 1, 0), name="hard")
    gilbertc.MinDriver().drive(system)
    system.dynamics = mm.Precession(gamma0=gilbertc.GAMMA0) + mm.Damping(alpha=0.02) + mm.ZhangLi(u=40, beta=0.04)
    if delta_beta is not None:
        system.dynamics += gilbertc.DeltaBeta(delta_beta=delta_beta)
    if relaxation is not None:
        system.dynamics += relaxation
    return system


def _wall_position(system):
    mz = system.m.orientation.z.array[:, 0, 0, 0]
    i = int(np.argmax(np.diff(np.sign(mz)) != 0))
    return (i + 0.5 + mz[i] / (mz[i] - mz[i + 1])) * 1e-9


def test_delta_beta_is_translated_and_acts():
    # δβ enters the config as material.delta_beta, and the drive equals Gilbert's
    # own run of that config; with δβ = −β/2 the wall moves a different distance.
    system = _moving_wall(delta_beta=-0.02)
    config, _, _ = gilbertc.config_of(system, duration=1e-10)
    assert config["material"]["delta_beta"] == -0.02
    plain = _moving_wall()
    start = _wall_position(plain)
    gilbertc.TimeDriver().drive(plain, t=0.3e-9, n=1)
    gilbertc.TimeDriver().drive(system, t=0.3e-9, n=1)
    moved, moved_db = _wall_position(plain) - start, _wall_position(system) - start
    assert moved > 5e-9  # u = 40 m/s for 0.3 ns, β = 2α: between u t = 12 nm and (β/α) u t = 24 nm
    assert abs(moved_db - moved) > 0.01 * moved
    assert np.sign(moved_db) == np.sign(moved)


def test_spin_relaxation_becomes_longitudinal_section():
    relax = gilbertc.SpinRelaxation(P=0.5, rho_perp=2e-7, gamma_tau=1e5)
    config, ms, files = gilbertc.config_of(_moving_wall(relaxation=relax), duration=1e-10)
    assert config["longitudinal"] == {"rho_perp": 2e-7, "gamma_tau": 1e5}
    assert config["material"]["P"] == 0.5
    # u = 40 m/s becomes j = −2 e Ms u/(g μB P) in every cell (a file), so Gilbert's
    # u = −g μB P j/(2 e Ms) gives u back.
    j = files["current_j.h5"][1]  # (dataset, array [Nz, Ny, Nx, 3], unit)
    u_back = -2 * 9.2740100783e-24 * 0.5 * j[..., 0] / (2 * 1.602176634e-19 * 8e5)
    assert np.allclose(u_back, 40, rtol=1e-12)
    # Gilbert takes the translated config and runs it.
    system = _moving_wall(relaxation=relax)
    gilbertc.TimeDriver().drive(system, t=2e-12, n=1)
    assert len(system.table.data) == 1


def test_errors_name_what_is_refused():
    system = _wire("refused")
    tcl = {"script": "proc f { t } { return 1 }", "script_args": "total_time", "script_name": "f",
           "energy": "Oxs_StageZeeman"}
    system.energy += mm.Zeeman(H=(0, 0, 1e5), tcl_strings=tcl)
    system.dynamics = mm.Precession(gamma0=gilbertc.GAMMA0) + mm.Damping(alpha=0.1)
    with pytest.raises(gilbertc.GilbertcError, match="Zeeman.tcl_strings energy is 'Oxs_StageZeeman'"):
        gilbertc.TimeDriver().drive(system, t=1e-12, n=1)
    system = _wire("refused_u")
    system.dynamics = mm.Precession(gamma0=gilbertc.GAMMA0) + mm.Damping(alpha=0.1) + mm.ZhangLi(u={"nowhere": 1}, beta=0)
    with pytest.raises(gilbertc.GilbertcError, match="ZhangLi.u names \\['nowhere'\\]"):
        gilbertc.TimeDriver().drive(system, t=1e-12, n=1)
    # A config the CLI refuses arrives as GilbertError (a RuntimeError) with its key.
    system = _wire("bad_polarisation")
    system.dynamics = mm.Precession(gamma0=gilbertc.GAMMA0) + mm.Damping(alpha=0.1) + mm.Slonczewski(
        J=1e11, mp=(0, 0, 1), P=1.5, Lambda=2, eps_prime=0)
    with pytest.raises(gilbert.GilbertError) as e:
        gilbertc.TimeDriver().drive(system, t=1e-12, n=1)
    assert e.value.key == "slonczewski.P"


def test_schedule_writes_a_job_that_runs_the_drive(tmp_path):
    system = _wire("scheduled")
    system.dynamics = mm.Precession(gamma0=gilbertc.GAMMA0) + mm.Damping(alpha=0.5)
    gilbertc.TimeDriver().schedule(system, "bash", "#!/bin/bash\nset -e", t=1e-11, n=2)
    drive = tmp_path / "scheduled" / "drive-0"
    assert "--output out.h5" in (drive / "job.sh").read_text()
    r = gilbert.open(drive / "out.h5")
    assert len(r.fields["m"]) == 3  # t = 0 and the two samples


def test_drive_in_micromagneticdata_layout():
    mdata = pytest.importorskip("micromagneticdata")
    system = _wire("layout")
    system.dynamics = mm.Precession(gamma0=gilbertc.GAMMA0) + mm.Damping(alpha=0.5)
    gilbertc.TimeDriver().drive(system, t=2e-11, n=4)
    drive = mdata.Data(name="layout")[-1]
    assert drive.n == 4
    assert np.allclose(drive.table.data["t"], [5e-12, 1e-11, 1.5e-11, 2e-11])
    assert np.allclose(drive[-1].array, system.m.array)


def test_thick_film_parameters_as_fields_and_temperature():
    # A 3D mesh (nz = 3), K as a field (two values) and an axis per subregion,
    # and T > 0: the config has a region map of the cell classes, one
    # anisotropy entry per axis, [temperature] with the stochastic Heun scheme,
    # and Gilbert runs it.
    mesh = df.Mesh(p1=(0, 0, 0), p2=(20e-9, 10e-9, 6e-9), cell=(2e-9, 2e-9, 2e-9),
                   subregions={"left": df.Region(p1=(0, 0, 0), p2=(10e-9, 10e-9, 6e-9))})
    system = mm.System(name="thick")
    k = df.Field(mesh, nvdim=1, value=lambda p: 4e5 if p[2] < 2e-9 else 2e5)
    system.energy = mm.Exchange(A=1e-11) + mm.UniaxialAnisotropy(K=k, u={"left": (0, 0, 1), "default": (1, 0, 0)})
    system.dynamics = mm.Precession(gamma0=gilbertc.GAMMA0) + mm.Damping(alpha=0.1)
    system.m = df.Field(mesh, nvdim=3, value=(0, 0, 1), norm=8e5)
    system.T = 50
    config, _, files = gilbertc.config_of(system, duration=1e-12)
    _, regions, _ = files["regions.h5"]
    assert regions.shape == (3, 5, 10) and len(np.unique(regions)) == 4  # (K, axis): 2 × 2 classes
    assert len(config["anisotropy"]) == 2  # one per axis
    assert sorted(tuple(e["axis"]) for e in config["anisotropy"]) == [(0.0, 0.0, 1.0), (1.0, 0.0, 0.0)]
    assert config["temperature"]["T"] == 50 and config["solver"]["method"] == "stochastic_heun"
    gilbertc.TimeDriver().drive(system, t=1e-12, n=2, dt=1e-14)
    assert len(system.table.data) == 2
    assert np.all(np.abs(np.linalg.norm(system.m.array, axis=-1) - 8e5) < 1e-6 * 8e5)


def test_zeeman_time_functions_match_ubermags_definitions():
    # Ubermag: func="sin" is H sin[2πf(t − t0)], "sinc" is H sin(x)/x with
    # x = 2πf(t − t0); a callable is sampled every dt. Gilbert's sine profile is
    # sin(2πf t + phase) and a table is linear between its points.
    f, t0 = 2e9, 0.1e-9
    sin = gilbertc._zeeman_profile({"func": "sin", "f": f, "t0": t0}, 1e-9)
    sinc = gilbertc._zeeman_profile({"func": "sinc", "f": f, "t0": t0}, 1e-9)
    ramp = gilbertc._zeeman_profile({"func": lambda t: min(1.0, t / 2e-10), "dt": 1e-11}, 1e-9)
    for t in np.linspace(0, 1e-9, 37):
        gilbert_sin = np.sin(2 * np.pi * sin["frequency"] * t + sin["phase"])
        assert abs(gilbert_sin - np.sin(2 * np.pi * f * (t - t0))) < 1e-12
        x = 2 * np.pi * f * (t - t0)
        exact = np.sin(x) / x if x != 0 else 1.0
        # Linear interpolation at 50 points per period: error ≤ (Δx)²/8 · max|sinc''| = (2π/50)²/8 / 3 = 6.6e-4.
        assert abs(np.interp(t, sinc["table_t"], sinc["table_value"]) - exact) < 7e-4
        assert abs(np.interp(t, ramp["table_t"], ramp["table_value"]) - min(1.0, t / 2e-10)) < 1e-12
    # A function returning a 3 × 3 matrix (a field that turns) is a table of
    # matrices sampled every dt; anything else is refused.
    def turn(t):
        c, s = np.cos(2 * np.pi * 1e9 * t), np.sin(2 * np.pi * 1e9 * t)
        return [[c, -s, 0], [s, c, 0], [0, 0, 1]]
    rotating = gilbertc._zeeman_profile({"func": turn, "dt": 1e-12}, 1e-10)
    assert len(rotating["table_t"]) == 101 and len(rotating["table_matrix"]) == 101
    for t, row in zip(rotating["table_t"], rotating["table_matrix"]):
        assert np.allclose(row, np.ravel(turn(t)), rtol=0, atol=1e-15)
    with pytest.raises(gilbertc.GilbertcError, match="matrix"):
        gilbertc._zeeman_profile({"func": lambda t: [1, 0], "dt": 1e-12}, 1e-10)


def test_hysteresis_switches_at_the_stoner_wohlfarth_field():
    # One cell, easy axis z, the field at ψ = 1° from it swept from +1.5 H_K to
    # −1.5 H_K in steps of 0.05 H_K: the moment switches where the
    # Stoner–Wohlfarth astroid says, h_sw = (cos^(2/3) ψ + sin^(2/3) ψ)^(−3/2)
    # = 0.9067 H_K, so between the steps at −0.90 and −0.95 H_K.
    ms, k = 8e5, 1e5
    hk = 2 * k / (gilbertc.MU0 * ms)
    psi = np.radians(1.0)
    d = np.array([np.sin(psi), 0.0, np.cos(psi)])
    mesh = df.Mesh(p1=(0, 0, 0), p2=(2e-9, 2e-9, 2e-9), cell=(2e-9, 2e-9, 2e-9))
    system = mm.System(name="sw")
    system.energy = mm.UniaxialAnisotropy(K=k, u=(0, 0, 1))
    system.m = df.Field(mesh, nvdim=3, value=(0, 0, 1), norm=ms)
    gilbertc.HysteresisDriver().drive(system, Hsteps=[[list(1.5 * hk * d), list(-1.5 * hk * d), 61]])
    table = system.table.data
    assert system.table.x == "B_hysteresis" and len(table) == 61
    h = table["B_hysteresis"] / (1e3 * gilbertc.MU0 * hk)  # in units of H_K, along d
    switched = h[table["mz"] < 0]
    first = switched.max()  # the first (largest) field at which m points down
    sw = (np.cos(psi) ** (2 / 3) + np.sin(psi) ** (2 / 3)) ** -1.5
    assert -sw - 0.05 <= first < -sw
    assert np.all(table["mz"][h > -sw] > 0.9)  # before: near +z (the field is at most 1.5 H_K, 1° off)


def test_the_python_constants_are_the_engines():
    # gilbert.constants is the one place the Python side keeps them; it must
    # hold Sources/Gilbert/Constants.swift's values, read from that file.
    import pathlib
    import re

    from gilbert import constants

    swift = (pathlib.Path(__file__).resolve().parents[2] / "Sources/Gilbert/Constants.swift").read_text()
    found = {name: float(value) for name, value in re.findall(r"static let (\w+) = ([0-9.e+-]+)\s*$", swift, re.M)}
    assert found["mu0"] == constants.MU0
    assert found["gammaLL"] == constants.GAMMA_LL
    assert found["bohrMagneton"] == constants.BOHR_MAGNETON
    assert found["elementaryCharge"] == constants.ELEMENTARY_CHARGE
    assert found["boltzmann"] == constants.BOLTZMANN
    assert found["gFactor"] == constants.G_FACTOR
    assert gilbertc.GAMMA0 == constants.MU0 * constants.GAMMA_LL


def test_every_term_has_one_translator_and_others_are_named():
    # One table from an Ubermag term to its translator; a term it lacks is
    # refused naming the ones it has.
    assert set(gilbertc.ENERGY) == {"Exchange", "UniaxialAnisotropy", "CubicAnisotropy", "Zeeman", "Demag", "DMI", "RKKY"}
    assert set(gilbertc.DYNAMICS) == {"Precession", "Damping", "ZhangLi", "Slonczewski", "DeltaBeta", "SpinRelaxation"}
    system = _wire("gc_untranslated")
    system.energy += mm.MagnetoElastic(B1=1e6, B2=1e6, e_diag=(1e-3, 0, 0), e_offdiag=(0, 0, 0))
    system.dynamics = mm.Precession(gamma0=mm.consts.gamma0) + mm.Damping(alpha=0.1)
    with pytest.raises(gilbertc.GilbertcError, match="MagnetoElastic: not translated by gilbertc \\(Exchange"):
        gilbertc.config_of(system)


def test_compute_gives_energy_density_and_field_of_the_state():
    # A uniform state in a field: the Zeeman energy is −μ0 Ms H·m V, its
    # density −μ0 Ms H·m in every cell, its effective field H; uniform m has
    # no exchange energy. compute() evaluates one term alone or all of them.
    mesh = df.Mesh(p1=(0, 0, 0), p2=(8e-9, 4e-9, 2e-9), cell=(2e-9, 2e-9, 2e-9))
    system = mm.System(name="gc_compute")
    h = np.array([1e5, -2e5, 3e5])
    system.energy = mm.Exchange(A=1e-11) + mm.Zeeman(H=tuple(h))
    ms = 8e5
    m = np.array([0.6, 0.0, 0.8])
    system.m = df.Field(mesh, nvdim=3, value=tuple(m), norm=ms)
    volume = 8e-9 * 4e-9 * 2e-9
    expected = -gilbertc.MU0 * ms * float(h @ m)
    assert gilbertc.compute(system.energy.zeeman.energy, system) == pytest.approx(expected * volume, rel=1e-12)
    assert np.allclose(gilbertc.compute(system.energy.zeeman.density, system).array, expected, rtol=1e-12, atol=0)
    assert np.allclose(gilbertc.compute(system.energy.zeeman.effective_field, system).array, h, rtol=1e-12, atol=0)
    assert abs(gilbertc.compute(system.energy.exchange.energy, system)) < 1e-30
    assert gilbertc.compute(system.energy.energy, system) == pytest.approx(expected * volume, rel=1e-12)
    with pytest.raises(ValueError):
        gilbertc.compute(system.energy.__len__, system)
    gilbertc.delete(system)


def test_output_step_records_every_minimiser_iteration():
    mesh = df.Mesh(p1=(0, 0, 0), p2=(6e-9, 2e-9, 2e-9), cell=(2e-9, 2e-9, 2e-9))
    system = mm.System(name="gc_output_step")
    system.energy = mm.Exchange(A=1e-11) + mm.Zeeman(H=(0, 0, 1e5))
    system.m = df.Field(mesh, nvdim=3, value=(1, 0.1, 0.2), norm=8e5)
    gilbertc.MinDriver().drive(system, output_step=True, torque_tolerance=1e-6)
    t = system.table.data
    # The start, one row per iteration, the minimum: the energy falls to the minimum's.
    assert len(t) > 3
    assert list(t["iteration"])[:3] == [0, 1, 2]
    assert t["E"].iloc[-1] < t["E"].iloc[0]
    assert t["E"].iloc[-1] == pytest.approx(t["E"].min(), rel=1e-9)
    gilbertc.delete(system)
