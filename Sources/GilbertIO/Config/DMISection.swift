import Gilbert

/// `[dmi]`: the Dzyaloshinskii–Moriya interaction, `D` (J/m², one value or
/// one per region) of crystal class `class` (``DMIClass``: "interfacial",
/// Gilbert's and mumax3's Dind sign, by default; Ubermag's "Cnv_x", "Cnv_y",
/// "Cnv_z", "T", "O", "D2d_x", "D2d_y", "D2d_z"), with its boundary
/// condition at free edges and next to empty cells where A > 0 (``DMI``).
/// `[[dmi_interface]]` (`regions = [a, b]`, `D`) gives D on the bonds
/// between two regions, as `[[interface]]` gives A.
public struct DMISection: TermSection {
  public static let physics = "the DMI ([dmi])"
  /// D per region, J/m².
  public let strength: RegionParameter
  /// The crystal class.
  public let crystalClass: DMIClass
  /// D between pairs of regions, J/m².
  public let interfaces: [RegionPair: Double]

  public static func read(from root: ConfigTable, context: ConfigContext) throws(ConfigError) -> DMISection? {
    let interfaceTables = try root.tables("dmi_interface")
    guard let t = try root.table("dmi") else {
      if let first = interfaceTables.first {
        throw ConfigError(key: first.key("D"), message: "needs a [dmi] section (its class and D in each region)")
      }
      return nil
    }
    let n = context.regionCount
    let d = try t.regionParameter("D", regions: n, unit: "J/m^2", expected: "a finite number (either sign)")
    let names = ["interfacial"] + DMIClass.allCases.dropFirst().map(\.rawValue) + ["O"]
    let crystalClass = DMIClass(name: try t.string("class", default: "interfacial", choices: names))!
    try t.finish()
    let interfaces = try MaterialSection.readPairs(interfaceTables, regions: n, value: "D", unit: "J/m²")
    return DMISection(strength: d, crystalClass: crystalClass, interfaces: interfaces)
  }

  /// The model takes region 0's D with the class's vector along x (the wire); D between regions it does not.
  public func contribute(to model: inout WallModelInputs) -> String? {
    guard interfaces.isEmpty else { return "the (q, φ) model does not include D between regions ([[dmi_interface]])" }
    (model.dmiStrength, model.dmiVector) = (strength.value(region: 0), crystalClass.vectors.0)
    return nil
  }

  public var parameters: [RegionParameter] {
    var p = [strength]
    if !interfaces.isEmpty {
      let pairs = interfaces.keys.sorted { ($0.first, $0.second) < ($1.first, $1.second) }
      p.append(
        RegionParameter(
          "D_interface", pairs.flatMap { [Double($0.first), Double($0.second), interfaces[$0]!] }, unit: "J/m^2"))
    }
    return p
  }

  /// (2|D|/Ms) Σ_a |d̂_a|/Δ_a over the axes with more than one cell (the
  /// central difference of the shortest wave is at most 1/Δ), D the largest
  /// of the regions' and the interfaces'.
  public func largestField(saturationMagnetization ms: Double, grid g: Grid) -> Double {
    let d = (strength.values + Array(interfaces.values)).map(abs).max() ?? 0
    let v = crystalClass.vectors
    var sum = 0.0
    for (n, h, dv) in [(g.nx, g.dx, v.0), (g.ny, g.dy, v.1), (g.nz, g.dz, v.2)] where n > 1 && dv != .zero {
      sum += 1 / h
    }
    return 2 * d / ms * sum
  }

  public func fieldTerms(magnet: Magnet) -> [any FieldTerm] {
    [DMI(magnet: magnet, strength: strength, crystalClass: crystalClass, interfaces: interfaces)]
  }
}
