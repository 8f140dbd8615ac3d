import Foundation
import Gilbert
import Testing

/// The fused local pass (``LocalPass``) against the per-term evaluation
/// (every term by its own loop, ``LLG/fusesLocalTerms`` false). Both call
/// the same cell formulas in the same order, so they must agree to the bit
/// (compared with ==, which takes −0 for +0: leaving out a product with an
/// exact zero may flip the sign of a zero, nothing else).
@Suite struct LocalPassTests {
  /// A random state near a wall along x with noise, so every term sees gradients.
  static func state(_ n: Int, nx: Int, seed: UInt64) -> VectorField {
    var rng = SplitMix64(seed: seed)
    var m = VectorField(count: n)
    for i in 0..<n {
      let theta = Double.pi * Double(i % nx) / Double(max(1, nx - 1))
      m[i] = SIMD3(cos(theta), sin(theta), 0.2) + 0.1 * SIMD3(rng.nextUnit(), rng.nextUnit(), rng.nextUnit())
    }
    m.normalize()
    return m
  }

  /// Every fused term (exchange, two uniaxial anisotropies, K2, Zeeman AC,
  /// DMI, Zhang–Li, δβ) on `magnet`, with u along x and y.
  static func everyTerm(_ magnet: Magnet, demag: Bool = false) -> LLG {
    var terms: [any FieldTerm] = [
      Exchange(magnet: magnet),
      UniaxialAnisotropy(magnet: magnet, constants: [5e4], axis: SIMD3(1, 0, 0)),
      Zeeman(magnet: magnet, amplitude: SIMD3(0.001, 0.002, -0.003), frequency: 1e9),
      UniaxialAnisotropy(magnet: magnet, constants: [-2e5], axis: SIMD3(0.3, 0, 1), name: "hard"),
      InterfacialDMI(magnet: magnet, strength: RegionParameter("D", [1.5e-3], unit: "J/m^2")),
      UniaxialK2Anisotropy(magnet: magnet, constants: [2e4], axis: SIMD3(1, 0, 0)),
      CubicAnisotropy(magnet: magnet, constants: [-3e3], axis1: SIMD3(1, 1, 0), axis2: SIMD3(0, 0, 1)),
      DMI(magnet: magnet, strength: RegionParameter("D", [-0.7e-3], unit: "J/m^2"), crystalClass: .bulk, name: "bulk"),
      SpinOrbitTorque(
        magnet: magnet, currentDensity: 1e11, thickness: 1e-9, dampingLike: [0.1], fieldLike: [-0.03],
        polarization: [SIMD3(0, 1, 0)], profile: .sine(frequency: 2e9, phase: 0.3)),
      SlonczewskiTorque(
        magnet: magnet, currentDensity: [2e11], thickness: 2e-9, polarization: [0.4], lambda: [2],
        epsilonPrime: [0.1], fixedLayer: [SIMD3(0, 0.6, 0.8)]),
    ]
    if demag { terms.insert(Demag(magnet: magnet), at: 2) }
    return LLG(
      magnet: magnet, fieldTerms: terms,
      torqueTerms: [AnisotropicBetaTorque(magnet: magnet), ZhangLiTorque(magnet: magnet)],
      drive: Drive(magnet: magnet, uniformVelocity: SIMD3(300, 20, 0)))
  }

  static let permalloy = Material(
    saturationMagnetization: 8e5, exchangeStiffness: 1.3e-11, damping: 0.02, nonAdiabaticity: 0.04,
    anisotropicNonAdiabaticity: -0.02)

  /// dm/dt, v_f and the frame's gradient of the fused pass and of the per-term evaluation, and both local derivatives.
  func expectSame(_ llg: LLG, m: VectorField, frame: Bool, _ what: Comment) {
    var fused = llg
    if frame { fused.frame = ComovingFrame(magnet: llg.magnet, axis: SIMD3(1, 0, 0)) }
    var perTerm = fused
    perTerm.fusesLocalTerms = false
    var a = VectorField(count: m.count), b = a
    fused.derivative(m: m, time: 1.3e-10, into: &a)
    perTerm.derivative(m: m, time: 1.3e-10, into: &b)
    let worst = zip(a.storage, b.storage).map { abs($0 - $1) }.max() ?? 0
    let same = a.storage == b.storage
    #expect(same, "\(what): max difference \(worst)")
    let finite = a.storage.allSatisfy { $0.isFinite }
    #expect(finite, "\(what)")
    #expect(fused.auxiliaryRate == perTerm.auxiliaryRate, "\(what)")
    if frame {
      let sameGradient = fused.frame!.gradient.storage == perTerm.frame!.gradient.storage
      #expect(sameGradient, "\(what): frame gradient")
    }
    fused.localDerivative(m: m, time: 0, into: &a)
    perTerm.localDerivative(m: m, time: 0, into: &b)
    let sameLocal = a.storage == b.storage
    #expect(sameLocal, "\(what): local derivative")
  }

  @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
  func wire(frame: Bool, periodic: Bool) {
    let grid = Grid(nx: 203, ny: 1, dx: 1e-9, dy: 1e-9, dz: 1e-9, periodicX: periodic)
    let magnet = Magnet(grid: grid, material: Self.permalloy)
    expectSame(Self.everyTerm(magnet), m: Self.state(203, nx: 203, seed: 5), frame: frame, "wire")
  }

  @Test(arguments: [false, true])
  func film(periodic: Bool) {
    let grid = Grid(nx: 37, ny: 9, dx: 2e-9, dy: 3e-9, dz: 1e-9, periodicX: periodic)
    let magnet = Magnet(grid: grid, material: Self.permalloy)
    expectSame(Self.everyTerm(magnet), m: Self.state(grid.cellCount, nx: 37, seed: 6), frame: true, "film")
  }

  @Test func filmWithDemagBetweenTheLocalTerms() {
    // A term without a kernel enters where it stands: the same sum in the same order.
    let grid = Grid(nx: 24, ny: 8, dx: 2.5e-9, dy: 2.5e-9, dz: 3e-9)
    let magnet = Magnet(grid: grid, material: Self.permalloy)
    expectSame(Self.everyTerm(magnet, demag: true), m: Self.state(grid.cellCount, nx: 24, seed: 7), frame: false, "demag")
  }

  /// Two materials (per-region α, β, δβ, Ms, A, K) and empty cells (a notch and a hole).
  static func maskedMagnet(_ grid: Grid) -> Magnet {
    let soft = Material(
      saturationMagnetization: 6e5, exchangeStiffness: 1e-11, damping: 0.1, nonAdiabaticity: 0.2,
      anisotropicNonAdiabaticity: 0.05)
    let empty = Material(saturationMagnetization: 0, exchangeStiffness: 0, damping: 0)
    let regions = (0..<grid.cellCount).map { i -> Int in
      let (ix, iy, iz) = grid.cell(i)
      if (ix == 10 && iy >= grid.ny / 2) || (ix == 20 && iy == 1 && iz == 0) { return 2 }
      return ix < grid.nx / 2 ? 0 : 1
    }
    return Magnet(grid: grid, regions: regions, materials: [permalloy, soft, empty])
  }

  @Test(arguments: [false, true])
  func maskedTwoMaterials(periodic: Bool) {
    let grid = Grid(nx: 33, ny: 6, dx: 2e-9, dy: 2e-9, dz: 1e-9, periodicX: periodic)
    let magnet = Self.maskedMagnet(grid)
    let llg = LLG(
      magnet: magnet,
      fieldTerms: [
        Exchange(magnet: magnet, interfaces: [RegionPair(0, 1): -2e-12]),
        UniaxialAnisotropy(magnet: magnet, constants: [5e4, 1e4, 0], axis: SIMD3(1, 0, 0)),
        InterfacialDMI(magnet: magnet, strength: RegionParameter("D", [1e-3, -5e-4, 0], unit: "J/m^2")),
        Zeeman(magnet: magnet, amplitudes: [SIMD3(0.01, 0, 0), SIMD3(0, 0.02, 0.001), .zero]),
        UniaxialK2Anisotropy(magnet: magnet, constants: [1e4, -3e4, 0], axis: SIMD3(0, 1, 1)),
      ],
      torqueTerms: [ZhangLiTorque(magnet: magnet), AnisotropicBetaTorque(magnet: magnet)],
      drive: Drive(magnet: magnet, velocity: VectorField(count: grid.cellCount, uniform: SIMD3(100, -50, 0))))
    var m = Self.state(grid.cellCount, nx: 33, seed: 8)
    magnet.clean(&m)
    expectSame(llg, m: m, frame: true, "masked")
    // The empty cells do not move.
    var dmdt = VectorField(count: m.count)
    var copy = llg
    copy.derivative(m: m, time: 0, into: &dmdt)
    for i in 0..<m.count where !magnet.isMagnetic(i) { #expect(dmdt[i] == .zero) }
  }

  /// Periodic along y (and z), with a region of another γ, a frozen region and empty cells.
  @Test(arguments: [false, true])
  func periodicBlockWithGyroAndFrozenRegions(periodicZ: Bool) {
    let grid = Grid(
      nx: 13, ny: 6, nz: 4, dx: 2e-9, dy: 2e-9, dz: 1.5e-9, periodicX: true, periodicY: true, periodicZ: periodicZ)
    var fast = Self.permalloy
    fast.gyromagneticRatio = 1.3 * PhysicalConstants.gammaLL
    var held = Self.permalloy
    held.frozen = true
    let empty = Material(saturationMagnetization: 0, exchangeStiffness: 0, damping: 0)
    let regions = (0..<grid.cellCount).map { i -> Int in
      let (ix, iy, iz) = grid.cell(i)
      if ix == 6 && iy == 2 && iz == 1 { return 3 }
      return ix < 4 ? 0 : ix < 9 ? 1 : 2
    }
    let magnet = Magnet(grid: grid, regions: regions, materials: [Self.permalloy, fast, held, empty])
    var m = Self.state(grid.cellCount, nx: 13, seed: 11)
    magnet.clean(&m)
    expectSame(Self.everyTerm(magnet), m: m, frame: false, "periodic block")
    var llg = Self.everyTerm(magnet)
    var dmdt = VectorField(count: m.count)
    llg.derivative(m: m, time: 0, into: &dmdt)
    for i in 0..<m.count where magnet.isFrozen(i) || !magnet.isMagnetic(i) { #expect(dmdt[i] == .zero) }
  }

  @Test func threeDimensionalBlock() {
    let grid = Grid(nx: 13, ny: 5, nz: 4, dx: 2e-9, dy: 2e-9, dz: 1.5e-9)
    let magnet = Self.maskedMagnet(grid)
    let plain = Magnet(grid: grid, material: Self.permalloy)
    for (k, body) in [magnet, plain].enumerated() {
      var m = Self.state(grid.cellCount, nx: 13, seed: 9)
      body.clean(&m)
      expectSame(Self.everyTerm(body), m: m, frame: false, "3D block \(k)")
    }
  }

  @Test func eachFusedTermAloneIsItsOwnLoop() {
    // A term's own addField is the pass with that term alone: the fused sum
    // of every term equals the sum of the terms' own fields.
    let grid = Grid(nx: 29, ny: 7, dx: 2e-9, dy: 2e-9, dz: 1e-9)
    let magnet = Self.maskedMagnet(grid)
    let llg = Self.everyTerm(magnet)
    var m = Self.state(grid.cellCount, nx: 29, seed: 10)
    magnet.clean(&m)
    var sum = VectorField(count: m.count)
    for term in llg.fieldTerms {
      var alone = VectorField(count: m.count)
      term.addField(to: &alone, m: m, time: 2e-10)
      let adds = alone.storage.contains { $0 != 0 }
      #expect(adds, "\(term.name) adds a field")
      term.addField(to: &sum, m: m, time: 2e-10)
    }
    let fieldPass = LocalPass(magnet: magnet, fields: llg.fieldTerms.map { .kernel($0.fused!) }, torques: [])
    var fused = VectorField(count: m.count)
    var none: VectorField? = nil
    fieldPass.run(.field, m: m, time: 2e-10, drive: Drive(), into: &fused, gradient: &none)
    let sameFields = fused.storage == sum.storage
    #expect(sameFields)
    let torquePass = LocalPass(magnet: magnet, fields: [], torques: llg.torqueTerms.map { $0.fused! })
    var torques = VectorField(count: m.count), separate = torques
    torquePass.run(.torque, m: m, time: 0, drive: llg.drive, into: &torques, gradient: &none)
    for t in llg.torqueTerms { t.addTorque(to: &separate, m: m, time: 0, drive: llg.drive) }
    let sameTorques = torques.storage == separate.storage, nonzero = torques.storage.contains { $0 != 0 }
    #expect(sameTorques && nonzero)
  }

  @Test func withoutPrecessionOnlyTheDampingRemains() {
    let grid = Grid(nx: 40, ny: 1, dx: 1e-9, dy: 1e-9, dz: 1e-9)
    let magnet = Magnet(grid: grid, material: Self.permalloy)
    var llg = Self.everyTerm(magnet)
    llg.precession = false
    expectSame(llg, m: Self.state(40, nx: 40, seed: 11), frame: false, "relaxation")
  }
}
