import Foundation
import Gilbert
import GilbertIO
import Testing

/// K0, the modified Bessel function of the second kind (Abramowitz & Stegun
/// 9.8.5–9.8.6, relative error below 1e-7 — far below the tolerances here).
func besselK0(_ x: Double) -> Double {
  if x <= 2 {
    let t = x / 3.75, t2 = t * t
    let i0 =
      1 + t2 * (3.5156229 + t2 * (3.0899424 + t2 * (1.2067492 + t2 * (0.2659732 + t2 * (0.0360768 + t2 * 0.0045813)))))
    let y = x * x / 4
    return -log(x / 2) * i0 - 0.57721566
      + y * (0.42278420 + y * (0.23069756 + y * (0.03488590 + y * (0.00262698 + y * (0.00010750 + y * 0.00000740)))))
  }
  let y = 2 / x
  return exp(-x) / x.squareRoot()
    * (1.25331414 + y
      * (-0.07832358 + y * (0.02189568 + y * (-0.01062446 + y * (0.00587872 + y * (-0.00251540 + y * 0.00053208))))))
}

@Suite struct SpinPotentialTests {
  /// 1D: (−∂² + ℓ⁻²)μ = −σ S δ(x) on [−L/2, L/2], μ′ = 0 at the ends:
  /// μ = −σ S ℓ cosh((L/2 − |x|)/ℓ) / (2 sinh(L/2ℓ)), ∝ e^{−|x|/ℓ} for L ≫ ℓ.
  func pointSourceError(cellsPerLength: Int, iterative: Bool = false) -> Double {
    let ell = 50e-9, sigma = 2e6, s = 1e7  // m, S/m, V/m (∫∇·E dx)
    let n = 20 * cellsPerLength + 1  // odd: the source sits in the middle cell
    let dx = ell / Double(cellsPerLength)
    let g = Grid(nx: n, dx: dx, dy: 1e-9, dz: 1e-9)
    let solver = SpinPotentialSolver(
      grid: g, conducts: [Bool](repeating: true, count: n),
      inverseLengthSquared: [Double](repeating: 1 / (ell * ell), count: n), iterative: iterative)
    var f = [Double](repeating: 0, count: n)
    f[n / 2] = -sigma * s / dx
    let mu = solver.solve(f)
    let half = Double(n) * dx / 2
    var worst = 0.0
    let amplitude = sigma * s * ell / 2
    for i in 0..<n {
      let x = (Double(i) + 0.5) * dx - half
      let exact = -sigma * s * ell * cosh((half - abs(x)) / ell) / (2 * sinh(half / ell))
      worst = max(worst, abs(mu[i] - exact) / amplitude)
    }
    return worst
  }

  @Test func pointSourceIn1DDecaysOverTheSpinLengthWithTheRightAmplitude() {
    let errors = [10, 20, 40].map { pointSourceError(cellsPerLength: $0) }
    // The 1e-3 at fine grids (error relative to the peak σSℓ/2);
    // second order in dx: each halving divides the error by ~4.
    #expect(errors[2] < 1e-3, "errors \(errors)")
    #expect(errors[0] / errors[1] > 3.5 && errors[1] / errors[2] > 3.5, "errors \(errors)")
  }

  @Test func conjugateGradientsAgreeWithTheCosineTransform() {
    let direct = pointSourceError(cellsPerLength: 20)
    let iterative = pointSourceError(cellsPerLength: 20, iterative: true)
    // Same discrete problem, two solvers: CG stops at a relative residual of 1e-13.
    #expect(abs(direct - iterative) < 1e-9)
  }

  @Test func pointSourceIn2DFollowsK0() {
    let n = 201, ellCells = 10.0, dx = 2e-9
    let ell = ellCells * dx, sigma = 1e6, s = 1e-2  // ∫∇·E dA = S (V)
    let g = Grid(nx: n, ny: n, dx: dx, dy: dx, dz: 1e-9)
    let solver = SpinPotentialSolver(
      grid: g, conducts: [Bool](repeating: true, count: g.cellCount),
      inverseLengthSquared: [Double](repeating: 1 / (ell * ell), count: g.cellCount))
    #expect(solver.usesCosineTransform)
    var f = [Double](repeating: 0, count: g.cellCount)
    f[g.index(n / 2, n / 2)] = -sigma * s / (dx * dx)
    let mu = solver.solve(f)
    var worst = 0.0
    for (ix, iy) in [(20, 0), (0, 30), (25, 25), (-40, 0), (14, -35), (0, -20)] {
      let r = (Double(ix * ix + iy * iy)).squareRoot() * dx
      let exact = -sigma * s * besselK0(r / ell) / (2 * Double.pi)
      worst = max(worst, abs(mu[g.index(n / 2 + ix, n / 2 + iy)] / exact - 1))
    }
    // Away from the source (r from 2ℓ to 4ℓ) and from the edges (10ℓ): the
    // lattice Green's function differs from K0 by O((dx/r)²) ≈ 1e-3 at 2ℓ.
    #expect(worst < 3e-3, "max relative deviation from K0: \(worst)")
  }
}

@Suite struct TransportTests {
  let rhoPerp = 2.0e-7, rhoPar = 2.1e-7  // Ω·m, 5 % AMR

  func wire(_ n: Int, dx: Double = 2e-9) -> Magnet {
    Magnet(
      grid: Grid(nx: n, dx: dx, dy: 4e-9, dz: 2e-9),
      material: Material(saturationMagnetization: 8e5, exchangeStiffness: 1.3e-11, damping: 0.1, polarization: 0.7))
  }

  func transport(
    gammaTau: Double = 0, deltaGammaTau: Double = 0, sigma: Double = 0, ell: Double = .infinity, tau: Double = .infinity
  )
    -> TransportMaterial
  {
    var t = TransportMaterial()
    t.rhoPerpendicular = rhoPerp
    t.rhoParallel = rhoPar
    t.gammaTau = gammaTau
    t.deltaGammaTau = deltaGammaTau
    t.sigmaUp = sigma
    t.sigmaDown = sigma / 2
    t.spinLengthUp = ell
    t.spinLengthDown = ell
    t.tauParallel = tau
    return t
  }

  @Test func uniformSystemUnderUniformFieldHasNoLongitudinalSource() {
    let magnet = wire(64)
    let model = LongitudinalModel(
      magnet: magnet, transport: [transport(gammaTau: 3e5, deltaGammaTau: 1e5, sigma: 1e6, ell: 10e-9)])
    let m = VectorField(count: 64, uniform: SIMD3(0.6, 0.8, 0))
    let f = model.fields(m: m, current: VectorField(count: 64, uniform: SIMD3(1e11, 2e10, 0)))
    // Central differences of a constant are exactly zero: no round-off at all.
    #expect(f.divergenceE.allSatisfy { $0 == 0 } && f.spinRate.allSatisfy { $0 == 0 })
    #expect(f.mu.allSatisfy { $0.allSatisfy { $0 == 0 } })
  }

  @Test func amrThroughAWallGivesTheDerivativeOfRhoJ() {
    // A uniform current j x̂ through a head-to-head wall, and through a 90°
    // rotation from x to y: E_x = ρ_xx(m) j, so ∇·E = ∂x(ρ_xx j) and its
    // integral is (ρ_xx,right − ρ_xx,left) j.
    let n = 200, j = 1e11
    let magnet = wire(n)
    let g = magnet.grid
    let model = LongitudinalModel(magnet: magnet, transport: [transport()])
    let headToHead = DomainWall(easyAxis: SIMD3(1, 0, 0), transverse: SIMD3(0, 1, 0))
      .walkerProfile(grid: g, position: 200e-9, width: 10e-9, tilt: 0)
    var rotation = VectorField(count: n)
    for i in 0..<n {
      let x = g.center(i, 0).x
      let phi = Double.pi / 4 * (1 + tanh((x - 200e-9) / 10e-9))
      rotation[i] = SIMD3(cos(phi), sin(phi), 0)
    }
    for (m, expectedIntegral) in [(headToHead, 0.0), (rotation, (rhoPerp - rhoPar) * j)] {
      let f = model.fields(m: m, current: VectorField(count: n, uniform: SIMD3(j, 0, 0)))
      // Pointwise: the central difference of ρ_xx(m) j.
      for i in 1..<(n - 1) {
        let rho = { (k: Int) in self.rhoPerp + (self.rhoPar - self.rhoPerp) * m[k].x * m[k].x }
        let expected = (rho(i + 1) - rho(i - 1)) * j / (2 * g.dx)
        // Round-off: E ≈ ρ j ≈ 2e4 V/m differenced over dx: 1e-12 of ρ∥ j/dx.
        #expect(abs(f.divergenceE[i] - expected) <= 1e-9 * abs(expected) + 1e-12 * rhoPar * j / g.dx)
      }
      let integral = f.divergenceE.reduce(0, +) * g.dx
      let peak = f.divergenceE.map { abs($0) }.max()! * g.dx
      #expect(peak > 1e-4 * (rhoPar - rhoPerp) * j, "∇·E is non-zero inside the wall")
      // The tails of the profile are e^-20 from the far values: 1e-6 relative to (ρ∥ − ρ⊥) j.
      #expect(
        abs(integral - expectedIntegral) < 1e-6 * (rhoPar - rhoPerp) * j,
        "∫∇·E = \(integral), expected \(expectedIntegral)")
    }
  }

  @Test func steadyMagnitudeDeviationIsTauTimesTheSource() {
    let n = 100
    let magnet = wire(n)
    let tau = 1e-12
    let model = LongitudinalModel(
      magnet: magnet, transport: [transport(gammaTau: 5e5, deltaGammaTau: 2e5, sigma: 1e6, ell: 8e-9, tau: tau)])
    let m = DomainWall(easyAxis: SIMD3(1, 0, 0), transverse: SIMD3(0, 1, 0)).walkerProfile(
      grid: magnet.grid, position: 100e-9, width: 8e-9, tilt: 0.3)
    let f = model.fields(m: m, current: VectorField(count: n, uniform: SIMD3(2e11, 0, 0)))
    #expect(f.spinRate.contains { $0 != 0 })
    // 200 steps of τ/4: 50 τ, e^−50 of the start left.
    for _ in 0..<200 { model.advanceMagnitude(rate: f.spinRate, dt: tau / 4) }
    let c = 2 * 9.2740100783e-24 / (2 * 8e5)  // g μB/(2 Ms), m³
    for i in 0..<n {
      let expected = tau * c * f.spinRate[i]
      #expect(abs(model.deltaM[i] - expected) <= 1e-12 * abs(expected) + 1e-300)
    }
  }

  @Test func electrodeCurrentIsConservedThroughEveryCrossSection() {
    // A 2D strip with a notch and a wall: AMR makes σ vary, the notch bends the flow.
    let g = Grid(nx: 60, ny: 20, dx: 3e-9, dy: 3e-9, dz: 2e-9)
    var regions = [Int](repeating: 0, count: g.cellCount)
    for iy in 12..<20 { for ix in 28..<33 { regions[g.index(ix, iy)] = 1 } }
    let magnet = Magnet(
      grid: g, regions: regions,
      materials: [
        Material(saturationMagnetization: 8e5, exchangeStiffness: 1.3e-11, damping: 0.1),
        Material(saturationMagnetization: 0, exchangeStiffness: 0, damping: 0),
      ])
    var m = DomainWall(easyAxis: SIMD3(1, 0, 0), transverse: SIMD3(0, 1, 0)).walkerProfile(
      grid: g, position: 90e-9, width: 10e-9, tilt: 0.5)
    magnet.clean(&m)
    let conducts = regions.map { $0 == 0 }
    let solver = ElectrodeSolver(
      grid: g, conducts: conducts, rhoPerp: [Double](repeating: rhoPerp, count: g.cellCount),
      rhoPar: [Double](repeating: rhoPar, count: g.cellCount), voltage: 0.05)
    let (j, total) = solver.solve(m: m)
    let sections = solver.crossSectionCurrents(m: m)
    #expect(total > 0)
    // The 1e-8: the CG solve stops at a residual of 1e-14 of the electrode terms.
    for s in sections { #expect(abs(s / total - 1) < 1e-8, "I = \(s) vs \(total)") }
    // The flow bends around the notch: j_y ≠ 0 near it, j = 0 inside it.
    #expect(abs(j[g.index(27, 10)].y) > 0 && j[g.index(30, 15)] == .zero)
  }

  /// A ferromagnet (region 0) and a normal metal (region 1) between electrodes on the x edges.
  func junction(perpendicular: Bool) -> (model: LongitudinalModel, fields: LongitudinalFields, grid: Grid) {
    let g = Grid(nx: 80, ny: perpendicular ? 1 : 20, dx: 5e-9, dy: 5e-9, dz: 2e-9)
    var regions = [Int](repeating: 0, count: g.cellCount)
    for iy in 0..<g.ny {
      for ix in 0..<g.nx where perpendicular ? ix >= 40 : iy >= 10 { regions[g.index(ix, iy)] = 1 }
    }
    let magnet = Magnet(
      grid: g, regions: regions,
      materials: [
        Material(saturationMagnetization: 8e5, exchangeStiffness: 1.3e-11, damping: 0.1, polarization: 0.7),
        Material(saturationMagnetization: 0, exchangeStiffness: 0, damping: 0),
      ])
    var ferro = transport(sigma: 2e6, ell: 10e-9)
    ferro.rhoParallel = rhoPerp
    var normal = TransportMaterial()
    normal.rhoPerpendicular = 5e-8
    normal.rhoParallel = 5e-8
    normal.sigmaUp = 1e7
    normal.sigmaDown = 5e6
    normal.spinLengthUp = 50e-9
    normal.spinLengthDown = 50e-9
    let model = LongitudinalModel(magnet: magnet, transport: [ferro, normal])
    var m = VectorField(count: g.cellCount, uniform: SIMD3(0, 1, 0))
    magnet.clean(&m)
    let solver = ElectrodeSolver(
      grid: g, conducts: model.cells.conducts, rhoPerp: model.cells.rhoPerp, rhoPar: model.cells.rhoPar, voltage: 0.01)
    let (j, _) = solver.solve(m: m)
    return (model, model.fields(m: m, current: j), g)
  }

  @Test func fieldAlongAnIdealInterfaceInjectsNoSpinButAcrossItDoes() {
    // Along the interface (the paper's Fig. 4b): E_x = V/L in both metals, ∇·E = 0, μ = 0.
    let along = junction(perpendicular: false)
    let eScale = 0.01 / (80 * 5e-9)  // V/m
    #expect(along.fields.divergenceE.allSatisfy { abs($0) < 1e-9 * eScale / 5e-9 })
    #expect(along.fields.mu.allSatisfy { $0.allSatisfy { abs($0) < 1e-9 * 1e7 * eScale * 5e-9 } })
    #expect(along.fields.spinRate.allSatisfy { abs($0) < 1e-9 * 2e6 * eScale / 5e-9 / 1.602e-19 })
    // Across it (Fig. 4a): E jumps at the interface, ∇·E is a spike there, and
    // μ decays into the normal metal over its spin length. The metal ends at
    // the electrode 200 nm = 4ℓ_N away (Neumann for μ), so μ ∝ cosh((L − x)/ℓ_N):
    // cells 50 and 60 (55 and 105 nm in) differ by cosh(2.9)/cosh(1.9) ≈ 2.66.
    let across = junction(perpendicular: true)
    #expect(abs(across.fields.divergenceE[39]) > 0 && abs(across.fields.divergenceE[40]) > 0)
    // Inside each metal j and E are uniform up to the solver residual.
    #expect(across.fields.divergenceE[0..<38].allSatisfy { abs($0) < 1e-9 * eScale / 5e-9 })
    let mu = across.fields.mu[0]
    let ratio = mu[50] / mu[60]
    let expected = cosh(145.0 / 50) / cosh(95.0 / 50)
    // Discretisation: dx = ℓ_N/10 gives O((dx/ℓ)²) ≈ 1e-3 in the decay rate over ℓ.
    #expect(abs(ratio / expected - 1) < 3e-3, "μ ratio \(ratio), expected \(expected)")
    #expect(abs(ratio / exp(1) - 1) > 1e-2, "not a bare exponential: the finite metal matters")
  }
}

@Suite struct LongitudinalRunTests {
  func examplePath(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Examples/\(name)").path
  }

  @Test func junctionExampleWritesTheLongitudinalFields() throws {
    let text = try String(contentsOfFile: examplePath("fn_junction.toml"), encoding: .utf8)
    let path = temporaryPath("fn.h5")
    let report = try Runner.run(config: SimulationConfig(toml: text), outputPath: path, overwrite: true)
    #expect(report.outcome == .completed)
    let f = try HDF5File(reading: path)
    defer { f.close() }
    for name in ["div_E", "mu_up", "mu_down", "s_parallel_rate", "delta_m", "j"] {
      #expect(f.exists("/fields/\(name)/value"), "\(name)")
    }
    #expect(try f.stringAttribute("unit", on: "/fields/mu_up/value") == "A/m")
    #expect(try f.stringAttribute("unit", on: "/table/int_div_E") == "V*m")
    #expect(try f.readDoubles("/parameters/sigma_up").values == [5.649e6, 3e4, 2.6e7])
    // The electrode current equals j times the cross-section in every cell (1D: conservation).
    let total = try f.readDoubles("/table/current").values.last!
    let j = try f.readRow("/fields/j/value", row: 0)
    for c in stride(from: 0, to: j.count, by: 3) { #expect(abs(j[c] * 1e-16 / total - 1) < 1e-8) }
    // μ+ peaks at the barrier and decays into the normal metal.
    let mu = try f.readRow("/fields/mu_up/value", row: 0)
    let peak = mu.indices.max(by: { abs(mu[$0]) < abs(mu[$1]) })!
    #expect((149...151).contains(peak))
    #expect(abs(mu[200]) < abs(mu[160]) && abs(mu[300]) < abs(mu[200]))
  }

  @Test func longitudinalConfigErrorsNameTheKey() {
    let error = { (text: String) in configError(text) }
    #expect(error(baseConfig + "\n[current]\nvoltage = 0.1\n")?.key == "current.voltage")
    #expect(error(baseConfig + "\n[longitudinal]\nrho_perp = 1e-7\nsigma_up = 1e6\n")?.key == "longitudinal.ell_s_up")
    #expect(error(baseConfig + "\n[longitudinal]\nrho_perp = 1e-7\n[current]\nu = [1, 0, 0]\n")?.key == "current.u")
    #expect(error(baseConfig + "\n[longitudinal]\nrho_perp = -1\n")?.key == "longitudinal.rho_perp")
    #expect(
      error(baseConfig + "\n[longitudinal]\nrho_perp = 1e-7\ntau_parallel = \"never\"\n")?.key
        == "longitudinal.tau_parallel")
    #expect(error(baseConfig + "\n[current]\nj = [1, 0, 0]\nu = [1, 0, 0]\n")?.key == "current")
  }

  @Test func defaultsMakeTheLongitudinalTermsVanish() throws {
    // A wall under a current with only resistivities given: no spin source at all.
    let text =
      WallGeometry.inPlaneHeadToHead.config(
        beta: 0.05, deltaBeta: 0, u: 0, dx: 5e-9, duration: 1e-11, tilt: 0, width: 2.5e-8
      )
      .replacingOccurrences(of: "u = [0.0, 0, 0]", with: "j = [1e12, 0, 0]")
      .replacingOccurrences(of: "delta_beta = 0.0", with: "delta_beta = 0.0\nP = 0.7")
      + "\n[longitudinal]\nrho_perp = 2e-7\n"
    let sim = try Simulation(config: SimulationConfig(toml: text))
    let f = try #require(sim.longitudinalFields)
    #expect(f.spinRate.allSatisfy { $0 == 0 } && f.mu.allSatisfy { $0.allSatisfy { $0 == 0 } })
  }
}
