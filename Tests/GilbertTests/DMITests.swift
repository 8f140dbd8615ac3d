import Foundation
import Gilbert
import GilbertIO
import Testing

/// Interfacial DMI: the cycloid energy, the field as the energy's gradient,
/// edge canting from the boundary condition, and the Néel wall's energy.
@Suite struct DMITests {
  let a = 1.5e-11, k = 1e6, ms = 1.1e6

  func magnet(_ grid: Grid) -> Magnet {
    Magnet(grid: grid, material: Material(saturationMagnetization: ms, exchangeStiffness: a, damping: 0.5))
  }

  /// m = (sin kx, 0, cos kx) at the cell centres.
  func cycloid(_ grid: Grid, wavenumber q: Double) -> VectorField {
    var m = VectorField(count: grid.cellCount)
    for i in 0..<grid.cellCount {
      let x = grid.center(i % grid.nx, i / grid.nx).x
      m[i] = SIMD3(sin(q * x), 0, cos(q * x))
    }
    return m
  }

  @Test func cycloidEnergyIsDSinKdxOverDxPerVolume() {
    // A wire periodic along x (Ny = 1: uniform across y) so no edge enters:
    // the discrete energy density of the central-difference DMI is exactly
    // D sin(k dx)/dx (D k in the continuum).
    let grid = Grid(nx: 64, ny: 1, dx: 1e-9, dy: 2e-9, dz: 1e-9, periodicX: true)
    let d = 2e-3
    let term = InterfacialDMI(magnet: magnet(grid), strength: RegionParameter("D", [d], unit: "J/m^2"))
    let volume = grid.cellVolume * Double(grid.cellCount)
    for turns in [1.0, 3.0, -2.0] {
      let q = 2 * Double.pi * turns / (Double(grid.nx) * grid.dx)
      let density = term.energy(m: cycloid(grid, wavenumber: q), time: 0) / volume
      let expected = d * sin(q * grid.dx) / grid.dx
      // Round-off only: the identity is exact for the discrete operator.
      #expect(abs(density / expected - 1) < 1e-12, "k = \(q): \(density) against \(expected)")
    }
    // The uniform state has no DMI energy and feels no DMI field.
    var b = VectorField(count: grid.cellCount)
    term.addField(to: &b, m: VectorField(count: grid.cellCount, uniform: SIMD3(0.6, 0, 0.8)), time: 0)
    #expect(b.storage.allSatisfy { $0 == 0 })
  }

  @Test func fieldIsMinusTheEnergyGradientOverMsV() {
    // B_i = −(1/(Ms V)) ∂E/∂m_i for a bilinear energy with a symmetric
    // operator; checked by central differences of E in a 2D periodic-x grid
    // with empty cells (so the y edges and the hole's edges are inside the test).
    let grid = Grid(nx: 12, ny: 5, dx: 1e-9, dy: 1.5e-9, dz: 1e-9, periodicX: true)
    var regions = [Int](repeating: 0, count: grid.cellCount)
    regions[grid.index(5, 2)] = 1
    let mag = Magnet(
      grid: grid, regions: regions,
      materials: [
        Material(saturationMagnetization: ms, exchangeStiffness: a, damping: 0.5),
        Material(saturationMagnetization: 0, exchangeStiffness: 0, damping: 0),
      ])
    let term = InterfacialDMI(magnet: mag, strength: RegionParameter("D", [3e-3, 0], unit: "J/m^2"))
    var m = VectorField(count: grid.cellCount)
    for i in 0..<grid.cellCount {
      let s = Double(i)
      m[i] = SIMD3(sin(0.7 * s), cos(1.3 * s), 0.5 + 0.2 * sin(s))
    }
    mag.clean(&m)
    var b = VectorField(count: grid.cellCount)
    term.addField(to: &b, m: m, time: 0)
    // Interior cells only: at the edges the boundary condition makes B the
    // field of the constrained problem, not the gradient of this bulk energy.
    var worst = 0.0
    for iy in 1..<(grid.ny - 1) {
      for ix in 0..<grid.nx where abs(ix - 5) > 1 || abs(iy - 2) > 1 {
        let i = grid.index(ix, iy)
        for c in 0..<3 {
          let h = 1e-6
          var plus = m, minus = m
          plus.storage[c * m.count + i] += h
          minus.storage[c * m.count + i] -= h
          let gradient = (term.energy(m: plus, time: 0) - term.energy(m: minus, time: 0)) / (2 * h)
          let expected = -gradient / (ms * grid.cellVolume)
          worst = max(worst, abs(b.storage[c * m.count + i] - expected))
        }
      }
    }
    let scale = 2 * 3e-3 / ms / grid.dx  // 2D/(Ms dx), T: the size of the field
    // The energy is quadratic, so the central difference is exact up to
    // round-off: measured 1e-9 T against a 5.5 T scale.
    #expect(worst < 1e-7 * scale, "worst |B − (−∇E/(Ms V))| = \(worst) T against a scale of \(scale) T")
  }

  /// A 1D wire along x relaxed from +z with exchange, easy axis z and DMI.
  func relaxed(dx: Double, length: Double, d: Double, start: VectorField? = nil) -> (VectorField, Double, Grid) {
    let n = Int((length / dx).rounded())
    let grid = Grid(nx: n, dx: dx, dy: 1e-9, dz: 1e-9)
    let mag = magnet(grid)
    var llg = LLG(
      magnet: mag,
      fieldTerms: [
        Exchange(magnet: mag), UniaxialAnisotropy(magnet: mag, constants: [k], axis: SIMD3(0, 0, 1)),
        InterfacialDMI(magnet: mag, strength: RegionParameter("D", [d], unit: "J/m^2")),
      ])
    var m = start ?? VectorField(count: n, uniform: SIMD3(0, 0, 1))
    let result = Relaxer(torqueTolerance: 1e-8, maximumIterations: 400_000).relax(&llg, m: &m)
    #expect(result.converged, "relax: \(result.iterations) iterations, torque \(result.maxTorque) T")
    return (m, llg.energies(m: m, time: 0).map(\.value).reduce(0, +), grid)
  }

  @Test func edgesCantAsTheBoundaryConditionSays() {
    // Semi-infinite film, easy axis z: θ(s) from z at distance s from an edge
    // obeys tan(θ/2) = tan(θ_e/2) e^(−s/Δ) with |dθ/dx| = D/(2A) at the edge,
    // so sin θ_e = D/(2√(AK)). With m = (sin θ, 0, cos θ) the energy per
    // area is ∫ A θ′² + D θ′ + K sin²θ, whose natural boundary condition is
    // 2A θ′ + D = 0 at both ends: with D > 0 θ falls towards the right edge,
    // which cants towards −x, and the left towards +x. (Before 2026-12-08
    // the ghost cells had the other sign and this test asserted the mirror
    // image; `edgeCantingLowersTheBondEnergy` checks the sign independently.)
    let delta = (a / k).squareRoot(), d = 1.5e-3
    let thetaEdge = asin(d / (2 * (a * k).squareRoot()))
    func expected(at s: Double) -> Double { 2 * atan(tan(thetaEdge / 2) * exp(-s / delta)) }
    var errors: [Double] = []
    for cells in [8.0, 16.0] {
      let dx = delta / cells
      let (m, _, grid) = relaxed(dx: dx, length: 30 * delta, d: d)
      let right = atan2(m[grid.nx - 1].x, m[grid.nx - 1].z), left = atan2(m[0].x, m[0].z)
      #expect(right < 0 && left > 0, "right edge \(right) rad, left edge \(left) rad")
      #expect(abs(right + left) < 1e-9, "the two edges are mirror images")
      // The edge cell's centre is dx/2 inside the edge.
      errors.append(abs(-right / expected(at: dx / 2) - 1))
    }
    // The 1 % at dx = Δ/8; measured 1.2e-4 there and 2.7e-5 at Δ/16
    // (second order). The error must shrink as dx halves.
    #expect(errors[0] < 0.01, "edge angle error \(errors[0]) at dx = Δ/8")
    #expect(errors[1] < errors[0] * 0.7, "edge angle error \(errors[0]) → \(errors[1]) as dx halves")
  }

  @Test func edgeCantingLowersTheBondEnergy() {
    // Independent of the ghost cells: the discrete energy of a wire written
    // over its bonds, Σ [A |m_{i+1} − m_i|²/dx² + D (m_i × m_{i+1})_y/dx] dx
    // (exchange and the DMI D(m_z ∂x m_x − m_x ∂x m_z) between cell centres)
    // plus Σ K (1 − m_z²) dx per area. The relaxed state must have a lower
    // energy than its mirror image m_x → −m_x, which has the same exchange
    // and anisotropy and the DMI of the opposite sign: the edges must cant
    // the way that makes the bonds' DMI negative. Fails with the old sign
    // (the DMI sum is then +5.5e-4 J/m² at these values).
    let delta = (a / k).squareRoot(), d = 1.5e-3
    let (m, _, grid) = relaxed(dx: delta / 8, length: 30 * delta, d: d)
    var dmi = 0.0
    for i in 0..<(grid.nx - 1) {
      let p = m[i], q = m[i + 1]
      dmi += d * (p.z * q.x - p.x * q.z)
    }
    // Mirroring flips the sign of each bond's DMI and nothing else, so the
    // relaxed state is the lower of the two exactly when the sum is negative;
    // its size is the edges' ≈ −2 × (D θ_e)-order term, far above round-off.
    #expect(dmi < -1e-6 * d, "the bonds' DMI energy per area is \(dmi) J/m²")
  }

  @Test func neelWallEnergyIsFourRootAKMinusPiD() {
    // σ = 4√(AK) − π|D| for the Néel wall of the favoured sense (Thiaville et
    // al., EPL 100, 57002 (2012)); the edges cant the same in the wall and in
    // the uniform state (the energy is even under m → (−mx, my, −mz)), so the
    // difference of the two relaxed energies is the wall's.
    let delta = (a / k).squareRoot(), d = 1e-3
    let sigma = 4 * (a * k).squareRoot() - Double.pi * d
    for cells in [8.0, 12.0] {
      let dx = delta / cells, length = 40 * delta
      let n = Int((length / dx).rounded())
      let grid = Grid(nx: n, dx: dx, dy: 1e-9, dz: 1e-9)
      // D > 0 favours m turning from +z towards −x: tilt π puts −x at the centre.
      let start = WallKind.neel.wall.walkerProfile(grid: grid, position: length / 2, width: delta, tilt: Double.pi)
      let (wall, eWall, _) = relaxed(dx: dx, length: length, d: d, start: start)
      let (_, eUniform, _) = relaxed(dx: dx, length: length, d: d)
      let measured = (eWall - eUniform) / (grid.dy * grid.dz)
      // The 1 % at dx ≤ Δ/8; measured −4.9e-4 at Δ/8, −2.2e-4 at Δ/12.
      #expect(abs(measured / sigma - 1) < 0.01, "dx = Δ/\(cells): σ = \(measured), expected \(sigma)")
      #expect(wall[n / 2].x < -0.9, "the wall stays Néel with m ∥ −x at its centre")
    }
  }

  @Test func configSectionRunOutputsAndTheWallModelWithDMI() throws {
    let text = """
      [mesh]
      n = [64, 1, 1]
      cellsize = [1e-9, 1e-9, 1e-9]
      [material]
      Ms = 1.1e6
      A = 1.5e-11
      alpha = 0.1
      [[anisotropy]]
      K1 = 1e6
      axis = [0, 0, 1]
      [dmi]
      D = 1e-3
      [initial]
      type = "wall"
      wall = "neel"
      [current]
      u = [10, 0, 0]
      [run]
      duration = 2e-12
      [output]
      fields = ["m", "B_dmi", "Edens_dmi"]
      """
    let sim = try Simulation(config: SimulationConfig(toml: text))
    #expect(sim.tableColumns.map(\.name).contains("E_dmi"))
    #expect(sim.config.parameters.contains(RegionParameter("D", [1e-3], unit: "J/m^2")))
    // The (q, φ) model has the DMI (region 0's D, the class's vector along x).
    let model = try #require(sim.wallModel)
    #expect(model.dmiStrength == 1e-3 && model.dmiVector == SIMD3(0, 1, 0))
    // D > 0 favours the tilt π (m ∥ −x at the centre) over 0.
    #expect(model.restTilt(0) == Double.pi)
    let path = temporaryPath("dmi-\(UUID().uuidString).h5")
    let report = try Runner.run(config: sim.config, outputPath: path, overwrite: true)
    try? FileManager.default.removeItem(atPath: path)
    #expect(report.modelMotion != nil && report.modelUnavailable == nil)
    // Errors name the key.
    let key = { (text: String) in configError(text)?.key }
    #expect(key(text.replacingOccurrences(of: "D = 1e-3", with: "D = \"x\"")) == "dmi.D")
    #expect(key(text.replacingOccurrences(of: "D = 1e-3", with: "D = 1e-3\nDD = 1")) == "dmi.DD")
    // A = 0 is accepted: no exchange, no boundary condition (OOMMF's free edge).
    #expect(configError(text.replacingOccurrences(of: "A = 1.5e-11", with: "A = 0")) == nil)
  }
}
