import Gilbert

/// `[slonczewski]`: Slonczewski's torque of a current through a fixed layer
/// (``SlonczewskiTorque``). Keys (per region where a number): `J` (A/m²),
/// `p` (the fixed layer's direction, one vector or one per region), `P`,
/// `Lambda` (default 1), `eps_prime` (default 0), `thickness` (m, the free
/// layer's; default the grid's nz·dz), and the time profile keys.
public struct SlonczewskiSection: TermSection {
  public static let physics = "Slonczewski's torque ([slonczewski])"
  public let currentDensity: [Double], polarization: [Double], lambda: [Double], epsilonPrime: [Double]
  public let fixedLayer: [SIMD3<Double>]
  public let thickness: Double
  public let profile: TimeProfile

  public static func read(from root: ConfigTable, context: ConfigContext) throws(ConfigError) -> SlonczewskiSection? {
    guard let t = try root.table("slonczewski") else { return nil }
    let n = context.regionCount
    let grid = try context.grid
    let j = try t.perRegion("J", regions: n, unit: "A/m²", expected: "a finite current density (either sign)")
    let p = try t.directions("p", regions: n)
    let pol = try t.perRegion("P", regions: n, valid: { $0 >= 0 && $0 <= 1 }, expected: "a spin polarisation from 0 to 1")
    let lambda = try t.perRegion("Lambda", default: 1, regions: n, valid: { $0 >= 1 }, expected: "Λ ≥ 1")
    let eps = try t.perRegion("eps_prime", default: 0, regions: n, expected: "a finite number (the field-like ε′)")
    let thickness = try t.thickness(grid: grid)
    let profile = try TimeProfile.read(from: t)
    try t.finish()
    return SlonczewskiSection(
      currentDensity: j, polarization: pol, lambda: lambda, epsilonPrime: eps, fixedLayer: p, thickness: thickness,
      profile: profile)
  }

  public var parameters: [RegionParameter] {
    [
      RegionParameter("slonczewski_J", currentDensity, unit: "A/m^2"),
      RegionParameter("slonczewski_p", fixedLayer.flatMap { [$0.x, $0.y, $0.z] }, unit: ""),
      RegionParameter("slonczewski_P", polarization, unit: ""), RegionParameter("slonczewski_Lambda", lambda, unit: ""),
      RegionParameter("slonczewski_eps_prime", epsilonPrime, unit: ""),
      RegionParameter("slonczewski_thickness", [thickness], unit: "m"),
    ]
  }

  /// (ħ|J|/(e Ms t)) (P Λ²/2 + |ε′|): ε is largest, P Λ²/2, where m = −p.
  public func largestField(saturationMagnetization ms: Double, grid: Grid) -> Double {
    let j = currentDensity.map(abs).max() ?? 0
    let eps = (polarization.max() ?? 0) * (lambda.map { $0 * $0 }.max() ?? 1) / 2 + (epsilonPrime.map(abs).max() ?? 0)
    return eps * SlonczewskiTorque.fieldScale(currentDensity: j, thickness: thickness, saturationMagnetization: ms)
  }

  public func fieldTerms(magnet: Magnet) -> [any FieldTerm] {
    [
      SlonczewskiTorque(
        magnet: magnet, currentDensity: currentDensity, thickness: thickness, polarization: polarization,
        lambda: lambda, epsilonPrime: epsilonPrime, fixedLayer: fixedLayer, profile: profile)
    ]
  }
}
