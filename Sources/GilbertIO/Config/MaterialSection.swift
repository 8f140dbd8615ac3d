import Gilbert

/// `[material]`: Ms, A, α, β, δβ and P, each one number or one per region.
/// Builds the exchange term.
public struct MaterialSection: TermSection {
  public static let physics = "exchange ([material])"
  /// Every parameter, one value per region, in `/parameters` order.
  public let saturationMagnetization: RegionParameter, exchangeStiffness: RegionParameter, damping: RegionParameter
  public let nonAdiabaticity: RegionParameter, anisotropicNonAdiabaticity: RegionParameter
  public let polarization: RegionParameter
  /// γ0 = μ0 γ per region, m/(A·s) (`gamma0`; μ0 γ_e by default).
  public var gamma0: RegionParameter = RegionParameter("gamma0", [PhysicalConstants.gamma0], unit: "m/(A*s)")
  /// Whether each region's m is held fixed (`frozen`).
  public var frozen: [Bool] = [false]
  /// A between pairs of regions (`[[interface]]`), J/m, in place of the harmonic mean.
  public var interfaces: [RegionPair: Double] = [:]

  /// The materials by region.
  public var materials: [Material] {
    (0..<saturationMagnetization.values.count).map { r in
      var m = Material(
        saturationMagnetization: saturationMagnetization.values[r], exchangeStiffness: exchangeStiffness.values[r],
        damping: damping.values[r], nonAdiabaticity: nonAdiabaticity.values[r],
        anisotropicNonAdiabaticity: anisotropicNonAdiabaticity.values[r], polarization: polarization.values[r])
      m.gyromagneticRatio = gamma0.value(region: r) / PhysicalConstants.mu0
      m.frozen = frozen.count == 1 ? frozen[0] : frozen[r]
      return m
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
    let gamma0 = try mat.regionParameter(
      "gamma0", default: PhysicalConstants.gamma0, regions: n, unit: "m/(A*s)", valid: { $0 >= 0 },
      expected: "γ0 = μ0 γ ≥ 0 (2.21105e5 for the free electron; 0 stops the region's field-driven motion)")
    let frozen = try readFrozen(mat, regions: n)
    try mat.finish()
    guard ms.values.contains(where: { $0 > 0 }) else {
      throw ConfigError(
        key: "material.Ms", message: "is 0 in every region; at least one region must be magnetic (Ms > 0)")
    }
    var section = MaterialSection(
      saturationMagnetization: ms.expanded(regions: n), exchangeStiffness: a.expanded(regions: n),
      damping: alpha.expanded(regions: n), nonAdiabaticity: beta,
      anisotropicNonAdiabaticity: deltaBeta.expanded(regions: n),
      polarization: p.expanded(regions: n))
    section.interfaces = try readInterfaces(root, regions: n)
    section.gamma0 = gamma0
    section.frozen = frozen
    let held = { (r: Int) in frozen.count == 1 ? frozen[0] : frozen[r] }
    if (0..<n).allSatisfy({ ms.value(region: $0) == 0 || held($0) }) {
      throw ConfigError(key: "material.frozen", message: "holds every magnetic region fixed; nothing would move: free at least one")
    }
    return section
  }

  /// `frozen`: true or false, or an array of one per region.
  static func readFrozen(_ mat: ConfigTable, regions n: Int) throws(ConfigError) -> [Bool] {
    guard let v = mat.raw("frozen") else { return [false] }
    func flag(_ v: ConfigValue, _ key: String) throws(ConfigError) -> Bool {
      guard case .bool(let b) = v else {
        throw ConfigError(key: key, message: "is \(v); expected true or false (whether m is held fixed)")
      }
      return b
    }
    guard case .array(let items) = v else { return [try flag(v, "material.frozen")] }
    guard items.count == n else {
      throw ConfigError(key: "material.frozen", message: "has \(items.count) values; give true/false or one per region (\(n))")
    }
    var out: [Bool] = []
    for (r, item) in items.enumerated() { out.append(try flag(item, "material.frozen[\(r)]")) }
    return out
  }

  /// `[[interface]]`: `regions = [a, b]` (two different region indices) and
  /// `A` (J/m, either sign), the exchange stiffness between cells of a and b.
  static func readInterfaces(_ root: ConfigTable, regions n: Int) throws(ConfigError) -> [RegionPair: Double] {
    try readPairs(root.tables("interface"), regions: n, value: "A", unit: "J/m")
  }

  /// Tables of `regions = [a, b]` (two different region indices, each pair
  /// once) and a number `value` (either sign), keyed by the pair.
  static func readPairs(_ tables: [ConfigTable], regions n: Int, value: String, unit: String) throws(ConfigError)
    -> [RegionPair: Double]
  {
    var out: [RegionPair: Double] = [:]
    for t in tables {
      let r = try t.numbers(
        "regions", count: 2, valid: { $0 >= 0 && $0 < Double(n) && $0 == $0.rounded() },
        expected: "region indices from 0 to \(n - 1)")
      guard r[0] != r[1] else {
        throw ConfigError(key: t.key("regions"), message: "is \(r); expected two different regions")
      }
      let pair = RegionPair(Int(r[0]), Int(r[1]))
      guard out[pair] == nil else {
        throw ConfigError(
          key: t.key("regions"), message: "repeats the pair \(pair.first), \(pair.second) of an earlier table")
      }
      out[pair] = try t.double(value, unit: unit, expected: "a finite number (either sign)")
      try t.finish()
    }
    return out
  }

  public var parameters: [RegionParameter] {
    var p = [
      saturationMagnetization, exchangeStiffness, damping, nonAdiabaticity, anisotropicNonAdiabaticity, polarization,
    ]
    if gamma0.values != [PhysicalConstants.gamma0] { p.append(gamma0) }
    if frozen.contains(true) { p.append(RegionParameter("frozen", frozen.map { $0 ? 1 : 0 }, unit: "")) }
    if !interfaces.isEmpty {
      let pairs = interfaces.keys.sorted { ($0.first, $0.second) < ($1.first, $1.second) }
      p.append(
        RegionParameter(
          "A_interface", pairs.flatMap { [Double($0.first), Double($0.second), interfaces[$0]!] }, unit: "J/m"))
    }
    return p
  }

  public func fieldTerms(magnet: Magnet) -> [any FieldTerm] { [Exchange(magnet: magnet, interfaces: interfaces)] }

  /// The model's wall width and energy come from A (region 0's): covered.
  /// Exchange is in the model; a γ0 other than μ0 γ_e is not (its velocities scale with γ).
  public func contribute(to model: inout WallModelInputs) -> String? {
    gamma0.values.allSatisfy { $0 == PhysicalConstants.gamma0 }
      ? nil : "the (q, φ) model takes γ0 = μ0 γ_e; material.gamma0 sets another"
  }
}
