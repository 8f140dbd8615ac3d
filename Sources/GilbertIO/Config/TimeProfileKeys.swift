import Gilbert

extension TimeProfile {
  /// The profile names `time_profile` accepts.
  public static let names = ["constant", "pulse", "sine", "table"]

  /// `table_t`: at least 2 times (s), strictly increasing, one per entry of `values`.
  static func tableTimes(_ t: ConfigTable, for values: String) throws(ConfigError) -> [Double] {
    guard case .array(let items)? = t.raw("table_t"), items.count >= 2 else {
      throw ConfigError(
        key: t.key("table_t"), message: "needs an array of at least 2 times (s), increasing, one per \(values)")
    }
    let times = try t.numbers("table_t", count: items.count, unit: "s")
    for k in 1..<times.count where times[k] <= times[k - 1] {
      throw ConfigError(
        key: "\(t.key("table_t"))[\(k)]",
        message: "is \(times[k]) s, not after table_t[\(k - 1)] = \(times[k - 1]) s; times must increase strictly")
    }
    return times
  }

  /// Reads `time_profile` and its keys from a table (`[current]`,
  /// `[temperature]`): `pulse_start`, `pulse_length`, `rise`, `fall` (s);
  /// `frequency` (Hz), `phase` (rad); `table_t` (s), `table_value`.
  static func read(from t: ConfigTable) throws(ConfigError) -> TimeProfile {
    let name = try t.string("time_profile", default: "constant", choices: names)
    let own: [String: [String]] = [
      "pulse": ["pulse_start", "pulse_length", "rise", "fall"], "sine": ["frequency", "phase"],
      "table": ["table_t", "table_value"],
    ]
    // A key of another profile is a mistake worth naming (a pulse with `frequency`).
    for (other, keys) in own where other != name {
      for k in keys where t.has(k) {
        throw ConfigError(
          key: t.key(k),
          message:
            "belongs to time_profile = \"\(other)\" but time_profile is \"\(name)\"; remove it or set time_profile = \"\(other)\""
        )
      }
    }
    switch name {
    case "pulse":
      let nonNegative: (Double) -> Bool = { $0 >= 0 }
      let start = try t.double("pulse_start", default: 0, unit: "s", valid: nonNegative, expected: "a time ≥ 0")
      let length = try t.double(
        "pulse_length", unit: "s", valid: { $0 > 0 }, expected: "a positive time (the whole pulse, ramps included)")
      let rise = try t.double("rise", default: 0, unit: "s", valid: nonNegative, expected: "a time ≥ 0")
      let fall = try t.double("fall", default: 0, unit: "s", valid: nonNegative, expected: "a time ≥ 0")
      guard rise + fall <= length else {
        throw ConfigError(
          key: t.key("pulse_length"),
          message:
            "is \(length) s, shorter than rise + fall = \(rise + fall) s; the pulse's length includes both ramps: give pulse_length ≥ rise + fall"
        )
      }
      return .pulse(start: start, length: length, rise: rise, fall: fall)
    case "sine":
      return .sine(
        frequency: try t.double("frequency", unit: "Hz", valid: { $0 > 0 }, expected: "a positive frequency"),
        phase: try t.double("phase", default: 0, unit: "rad"))
    case "table":
      let times = try tableTimes(t, for: "table_value")
      let values = try t.numbers(
        "table_value", count: times.count, expected: "finite numbers (the factor on the amplitude), one per table_t")
      return .table(times: times, values: values)
    default:
      return .constant
    }
  }
}
