import Gilbert

/// `[[anisotropy_k2]]`: the fourth-order uniaxial anisotropy, energy density
/// K2 sin⁴θ (J/m³, per region) about `axis` (``UniaxialK2Anisotropy``). With
/// a `[[anisotropy]]` K1 along the same axis a tilted state has
/// K1 sin²θ + K2 sin⁴θ. The i-th entry (from 1) is named `anisotropy_k2` when
/// it is the only one, else `anisotropy_k2_<i>`; its parameters are `K2` and
/// `K2_axis` for the first and `K2_<i>`, `K2_axis_<i>` after. The (q, φ) wall
/// model does not include it.
public struct AnisotropyK2Section: TermSection {
  public static let physics = "the fourth-order uniaxial anisotropy ([[anisotropy_k2]])"
  /// The entries, in file order: K2 per region (or one value) and the axis.
  public let entries: [(constants: [Double], axis: SIMD3<Double>)]

  public static func read(from root: ConfigTable, context: ConfigContext) throws(ConfigError) -> AnisotropyK2Section? {
    var entries: [(constants: [Double], axis: SIMD3<Double>)] = []
    for t in try root.tables("anisotropy_k2") {
      let k = try t.perRegion("K2", regions: context.regionCount, unit: "J/m³", expected: "a finite number (either sign)")
      let axis = try t.vector("axis")
      guard let scaled = directionScaled(axis) else {
        throw ConfigError(key: t.key("axis"), message: "is \(axis.configText); give a nonzero direction")
      }
      try t.finish()
      entries.append((k, scaled))
    }
    return entries.isEmpty ? nil : AnisotropyK2Section(entries: entries)
  }

  /// The output name of entry `i` (from 0) and the suffix of its parameters.
  func names(_ i: Int) -> (term: String, parameter: String) {
    (entries.count == 1 ? "anisotropy_k2" : "anisotropy_k2_\(i + 1)", i == 0 ? "" : "_\(i + 1)")
  }

  public var parameters: [RegionParameter] {
    entries.indices.flatMap { i -> [RegionParameter] in
      let a = entries[i], suffix = names(i).parameter
      let e = a.axis / (a.axis * a.axis).sum().squareRoot()
      return [
        RegionParameter("K2" + suffix, a.constants, unit: "J/m^3"),
        RegionParameter("K2_axis" + suffix, [e.x, e.y, e.z], unit: ""),
      ]
    }
  }

  /// 8|K2|/Ms: the largest slope of (4K2/Ms) p(1 − p²) in p = m·e.
  public func largestField(saturationMagnetization ms: Double, grid: Grid) -> Double {
    entries.map { 8 * ($0.constants.map(abs).max() ?? 0) / ms }.reduce(0, +)
  }

  public func fieldTerms(magnet: Magnet) -> [any FieldTerm] {
    entries.indices.map { i in
      UniaxialK2Anisotropy(magnet: magnet, constants: entries[i].constants, axis: entries[i].axis, name: names(i).term)
    }
  }
}
