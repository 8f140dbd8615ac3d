import Gilbert

/// One `[[anisotropy]]` entry.
public struct AnisotropySettings: Sendable, Equatable {
  /// K1 per region (or one value), J/m³.
  public var constants: [Double]
  /// The axis (normalised by the term).
  public var axis: SIMD3<Double>

  /// The axis, rescaled if its squared length would overflow or underflow.
  public var scaledAxis: SIMD3<Double> { directionScaled(axis) ?? axis }
  /// The unit axis.
  public var unitAxis: SIMD3<Double> {
    let a = scaledAxis
    return a / (a * a).sum().squareRoot()
  }
}

/// `[[anisotropy]]`: uniaxial anisotropies, K1 (J/m³, per region; K1 < 0 is a
/// hard axis) along `axis`. The i-th (from 1) is named `anisotropy` when it is
/// the only one, else `anisotropy<i>` in the outputs; its parameters are `K1`
/// and `K1_axis` for the first and `K1_<i>`, `K1_axis_<i>` after.
public struct AnisotropySection: TermSection {
  public static let physics = "uniaxial anisotropy ([[anisotropy]])"
  /// The entries, in file order.
  public let entries: [AnisotropySettings]

  public static func read(from root: ConfigTable, context: ConfigContext) throws(ConfigError) -> AnisotropySection? {
    var entries: [AnisotropySettings] = []
    for t in try root.tables("anisotropy") {
      let k = try t.perRegion(
        "K1", regions: context.regionCount, unit: "J/m³", expected: "a finite number (either sign)")
      let axis = try t.vector("axis")
      guard directionScaled(axis) != nil else {
        throw ConfigError(key: t.key("axis"), message: "is \(axis.configText); give a nonzero direction")
      }
      try t.finish()
      entries.append(AnisotropySettings(constants: k, axis: axis))
    }
    return entries.isEmpty ? nil : AnisotropySection(entries: entries)
  }

  /// The output name of entry `i` (from 0) and the suffix of its parameters.
  func names(_ i: Int) -> (term: String, parameter: String) {
    (entries.count == 1 ? "anisotropy" : "anisotropy\(i + 1)", i == 0 ? "" : "_\(i + 1)")
  }

  public var parameters: [RegionParameter] {
    entries.indices.flatMap { i -> [RegionParameter] in
      let a = entries[i], suffix = names(i).parameter, e = a.unitAxis
      return [
        RegionParameter("K1" + suffix, a.constants, unit: "J/m^3"),
        RegionParameter("K1_axis" + suffix, [e.x, e.y, e.z], unit: ""),
      ]
    }
  }

  /// 2|K1|/Ms summed over the entries and regions.
  public func largestField(saturationMagnetization ms: Double, grid: Grid) -> Double {
    2 * entries.flatMap(\.constants).map(abs).reduce(0, +) / ms
  }

  public func fieldTerms(magnet: Magnet) -> [any FieldTerm] {
    entries.indices.map { i in
      UniaxialAnisotropy(
        magnet: magnet, constants: entries[i].constants, axis: entries[i].scaledAxis, name: names(i).term)
    }
  }

  /// Easy axes along the wall's axis add to K; one hard axis (K1 < 0)
  /// perpendicular to it is K⊥; anything else is outside the model.
  public func contribute(to model: inout WallModelInputs) -> String? {
    for (i, a) in entries.enumerated() {
      let axis = a.unitAxis
      let k = a.constants[0]
      let along = dot(axis, model.wall.easyAxis)
      if abs(abs(along) - 1) < 1e-9 && k > 0 {
        model.easyAnisotropy += k
      } else if abs(along) < 1e-9 && k < 0 && model.hardAnisotropy == 0 {
        model.hardAnisotropy = -k
        model.hardAxis = axis
      } else {
        return
          "anisotropy[\(i)] is neither an easy axis (K1 > 0) along the wall's axis nor the one hard axis (K1 < 0) perpendicular to it"
      }
    }
    return nil
  }
}
