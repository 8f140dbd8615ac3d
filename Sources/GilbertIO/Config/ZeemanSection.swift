import Gilbert

/// One applied field of `[zeeman]` or `[[zeeman]]`.
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
  /// M(t), nine piecewise-linear profiles row by row (`table_matrix`, or
  /// diagonal for `table_B`), or nil.
  public var transform: [TimeProfile]? = nil
  /// The output name (`zeeman`, or `zeeman_<name>` of several).
  public var name: String = "zeeman"

  /// Whether the field changes in time.
  public var varies: Bool { frequency != 0 || !profile.isConstant || transform != nil }
}

/// `[zeeman]`, or several `[[zeeman]]`: applied fields, each B (T; one
/// vector, or one per region), static, B cos(2π f t + phase) (`frequency`,
/// `phase`), B · s(t) with a `time_profile` as the current's (pulse, sine,
/// table), a field given as a table of vectors (`table_t`, `table_B`:
/// B(t) piecewise linear, no `B`), or a field that turns (`table_t`,
/// `table_matrix`: 3 × 3 matrices row by row, B(t) = M(t) B). Several
/// fields are named by their `name` key (outputs `B_zeeman_<name>`,
/// `E_zeeman_<name>`), else numbered from 1.
public struct ZeemanSection: TermSection {
  public static let physics = "an applied field ([zeeman])"
  /// The fields, in file order.
  public let entries: [ZeemanSettings]
  /// The first field.
  public var settings: ZeemanSettings { entries[0] }

  public static func read(from root: ConfigTable, context: ConfigContext) throws(ConfigError) -> ZeemanSection? {
    let tables: [ConfigTable]
    if case .array? = root.raw("zeeman") { tables = try root.tables("zeeman") } else { tables = try root.table("zeeman").map { [$0] } ?? [] }
    guard !tables.isEmpty else { return nil }
    var entries: [ZeemanSettings] = []
    for (i, z) in tables.enumerated() {
      var settings = try entry(z, regions: context.regionCount)
      if tables.count > 1 {
        let name = try z.string("name", default: "\(i + 1)")
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
          throw ConfigError(key: z.key("name"), message: "is \"\(name)\"; expected letters, digits and _ (it names outputs)")
        }
        settings.name = "zeeman_\(name)"
        if entries.contains(where: { $0.name == settings.name }) {
          throw ConfigError(key: z.key("name"), message: "is \"\(name)\", the name of an earlier [[zeeman]]; names must differ")
        }
      }
      try z.finish()
      entries.append(settings)
    }
    return ZeemanSection(entries: entries)
  }

  /// One field's keys.
  static func entry(_ z: ConfigTable, regions n: Int) throws(ConfigError) -> ZeemanSettings {
    if z.has("table_B") {
      if z.has("B") {
        throw ConfigError(key: z.key("B"), message: "is given with table_B, which is the field itself; give one of them")
      }
      let rows = try tableRows(z, "table_B", width: 3, unit: "T")
      var settings = ZeemanSettings(field: SIMD3(1, 1, 1), frequency: 0, phase: 0)
      let zero = TimeProfile.table(times: rows.times, values: rows.times.map { _ in 0 })
      settings.transform = (0..<9).map { k in
        k % 4 == 0 ? .table(times: rows.times, values: rows.values.map { $0[k / 4] }) : zero
      }
      return settings
    }
    let vectors = try z.vectors("B", regions: n, unit: "T")
    var settings: ZeemanSettings
    if z.has("table_matrix") {
      let rows = try tableRows(z, "table_matrix", width: 9, unit: "")
      settings = ZeemanSettings(field: vectors[0], frequency: 0, phase: 0)
      settings.transform = (0..<9).map { k in .table(times: rows.times, values: rows.values.map { $0[k] }) }
    } else if z.has("time_profile") {
      // s(t) from the profile keys (a "sine" profile's frequency and phase are its own).
      settings = ZeemanSettings(field: vectors[0], frequency: 0, phase: 0)
      settings.profile = try TimeProfile.read(from: z)
    } else {
      let f = try z.double("frequency", default: 0, unit: "Hz", valid: { $0 >= 0 }, expected: "a number ≥ 0")
      let phase = try z.double("phase", default: 0, unit: "rad")
      settings = ZeemanSettings(field: vectors[0], frequency: f, phase: phase)
    }
    settings.perRegion = vectors.count > 1 ? vectors : nil
    return settings
  }

  /// `table_t` (increasing times, s) and `key`, one row of `width` numbers per time.
  static func tableRows(_ z: ConfigTable, _ key: String, width: Int, unit: String) throws(ConfigError)
    -> (times: [Double], values: [[Double]])
  {
    let times = try TimeProfile.tableTimes(z, for: "\(key) row")
    guard case .array(let rows)? = z.raw(key), rows.count == times.count else {
      throw ConfigError(key: z.key(key), message: "needs \(times.count) rows of \(width) numbers, one per table_t")
    }
    var values: [[Double]] = []
    for (r, row) in rows.enumerated() {
      guard case .array(let c) = row, c.count == width else {
        throw ConfigError(key: "\(z.key(key))[\(r)]", message: "is \(row); expected \(width) numbers\(unit.isEmpty ? "" : " in \(unit)")")
      }
      var v: [Double] = []
      for (a, x) in c.enumerated() {
        v.append(try z.number(x, key: "\(z.key(key))[\(r)][\(a)]", unit: unit, valid: { _ in true }, expected: "a finite number"))
      }
      values.append(v)
    }
    return (times, values)
  }

  public var parameters: [RegionParameter] {
    entries.flatMap { s -> [RegionParameter] in
      let suffix = s.name == "zeeman" ? "" : s.name.dropFirst("zeeman".count)
      var p = [RegionParameter("B_ext\(suffix)", (s.perRegion ?? [s.field]).flatMap { [$0.x, $0.y, $0.z] }, unit: "T")]
      if s.frequency > 0 { p.append(RegionParameter("B_ext_frequency\(suffix)", [s.frequency], unit: "Hz")) }
      return p
    }
  }

  /// The largest |B| of any field at any time (the tables' largest entries), T.
  public func largestField(saturationMagnetization ms: Double, grid: Grid) -> Double {
    entries.map { s -> Double in
      let b = (s.perRegion ?? [s.field]).map { ($0 * $0).sum().squareRoot() }.max() ?? 0
      guard let t = s.transform else { return b }
      let m = t.map { p -> Double in
        if case .table(_, let v) = p { return v.map(abs).max() ?? 0 }
        return 1
      }
      return 3 * (m.max() ?? 0) * b
    }.reduce(0, +)
  }

  public func fieldTerms(magnet: Magnet) -> [any FieldTerm] {
    entries.map { s in
      if let perRegion = s.perRegion {
        return Zeeman(magnet: magnet, amplitudes: perRegion, profile: s.profile, transform: s.transform, name: s.name)
      }
      return Zeeman(
        magnet: magnet, amplitude: s.field, frequency: s.frequency, phase: s.phase, profile: s.profile,
        transform: s.transform, name: s.name)
    }
  }
}
