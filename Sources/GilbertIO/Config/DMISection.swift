import Gilbert

/// `[dmi]`: interfacial Dzyaloshinskii–Moriya interaction, `D` (J/m², one
/// value or one per region), with its boundary condition at free edges and
/// next to empty cells (``InterfacialDMI``).
public struct DMISection: TermSection {
  public static let physics = "interfacial DMI ([dmi])"
  /// D per region, J/m².
  public let strength: RegionParameter

  public static func read(from root: ConfigTable, context: ConfigContext) throws(ConfigError) -> DMISection? {
    guard let t = try root.table("dmi") else { return nil }
    let n = context.regionCount
    let d = try t.regionParameter("D", regions: n, unit: "J/m^2", expected: "a finite number (either sign)")
    try t.finish()
    let material = try context.required(MaterialSection.self)
    for r in 0..<n where d.value(region: r) != 0 && material.saturationMagnetization.values[r] > 0 {
      guard material.exchangeStiffness.values[r] > 0 else {
        throw ConfigError(
          key: "dmi.D",
          message:
            "is \(d.value(region: r)) J/m² in region \(r) where material.A = 0; the DMI boundary condition ∂m/∂n = (D/2A)(ẑ × n) × m needs A > 0 there"
        )
      }
    }
    return DMISection(strength: d)
  }

  public var parameters: [RegionParameter] { [strength] }

  public func fieldTerms(magnet: Magnet) -> [any FieldTerm] { [InterfacialDMI(magnet: magnet, strength: strength)] }
}
