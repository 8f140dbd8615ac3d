import Foundation
import Gilbert
import Testing

@Suite struct WireKernelTests {
  /// A 1D wire with every term the kernel covers, a wall-like random state, u and a frame.
  func wire(nx: Int = 200, periodic: Bool = false, frame: Bool) -> (LLG, VectorField) {
    let grid = Grid(nx: nx, ny: 1, dx: 1e-9, dy: 1e-9, dz: 1e-9, periodicX: periodic)
    let magnet = Magnet(
      grid: grid,
      material: Material(
        saturationMagnetization: 8e5, exchangeStiffness: 1.3e-11, damping: 0.02, nonAdiabaticity: 0.04,
        anisotropicNonAdiabaticity: -0.02))
    var uniform = VectorField(count: nx)
    for i in 0..<nx { uniform[i] = SIMD3(300, 20, 0) }
    var llg = LLG(
      magnet: magnet,
      fieldTerms: [
        Exchange(magnet: magnet),
        UniaxialAnisotropy(magnet: magnet, constants: [5e4], axis: SIMD3(1, 0, 0)),
        Zeeman(magnet: magnet, amplitude: SIMD3(0.001, 0.002, -0.003), frequency: 1e9),
        UniaxialAnisotropy(magnet: magnet, constants: [-2e5], axis: SIMD3(0, 0, 1), name: "hard"),
      ],
      torqueTerms: [ZhangLiTorque(magnet: magnet), AnisotropicBetaTorque(magnet: magnet)],
      drive: Drive(magnet: magnet, velocity: uniform))
    if frame { llg.frame = ComovingFrame(magnet: magnet, axis: SIMD3(1, 0, 0)) }
    var rng = SplitMix64(seed: 5)
    var m = VectorField(count: nx)
    for i in 0..<nx {
      // A head-to-head wall with noise, so every term and the frame see gradients.
      let theta = Double.pi * Double(i) / Double(nx - 1)
      m[i] = SIMD3(cos(theta), sin(theta), 0.2) + 0.1 * SIMD3(rng.nextUnit(), rng.nextUnit(), rng.nextUnit())
    }
    m.normalize()
    return (llg, m)
  }

  @Test(arguments: [(false, false), (true, false), (false, true)])
  func matchesTheGeneralPathBitForBit(frame: Bool, periodic: Bool) {
    // The kernel performs the general path's operations in its order, so the
    // two agree exactly: dm/dt, v_f and the frame's gradient.
    var (fused, m) = wire(periodic: periodic, frame: frame)
    _ = m.count
    #expect(fused.usesWireKernel)
    var general = fused
    general.allowsWireKernel = false
    #expect(!general.usesWireKernel)
    var a = VectorField(count: m.count), b = a
    fused.derivative(m: m, time: 1.3e-10, into: &a)
    general.derivative(m: m, time: 1.3e-10, into: &b)
    #expect(a.storage == b.storage, "max difference \(zip(a.storage, b.storage).map { abs($0 - $1) }.max()!)")
    #expect(fused.auxiliaryRate == general.auxiliaryRate)
    if frame { #expect(fused.frame!.gradient.storage == general.frame!.gradient.storage) }
    // The local derivative (v_f held) too.
    fused.localDerivative(m: m, time: 0, into: &a)
    general.localDerivative(m: m, time: 0, into: &b)
    #expect(a.storage == b.storage)
  }

  @Test func fallsBackWhereTheWireIsNotUniform() {
    // Two regions with different α, a 2D grid, or a term it does not cover: the general path.
    let (llg, _) = wire(frame: false)
    let grid2D = Grid(nx: 8, ny: 4, dx: 1e-9, dy: 1e-9, dz: 1e-9)
    let magnet2D = Magnet(
      grid: grid2D, material: Material(saturationMagnetization: 8e5, exchangeStiffness: 1e-11, damping: 0.1))
    #expect(!LLG(magnet: magnet2D, fieldTerms: [Exchange(magnet: magnet2D)]).usesWireKernel)
    let grid = Grid(nx: 8, ny: 1, dx: 1e-9, dy: 1e-9, dz: 1e-9)
    let two = Magnet(
      grid: grid, regions: [0, 0, 0, 0, 1, 1, 1, 1],
      materials: [
        Material(saturationMagnetization: 8e5, exchangeStiffness: 1e-11, damping: 0.1),
        Material(saturationMagnetization: 8e5, exchangeStiffness: 1e-11, damping: 0.2),
      ])
    #expect(!LLG(magnet: two, fieldTerms: [Exchange(magnet: two)]).usesWireKernel)
    let one = Magnet(
      grid: grid, material: Material(saturationMagnetization: 8e5, exchangeStiffness: 1e-11, damping: 0.1))
    #expect(LLG(magnet: one, fieldTerms: [Exchange(magnet: one)]).usesWireKernel)
    #expect(!LLG(magnet: one, fieldTerms: [Exchange(magnet: one), Demag(magnet: one)]).usesWireKernel)
    var relaxing = llg
    relaxing.precession = false
    #expect(!relaxing.usesWireKernel)
  }
}
