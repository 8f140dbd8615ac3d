import Foundation
import Gilbert
import GilbertIO
import Testing

/// The fourth-order uniaxial anisotropy (Documentation/AddingATerm.md walks through it).
@Suite struct AnisotropyK2Tests {
  static let grid = Grid(nx: 6, ny: 3, dx: 2e-9, dy: 2e-9, dz: 1e-9)
  static let magnet = Magnet(
    grid: grid, material: Material(saturationMagnetization: 8e5, exchangeStiffness: 1e-11, damping: 0.1))
  static let (k1, k2) = (4e5, 1.5e5)

  static func tilted(_ theta: Double) -> VectorField {
    VectorField(count: grid.cellCount, uniform: SIMD3(sin(theta) * cos(0.7), sin(theta) * sin(0.7), cos(theta)))
  }

  @Test func tiltedStateHasK1SinSquaredPlusK2SinToTheFourth() {
    // With K1 (−K1 cos²θ = K1 sin²θ − K1) and K2 (K2 sin⁴θ) along z, a
    // uniform state at θ from z has E(θ) − E(0) = (K1 sin²θ + K2 sin⁴θ) V.
    // The only error is rounding: 1e-12 relative.
    let terms: [any FieldTerm] = [
      UniaxialAnisotropy(magnet: Self.magnet, constants: [Self.k1], axis: SIMD3(0, 0, 1)),
      UniaxialK2Anisotropy(magnet: Self.magnet, constants: [Self.k2], axis: SIMD3(0, 0, 2)),
    ]
    let volume = Self.grid.cellVolume * Double(Self.grid.cellCount)
    func energy(_ theta: Double) -> Double { terms.map { $0.energy(m: Self.tilted(theta), time: 0) }.reduce(0, +) }
    for theta in stride(from: 0.1, through: 3.0, by: 0.3) {
      let s2 = sin(theta) * sin(theta)
      let expected = (Self.k1 * s2 + Self.k2 * s2 * s2) * volume
      let got = energy(theta) - energy(0)
      #expect(abs(got - expected) <= 1e-12 * abs(expected), "θ = \(theta): \(got) against \(expected)")
    }
  }

  @Test func fieldIsMinusTheEnergyGradient() {
    // B = −(1/Ms) ∂e/∂m along the sphere: dE/dθ = −Ms V Σ B·∂m/∂θ. A central
    // difference with h = 1e-5 has error ~h² ≈ 1e-10 relative; 1e-7 leaves room for rounding.
    let term = UniaxialK2Anisotropy(magnet: Self.magnet, constants: [Self.k2], axis: SIMD3(0.2, -0.3, 1))
    let ms = Self.magnet.materials[0].saturationMagnetization
    for theta in [0.3, 0.9, 1.4, 2.2] {
      let h = 1e-5
      let slope =
        (term.energy(m: Self.tilted(theta + h), time: 0) - term.energy(m: Self.tilted(theta - h), time: 0)) / (2 * h)
      var b = VectorField(count: Self.grid.cellCount)
      let m = Self.tilted(theta)
      term.addField(to: &b, m: m, time: 0)
      let dm = SIMD3(cos(theta) * cos(0.7), cos(theta) * sin(0.7), -sin(theta))
      var work = 0.0
      for i in 0..<m.count { work += dot(b[i], dm) }
      let fromField = -ms * Self.grid.cellVolume * work
      #expect(abs(slope - fromField) <= 1e-7 * max(abs(slope), 1e-30), "θ = \(theta): \(slope) against \(fromField)")
    }
  }

  @Test func configSectionBuildsTheTermAndNamesBadKeys() throws {
    // [[anisotropy_k2]]: the term in the equation (its field B_anisotropy_k2
    // nonzero on a tilted state), K2 and K2_axis in /parameters, errors naming the key.
    let text = baseConfig + "\n[[anisotropy_k2]]\nK2 = 2e4\naxis = [1, 0, 0]\n"
    let config = try SimulationConfig(toml: text)
    let sim = try Simulation(config: config)
    let term = try #require(sim.equation.fieldTerms.first { $0.name == "anisotropy_k2" })
    var b = VectorField(count: 16)
    term.addField(to: &b, m: VectorField(count: 16, uniform: SIMD3(0.6, 0.8, 0)), time: 0)
    // (4K2/Ms)(m·e)(1 − (m·e)²) = 4·2e4/8e5 · 0.6 · 0.64 along x, exactly as written.
    #expect(b[3] == SIMD3(4 * 2e4 / 8e5 * 0.6 * (1 - 0.6 * 0.6), 0, 0))
    let names = config.sections.flatMap { $0.parameters }.map(\.name)
    #expect(names.contains("K2") && names.contains("K2_axis"))
    let zeroAxis = baseConfig + "\n[[anisotropy_k2]]\nK2 = 2e4\naxis = [0, 0, 0]\n"
    #expect(configError(zeroAxis)?.key == "anisotropy_k2[0].axis")
    #expect(configError(text.replacingOccurrences(of: "K2 = 2e4", with: "K2 = \"big\""))?.key == "anisotropy_k2[0].K2")
  }
}
