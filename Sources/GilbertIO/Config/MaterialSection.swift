import Gilbert

/// `[material]`: Ms, A, α, β, δβ and P, each one number or one per region.
/// Builds the exchange term.
public struct MaterialSection: TermSection {
  public static let physics = "exchange ([material])"
  /// Every parameter, one value per region, in `/parameters` order.
  public let saturationMagnetization: RegionParameter, exchangeStiffness: RegionParameter, damping: RegionParameter
  public let nonAdiabaticity: RegionParameter, anisotropicNonAdiabaticity: RegionParameter
  public let polarization: RegionParameter

  /// The materials by region.
  public var materials: [Material] {
    (0..<saturationMagnetization.values.count).map { r in
      Material(
        saturationMagnetization: saturationMagnetization.values[r], exchangeStiffness: exchangeStiffness.values[r],
        damping: damping.values[r], nonAdiabaticity: nonAdiabaticity.values[r],
        anisotropicNonAdiabaticity: anisotropicNonAdiabaticity.values[r], polarization: polarization.values[r])
    }
  }

  public static func read(from root: ConfigTable, context: ConfigContext) throws(ConfigError) -> MaterialSection? {
    guard let mat = try root.table("material") else {
      throw ConfigError(key: "material", message: "is missing: give [material] with Ms (A/m), A (J/m) and alpha")
    }
    let n = context.regionCount
    let nonNegative: (Double) -> Bool = { $0 >= 0 }
    let ms = try mat.regionParameter(
      "Ms", regions: n, unit: "A/m", valid: nonNegative, expected: "a number ≥ 0 (0 makes a region empty)")
    let a = try mat.regionParameter("A", regions: n, unit: "J/m", valid: nonNegative, expected: "a number ≥ 0")
    let alpha = try mat.regionParameter("alpha", regions: n, valid: nonNegative, expected: "a number ≥ 0")
    let beta = try mat.regionParameter("beta", default: 0, regions: n, expected: "a finite number").expanded(regions: n)
    let deltaBeta: RegionParameter
    if case .string(let s)? = mat.raw("delta_beta") {
      guard s == "paper" else {
        throw ConfigError(
          key: "material.delta_beta",
          message: "is \"\(s)\"; expected a number, one per region, or \"paper\" (δβ = −β/5)")
      }
      deltaBeta = RegionParameter("delta_beta", beta.values.map { -$0 / 5 }, unit: "")
    } else {
      deltaBeta = try mat.regionParameter(
        "delta_beta", default: 0, regions: n, expected: "a finite number or \"paper\"")
    }
    let p = try mat.regionParameter(
      "P", default: 0, regions: n, valid: { abs($0) <= 1 }, expected: "a number in [−1, 1]")
    try mat.finish()
    guard ms.values.contains(where: { $0 > 0 }) else {
      throw ConfigError(
        key: "material.Ms", message: "is 0 in every region; at least one region must be magnetic (Ms > 0)")
    }
    return MaterialSection(
      saturationMagnetization: ms.expanded(regions: n), exchangeStiffness: a.expanded(regions: n),
      damping: alpha.expanded(regions: n), nonAdiabaticity: beta,
      anisotropicNonAdiabaticity: deltaBeta.expanded(regions: n),
      polarization: p.expanded(regions: n))
  }

  public var parameters: [RegionParameter] {
    [saturationMagnetization, exchangeStiffness, damping, nonAdiabaticity, anisotropicNonAdiabaticity, polarization]
  }

  public func fieldTerms(magnet: Magnet) -> [any FieldTerm] { [Exchange(magnet: magnet)] }

  /// The model's wall width and energy come from A (region 0's): covered.
  public func contribute(to model: inout WallModelInputs) -> String? { nil }
}
