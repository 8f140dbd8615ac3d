import Foundation
import Gilbert
import GilbertIO
import Testing

/// One cell's dm/dt under `terms` (rad/s).
private func rate(_ magnet: Magnet, _ terms: [any FieldTerm], _ m: SIMD3<Double>, time: Double = 0) -> SIMD3<Double> {
  var llg = LLG(magnet: magnet, fieldTerms: terms)
  var out = VectorField(count: 1)
  llg.derivative(m: VectorField(count: 1, uniform: m), time: time, into: &out)
  return out[0]
}

private func unit(_ v: SIMD3<Double>) -> SIMD3<Double> { v / (v * v).sum().squareRoot() }
private func norm(_ v: SIMD3<Double>) -> Double { (v * v).sum().squareRoot() }

/// The cubic anisotropy: energies of tilted states, the field as the
/// energy's gradient, the easy directions, the config section.
@Suite struct CubicAnisotropyTests {
  let ms = 8e5

  @Test func tiltedStatesHaveTheClosedFormEnergy() {
    // Axes turned away from the grid's (axis2 given off-perpendicular, so
    // the term's orthonormalisation is in the test); two regions with K1 of
    // either sign. m = sin θ cos φ u1 + sin θ sin φ u2 + cos θ u3 has
    // K1 (sin⁴θ cos²φ sin²φ + sin²θ cos²θ) per volume.
    let grid = Grid(nx: 2, dx: 2e-9, dy: 3e-9, dz: 1e-9)
    let materials = [Material(saturationMagnetization: ms, exchangeStiffness: 0, damping: 0.1), Material(saturationMagnetization: 6e5, exchangeStiffness: 0, damping: 0.1)]
    let magnet = Magnet(grid: grid, regions: [0, 1], materials: materials)
    let k1 = [4.5e4, -5.7e3]
    let a1 = SIMD3<Double>(1, 1, 0), a2 = SIMD3<Double>(-1, 1, 0.4)
    let term = CubicAnisotropy(magnet: magnet, constants: k1, axis1: a1, axis2: a2)
    let (u1, u2, u3) = CubicAnisotropy.orthonormal(a1, a2)!
    for (theta, phi) in [(0.0, 0.0), (0.3, 1.1), (Double.pi / 4, Double.pi / 4), (1.2, -2.5), (2.9, 0.2)] {
      let m = sin(theta) * cos(phi) * u1 + sin(theta) * sin(phi) * u2 + cos(theta) * u3
      let density = term.energyDensity(m: VectorField(count: 2, uniform: m), time: 0)
      let s2 = sin(theta) * sin(theta), c2 = cos(theta) * cos(theta)
      let shape = s2 * s2 * cos(phi) * cos(phi) * sin(phi) * sin(phi) + s2 * c2
      for r in 0..<2 {
        // Round-off of the projections only (a few ulps of K1).
        #expect(abs(density[r] - k1[r] * shape) <= 1e-12 * abs(k1[r]), "θ = \(theta), φ = \(phi), region \(r): \(density[r]) vs \(k1[r] * shape)")
      }
      let e = term.energy(m: VectorField(count: 2, uniform: m), time: 0)
      #expect(abs(e - (k1[0] + k1[1]) * shape * grid.cellVolume) <= 1e-12 * abs(k1[0]) * grid.cellVolume)
    }
  }

  @Test func fieldIsMinusTheEnergyGradientOverMsV() {
    let grid = Grid(nx: 1, dx: 2e-9, dy: 2e-9, dz: 2e-9)
    let magnet = Magnet(grid: grid, material: Material(saturationMagnetization: ms, exchangeStiffness: 0, damping: 0.1))
    let term = CubicAnisotropy(magnet: magnet, constants: [3e4], axis1: SIMD3(0, 0.3, 1), axis2: SIMD3(1, 0, 0))
    let m = VectorField(count: 1, uniform: unit(SIMD3(0.4, -0.7, 0.59)))
    var b = VectorField(count: 1)
    term.addField(to: &b, m: m, time: 0)
    for c in 0..<3 {
      let h = 1e-6
      var plus = m, minus = m
      plus.storage[c] += h
      minus.storage[c] -= h
      let gradient = (term.energy(m: plus, time: 0) - term.energy(m: minus, time: 0)) / (2 * h)
      // The energy is a quartic: the central difference's error is h² times
      // its third derivative, ~1e-12 of the field's 0.075 T scale.
      #expect(abs(b[0][c] + gradient / (ms * grid.cellVolume)) < 1e-9, "component \(c)")
    }
  }

  @Test func positiveK1RelaxesToAnAxisNegativeToADiagonal() {
    let grid = Grid(nx: 1, dx: 2e-9, dy: 2e-9, dz: 2e-9)
    let magnet = Magnet(grid: grid, material: Material(saturationMagnetization: ms, exchangeStiffness: 0, damping: 0.5))
    for (k1, expected) in [(4e4, SIMD3<Double>(0, 0, 1)), (-4e4, unit(SIMD3(1, 1, 1)))] {
      var llg = LLG(
        magnet: magnet,
        fieldTerms: [CubicAnisotropy(magnet: magnet, constants: [k1], axis1: SIMD3(1, 0, 0), axis2: SIMD3(0, 1, 0))])
      var m = VectorField(count: 1, uniform: unit(SIMD3(0.4, 0.5, 1)))
      let result = Relaxer(torqueTolerance: 1e-10).relax(&llg, m: &m)
      #expect(result.converged)
      // At a torque of 1e-10 T against a curvature of 2|K1|/Ms·(4/3 or 2), m is within 1e-8 of the minimum.
      #expect(norm(m[0] - expected) < 1e-6, "K1 = \(k1): m = \(m[0])")
    }
  }

  @Test func configSection() throws {
    let text = """
      [mesh]
      n = [4, 1, 1]
      cellsize = [2e-9, 2e-9, 2e-9]
      [material]
      Ms = 8e5
      A = 1e-11
      alpha = 0.5
      [[anisotropy_cubic]]
      K1 = 4.8e4
      axis1 = [1, 0, 0]
      axis2 = [0, 2, 0]
      [initial]
      type = "uniform"
      direction = [0.3, 0.2, 1]
      [run]
      duration = 1e-12
      """
    let sim = try Simulation(config: SimulationConfig(toml: text))
    #expect(sim.tableColumns.map(\.name).contains("E_cubic_anisotropy"))
    #expect(sim.config.parameters.contains(RegionParameter("Kc1", [4.8e4], unit: "J/m^3")))
    #expect(sim.config.parameters.contains(RegionParameter("Kc_axis2", [0, 1, 0], unit: "")))
    let key = { (text: String) in configError(text)?.key }
    #expect(key(text.replacingOccurrences(of: "axis2 = [0, 2, 0]", with: "axis2 = [3, 0, 0]")) == "anisotropy_cubic[0].axis2")
    #expect(key(text.replacingOccurrences(of: "axis1 = [1, 0, 0]", with: "axis1 = [0, 0, 0]")) == "anisotropy_cubic[0].axis1")
    #expect(key(text.replacingOccurrences(of: "K1 = 4.8e4", with: "K1 = \"big\"")) == "anisotropy_cubic[0].K1")
  }
}

/// The DMI's crystal classes: spirals against the closed form, the bulk
/// helix's period, Cnv_z against Gilbert's interfacial form, D between
/// regions, the config section.
@Suite struct DMIClassTests {
  let a = 1e-11, ms = 8e5

  func magnet(_ grid: Grid) -> Magnet {
    Magnet(grid: grid, material: Material(saturationMagnetization: ms, exchangeStiffness: a, damping: 0.5))
  }

  /// m turning about n with wavenumber q along axis `axis` (0, 1, 2) of `grid`.
  func spiral(_ grid: Grid, about n: SIMD3<Double>, axis: Int, q: Double) -> VectorField {
    // e1, e2 with e1 × e2 = n.
    let helper: SIMD3<Double> = abs(n.x) < 0.9 ? SIMD3(1, 0, 0) : SIMD3(0, 1, 0)
    let e1 = unit(cross(helper, n)), e2 = cross(n, e1)
    var m = VectorField(count: grid.cellCount)
    let h = [grid.dx, grid.dy, grid.dz][axis]
    for i in 0..<grid.cellCount {
      let c = grid.cell(i)
      let s = (Double([c.ix, c.iy, c.iz][axis]) + 0.5) * h
      m[i] = cos(q * s) * e1 + sin(q * s) * e2
    }
    return m
  }

  @Test(arguments: [false, true])
  func spiralsOfEveryClassHaveTheClosedFormEnergy(periodic: Bool) {
    // For each class and each axis a with d̂_a ≠ 0, m turning about d̂_a/|d̂_a|
    // along a has m × ∂_a m = (sin(q h)/h) d̂_a/|d̂_a| with central differences,
    // so the energy density D d̂_a·(m × ∂_a m) is D |d̂_a| sin(q h)/h in every
    // cell whose neighbours along a exist: all cells when a = x (periodic)
    // and, with `periodic`, when a = y or z (periodic_y, periodic_z).
    let d = 2.5e-3, h = 1e-9, n = 24
    for cls in DMIClass.allCases {
      let v = cls.vectors
      for (axis, dv) in [v.0, v.1, v.2].enumerated() where dv != .zero {
        let grid = Grid(
          nx: axis == 0 ? n : 1, ny: axis == 1 ? n : 1, nz: axis == 2 ? n : 1, dx: h, dy: h, dz: h,
          periodicX: axis == 0, periodicY: periodic && axis == 1, periodicZ: periodic && axis == 2)
        let term = DMI(magnet: magnet(grid), strength: RegionParameter("D", [d], unit: "J/m^2"), crystalClass: cls)
        let q = 2 * Double.pi * 3 / (Double(n) * h)
        let density = term.energyDensity(m: spiral(grid, about: unit(dv), axis: axis, q: q), time: 0)
        let expected = d * norm(dv) * sin(q * h) / h
        let cells = axis == 0 || periodic ? 0..<n : 1..<(n - 1)
        let worst = cells.map { abs(density[$0] / expected - 1) }.max()!
        // Round-off of the differences and cross products only.
        #expect(worst < 1e-12, "\(cls.rawValue) along axis \(axis): worst relative error \(worst)")
      }
    }
  }

  @Test func cnvZIsInterfacialWithTheOtherSignOfD() {
    // Ubermag's Cnv_z energy D((m·∇)m_z − m_z ∇·m) is Gilbert's interfacial
    // D(m_z ∇·m − (m·∇)m_z) with −D, edges and boundary condition included.
    let grid = Grid(nx: 9, ny: 5, nz: 2, dx: 1e-9, dy: 1.5e-9, dz: 2e-9)
    var m = VectorField(count: grid.cellCount)
    for i in 0..<grid.cellCount {
      let s = Double(i)
      m[i] = unit(SIMD3(sin(0.7 * s), cos(1.3 * s), 0.5 + 0.2 * sin(s)))
    }
    let mag = magnet(grid)
    var b1 = VectorField(count: grid.cellCount), b2 = b1
    DMI(magnet: mag, strength: RegionParameter("D", [1.2e-3], unit: "J/m^2")).addField(to: &b1, m: m, time: 0)
    DMI(magnet: mag, strength: RegionParameter("D", [-1.2e-3], unit: "J/m^2"), crystalClass: .cnvZ)
      .addField(to: &b2, m: m, time: 0)
    let worst = zip(b1.storage, b2.storage).map { abs($0 - $1) }.max()!
    // The same operations on values of either sign: equal to round-off of the 3 T field.
    #expect(worst < 1e-13, "worst difference \(worst) T")
  }

  @Test func bulkHelixHasThePeriodFourPiAOverD() {
    // A free wire with bulk DMI (class T) relaxes to a helix about x of
    // wavenumber tan(q dx) = D dx/(2A) (the discrete minimum of
    // A(2 − 2 cos q dx)/dx² − D sin(q dx)/dx), period → 4πA/D as dx → 0.
    let d = 3e-3, dx = 0.5e-9
    let period = 4 * Double.pi * a / d  // 41.9 nm
    let discrete = 2 * Double.pi * dx / atan(d * dx / (2 * a))
    let grid = Grid(nx: 200, dx: dx, dy: 1e-9, dz: 1e-9)
    let mag = magnet(grid)
    var llg = LLG(
      magnet: mag,
      fieldTerms: [Exchange(magnet: mag), DMI(magnet: mag, strength: RegionParameter("D", [d], unit: "J/m^2"), crystalClass: .bulk)])
    // D > 0 favours m × ∂x m along +x (energy −D x̂·(m × ∂x m)): a helix
    // turning about +x. Start from one of the wrong period (0.8 of it): the
    // free ends let it wind up.
    var m = spiral(grid, about: SIMD3(1, 0, 0), axis: 0, q: 0.8 * 2 * Double.pi / period)
    let result = Relaxer(torqueTolerance: 1e-9, maximumIterations: 400_000).relax(&llg, m: &m)
    #expect(result.converged, "\(result.iterations) iterations")
    // The turn per cell in the middle half (away from the edges' canting).
    var turn = 0.0
    for i in 50..<150 {
      let p = m[i], q = m[i + 1]
      turn += atan2(dot(cross(p, q), SIMD3(1, 0, 0)), dot(p, q))
    }
    let measured = 2 * Double.pi * dx / (turn / 100)
    // The issue's 1 % of 4πA/D (the discrete period is 0.19 % above it at
    // dx = 0.5 nm), and the discrete period itself to 1e-4 (torque 1e-9 T).
    #expect(abs(measured / period - 1) < 0.01, "period \(measured) m against 4πA/D = \(period) m")
    #expect(abs(measured / discrete - 1) < 1e-4, "period \(measured) m against the discrete \(discrete) m")
    // (Measured: 7e-9 from the discrete period.)
    // The helix's DMI energy in the middle is −D sin(q dx)/dx per volume (T's sign favours it).
    let density = llg.fieldTerms[1].energyDensity(m: m, time: 0)
    let q = 2 * Double.pi / measured
    #expect(abs(density[100] / (-d * sin(q * dx) / dx) - 1) < 1e-3)
  }

  @Test func bondsBetweenRegionsTakeTheInterfaceD() {
    // A periodic wire of two regions with the same D and D_int on the two
    // bonds between them: the energy is V Σ_bonds (D_b/dx) d̂_x·(m_i × m_{i+1})
    // with D_b = D_int on those bonds (d̂_x = ŷ, interfacial).
    let grid = Grid(nx: 12, dx: 1e-9, dy: 1e-9, dz: 1e-9, periodicX: true)
    let regions = (0..<12).map { $0 < 6 ? 0 : 1 }
    let material = Material(saturationMagnetization: ms, exchangeStiffness: a, damping: 0.5)
    let mag = Magnet(grid: grid, regions: regions, materials: [material, material])
    let (d, dInt) = (1e-3, -2.5e-3)
    let term = DMI(
      magnet: mag, strength: RegionParameter("D", [d], unit: "J/m^2"), interfaces: [RegionPair(0, 1): dInt])
    var m = VectorField(count: 12)
    for i in 0..<12 { m[i] = unit(SIMD3(sin(0.9 * Double(i)), 0.3 * cos(Double(i)), cos(0.5 * Double(i)))) }
    var expected = 0.0
    for i in 0..<12 {
      let j = (i + 1) % 12
      let db = regions[i] == regions[j] ? d : dInt
      expected += db / grid.dx * cross(m[i], m[j]).y * grid.cellVolume
    }
    let e = term.energy(m: m, time: 0)
    #expect(abs(e / expected - 1) < 1e-12, "\(e) J against \(expected) J")
  }

  @Test func configSection() throws {
    let text = """
      [mesh]
      n = [16, 1, 1]
      cellsize = [1e-9, 1e-9, 1e-9]
      [material]
      Ms = 8e5
      A = 1e-11
      alpha = 0.5
      [dmi]
      D = 2e-3
      class = "T"
      [initial]
      type = "uniform"
      direction = [0, 0, 1]
      [run]
      duration = 1e-12
      """
    let sim = try Simulation(config: SimulationConfig(toml: text))
    #expect(sim.config.section(DMISection.self)?.crystalClass == .bulk)
    let o = try SimulationConfig(toml: text.replacingOccurrences(of: "\"T\"", with: "\"O\""))
    #expect(o.section(DMISection.self)?.crystalClass == .bulk)
    let key = { (text: String) in configError(text)?.key }
    #expect(key(text.replacingOccurrences(of: "\"T\"", with: "\"C3v\"")) == "dmi.class")
    #expect(key(text.replacingOccurrences(of: "[dmi]\nD = 2e-3\nclass = \"T\"", with: "[[dmi_interface]]\nregions = [0, 1]\nD = 1e-3")) == "dmi_interface[0].D")
  }
}

/// The spin–orbit torques: the torque against magnum.np's form, the config
/// section's defaults and errors.
@Suite struct SpinOrbitTorqueTests {
  @Test func torqueIsTheDampingLikeAndFieldLikeForm() {
    // dm/dt = (T + α m × T)/(1 + α²) with T = τ_DL m × (m × σ) + τ_FL m × σ,
    // τ = γ ħ ξ j/(2 e Ms t_F) (magnum.np's h = −(ħ j/(2 e μ0 Ms d))(η_damp m × p + η_field p) in the Gilbert equation).
    let grid = Grid(nx: 1, dx: 2e-9, dy: 2e-9, dz: 1e-9)
    let (ms, alpha, j, t) = (6e5, 0.3, 2e11, 1e-9)
    let magnet = Magnet(grid: grid, material: Material(saturationMagnetization: ms, exchangeStiffness: 0, damping: alpha))
    let sigma = unit(SIMD3(0.2, 1, 0.1))
    let (xiDL, xiFL) = (0.12, -0.05)
    let sot = SpinOrbitTorque(
      magnet: magnet, currentDensity: j, thickness: t, dampingLike: [xiDL], fieldLike: [xiFL], polarization: [sigma])
    let scale = PhysicalConstants.gammaLL * PhysicalConstants.reducedPlanck * j / (2 * PhysicalConstants.elementaryCharge * ms * t)
    for m in [unit(SIMD3(0.3, -0.2, 0.9)), unit(SIMD3(-1, 0.4, 0.1))] {
      let torque = scale * (xiDL * cross(m, cross(m, sigma)) + xiFL * cross(m, sigma))
      let expected = (torque + alpha * cross(m, torque)) / (1 + alpha * alpha)
      let got = rate(magnet, [sot], m)
      #expect(norm(got - expected) < 1e-12 * norm(expected), "m = \(m): \(got) against \(expected)")
    }
    // τ_DL m × (m × σ) = −τ_DL σ⊥: with ξ_DL > 0 the damping-like torque
    // alone turns m away from σ (m·σ falls), as magnum.np's and BORIS's.
    let dl = SpinOrbitTorque(
      magnet: magnet, currentDensity: j, thickness: t, dampingLike: [0.1], fieldLike: [0], polarization: [sigma])
    let m = unit(SIMD3(0.5, -0.5, 0.7))
    #expect(dot(rate(magnet, [dl], m), sigma) < 0)
  }

  @Test func configSectionDefaultsAndErrors() throws {
    let text = """
      [mesh]
      n = [8, 1, 1]
      cellsize = [2e-9, 2e-9, 1e-9]
      [material]
      Ms = 6e5
      A = 1e-11
      alpha = 0.3
      [sot]
      j = [1e11, 0, 0]
      spin_hall_angle = 0.1
      [initial]
      type = "uniform"
      direction = [0, 0, 1]
      [run]
      duration = 1e-12
      """
    let config = try SimulationConfig(toml: text)
    let sot = try #require(config.section(SpinOrbitSection.self))
    // σ = ẑ × ĵ: +y for j along +x, −x for j along +y; t_F the grid's thickness.
    #expect(sot.sigma == [SIMD3(0, 1, 0)] && sot.thickness == 1e-9 && sot.dampingLike == [0.1] && sot.fieldLike == [0])
    let along = try SimulationConfig(toml: text.replacingOccurrences(of: "[1e11, 0, 0]", with: "[0, 1e11, 0]"))
    #expect(along.section(SpinOrbitSection.self)?.sigma == [SIMD3(-1, 0, 0)])
    let sim = try Simulation(config: config)
    #expect(sim.tableColumns.map(\.name).contains("E_sot"))
    let key = { (text: String) in configError(text)?.key }
    #expect(key(text.replacingOccurrences(of: "spin_hall_angle = 0.1", with: "spin_hall_angle = 0.1\nxi_DL = 0.2")) == "sot")
    #expect(key(text.replacingOccurrences(of: "j = [1e11, 0, 0]\n", with: "")) == "sot.j")
    #expect(key(text.replacingOccurrences(of: "[1e11, 0, 0]", with: "[0, 0, 1e11]")) == "sot.j")
    #expect(key(text.replacingOccurrences(of: "spin_hall_angle = 0.1", with: "spin_hall_angle = 0.1\nsigma = [0, 0, 0]")) == "sot.sigma")
  }
}

/// Slonczewski's torque: its form against OOMMF's and mumax3's, and the
/// switching threshold of a macrospin.
@Suite struct SlonczewskiTests {
  let ms = 8e5, alpha = 0.05, t = 2e-9

  func magnet() -> Magnet {
    Magnet(
      grid: Grid(nx: 1, dx: 20e-9, dy: 20e-9, dz: t),
      material: Material(saturationMagnetization: ms, exchangeStiffness: 0, damping: alpha))
  }

  @Test func torqueIsOOMMFsAndMumax3s() {
    // OOMMF (Gilbert form): dm/dt = −γ m × B + α m × dm/dt + γ b ε m × (p × m) − γ b ε′ m × p,
    // b = ħ J/(e Ms t), ε = P Λ²/((Λ² + 1) + (Λ² − 1) m·p). With ε′ = 0 its
    // Landau–Lifshitz form is mumax3's (Vansteenkiste et al., AIP Adv. 4,
    // 107133 (2014), Eq. 10): γ b ε/(1 + α²) [m × (p × m) + α m × p].
    let mag = magnet()
    let (j, pol, lambda) = (3e11, 0.4, 2.0)
    let p = unit(SIMD3(0.2, 0.1, 1))
    let b = PhysicalConstants.reducedPlanck * j / (PhysicalConstants.elementaryCharge * ms * t)
    let g = PhysicalConstants.gammaLL
    for epsPrime in [0.0, 0.3] {
      let term = SlonczewskiTorque(
        magnet: mag, currentDensity: [j], thickness: t, polarization: [pol], lambda: [lambda],
        epsilonPrime: [epsPrime], fixedLayer: [p * 3])
      for m in [unit(SIMD3(0.3, -0.2, -0.9)), unit(SIMD3(1, 0.4, 0.1))] {
        let l2 = lambda * lambda
        let eps = pol * l2 / ((l2 + 1) + (l2 - 1) * dot(m, p))
        let torque = g * b * (eps * cross(m, cross(p, m)) - epsPrime * cross(m, p))
        let oommf = (torque + alpha * cross(m, torque)) / (1 + alpha * alpha)
        let got = rate(mag, [term], m)
        #expect(norm(got - oommf) < 1e-12 * norm(oommf), "ε′ = \(epsPrime), m = \(m)")
        if epsPrime == 0 {
          let mumax3 = g * b * eps / (1 + alpha * alpha) * (cross(m, cross(p, m)) + alpha * cross(m, p))
          #expect(norm(got - mumax3) < 1e-12 * norm(mumax3), "mumax3's form, m = \(m)")
          // J > 0 pulls m towards p.
          #expect(dot(got, p) > 0)
        }
      }
    }
  }

  @Test func macrospinSwitchingThresholdIsTheClosedForm() throws {
    // Easy axis z (K), p = +z, m near −z. Linearised, the cone angle grows
    // at γ (b ε(−1) − α B_K)/(1 + α²), B_K = 2K/Ms, ε(−1) = P Λ²/2: the
    // threshold is J_c = 2 α K e t/(ħ ε(−1)). Measured: the growth rate at
    // 0.8 J_c and 1.2 J_c from ln(θ(T)/θ0)/T, and the zero of the line through them.
    let mag = magnet()
    let (k, pol, lambda) = (2e5, 0.5, 1.6)
    let epsilon = pol * lambda * lambda / 2
    let jc = 2 * alpha * k * PhysicalConstants.elementaryCharge * t / (PhysicalConstants.reducedPlanck * epsilon)
    let theta0 = 1e-3, duration = 2e-9
    func growth(_ j: Double) throws -> Double {
      var llg = LLG(
        magnet: mag,
        fieldTerms: [
          UniaxialAnisotropy(magnet: mag, constants: [k], axis: SIMD3(0, 0, 1)),
          SlonczewskiTorque(
            magnet: mag, currentDensity: [j], thickness: t, polarization: [pol], lambda: [lambda],
            epsilonPrime: [0], fixedLayer: [SIMD3(0, 0, 1)]),
        ])
      var stepper = RungeKutta(for: llg, tableau: .dormandPrince, timeStep: 1e-14, tolerance: 1e-11)
      var m = VectorField(count: 1, uniform: SIMD3(sin(theta0), 0, -cos(theta0)))
      var time = 0.0
      try stepper.advance(&llg, m: &m, time: &time, to: duration)
      let theta = acos(-m[0].z)
      return log(theta / theta0) / duration
    }
    let (low, high) = (try growth(0.8 * jc), try growth(1.2 * jc))
    #expect(low < 0 && high > 0, "below J_c the cone closes, above it opens: \(low), \(high) /s")
    let measured = 0.8 * jc - low * (0.4 * jc) / (high - low)
    // The issue's 2 %; the rate is linear in J while θ stays small (θ grows
    // at most e^(0.4 × 1.1) here), so the zero is exact up to O(θ²).
    #expect(abs(measured / jc - 1) < 0.02, "J_c = \(measured) A/m² against \(jc) A/m²")
  }

  @Test func configSection() throws {
    let text = """
      [mesh]
      n = [1, 1, 1]
      cellsize = [20e-9, 20e-9, 2e-9]
      [material]
      Ms = 8e5
      A = 1e-11
      alpha = 0.05
      [slonczewski]
      J = 1e11
      p = [0, 0, 1]
      P = 0.4
      Lambda = 2
      [initial]
      type = "uniform"
      direction = [0, 0.1, -1]
      [run]
      duration = 1e-12
      """
    let config = try SimulationConfig(toml: text)
    let s = try #require(config.section(SlonczewskiSection.self))
    #expect(s.thickness == 2e-9 && s.epsilonPrime == [0] && s.lambda == [2])
    #expect(config.parameters.contains(RegionParameter("slonczewski_P", [0.4], unit: "")))
    let key = { (text: String) in configError(text)?.key }
    #expect(key(text.replacingOccurrences(of: "P = 0.4", with: "P = 1.4")) == "slonczewski.P")
    #expect(key(text.replacingOccurrences(of: "Lambda = 2", with: "Lambda = 0.5")) == "slonczewski.Lambda")
    #expect(key(text.replacingOccurrences(of: "p = [0, 0, 1]", with: "p = [0, 0, 0]")) == "slonczewski.p")
    #expect(key(text.replacingOccurrences(of: "J = 1e11\n", with: "")) == "slonczewski.J")
  }
}

/// Several applied fields, a field given as a table of vectors and one that
/// turns (a table of matrices).
@Suite struct SeveralZeemanTests {
  let base = """
    [mesh]
    n = [2, 1, 1]
    cellsize = [2e-9, 2e-9, 2e-9]
    [[region]]
    index = 1
    x = [2e-9, 4e-9]
    [material]
    Ms = [8e5, 8e5]
    A = 1e-11
    alpha = 0.5
    [initial]
    type = "uniform"
    direction = [0, 0, 1]
    [run]
    duration = 1e-12
    """

  @Test func fieldsAreSummedEachWithItsOwnTimeDependence() throws {
    let text = base + """

      [[zeeman]]
      name = "vec"
      table_t = [0, 1e-9]
      table_B = [[0.1, 0, 0], [0, 0.3, 0]]
      [[zeeman]]
      name = "turn"
      B = [[0, 0, 0.2], [0.2, 0, 0]]
      table_t = [0, 2e-9]
      table_matrix = [[1, 0, 0, 0, 1, 0, 0, 0, 1], [0, -1, 0, 1, 0, 0, 0, 0, 1]]
      [[zeeman]]
      name = "static"
      B = [0, 0, 0.05]
      """
    let sim = try Simulation(config: SimulationConfig(toml: text))
    let z = sim.equation.fieldTerms.compactMap { $0 as? Zeeman }
    #expect(z.map(\.name) == ["zeeman_vec", "zeeman_turn", "zeeman_static"])
    // At t = 0.5 ns: the vector table halfway, (0.05, 0.15, 0); the matrix
    // [[0.75, −0.25, 0], [0.25, 0.75, 0], [0, 0, 1]] on region 1's (0.2, 0, 0).
    let t = 0.5e-9
    #expect(norm(z[0].field(at: t, cell: 1) - SIMD3(0.05, 0.15, 0)) < 1e-15)
    #expect(norm(z[1].field(at: t, cell: 1) - SIMD3(0.15, 0.05, 0)) < 1e-15)
    #expect(norm(z[1].field(at: t, cell: 0) - SIMD3(0, 0, 0.2)) < 1e-15)
    // The fused pass sums the three at that time, cell by cell.
    var b = VectorField(count: 2)
    for term in z { term.addField(to: &b, m: VectorField(count: 2, uniform: SIMD3(0, 0, 1)), time: t) }
    #expect(norm(b[1] - SIMD3(0.2, 0.2, 0.05)) < 1e-15)
    // The table has the time-varying fields' columns, not the static one's.
    let columns = sim.tableColumns.map(\.name)
    #expect(columns.contains("Bx_zeeman_vec") && columns.contains("Bz_zeeman_turn") && !columns.contains("Bx_zeeman_static"))
    #expect(columns.contains("E_zeeman_static"))
  }

  @Test func errorsNameTheKey() {
    let key = { (text: String) in configError(text)?.key }
    #expect(key(base + "\n[[zeeman]]\nB = [0, 0, 1]\n[[zeeman]]\nB = [1, 0, 0]\nname = \"1\"") == "zeeman[1].name")
    #expect(key(base + "\n[zeeman]\nB = [0, 0, 1]\ntable_t = [0, 1e-9]\ntable_B = [[0, 0, 1], [1, 0, 0]]") == "zeeman.B")
    #expect(key(base + "\n[zeeman]\ntable_t = [0, 1e-9]\ntable_B = [[0, 0, 1]]") == "zeeman.table_B")
    #expect(key(base + "\n[zeeman]\nB = [0, 0, 1]\ntable_t = [1e-9, 0]\ntable_matrix = [[1, 0, 0, 0, 1, 0, 0, 0, 1], [1, 0, 0, 0, 1, 0, 0, 0, 1]]") == "zeeman.table_t[1]")
    #expect(key(base + "\n[zeeman]\nB = [0, 0, 1]\ntable_t = [0, 1e-9]\ntable_matrix = [[1, 0, 0], [1, 0, 0]]") == "zeeman.table_matrix[0]")
  }
}

/// Interlayer exchange between two layers of a 3D grid.
@Suite struct RKKYTests {
  /// A 4 × 3 × 5 grid: layers 0–1 region 0, layer 2 the spacer (region 1, magnetic, no coupling), 3–4 region 2.
  func magnet() -> Magnet {
    let grid = Grid(nx: 4, ny: 3, nz: 5, dx: 2e-9, dy: 3e-9, dz: 1e-9)
    let regions = (0..<grid.cellCount).map { i -> Int in
      let z = grid.cell(i).iz
      return z < 2 ? 0 : z == 2 ? 1 : 2
    }
    let material = Material(saturationMagnetization: 8e5, exchangeStiffness: 1e-11, damping: 0.5)
    return Magnet(grid: grid, regions: regions, materials: [material, material, material])
  }

  @Test func energyOfAnAngleIsMinusSigmaCosinePerArea() {
    // Layers at angle ψ: the facing surfaces (iz = 1 and 3) carry
    // −σ cos ψ − σ₂ cos²ψ per area, 12 cells of 6e-18 m² each.
    let mag = magnet()
    let (sigma, sigma2) = (-1.3e-3, 0.4e-3)
    let term = RKKYExchange(magnet: mag, first: [0], second: [2], axis: 2, sigma: sigma, sigma2: sigma2)
    #expect(term.pairs.count == 12)
    let area = 4 * 2e-9 * 3 * 3e-9
    for psi in [0.0, 0.7, 2.0, Double.pi] {
      var m = VectorField(count: mag.grid.cellCount)
      for i in 0..<m.count { m[i] = mag.regions[i] == 2 ? SIMD3(sin(psi), 0, cos(psi)) : SIMD3(0, 0, 1) }
      let e = term.energy(m: m, time: 0)
      let expected = (-sigma * cos(psi) - sigma2 * cos(psi) * cos(psi)) * area
      #expect(abs(e - expected) <= 1e-12 * abs(sigma) * area, "ψ = \(psi): \(e) J against \(expected) J")
      // The densities sum to the energy.
      let sum = term.energyDensity(m: m, time: 0).reduce(0, +) * mag.grid.cellVolume
      #expect(abs(sum - e) <= 1e-12 * abs(sigma) * area)
    }
  }

  @Test func fieldIsMinusTheEnergyGradient() {
    let mag = magnet()
    let term = RKKYExchange(magnet: mag, first: [0], second: [2], axis: 2, sigma: 1e-3, sigma2: -0.3e-3)
    var m = VectorField(count: mag.grid.cellCount)
    for i in 0..<m.count { m[i] = unit(SIMD3(sin(Double(i)), cos(1.7 * Double(i)), 0.4)) }
    var b = VectorField(count: m.count)
    term.addField(to: &b, m: m, time: 0)
    let (i, _) = term.pairs[5]
    for c in 0..<3 {
      var plus = m, minus = m
      plus.storage[c * m.count + i] += 1e-6
      minus.storage[c * m.count + i] -= 1e-6
      let gradient = (term.energy(m: plus, time: 0) - term.energy(m: minus, time: 0)) / 2e-6
      // Quadratic in m_i: the central difference is exact to round-off (field scale 1.25 T).
      #expect(abs(b[i][c] + gradient / (8e5 * mag.grid.cellVolume)) < 1e-8)
    }
  }

  @Test func negativeCouplingRelaxesAntiparallel() throws {
    let text = """
      [mesh]
      n = [4, 3, 5]
      cellsize = [2e-9, 3e-9, 1e-9]
      [[region]]
      index = 1
      z = [2e-9, 3e-9]
      [[region]]
      index = 2
      z = [3e-9, 5e-9]
      [material]
      Ms = 8e5
      A = 1e-11
      alpha = 0.5
      [[rkky]]
      regions = [0, 2]
      sigma = -1e-3
      [initial]
      type = "uniform"
      direction = [0.3, 0.2, 1]
      [relax]
      torque_tolerance = 1e-9
      """
    // The spacer region 1 (with its exchange to both layers cut) keeps
    // nothing else coupled: give the interfaces A = 0.
    let cut = text + "\n[[interface]]\nregions = [0, 1]\nA = 0\n[[interface]]\nregions = [1, 2]\nA = 0\n"
    let sim = try Simulation(config: SimulationConfig(toml: cut))
    var llg = sim.equation
    var m = VectorField(count: sim.magnet.grid.cellCount)
    for i in 0..<m.count { m[i] = sim.magnet.regions[i] == 2 ? unit(SIMD3(0.3, 0.2, -1)) : unit(SIMD3(0.3, 0.2, 1)) }
    // Start near parallel in the plane's direction so the coupling has to turn one layer over.
    for i in 0..<m.count where sim.magnet.regions[i] == 2 { m[i] = unit(SIMD3(0.2, 1, 0.3)) }
    let result = Relaxer(torqueTolerance: 1e-9).relax(&llg, m: &m)
    #expect(result.converged)
    let bottom = m[sim.magnet.grid.index(1, 1, 0)], top = m[sim.magnet.grid.index(1, 1, 4)]
    #expect(dot(bottom, top) < -0.999999, "m₁·m₂ = \(dot(bottom, top))")
    // Errors name the key.
    let key = { (text: String) in configError(text)?.key }
    #expect(key(cut.replacingOccurrences(of: "regions = [0, 2]", with: "regions = [0, 0]")) == "rkky[0].regions")
    #expect(key(cut.replacingOccurrences(of: "sigma = -1e-3", with: "sigma = -1e-3\naxis = \"x\"")) == "rkky[0].regions")
    #expect(key(cut.replacingOccurrences(of: "regions = [0, 2]", with: "regions = [0, 7]")) == "rkky[0].regions[1]")
  }
}

/// γ0 per region and frozen regions.
@Suite struct GyroAndFrozenTests {
  let text = """
    [mesh]
    n = [4, 1, 1]
    cellsize = [2e-9, 2e-9, 2e-9]
    [[region]]
    index = 1
    x = [4e-9, 8e-9]
    [material]
    Ms = 8e5
    A = 0
    alpha = 0.1
    gamma0 = [2.21105e5, 1.5e5]
    [zeeman]
    B = [0, 0, 0.1]
    [initial]
    type = "uniform"
    direction = [1, 0, 0.2]
    [solver]
    method = "rk45"
    tolerance = 1e-10
    [run]
    duration = 2e-10
    """

  @Test func eachRegionPrecessesAtItsOwnGamma() throws {
    // Without exchange each cell is a macrospin in B ẑ: the azimuth turns at
    // γ B/(1 + α²) with its region's γ = γ0/μ0.
    let sim = try Simulation(config: SimulationConfig(toml: text))
    var llg = sim.equation
    var m = VectorField(count: 4, uniform: unit(SIMD3(1, 0, 0.2)))
    var stepper = RungeKutta(for: llg, tableau: .dormandPrince, timeStep: 1e-14, tolerance: 1e-11)
    var t = 0.0
    let end = 2e-11  // less than a turn at either γ
    try stepper.advance(&llg, m: &m, time: &t, to: end)
    for (cell, gamma0) in [(0, 2.21105e5), (3, 1.5e5)] {
      let phi = atan2(m[cell].y, m[cell].x)
      let expected = gamma0 / PhysicalConstants.mu0 * 0.1 * end / (1 + 0.01)
      // The integrator's tolerance: 1e-11 per step over ~100 steps.
      #expect(abs(phi - expected) < 1e-7, "cell \(cell): φ = \(phi), expected \(expected)")
    }
    #expect(sim.config.parameters.contains(RegionParameter("gamma0", [2.21105e5, 1.5e5], unit: "m/(A*s)")))
  }

  @Test func frozenCellsHoldTheirMagnetisationAndStillActOnTheirNeighbours() throws {
    let frozen = text.replacingOccurrences(of: "A = 0", with: "A = 1e-11")
      .replacingOccurrences(of: "gamma0 = [2.21105e5, 1.5e5]", with: "frozen = [false, true]")
    let sim = try Simulation(config: SimulationConfig(toml: frozen))
    var llg = sim.equation
    var m = VectorField(count: 4)
    for i in 0..<4 { m[i] = i < 2 ? SIMD3(0, 0, 1) : unit(SIMD3(1, 0.3, 0)) }
    let start = m
    var stepper = RungeKutta(for: llg, tableau: .dormandPrince, timeStep: 1e-14, tolerance: 1e-8)
    var t = 0.0
    try stepper.advance(&llg, m: &m, time: &t, to: 5e-11)
    // dm/dt is exactly 0 there: only the steps' renormalisation touches the last bit.
    #expect(norm(m[2] - start[2]) < 1e-15 && norm(m[3] - start[3]) < 1e-15)
    // The free cells moved, pulled by the frozen ones through exchange.
    #expect(abs(m[1].z - 1) > 1e-3)
    var relaxed = start
    _ = Relaxer(torqueTolerance: 1e-8).relax(&llg, m: &relaxed)
    #expect(norm(relaxed[2] - start[2]) < 1e-15 && norm(relaxed[3] - start[3]) < 1e-15)
    #expect(sim.config.parameters.contains(RegionParameter("frozen", [0, 1], unit: "")))
    let key = { (text: String) in configError(text)?.key }
    #expect(key(frozen.replacingOccurrences(of: "frozen = [false, true]", with: "frozen = [true, true]")) == "material.frozen")
    #expect(key(frozen.replacingOccurrences(of: "frozen = [false, true]", with: "frozen = \"yes\"")) == "material.frozen")
    #expect(key(text.replacingOccurrences(of: "gamma0 = [2.21105e5, 1.5e5]", with: "gamma0 = [2.21105e5, -1]")) == "material.gamma0[1]")
  }
}

/// Periodic boundaries along y and z.
@Suite struct PeriodicYZTests {
  @Test func filmPeriodicInXAndYHasTheThinFilmDemagFactor() {
    // A film one cell thick, periodic in x and y, magnetised along z: the
    // image sums make it an infinite film, N_zz → 1, from below as the
    // images grow (the truncated sheet is (2·images + 1) times wider).
    let grid = Grid(nx: 16, ny: 16, dx: 2e-9, dy: 2e-9, dz: 2e-9, periodicX: true, periodicY: true)
    let ms = 8e5
    let magnet = Magnet(grid: grid, material: Material(saturationMagnetization: ms, exchangeStiffness: 1e-11, damping: 0.1))
    var factors: [Double] = []
    for images in [5, 20, 80] {
      let demag = Demag(magnet: magnet, images: images)
      var b = VectorField(count: grid.cellCount)
      demag.addField(to: &b, m: VectorField(count: grid.cellCount, uniform: SIMD3(0, 0, 1)), time: 0)
      let nzz = -b[grid.index(5, 9)].z / (PhysicalConstants.mu0 * ms)
      // Uniform in the plane: every cell the same (round-off of the transforms).
      #expect(b.storage[(2 * grid.cellCount)...].allSatisfy { abs($0 - b[0].z) < 1e-12 })
      factors.append(nzz)
    }
    #expect(factors[0] < factors[1] && factors[1] < factors[2] && factors[2] <= 1 + 1e-12, "N_zz: \(factors)")
    // The issue's 1e-3: the last is 1 − N_zz ≈ t/(π W) with W = 161 × 32 nm.
    #expect(1 - factors[2] < 1e-3, "N_zz = \(factors[2]) with 80 images")
    // The same from the 3D term (two layers, periodic along x and y).
    let thick = Grid(nx: 8, ny: 8, nz: 2, dx: 2e-9, dy: 2e-9, dz: 1e-9, periodicX: true, periodicY: true)
    let body = Magnet(grid: thick, material: Material(saturationMagnetization: ms, exchangeStiffness: 1e-11, damping: 0.1))
    var b = VectorField(count: thick.cellCount)
    Demag3D(magnet: body, images: 80).addField(to: &b, m: VectorField(count: thick.cellCount, uniform: SIMD3(0, 0, 1)), time: 0)
    #expect(abs(-b[3].z / (PhysicalConstants.mu0 * ms) - 1) < 2e-3, "3D film: N_zz = \(-b[3].z / (PhysicalConstants.mu0 * ms))")
  }

  @Test func periodicInEveryDirectionIsACubeOfImages() {
    // Periodic along x, y and z with a cubic grid of cubic cells: the
    // truncated image sum is a cube of (2·images + 1)³ copies, uniformly
    // magnetised, whose demag factors are 1/3 each (trace 1, cubic symmetry),
    // in every cell, whatever the number of images.
    let grid = Grid(nx: 4, ny: 4, nz: 4, dx: 2e-9, dy: 2e-9, dz: 2e-9, periodicX: true, periodicY: true, periodicZ: true)
    let magnet = Magnet(grid: grid, material: Material(saturationMagnetization: 8e5, exchangeStiffness: 1e-11, damping: 0.1))
    for direction in [SIMD3<Double>(0, 0, 1), SIMD3(1, 0, 0)] {
      var b = VectorField(count: grid.cellCount)
      Demag3D(magnet: magnet, images: 3).addField(to: &b, m: VectorField(count: grid.cellCount, uniform: direction), time: 0)
      let n = -(b[5] * direction).sum() / (PhysicalConstants.mu0 * 8e5)
      // Round-off of the Newell sums and the transforms (measured 5e-16).
      #expect(abs(n - 1.0 / 3) < 1e-12, "N along \(direction): \(n)")
    }
  }

  @Test func exchangeWrapsAlongYAndZ() {
    // A spiral of angle δ per cell along y (z), periodic: A (2 − 2 cos δ)/d² per volume in every cell.
    for axis in [1, 2] {
      let n = 12
      let grid = Grid(
        nx: 3, ny: axis == 1 ? n : 2, nz: axis == 2 ? n : 2, dx: 1e-9, dy: 1.5e-9, dz: 2e-9, periodicY: axis == 1,
        periodicZ: axis == 2)
      let a = 1.2e-11
      let magnet = Magnet(grid: grid, material: Material(saturationMagnetization: 8e5, exchangeStiffness: a, damping: 0.1))
      let delta = 2 * Double.pi * 2 / Double(n)
      var m = VectorField(count: grid.cellCount)
      for i in 0..<m.count {
        let c = grid.cell(i)
        let k = Double(axis == 1 ? c.iy : c.iz)
        m[i] = SIMD3(cos(delta * k), sin(delta * k), 0)
      }
      let density = Exchange(magnet: magnet).energyDensity(m: m, time: 0)
      let d = axis == 1 ? grid.dy : grid.dz
      let expected = a * (2 - 2 * cos(delta)) / (d * d)
      #expect(density.allSatisfy { abs($0 / expected - 1) < 1e-12 }, "axis \(axis)")
    }
  }

  @Test func configAndUbermagNames() throws {
    let text = """
      [mesh]
      n = [4, 4, 2]
      cellsize = [2e-9, 2e-9, 2e-9]
      periodic_y = true
      periodic_z = true
      [material]
      Ms = 8e5
      A = 1e-11
      alpha = 0.5
      [demag]
      method = "fft"
      images = 3
      [initial]
      type = "uniform"
      direction = [0, 0, 1]
      [run]
      duration = 1e-13
      """
    let config = try SimulationConfig(toml: text)
    #expect(config.grid.periodicY && config.grid.periodicZ && !config.grid.periodicX)
    let key = { (text: String) in configError(text)?.key }
    #expect(key(text.replacingOccurrences(of: "periodic_z = true", with: "periodic_z = 1")) == "mesh.periodic_z")
  }
}

/// `relax.sample_every` (Ubermag's output_step) and the "Edens_*" wildcard of output.fields.
@Suite struct RelaxSamplingTests {
  let text = """
    [mesh]
    n = [4, 1, 1]
    cellsize = [2e-9, 2e-9, 2e-9]
    [material]
    Ms = 8e5
    A = 1e-11
    alpha = 0.5
    [[anisotropy]]
    K1 = 1e5
    axis = [0, 0, 1]
    [zeeman]
    B = [0.01, 0, 0.2]
    [initial]
    type = "uniform"
    direction = [1, 0.2, 0.1]
    [relax]
    torque_tolerance = 1e-8
    [output]
    fields = ["m", "Edens_*"]
    """

  @Test func samplesEveryNIterationsAndReachesTheSameMinimum() throws {
    func relaxed(_ every: Int) throws -> RunReport {
      let path = temporaryPath("sample-every-\(every)-\(UUID().uuidString).h5")
      defer { try? FileManager.default.removeItem(atPath: path) }
      let config = try SimulationConfig(
        toml: text.replacingOccurrences(of: "torque_tolerance = 1e-8", with: "torque_tolerance = 1e-8\nsample_every = \(every)"))
      return try Runner.run(config: config, outputPath: path, overwrite: true, mode: .relax)
    }
    let plain = try relaxed(0), sampled = try relaxed(3)
    // Without samples: the start and the minimum. With: also one after every 3 iterations.
    #expect(plain.frames == 2)
    let iterations = try #require(sampled.relaxIterations)
    #expect(sampled.frames == 2 + (iterations - 1) / 3, "\(sampled.frames) frames for \(iterations) iterations")
    // The pieces continue the step length (not the alternation of the two
    // Barzilai–Borwein formulas, which restarts): nearly the same path
    // (measured 52 against 53 iterations) to the same minimum, within what
    // the torque tolerance of 1e-8 T allows against a 0.45 T field (2e-8).
    #expect(abs(iterations - plain.relaxIterations!) <= 5)
    #expect(abs(sampled.averageMagnetization.z - plain.averageMagnetization.z) < 1e-7)
  }

  @Test func aWildcardNamesEveryFieldOfItsPrefix() throws {
    let sim = try Simulation(config: SimulationConfig(toml: text))
    #expect(sim.frameFields == ["m", "Edens_exchange", "Edens_anisotropy", "Edens_zeeman"])
    let bogus = text.replacingOccurrences(of: "\"Edens_*\"", with: "\"Bogus_*\"")
    #expect(throws: ConfigError.self) { _ = try Simulation(config: SimulationConfig(toml: bogus)) }
    do { _ = try Simulation(config: SimulationConfig(toml: bogus)) } catch let e as ConfigError { #expect(e.key == "output.fields") }
  }
}

/// The SOT-driven chiral Néel wall: the (q, φ) model's closed form, and
/// the shipped example against it.
@Suite struct SpinOrbitWallTests {
  @Test func modelGivesTheDMISaturationForm() throws {
    // DMI and the damping-like SOT alone, no hard axis: the steady tilt has
    // tan(φ − π) = Δ b Ms/(α D) and v = v_D x/√(1 + x²), x = Δ |b| Ms/(α D),
    // v_D = π γ D/(2 Ms): no breakdown, v → v_D as the current grows.
    let wall = WallKind.neel.wall
    var model = WallModel(
      exchangeStiffness: 1.5e-11, easyAnisotropy: 1e6, hardAnisotropy: 0, hardAxis: SIMD3(1, 0, 0),
      saturationMagnetization: 1.1e6, damping: 0.3, beta: 0, deltaBeta: 0, wall: wall)
    (model.dmiStrength, model.dmiVector) = (1e-3, DMIClass.interfacial.vectors.0)
    let vD = Double.pi * PhysicalConstants.gammaLL * 1e-3 / (2 * 1.1e6)
    let delta = (1.5e-11 / 1e6).squareRoot()
    #expect(model.restTilt(0) == Double.pi)
    for b in [-1e-4, -3e-3, -0.05, -2.0] {
      let m = { var c = model; c.dampingLikeField = b; return c }()
      let x = delta * abs(b) * 1.1e6 / (0.3 * 1e-3)
      let motion = m.motion(u: 0, from: m.restTilt(0))
      guard case .steady(_, let v) = motion else {
        Issue.record("b = \(b): \(motion)")
        continue
      }
      // Bisection to 1e-15 rad and the model's own arithmetic.
      #expect(abs(v / (vD * x / (1 + x * x).squareRoot()) - 1) < 1e-9, "b = \(b): \(v) m/s")
      #expect(m.walkerScale(u: 0, from: m.restTilt(0)) == .infinity)
    }
  }

  @Test func wallInAWireMovesAtTheModelVelocity() throws {
    // The issue's 1 % of the model at dx ≤ Δ/8, below breakdown; the error
    // falls as dx² (measured 1.2e-3 at Δ/8, 2.9e-4 at Δ/16), and at 10× the
    // current (v = 98 m/s, x = 0.42) it stays within 1 % (measured 1.4e-3).
    let text = try exampleText("sot_neel_wall.toml")
    var errors: [Double] = []
    for (n, dx) in [(320, 0.484e-9), (640, 0.242e-9)] {
      let r = try runExample(
        text, [("mesh.n", "[\(n), 1, 1]"), ("mesh.cellsize", "[\(dx), 1e-9, 1e-9]")], name: "sot-wall-\(n).h5")
      let v = try #require(r.wallVelocity).velocity
      let model = try #require(r.modelMotion).velocity
      #expect(r.velocityConverged == true)
      errors.append(abs(v / model - 1))
    }
    #expect(errors[0] < 0.01, "dx = Δ/8: \(errors[0])")
    #expect(errors[1] < errors[0] / 3, "second order in dx: \(errors)")
    let fast = try runExample(text, [("sot.j", "1e12")], name: "sot-wall-fast.h5")
    let v = try #require(fast.wallVelocity).velocity, model = try #require(fast.modelMotion).velocity
    #expect(abs(v / model - 1) < 0.01, "j = 1e12 A/m²: \(v) m/s against the model's \(model)")
  }
}

extension Validation {
  /// The SOT-driven Néel wall in a narrow strip with demag at a large current.
  @Suite struct SpinOrbitStripTests {
    @Test func aNarrowStripAtALargeCurrentApproachesTheDMISaturationVelocity() throws {
      // A 112 × 8.4 × 1 nm strip (0.7 nm cells), Ms = 1.1e6 A/m, A = 1.6e-11 J/m,
      // K = 1.25e6 J/m³ perpendicular, full demag with the end charges
      // cancelled, D = 1.5 mJ/m², α = 0.1, ξ_DL = 0.1 in a 1 nm film, j = 1e13 A/m²
      // (b_DL = 0.30 T, x = Δ b Ms/(αD) ≈ 12). The wall turns towards Bloch and
      // its velocity tends to v_D = π γ D/(2 Ms) = 376.9 m/s (Thiaville et al.,
      // EPL 100, 57002 (2012)). The issue's 3 %; measured 0.03 % here (374.3 m/s,
      // 0.7 %, at half the current). In a 16.8 nm strip the wall tilts and the
      // velocity stays 3.5 % below at this current (Validation.md).
      let text = """
        [mesh]
        n = [160, 12, 1]
        cellsize = [0.7e-9, 0.7e-9, 1e-9]
        [material]
        Ms = 1.1e6
        A = 1.6e-11
        alpha = 0.1
        [[anisotropy]]
        K1 = 1.25e6
        axis = [0, 0, 1]
        [demag]
        method = "fft"
        remove_end_charges = [0, 0]
        [dmi]
        D = 1.5e-3
        [sot]
        j = 1e13
        spin_hall_angle = 0.1
        thickness = 1e-9
        [initial]
        type = "wall"
        wall = "neel"
        tilt = 3.141592653589793
        [run]
        duration = 3e-9
        until = "velocity_converged"
        """
      let r = try runExample(text, name: "sot-strip.h5")
      #expect(r.velocityConverged == true)
      let v = try #require(r.wallVelocity).velocity
      let vD = Double.pi * PhysicalConstants.gammaLL * 1.5e-3 / (2 * 1.1e6)
      #expect(abs(v / vD - 1) < 0.03, "v = \(v) m/s against v_D = \(vD) m/s")
    }
  }
}
