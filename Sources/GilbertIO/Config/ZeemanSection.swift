import Gilbert

/// The `[zeeman]` settings.
public struct ZeemanSettings: Sendable, Equatable {
  /// Amplitude, T (region 0's when given per region).
  public var field: SIMD3<Double>
  /// Amplitude per region, T, when `B` is given per region.
  public var perRegion: [SIMD3<Double>]? = nil
  /// s(t), the factor on the amplitude (`time_profile`).
  public var profile: TimeProfile = .constant
  /// Frequency, Hz (0: static).
  public var frequency: Double
  /// Phase, rad.
  public var phase: Double
}

/// `[zeeman]`: an applied field B (T; one vector, or one per region), static,
/// B cos(2π f t + phase) (`frequency`, `phase`), or B · s(t) with a
/// `time_profile` as the current's (pulse, sine, table).
public struct ZeemanSection: TermSection {
  public static let physics = "an applied field ([zeeman])"
  /// The field.
  public let settings: ZeemanSettings

  public static func read(from root: ConfigTable, context: ConfigContext) throws(ConfigError) -> ZeemanSection? {
    guard let z = try root.table("zeeman") else { return nil }
    let vectors = try z.vectors("B", regions: context.regionCount, unit: "T")
    let perRegion = vectors.count > 1 ? vectors : nil
    let b = vectors[0]
    var settings: ZeemanSettings
    if z.has("time_profile") {
      // s(t) from the profile keys (a "sine" profile's frequency and phase are its own).
      settings = ZeemanSettings(field: b, frequency: 0, phase: 0)
      settings.profile = try TimeProfile.read(from: z)
    } else {
      let f = try z.double("frequency", default: 0, unit: "Hz", valid: { $0 >= 0 }, expected: "a number ≥ 0")
      let phase = try z.double("phase", default: 0, unit: "rad")
      settings = ZeemanSettings(field: b, frequency: f, phase: phase)
    }
    settings.perRegion = perRegion
    try z.finish()
    return ZeemanSection(settings: settings)
  }

  public var parameters: [RegionParameter] {
    let b = settings.field
    var p = [
      RegionParameter("B_ext", (settings.perRegion ?? [b]).flatMap { [$0.x, $0.y, $0.z] }, unit: "T")
    ]
    if settings.frequency > 0 { p.append(RegionParameter("B_ext_frequency", [settings.frequency], unit: "Hz")) }
    return p
  }

  public func fieldTerms(magnet: Magnet) -> [any FieldTerm] {
    if let perRegion = settings.perRegion {
      return [Zeeman(magnet: magnet, amplitudes: perRegion, profile: settings.profile)]
    }
    return [
      Zeeman(
        magnet: magnet, amplitude: settings.field, frequency: settings.frequency, phase: settings.phase,
        profile: settings.profile)
    ]
  }
}
