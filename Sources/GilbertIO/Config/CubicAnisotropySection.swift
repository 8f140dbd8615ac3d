import Gilbert

/// `[[anisotropy_cubic]]`: cubic anisotropy, K1 (J/m³, per region; K1 > 0
/// makes the axes easy) about `axis1` and `axis2` (the part of axis2
/// perpendicular to axis1; axis3 = axis1 × axis2), ``CubicAnisotropy``.
/// The i-th entry (from 1) is named `cubic_anisotropy` when it is the only
/// one, else `cubic_anisotropy_<i>`; its parameters are `Kc1`, `Kc_axis1`,
/// `Kc_axis2` (with `_<i>` after the first). The (q, φ) model does not
/// include it.
public struct CubicAnisotropySection: TermSection {
  public static let physics = "the cubic anisotropy ([[anisotropy_cubic]])"
  /// The entries: K1 per region (or one value) and the orthonormal axes.
  public let entries: [(constants: [Double], axes: (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>))]

  public static func read(from root: ConfigTable, context: ConfigContext) throws(ConfigError)
    -> CubicAnisotropySection?
  {
    var entries: [(constants: [Double], axes: (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>))] = []
    for t in try root.tables("anisotropy_cubic") {
      let k = try t.perRegion("K1", regions: context.regionCount, unit: "J/m³", expected: "a finite number (either sign)")
      let a1 = try t.vector("axis1"), a2 = try t.vector("axis2")
      guard let s1 = directionScaled(a1) else {
        throw ConfigError(key: t.key("axis1"), message: "is \(a1.configText); give a nonzero direction")
      }
      guard let s2 = directionScaled(a2), let axes = CubicAnisotropy.orthonormal(s1, s2) else {
        throw ConfigError(
          key: t.key("axis2"),
          message: "is \(a2.configText), zero or parallel to axis1 = \(a1.configText); give a direction not along axis1")
      }
      try t.finish()
      entries.append((k, axes))
    }
    return entries.isEmpty ? nil : CubicAnisotropySection(entries: entries)
  }

  /// The output name of entry `i` (from 0) and the suffix of its parameters.
  func names(_ i: Int) -> (term: String, parameter: String) {
    (entries.count == 1 ? "cubic_anisotropy" : "cubic_anisotropy_\(i + 1)", i == 0 ? "" : "_\(i + 1)")
  }

  public var parameters: [RegionParameter] {
    entries.indices.flatMap { i -> [RegionParameter] in
      let (k, (u1, u2, _)) = entries[i]
      let s = names(i).parameter
      return [
        RegionParameter("Kc1" + s, k, unit: "J/m^3"), RegionParameter("Kc_axis1" + s, [u1.x, u1.y, u1.z], unit: ""),
        RegionParameter("Kc_axis2" + s, [u2.x, u2.y, u2.z], unit: ""),
      ]
    }
  }

  /// 4|K1|/Ms per entry (the field's largest slope in m is below 4|K1|/Ms).
  public func largestField(saturationMagnetization ms: Double, grid: Grid) -> Double {
    entries.map { 4 * ($0.constants.map(abs).max() ?? 0) / ms }.reduce(0, +)
  }

  public func fieldTerms(magnet: Magnet) -> [any FieldTerm] {
    entries.indices.map { i in
      CubicAnisotropy(
        magnet: magnet, constants: entries[i].constants, axis1: entries[i].axes.0, axis2: entries[i].axes.1,
        name: names(i).term)
    }
  }
}
