import Gilbert

/// The `[zeeman]` settings.
public struct ZeemanSettings: Sendable, Equatable {
  /// Amplitude, T.
  public var field: SIMD3<Double>
  /// Frequency, Hz (0: static).
  public var frequency: Double
  /// Phase, rad.
  public var phase: Double
}

/// `[zeeman]`: an applied field B (T), static or B sin(2π f t + phase).
public struct ZeemanSection: TermSection {
  public static let physics = "an applied field ([zeeman])"
  /// The field.
  public let settings: ZeemanSettings

  public static func read(from root: ConfigTable, context: ConfigContext) throws(ConfigError) -> ZeemanSection? {
    guard let z = try root.table("zeeman") else { return nil }
    let b = try z.vector("B", unit: "T")
    let f = try z.double("frequency", default: 0, unit: "Hz", valid: { $0 >= 0 }, expected: "a number ≥ 0")
    let phase = try z.double("phase", default: 0, unit: "rad")
    try z.finish()
    return ZeemanSection(settings: ZeemanSettings(field: b, frequency: f, phase: phase))
  }

  public var parameters: [RegionParameter] {
    let b = settings.field
    var p = [RegionParameter("B_ext", [b.x, b.y, b.z], unit: "T")]
    if settings.frequency > 0 { p.append(RegionParameter("B_ext_frequency", [settings.frequency], unit: "Hz")) }
    return p
  }

  public func fieldTerms(magnet: Magnet) -> [any FieldTerm] {
    [Zeeman(magnet: magnet, amplitude: settings.field, frequency: settings.frequency, phase: settings.phase)]
  }
}
