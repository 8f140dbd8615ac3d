import Foundation
import Gilbert
import GilbertIO
import Testing

/// The path of a file under Tests/Fixtures.
func fixturePath(_ relative: String) -> String {
  URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/\(relative)").path
}

/// The published reference curves, copied byte for byte into
/// Tests/Fixtures/refdata with their provenance (PROVENANCE.md there).
func refdata(_ file: String) throws -> String {
  let path = fixturePath("refdata/\(file)")
  try #require(FileManager.default.fileExists(atPath: path), "reference data \(path) is missing")
  return path
}

/// Columns of a whitespace-separated numeric text file.
func columns(_ path: String, _ picks: [Int]) throws -> [[Double]] {
  let text = try String(contentsOfFile: path, encoding: .utf8)
  var out = [[Double]](repeating: [], count: picks.count)
  for line in text.split(separator: "\n") where !line.hasPrefix("#") {
    let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap { Double($0) }
    guard f.count > picks.max()! else { continue }
    for (k, c) in picks.enumerated() { out[k].append(f[c]) }
  }
  return out
}

/// Linear interpolation of (t, y) at `x`.
func interpolate(_ t: [Double], _ y: [Double], at x: Double) -> Double {
  guard let hi = t.firstIndex(where: { $0 >= x }) else { return y.last! }
  if hi == 0 { return y[0] }
  let f = (x - t[hi - 1]) / (t[hi] - t[hi - 1])
  return y[hi - 1] + f * (y[hi] - y[hi - 1])
}

/// Largest |⟨m_c⟩ − reference| over the table's samples after t = 0, per component.
func maxDeviation(table path: String, reference ref: [[Double]]) throws -> [Double] {
  let f = try HDF5File(reading: path)
  defer { f.close() }
  let t = try f.readDoubles("/table/t").values
  var worst = [0.0, 0, 0]
  for (c, name) in ["mx", "my", "mz"].enumerated() {
    let m = try f.readDoubles("/table/\(name)").values
    for k in 1..<t.count where t[k] <= ref[0].last! {
      worst[c] = max(worst[c], abs(m[k] - interpolate(ref[0], ref[c + 1], at: t[k])))
    }
  }
  return worst
}

/// The config tail of a standard problem's dynamics: start from the relaxed
/// file, sample every 10 ps, RK45 at max |Δm| 1e-5 per step.
func dynamics(from relaxed: String, duration: Double) -> String {
  """
  [initial]
  type = "file"
  path = "\(relaxed)"
  [run]
  duration = \(duration)
  sample_interval = 1e-11
  [solver]
  tolerance = 1e-5

  """
}

extension Validation {
  @Suite struct StandardProblemTests {
    let sp4 = """
      [mesh]
      n = [200, 50, 1]
      cellsize = [2.5e-9, 2.5e-9, 3e-9]
      [material]
      Ms = 8e5
      A = 1.3e-11
      alpha = 0.02
      [demag]
      method = "fft"
      """

    @Test func sp4RelaxedStateAndField1FollowOOMMF() throws {
      // The start state: relaxed from (1, 0.25, 0.1) to max |m × B| < 1e-6 T.
      let relaxed = temporaryPath("sp4-relax.h5")
      let relax = try Runner.run(
        config: SimulationConfig(
          toml: sp4 + "\n[initial]\ndirection = [1, 0.25, 0.1]\n[relax]\ntorque_tolerance = 1e-6\n"),
        outputPath: relaxed, overwrite: true, mode: .relax)
      let omf = try OVF.read(path: refdata("sp4/oommf_sp4_initial_state_200x50x1_2.5x2.5x3nm.omf"))
      var oommf = SIMD3<Double>(repeating: 0)
      for i in 0..<(omf.values.count / 3) {
        oommf += SIMD3(omf.values[3 * i], omf.values[3 * i + 1], omf.values[3 * i + 2])
      }
      oommf /= Double(omf.values.count / 3)
      let d = relax.averageMagnetization - oommf
      // The issue's 1e-3; reached: 1e-5 (both relax the same Newell-kernel energy to 1e-6).
      #expect(
        max(Swift.abs(d.x), Swift.abs(d.y), Swift.abs(d.z)) < 1e-3,
        "⟨m⟩ = \(relax.averageMagnetization), OOMMF \(oommf)")

      // Field 1, B = (−24.6, 4.3, 0) mT, α = 0.02, 1 ns from our relaxed state.
      let run = temporaryPath("sp4-field1.h5")
      let text = sp4 + "\n[zeeman]\nB = [-24.6e-3, 4.3e-3, 0]\n" + dynamics(from: relaxed, duration: 1e-9)
      let rk45 = try Runner.run(
        config: SimulationConfig(toml: text + "method = \"rk45\"\n"), outputPath: run, overwrite: true)
      let ref = try columns(refdata("sp4/oommf_sp4a_field1_t_mx_my_mz.txt"), [0, 1, 2, 3])
      let worst = try maxDeviation(table: run, reference: ref)
      // Measure: max over the 100 samples of |⟨m_i⟩ − OOMMF| (OOMMF curve
      // interpolated linearly between its 1 ps rows). Same grid and the same
      // analytic kernel, so the curves coincide up to the start state and the
      // integrators' tolerances: reached 7e-5, 2.2e-4, 5e-5; tolerance 1e-3.
      #expect(worst.max()! < 1e-3, "max |Δ⟨m⟩| = \(worst)")

      // The same with the default method, rk43 (RK4, FSAL third-order
      // estimate, PI control): the step here is held by stability, not by
      // the tolerance, and RK4's interval is longer per evaluation
      // (ButcherTableau.rk43).
      let run43 = temporaryPath("sp4-field1-rk43.h5")
      #expect(try SimulationConfig(toml: text).solver.method == "rk43")
      let rk43 = try Runner.run(config: SimulationConfig(toml: text), outputPath: run43, overwrite: true)
      let worst43 = try maxDeviation(table: run43, reference: ref)
      #expect(worst43.max()! < 1e-3, "rk43: max |Δ⟨m⟩| = \(worst43)")
      // Against the rk45 run, sample by sample: measured 2.7e-8, 5.1e-8,
      // 1.0e-8 (the two differ by their per-step errors, ≤ 1e-5 per step
      // and far smaller on these averages); 1e-6 is 20× the largest.
      let f45 = try HDF5File(reading: run), f43 = try HDF5File(reading: run43)
      defer {
        f45.close()
        f43.close()
      }
      for name in ["mx", "my", "mz"] {
        let a = try f45.readDoubles("/table/\(name)").values, b = try f43.readDoubles("/table/\(name)").values
        #expect(a.count == b.count && zip(a, b).allSatisfy { Swift.abs($0 - $1) < 1e-6 }, "\(name)")
      }
      // Measured 10,809 evaluations against rk45's 22,207 (0.49; 0.48 at
      // the stability limits alone; OOMMF's rkf54 took 13,330 side by side,
      // tools/bench/oommf_side_by_side.py). Before the steps were held at
      // the grid's stability limit: 11,569 against 21,499.
      #expect(
        Double(rk43.rhsEvaluations) < 0.6 * Double(rk45.rhsEvaluations),
        "rk43 \(rk43.rhsEvaluations), rk45 \(rk45.rhsEvaluations) evaluations")
    }

    @Test func sp5VortexUnderCurrentFollowsMagnumNPAndFidimag() throws {
      let base = """
        [mesh]
        n = [40, 40, 1]
        cellsize = [2.5e-9, 2.5e-9, 10e-9]
        [material]
        Ms = 8e5
        A = 1.3e-11
        [demag]
        method = "fft"
        """
      let relaxed = temporaryPath("sp5-relax.h5")
      let relaxText =
        base.replacingOccurrences(of: "A = 1.3e-11", with: "A = 1.3e-11\nalpha = 1")
        + "\n[initial]\ntype = \"vortex\"\n[relax]\ntorque_tolerance = 1e-6\n"
      _ = try Runner.run(config: SimulationConfig(toml: relaxText), outputPath: relaxed, overwrite: true, mode: .relax)
      // α = 0.1, β = ξ = 0.05, u = 72.17 m/s along −x: magnum.np's u (with
      // 1/(1 + ξ²)), along the electron flow of j = +1e12 A/m² x̂.
      let run = temporaryPath("sp5.h5")
      let text =
        base.replacingOccurrences(of: "A = 1.3e-11", with: "A = 1.3e-11\nalpha = 0.1\nbeta = 0.05")
        + "\n[current]\nu = [-72.17, 0, 0]\n" + dynamics(from: relaxed, duration: 5e-9)
      _ = try Runner.run(config: SimulationConfig(toml: text), outputPath: run, overwrite: true)
      let magnum = try maxDeviation(
        table: run, reference: columns(refdata("sp5/magnumnp_sp5_m_40x40x1_2.5nm.dat"), [0, 1, 2, 3]))
      let fidimag = try maxDeviation(
        table: run, reference: columns(refdata("sp5/fidimag_sp5_xi0.05_20x20x2_5nm.txt"), [0, 4, 5, 6]))
      // Against magnum.np on the same 40 × 40 × 1 grid with the same u: reached
      // 1.0e-3 in ⟨mx⟩ and 0.9e-3 in ⟨my⟩ over 0–5 ns; tolerance 3e-3 (both
      // relax their own vortex, and the kernels differ in the far field).
      #expect(magnum[0] < 3e-3 && magnum[1] < 3e-3, "vs magnum.np: \(magnum)")
      // Against fidimag (5 nm cells, u = 72.44 m/s): the references' own spread
      // is 2.0e-2 in ⟨mx⟩ and 1.1e-2 in ⟨my⟩ (PROVENANCE.md); reached 2.0e-2 and 1.1e-2.
      #expect(fidimag[0] < 2.5e-2 && fidimag[1] < 1.5e-2, "vs fidimag: \(fidimag)")
    }
  }
}
