import Foundation
import Gilbert
import TOMLKit

/// A configuration value: the TOML document as a plain Swift tree, so it can
/// be inspected, overridden (`--set KEY=VALUE`) and checked key by key.
public indirect enum ConfigValue: Sendable, Equatable, CustomStringConvertible {
  case int(Int)
  case double(Double)
  case bool(Bool)
  case string(String)
  case array([ConfigValue])
  case table([String: ConfigValue])

  /// The value as TOML would write it, for error messages.
  public var description: String {
    switch self {
    case .int(let v): return String(v)
    case .double(let v): return "\(v)"
    case .bool(let v): return String(v)
    case .string(let v): return "\"\(v)\""
    case .array(let a): return "[" + a.map(\.description).joined(separator: ", ") + "]"
    case .table(let t): return "{" + t.keys.sorted().map { "\($0) = \(t[$0]!)" }.joined(separator: ", ") + "}"
    }
  }

  /// The value in TOML syntax (inline tables and arrays).
  public var toml: String {
    switch self {
    case .int(let v): return String(v)
    case .double(let v): return v.isFinite ? "\(v)" : (v.isNaN ? "nan" : (v > 0 ? "inf" : "-inf"))
    case .bool(let v): return String(v)
    case .string(let v):
      return "\"" + v.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    case .array(let a): return "[" + a.map(\.toml).joined(separator: ", ") + "]"
    case .table(let t): return "{ " + t.keys.sorted().map { "\($0) = \(t[$0]!.toml)" }.joined(separator: ", ") + " }"
    }
  }

  /// A whole document in TOML: top-level keys, then one [table] or
  /// [[array of tables]] per section, keys sorted.
  public static func tomlDocument(_ root: [String: ConfigValue]) -> String {
    var out = ""
    for k in root.keys.sorted() {
      switch root[k]! {
      case .table,
        .array(_) where isArrayOfTables(root[k]!):
        continue
      default: out += "\(k) = \(root[k]!.toml)\n"
      }
    }
    for k in root.keys.sorted() {
      if case .table(let t) = root[k]! {
        out += "\n[\(k)]\n" + t.keys.sorted().map { "\($0) = \(t[$0]!.toml)\n" }.joined()
      } else if case .array(let items) = root[k]!, isArrayOfTables(root[k]!) {
        for case .table(let t) in items {
          out += "\n[[\(k)]]\n" + t.keys.sorted().map { "\($0) = \(t[$0]!.toml)\n" }.joined()
        }
      }
    }
    return out
  }

  static func isArrayOfTables(_ v: ConfigValue) -> Bool {
    guard case .array(let items) = v, !items.isEmpty else { return false }
    return items.allSatisfy { if case .table = $0 { return true } else { return false } }
  }

  /// The kind of value, for error messages.
  public var kind: String {
    switch self {
    case .int: return "an integer"
    case .double: return "a number"
    case .bool: return "a boolean"
    case .string: return "a string"
    case .array: return "an array"
    case .table: return "a table"
    }
  }

  /// The largest configuration read, bytes, and the deepest nesting of
  /// arrays and inline tables: checked before parsing, so no input can
  /// exhaust memory or the parser's stack.
  public static let maximumSize = 4 << 20, maximumDepth = 32

  /// Refuses text no configuration needs: too large, a NUL byte (which would
  /// silently end the text for the parser), or nesting deeper than
  /// ``maximumDepth`` outside strings and comments.
  static func checkShape(_ text: String) throws(ConfigError) {
    let bytes = Array(text.utf8)
    guard bytes.count <= maximumSize else {
      throw ConfigError(key: "(file)", message: "is \(bytes.count) bytes; a configuration is at most \(maximumSize)")
    }
    if let nul = bytes.firstIndex(of: 0) {
      throw ConfigError(key: "(file)", message: "has a NUL byte at offset \(nul); a configuration is plain text")
    }
    var depth = 0, line = 1, dots = 0
    var quote: UInt8? = nil
    var comment = false
    let digits = UInt8(ascii: "0")...UInt8(ascii: "9")
    for (k, b) in bytes.enumerated() {
      if b == UInt8(ascii: "\n") {
        line += 1
        dots = 0
        comment = false
        if quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\"") { quote = nil }
        continue
      }
      if comment { continue }
      if let q = quote {
        if b == q { quote = nil }
        continue
      }
      // A dotted key (`[a.b.c]`, `a.b = 1`) nests too: count the dots that
      // are not a decimal point between two digits.
      if b == UInt8(ascii: "."),
        !(k > 0 && digits.contains(bytes[k - 1]) && k + 1 < bytes.count && digits.contains(bytes[k + 1]))
      {
        dots += 1
        if dots > maximumDepth {
          throw ConfigError(
            key: "(file)", message: "has a key nested deeper than \(maximumDepth) levels at line \(line)")
        }
      }
      switch b {
      case UInt8(ascii: "#"): comment = true
      case UInt8(ascii: "\""), UInt8(ascii: "'"): quote = b
      case UInt8(ascii: "["), UInt8(ascii: "{"):
        depth += 1
        if depth > maximumDepth {
          throw ConfigError(
            key: "(file)", message: "nests arrays or tables deeper than \(maximumDepth) levels at line \(line)")
        }
      case UInt8(ascii: "]"), UInt8(ascii: "}"): depth = max(0, depth - 1)
      default: break
      }
    }
  }

  /// Parses a TOML document. Errors carry the line and column.
  public static func parse(toml text: String) throws(ConfigError) -> [String: ConfigValue] {
    try checkShape(text)
    let table: TOMLTable
    do {
      table = try TOMLTable(string: text)
    } catch let error as TOMLParseError {
      throw ConfigError(
        key: "(file)",
        message:
          "is not valid TOML at line \(error.source.begin.line), column \(error.source.begin.column): \(error.description)"
      )
    } catch {
      throw ConfigError(key: "(file)", message: "is not valid TOML: \(error)")
    }
    return convert(table)
  }

  static func convert(_ table: TOMLTable) -> [String: ConfigValue] {
    var out: [String: ConfigValue] = [:]
    for key in table.keys {
      if let v = table[key], let c = convert(v) { out[key] = c }
    }
    return out
  }

  static func convert(_ value: TOMLValueConvertible) -> ConfigValue? {
    switch value.type {
    case .int: return value.int.map { .int($0) }
    case .double: return value.double.map { .double($0) }
    case .bool: return value.bool.map { .bool($0) }
    case .string: return value.string.map { .string($0) }
    case .array: return value.array.map { a in .array(a.compactMap { convert($0) }) }
    case .table: return value.table.map { .table(convert($0)) }
    default: return .string(value.debugDescription)
    }
  }

  /// Parses the VALUE of a `--set KEY=VALUE` override as a TOML value.
  public static func parse(override text: String, key: String) throws(ConfigError) -> ConfigValue {
    if let bad = text.unicodeScalars.first(where: { $0 == "\n" || $0 == "\r" || $0 == "\0" }) {
      throw ConfigError(
        key: key,
        message:
          "override value has a \(bad == "\0" ? "NUL" : "line break") character; a --set value is one TOML value on one line"
      )
    }
    let doc = try? parse(toml: "v = \(text)")
    if let v = doc?["v"] { return v }
    // A bare word is taken as a string: --set solver.method=rk4.
    if !text.isEmpty, text.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." }) {
      return .string(text)
    }
    throw ConfigError(
      key: key, message: "override value '\(text)' is not a TOML value (a number, true/false, \"text\" or [array])")
  }
}

/// A configuration error: the key (dotted path), what is wrong, and what is valid.
public struct ConfigError: Error, CustomStringConvertible, Equatable {
  /// The dotted key, e.g. `material.Ms`.
  public let key: String
  /// What is wrong with it and what would be valid.
  public let message: String

  /// An error about `key`.
  public init(key: String, message: String) {
    self.key = key
    self.message = message
  }

  public var description: String { "config key '\(key)' \(message)" }
}

/// Reads one table of the configuration, remembering which keys were used so
/// that unknown (misspelled) keys are reported by ``finish()``.
public final class ConfigTable {
  /// Dotted path of this table ("" at the top).
  public let path: String
  let entries: [String: ConfigValue]
  private var used: Set<String> = []
  private var known: [String] = []

  /// Wraps a table found at `path`.
  public init(_ entries: [String: ConfigValue], path: String) {
    self.entries = entries
    self.path = path
  }

  func key(_ k: String) -> String { path.isEmpty ? k : "\(path).\(k)" }

  /// The raw value of `k`, if present (marks it as known and used).
  public func raw(_ k: String) -> ConfigValue? {
    known.append(k)
    guard let v = entries[k] else { return nil }
    used.insert(k)
    return v
  }

  /// Whether `k` is present.
  public func has(_ k: String) -> Bool { entries[k] != nil }

  /// A finite number (TOML integers are accepted), checked by `valid`.
  public func double(
    _ k: String, default def: Double? = nil, unit: String = "", valid: (Double) -> Bool = { _ in true },
    expected: String = "a finite number"
  ) throws(ConfigError) -> Double {
    guard let v = raw(k) else {
      if let def { return def }
      throw ConfigError(key: key(k), message: "is missing: give \(expected)\(unit.isEmpty ? "" : " in \(unit)")")
    }
    return try number(v, key: key(k), unit: unit, valid: valid, expected: expected)
  }

  /// An optional finite number.
  public func optionalDouble(
    _ k: String, unit: String = "", valid: (Double) -> Bool = { _ in true }, expected: String = "a finite number"
  ) throws(ConfigError) -> Double? {
    guard has(k) else {
      known.append(k)
      return nil
    }
    return try double(k, unit: unit, valid: valid, expected: expected)
  }

  func number(
    _ v: ConfigValue, key: String, unit: String, valid: (Double) -> Bool, expected: String
  ) throws(ConfigError) -> Double {
    let x: Double
    switch v {
    case .int(let i): x = Double(i)
    case .double(let d): x = d
    default:
      throw ConfigError(
        key: key, message: "is \(v.kind) (\(v)); expected \(expected)\(unit.isEmpty ? "" : " in \(unit)")")
    }
    guard x.isFinite, valid(x) else {
      throw ConfigError(key: key, message: "is \(v); expected \(expected)\(unit.isEmpty ? "" : " in \(unit)")")
    }
    return x
  }

  /// A number or an array of numbers, one per region.
  public func perRegion(
    _ k: String, default def: Double? = nil, regions: Int, unit: String = "",
    valid: (Double) -> Bool = { _ in true }, expected: String = "a finite number"
  ) throws(ConfigError) -> [Double] {
    guard let v = raw(k) else {
      if let def { return [def] }
      throw ConfigError(key: key(k), message: "is missing: give \(expected)\(unit.isEmpty ? "" : " in \(unit)")")
    }
    if case .array(let items) = v {
      guard items.count == regions else {
        throw ConfigError(
          key: key(k), message: "has \(items.count) values; give one number or an array of \(regions) (one per region)")
      }
      var out: [Double] = []
      for (i, item) in items.enumerated() {
        out.append(try number(item, key: "\(key(k))[\(i)]", unit: unit, valid: valid, expected: expected))
      }
      return out
    }
    return [try number(v, key: key(k), unit: unit, valid: valid, expected: expected)]
  }

  /// An integer.
  public func int(
    _ k: String, default def: Int? = nil, valid: (Int) -> Bool = { _ in true }, expected: String = "an integer"
  ) throws(ConfigError) -> Int {
    guard let v = raw(k) else {
      if let def { return def }
      throw ConfigError(key: key(k), message: "is missing: give \(expected)")
    }
    guard case .int(let i) = v, valid(i) else {
      throw ConfigError(key: key(k), message: "is \(v); expected \(expected)")
    }
    return i
  }

  /// A boolean.
  public func bool(_ k: String, default def: Bool) throws(ConfigError) -> Bool {
    guard let v = raw(k) else { return def }
    guard case .bool(let b) = v else { throw ConfigError(key: key(k), message: "is \(v); expected true or false") }
    return b
  }

  /// A string, one of `choices` when given.
  public func string(_ k: String, default def: String? = nil, choices: [String]? = nil) throws(ConfigError) -> String {
    guard let v = raw(k) else {
      if let def { return def }
      let what = choices.map { "one of " + $0.map { "\"\($0)\"" }.joined(separator: ", ") } ?? "a string"
      throw ConfigError(key: key(k), message: "is missing: give \(what)")
    }
    guard case .string(let s) = v else {
      throw ConfigError(key: key(k), message: "is \(v.kind) (\(v)); expected a string")
    }
    if let choices, !choices.contains(s) {
      throw ConfigError(
        key: key(k), message: "is \"\(s)\"; expected one of " + choices.map { "\"\($0)\"" }.joined(separator: ", "))
    }
    return s
  }

  /// An array of `count` finite numbers (a vector or an interval).
  public func numbers(
    _ k: String, count: Int, default def: [Double]? = nil, unit: String = "", valid: (Double) -> Bool = { _ in true },
    expected: String = "finite numbers"
  ) throws(ConfigError) -> [Double] {
    guard let v = raw(k) else {
      if let def { return def }
      throw ConfigError(
        key: key(k), message: "is missing: give an array of \(count) \(expected)\(unit.isEmpty ? "" : " in \(unit)")")
    }
    guard case .array(let items) = v, items.count == count else {
      throw ConfigError(
        key: key(k), message: "is \(v); expected an array of \(count) \(expected)\(unit.isEmpty ? "" : " in \(unit)")")
    }
    var out: [Double] = []
    for (i, item) in items.enumerated() {
      out.append(try number(item, key: "\(key(k))[\(i)]", unit: unit, valid: valid, expected: expected))
    }
    return out
  }

  /// A 3-vector.
  public func vector(_ k: String, default def: SIMD3<Double>? = nil, unit: String = "") throws(ConfigError) -> SIMD3<
    Double
  > {
    let v = try numbers(k, count: 3, default: def.map { [$0.x, $0.y, $0.z] }, unit: unit)
    return SIMD3(v[0], v[1], v[2])
  }

  /// One 3-vector, or an array of one per region (`[[1, 0, 0], [0, 1, 0]]`).
  public func vectors(_ k: String, default def: SIMD3<Double>? = nil, regions n: Int, unit: String = "")
    throws(ConfigError) -> [SIMD3<Double>]
  {
    guard case .array(let items)? = raw(k), case .array? = items.first else {
      return [try vector(k, default: def, unit: unit)]
    }
    guard items.count == n else {
      throw ConfigError(
        key: key(k),
        message: "has \(items.count) vectors; expected one 3-vector\(unit.isEmpty ? "" : " (\(unit))") or one per region (\(n))")
    }
    var vectors: [SIMD3<Double>] = []
    for (r, item) in items.enumerated() {
      guard case .array(let c) = item, c.count == 3 else {
        throw ConfigError(key: "\(key(k))[\(r)]", message: "is \(item); expected a 3-vector\(unit.isEmpty ? "" : " in \(unit)")")
      }
      var v = SIMD3<Double>(repeating: 0)
      for a in 0..<3 {
        v[a] = try number(c[a], key: "\(key(k))[\(r)][\(a)]", unit: unit, valid: { _ in true }, expected: "a finite number")
      }
      vectors.append(v)
    }
    return vectors
  }

  /// Directions: one vector or one per region (as ``vectors(_:default:regions:unit:)``),
  /// each nonzero and finite (the error names the key, and the region's entry),
  /// as given.
  public func directions(_ k: String, default def: SIMD3<Double>? = nil, regions n: Int) throws(ConfigError)
    -> [SIMD3<Double>]
  {
    let given = try vectors(k, default: def, regions: n)
    for (r, v) in given.enumerated() where directionScaled(v) == nil {
      throw ConfigError(key: given.count > 1 ? "\(key(k))[\(r)]" : key(k), message: "is \(v.configText); give a nonzero direction")
    }
    return given
  }

  /// `thickness` (m, > 0), by default the grid's nz · dz (a film's whole thickness).
  public func thickness(grid: Grid) throws(ConfigError) -> Double {
    try double(
      "thickness", default: Double(grid.nz) * grid.dz, unit: "m", valid: { $0 > 0 }, expected: "a positive thickness")
  }

  /// An array of strings.
  public func strings(_ k: String, default def: [String]) throws(ConfigError) -> [String] {
    guard let v = raw(k) else { return def }
    guard case .array(let items) = v else {
      throw ConfigError(key: key(k), message: "is \(v); expected an array of strings")
    }
    var out: [String] = []
    for item in items {
      guard case .string(let s) = item else {
        throw ConfigError(key: key(k), message: "is \(v); expected an array of strings")
      }
      out.append(s)
    }
    return out
  }

  /// A sub-table (nil when absent).
  public func table(_ k: String) throws(ConfigError) -> ConfigTable? {
    guard let v = raw(k) else { return nil }
    guard case .table(let t) = v else {
      throw ConfigError(key: key(k), message: "is \(v.kind); expected a table [\(key(k))]")
    }
    return ConfigTable(t, path: key(k))
  }

  /// An array of tables (`[[k]]`), empty when absent.
  public func tables(_ k: String) throws(ConfigError) -> [ConfigTable] {
    guard let v = raw(k) else { return [] }
    guard case .array(let items) = v else {
      throw ConfigError(key: key(k), message: "is \(v.kind); expected [[\(key(k))]] tables")
    }
    var out: [ConfigTable] = []
    for (i, item) in items.enumerated() {
      guard case .table(let t) = item else {
        throw ConfigError(key: key(k), message: "must hold tables ([[\(key(k))]])")
      }
      out.append(ConfigTable(t, path: "\(key(k))[\(i)]"))
    }
    return out
  }

  /// Throws for the first key that no reader asked for: a misspelling or a key of another section.
  public func finish() throws(ConfigError) {
    let valid = Array(Set(known)).sorted()
    for k in entries.keys.sorted() where !used.contains(k) {
      throw ConfigError(
        key: key(k), message: "is not a known key; valid keys here are: " + valid.joined(separator: ", "))
    }
  }
}

extension ConfigTable {
  /// A ``RegionParameter`` read from `k`: one number, or an array of one per
  /// region. `unit` is the ASCII unit written to `/parameters` (messages show
  /// it with superscripts); `name` is the `/parameters` name (default `k`).
  public func regionParameter(
    _ k: String, as name: String? = nil, default def: Double? = nil, regions: Int, unit: String = "",
    valid: (Double) -> Bool = { _ in true }, expected: String = "a finite number"
  ) throws(ConfigError) -> RegionParameter {
    let values = try perRegion(
      k, default: def, regions: regions, unit: Self.display(unit), valid: valid, expected: expected)
    return RegionParameter(name ?? k, values, unit: unit)
  }

  /// An ASCII unit as people write it: `J/m^3` → `J/m³`, `Ohm*m` → `Ω·m`.
  static func display(_ unit: String) -> String {
    unit.replacingOccurrences(of: "^3", with: "³").replacingOccurrences(of: "^2", with: "²")
      .replacingOccurrences(of: "Ohm", with: "Ω").replacingOccurrences(of: "*", with: "·")
  }
}

extension SIMD3 where Scalar == Double {
  /// The vector as a config writes it, `[1, 0, 0.5]` (messages quote values this way).
  public var configText: String {
    func number(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : "\(x)" }
    return "[\(number(x)), \(number(y)), \(number(z))]"
  }
}
