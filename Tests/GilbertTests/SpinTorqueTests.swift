import Foundation
import Gilbert
import GilbertIO
import Testing

@Suite struct SpinTorqueTests {
  let grid = Grid(nx: 40, ny: 3, dx: 2e-9, dy: 3e-9, dz: 2e-9)

  func magnet(beta: Double = 0.04, deltaBeta: Double = -0.008) -> Magnet {
    Magnet(
      grid: grid,
      material: Material(
        saturationMagnetization: 8e5, exchangeStiffness: 1.3e-11, damping: 0.02, nonAdiabaticity: beta,
        anisotropicNonAdiabaticity: deltaBeta, polarization: 0.7))
  }

  func wallState() -> VectorField {
    DomainWall(easyAxis: SIMD3(1, 0, 0), transverse: SIMD3(0, 1, 0))
      .walkerProfile(grid: grid, position: 41e-9, width: 8e-9, tilt: 0.6)
  }

  /// The torque of `term` under a drive of per-cell u.
  func torque(_ term: any TorqueTerm, _ u: VectorField, _ m: VectorField) -> VectorField {
    var t = VectorField(count: m.count)
    term.addTorque(to: &t, m: m, time: 0, drive: Drive(velocity: u))
    return t
  }

  @Test func uniformMagnetizationFeelsNoSpinTransferTorque() {
    let mag = magnet()
    let u = VectorField(count: grid.cellCount, uniform: SIMD3(100, 30, 0))
    let m = VectorField(count: grid.cellCount, uniform: SIMD3(0.6, 0.8, 0))
    #expect(torque(ZhangLiTorque(magnet: mag), u, m).storage.allSatisfy { $0 == 0 })
    #expect(torque(AnisotropicBetaTorque(magnet: mag), u, m).storage.allSatisfy { $0 == 0 })
  }

  @Test func torquesReverseWithU() {
    let mag = magnet()
    let m = wallState()
    let u = VectorField(count: grid.cellCount, uniform: SIMD3(120, 0, 0))
    let uReversed = VectorField(count: grid.cellCount, uniform: SIMD3(-120, 0, 0))
    for (a, b) in [
      (
        torque(AnisotropicBetaTorque(magnet: mag), u, m),
        torque(AnisotropicBetaTorque(magnet: mag), uReversed, m)
      ),
      (torque(ZhangLiTorque(magnet: mag), u, m), torque(ZhangLiTorque(magnet: mag), uReversed, m)),
    ] {
      #expect(a.storage.contains { $0 != 0 })
      #expect(zip(a.storage, b.storage).allSatisfy { $0 == -$1 })
    }
  }

  @Test func deltaBetaIsALocalBetaOfDeltaBetaMxSquaredForCurrentAlongX() {
    // δβ (m·u) m × ((m·∇)m) with u = u x̂ and m varying along x only is
    // δβ u m_x² m × ∂x m: the β part of the Zhang–Li torque with β → δβ m_x².
    let u = VectorField(count: grid.cellCount, uniform: SIMD3(80, 0, 0))
    let m = wallState()
    let dB = -0.008
    let t = torque(AnisotropicBetaTorque(magnet: magnet(beta: 0, deltaBeta: dB)), u, m)
    let zhangLiNoBeta = torque(ZhangLiTorque(magnet: magnet(beta: 0)), u, m)
    let zhangLiUnitBeta = torque(ZhangLiTorque(magnet: magnet(beta: 1)), u, m)
    for i in 0..<grid.cellCount {
      let betaPart = zhangLiUnitBeta[i] - zhangLiNoBeta[i]  // u m × ∂x m
      let expected = dB * m[i].x * m[i].x * betaPart
      let d = t[i] - expected
      #expect((d * d).sum().squareRoot() <= 1e-12 * max(1, (expected * expected).sum().squareRoot()))
    }
  }

  @Test func zhangLiMatchesTheAnalyticDerivativeToSecondOrder() {
    // m(x) = Walker profile; ∂x m is known in closed form. Central differences
    // are second order: the error falls 4× when dx halves (interior cells).
    func maxError(nx: Int) -> Double {
      let g = Grid(nx: nx, dx: 160e-9 / Double(nx), dy: 2e-9, dz: 2e-9)
      let mag = Magnet(
        grid: g, material: Material(saturationMagnetization: 8e5, exchangeStiffness: 1e-11, damping: 0.1))
      let wall = DomainWall(easyAxis: SIMD3(0, 0, 1), transverse: SIMD3(1, 0, 0))
      let q = 80e-9, delta = 10e-9
      let m = wall.walkerProfile(grid: g, position: q, width: delta, tilt: 0)
      let u = 50.0
      let t = torque(ZhangLiTorque(magnet: mag), VectorField(count: nx, uniform: SIMD3(u, 0, 0)), m)
      var worst = 0.0
      for ix in (nx / 4)..<(3 * nx / 4) {
        let x = g.center(ix, 0).x
        let theta = 2 * atan(exp((x - q) / delta))
        let dtheta = sin(theta) / delta
        // −u ∂x m with m = (sin θ, 0, cos θ)
        let exact = SIMD3(-u * cos(theta) * dtheta, 0, u * sin(theta) * dtheta)
        let d = t[ix] - exact
        worst = max(worst, (d * d).sum().squareRoot())
      }
      return worst
    }
    let ratio = maxError(nx: 80) / maxError(nx: 160)
    #expect(abs(ratio - 4) < 0.2, "ratio \(ratio)")
  }

  @Test func driftVelocityFromCurrentMatchesTheModelNumber() {
    // Documentation/Physics.md: P = 0.7, Ms = 8e5 A/m, |j| = 1e12 A/m² gives "50.7 m/s" against j;
    // the formula with the table's constants gives 50.648 m/s (the contract rounds it).
    let u = SpinDrift.velocity(currentDensity: SIMD3(1e12, 0, 0), polarization: 0.7, saturationMagnetization: 8e5)
    #expect(abs(u.x + 50.648) < 1e-3 && u.y == 0 && u.z == 0)
    // P = 1: the 72.35 m/s of OOMMF and the μMAG standard problem 5 statement.
    let one = SpinDrift.velocity(currentDensity: SIMD3(1e12, 0, 0), polarization: 1, saturationMagnetization: 8e5)
    #expect(abs(one.x + 72.35) < 0.005)
    let expected = 2 * 9.2740100783e-24 * 0.7 * 1e12 / (2 * 1.602176634e-19 * 8e5)
    #expect(abs(-u.x / expected - 1) < 1e-15)
  }
}

@Suite struct WallVelocityEstimateTests {
  @Test func steadyFitAndPrecessionAverage() throws {
    let t = (0..<400).map { Double($0) * 1e-11 }
    // Steady: q = 3 + 57 t, constant tilt.
    let steady = try #require(
      WallVelocity.estimate(times: t, positions: t.map { 3e-9 + 57 * $0 }, tilts: t.map { _ in 0.2 }, from: 1e-9))
    #expect(steady.regime == .steady && abs(steady.velocity / 57 - 1) < 1e-12)
    // Precessing: φ = ωt, q̇ = v0 + a sin 2φ; the mean over whole half-turns is v0.
    let omega = 2 * Double.pi / 0.7e-9, v0 = 120.0, amp = 40.0
    let q = t.map { v0 * $0 - amp / (2 * omega) * cos(2 * omega * $0) }
    let p = try #require(WallVelocity.estimate(times: t, positions: q, tilts: t.map { omega * $0 }, from: 1e-9))
    #expect(p.regime == .precessing)
    // Linear interpolation at the crossings: error O((ωΔt)²) of the oscillating part.
    #expect(abs(p.velocity / v0 - 1) < 1e-3, "\(p.velocity)")
    #expect(abs(p.period! / 0.7e-9 - 1) < 1e-6)
  }
}

@Suite struct PerCellVelocityFileTests {
  @Test func currentTakesAPerCellUFile() throws {
    // [current] u_path: u per cell from an HDF5 file, read as given (no
    // j, no P): the drive holds the file's u in every cell, and a uniform
    // file gives the same right-hand side, to the bit, as the same u given
    // as current.u.
    let n = 16
    let varying = temporaryPath("u-varying.h5"), flat = temporaryPath("u-flat.h5")
    for (path, u) in [(varying, { (i: Int) in SIMD3(10 * Double(i), -3, 0) }), (flat, { (_: Int) in SIMD3(120, 5, 0) })] {
      try? FileManager.default.removeItem(atPath: path)
      let f = try HDF5File(creating: path, overwrite: true)
      try f.writeDataset("/u", doubles: (0..<n).flatMap { i in [u(i).x, u(i).y, u(i).z] }, shape: [1, n, 3])
      f.close()
    }
    let sim = try Simulation(config: SimulationConfig(toml: baseConfig + "\n[current]\nu_path = \"\(varying)\"\n"))
    for i in 0..<n { #expect(sim.equation.drive.velocity![i] == SIMD3(10 * Double(i), -3, 0)) }
    #expect(sim.currentDensity == nil)
    var fromFile = try Simulation(config: SimulationConfig(toml: baseConfig + "\n[current]\nu_path = \"\(flat)\"\n"))
    var given = try Simulation(config: SimulationConfig(toml: baseConfig + "\n[current]\nu = [120, 5, 0]\n"))
    var a = VectorField(count: n), b = a
    var wall = VectorField(count: n)
    for i in 0..<n { wall[i] = SIMD3(cos(Double(i) * 0.3), sin(Double(i) * 0.3), 0) }
    fromFile.equation.derivative(m: wall, time: 0, into: &a)
    given.equation.derivative(m: wall, time: 0, into: &b)
    let same = a.storage == b.storage
    #expect(same)
    #expect(configError(baseConfig + "\n[current]\nu_path = \"/nonexistent/u.h5\"\n") == nil)  // read when the run is built
    #expect(throws: ConfigError.self) {
      _ = try Simulation(config: SimulationConfig(toml: baseConfig + "\n[current]\nu_path = \"/nonexistent/u.h5\"\n"))
    }
  }
}
