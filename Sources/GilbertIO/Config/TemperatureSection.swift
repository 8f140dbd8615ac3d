import Gilbert

/// `[temperature]`: Brown's thermal field. `T` (K, one number or one per
/// region), `seed` (an integer ≥ 0; the same seed gives the same run to the
/// last bit), and optionally a `time_profile` as `[current]` has one
/// (T(t) = T · max(0, s(t))). T > 0 needs `solver.method = "stochastic_heun"`
/// with a fixed `solver.dt`.
public struct TemperatureSection: ConfigSection {
  /// T of each region, K.
  public let temperature: RegionParameter
  /// The generator's seed.
  public let seed: UInt64
  /// T(t) = T · max(0, s(t)).
  public let profile: TimeProfile

  /// Whether any region is above 0 K.
  public var isActive: Bool { temperature.values.contains { $0 > 0 } }

  public static func read(from root: ConfigTable, context: ConfigContext) throws(ConfigError) -> TemperatureSection? {
    guard let t = try root.table("temperature") else { return nil }
    let n = context.regionCount
    let temperature = try t.regionParameter(
      "T", regions: n, unit: "K", valid: { $0 >= 0 }, expected: "a temperature ≥ 0, one number or one per region"
    ).expanded(regions: n)
    let seed = try t.int(
      "seed", default: 1, valid: { $0 >= 0 }, expected: "an integer ≥ 0 (the same seed gives the same run)")
    let profile = try TimeProfile.read(from: t)
    try t.finish()
    let section = TemperatureSection(temperature: temperature, seed: UInt64(seed), profile: profile)
    guard section.isActive else { return section }
    let solver = context.section(SolverSettings.self)!
    guard solver.scheme == .stochasticHeun else {
      throw ConfigError(
        key: "solver.method",
        message:
          "is \"\(solver.method)\" but temperature.T > 0: thermal noise needs the fixed-step Stratonovich scheme; set solver.method = \"stochastic_heun\" and solver.dt (s)"
      )
    }
    if context.section(WallSettings.self)?.frame == .continuous {
      throw ConfigError(
        key: "wall.moving_frame",
        message:
          "is \"continuous\" but temperature.T > 0: the co-moving frame's velocity would follow the noise; use moving_frame = true (whole-cell shifts)"
      )
    }
    return section
  }

  public var parameters: [RegionParameter] {
    [temperature, RegionParameter("thermal_seed", [Double(seed)], unit: "")]
  }
}
