"""The package's own tests: a run, a sweep, an error carried as an
exception, a live file read while a run goes on. They need the gilbert
binary (GILBERT_BIN, PATH, or the checkout's release build)."""

import subprocess
import time

import numpy as np
import pytest

import gilbert

WIRE = {
    "mesh": {"n": [128, 1, 1], "cellsize": [2e-9, 2e-9, 2e-9]},
    "material": {"Ms": 8e5, "A": 1.3e-11, "alpha": 0.1, "beta": 0.2},
    "anisotropy": [{"K1": 5e4, "axis": [1, 0, 0]}, {"K1": -2e5, "axis": [0, 0, 1]}],
    "current": {"u": [100, 0, 0]},
    "initial": {"type": "wall", "wall": "head-to-head"},
    "run": {"duration": 1e-9, "sample_interval": 1e-11},
}


def test_a_run_returns_its_table_fields_and_summary(tmp_path):
    r = gilbert.run(WIRE, tmp_path / "wire.h5", material__alpha=0.1)
    s = r.summary
    # Below Walker a steady wall moves at βu/α = 200 m/s, as the (q, φ)
    # model says. On this grid (dx = Δ/8, 1 ns) the run gives 199.23 m/s
    # (−3.8e-3; the engine's own tests show the grid error falling as dx²),
    # so 5e-3 checks the run and its summary, not the engine's accuracy.
    assert s["wall_regime"] == "steady"
    assert abs(s["wall_velocity"] / 200 - 1) < 5e-3
    assert abs(s["model_velocity"] / 200 - 1) < 1e-3
    t = r.table
    assert len(t) == 101 and {"t", "wall_position", "mx"} <= set(t.columns)
    m = r.fields["m"]
    assert len(m) == 101
    frame = m[-1]
    assert frame.shape == (1, 1, 128, 3)
    assert np.allclose(np.linalg.norm(frame, axis=-1), 1, atol=1e-9)
    assert np.isclose(m.times[-1], 1e-9)
    x, y, z = r.coordinates()
    assert len(x) == 128 and np.isclose(x[0], 1e-9)
    # Overrides reach the run: a higher α, a slower wall (βu/α; 99.74 m/s).
    fast = gilbert.run(WIRE, tmp_path / "alpha.h5", set={"material.alpha": 0.2})
    assert abs(fast.summary["wall_velocity"] / 100 - 1) < 5e-3
    # A TOML string and a path are configs too, and open() reads a file back.
    assert gilbert.open(r.path).summary["wall_velocity"] == s["wall_velocity"]
    text = gilbert._toml.dumps(WIRE)
    assert gilbert.run(text, tmp_path / "text.h5").summary["wall_velocity"] == s["wall_velocity"]
    (tmp_path / "wire.toml").write_text(text)
    assert gilbert.run(str(tmp_path / "wire.toml"), tmp_path / "file.h5").summary["wall_velocity"] == s["wall_velocity"]


def test_a_sweep_returns_a_dataframe(tmp_path):
    df = gilbert.sweep(WIRE, {"beta": [0.1, 0.2]}, tmp_path / "sweep.h5", jobs=2)
    assert list(df["beta"]) == [0.1, 0.2]
    assert set(df["status"]) <= {"ok", "unconverged"}
    # v = βu/α: 100 and 200 m/s.
    assert np.allclose(df["wall_velocity"], [100, 200], rtol=5e-3)
    assert np.allclose(df["model_velocity"], [100, 200], rtol=1e-3)


def test_an_error_arrives_as_an_exception_with_its_key(tmp_path):
    with pytest.raises(gilbert.GilbertError) as e:
        gilbert.run(WIRE, tmp_path / "bad.h5", material__alpha=-1)
    assert e.value.key == "material.alpha"
    assert e.value.status == 2
    assert "-1" in e.value.message
    bad = dict(WIRE, mesh={"n": [128, 1, 1], "cellsize": [2e-9, 2e-9, 2e-9], "colour": 3})
    with pytest.raises(gilbert.GilbertError) as e:
        gilbert.run(bad, tmp_path / "bad2.h5")
    assert e.value.key == "mesh.colour"


def test_a_live_file_is_read_while_the_run_goes_on(tmp_path):
    config = dict(WIRE, run={"duration": 2e-8, "sample_interval": 1e-12}, output={"swmr": True})
    cfg = tmp_path / "live.toml"
    cfg.write_text(gilbert._toml.dumps(config))
    out = tmp_path / "live.h5"
    p = subprocess.Popen([gilbert.binary(), "run", str(cfg), "--output", str(out), "--force"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while (not out.exists() or out.stat().st_size < 50_000) and time.time() < deadline:
            time.sleep(0.05)
        live = gilbert.open(out)
        seen = []
        for _ in range(5):
            n = len(live.fields["m"])
            assert n > 0
            frame = live.fields["m"][n - 1]
            assert np.allclose(np.linalg.norm(frame, axis=-1), 1, atol=1e-9)
            seen.append((n, frame))
            time.sleep(0.2)
        assert p.poll() is None, "the run ended before the reader was done: make it longer"
        assert seen[-1][0] > seen[0][0], "the reader saw the run advance"
        assert len(live.table) > 0
        live.close()
    finally:
        p.wait(timeout=600)
    assert p.returncode == 0
    done = gilbert.open(out)
    for n, frame in seen:
        assert np.array_equal(done.fields["m"][n - 1], frame)


def test_a_frame_converts_to_discretisedfield(tmp_path):
    pytest.importorskip("discretisedfield")
    r = gilbert.run(WIRE, tmp_path / "df.h5")
    f = r.to_discretisedfield("m", -1)
    assert f.mesh.n.tolist() == [128, 1, 1] if hasattr(f.mesh.n, "tolist") else tuple(f.mesh.n) == (128, 1, 1)
