import Foundation
import Gilbert

/// One swept parameter: the config key, its short name (as in `/parameters`)
/// and the values.
public struct SweepAxis: Sendable {
  /// The dotted config key that is overridden.
  public var key: String
  /// The name of the swept dataset, as in `/parameters` (`beta`, `u`, …).
  public var name: String
  /// Unit of the values.
  public var unit: String
  /// The values.
  public var values: [Double]

  /// Short names for the common sweeps; a scalar for `u` or `j` sets the x
  /// component (current along the wire).
  static let shorthands: [String: (key: String, unit: String)] = [
    "beta": ("material.beta", ""), "delta_beta": ("material.delta_beta", ""), "alpha": ("material.alpha", ""),
    "u": ("current.u", "m/s"), "j": ("current.j", "A/m^2"), "P": ("material.P", ""),
  ]

  /// Parses `NAME=v1,v2,...` or `NAME=start:stop:count`, NAME a shorthand or a dotted key.
  public init(parsing text: String) throws(ConfigError) {
    guard let eq = text.firstIndex(of: "="), eq != text.startIndex else {
      throw ConfigError(key: "--vary", message: "'\(text)' is not NAME=v1,v2,... or NAME=start:stop:count")
    }
    let name = String(text[..<eq]), list = String(text[text.index(after: eq)...])
    if let s = Self.shorthands[name] {
      key = s.key
      self.name = name
      unit = s.unit
    } else {
      key = name
      self.name = String(name.split(separator: ".").last ?? Substring(name))
      unit = ""
    }
    let parts = list.split(separator: ":")
    if parts.count == 3, let a = Double(parts[0]), let b = Double(parts[1]), let n = Int(parts[2]), n >= 1 {
      values = (0..<n).map { n == 1 ? a : a + (b - a) * Double($0) / Double(n - 1) }
    } else {
      var v: [Double] = []
      for item in list.split(separator: ",") {
        guard let x = Double(item.trimmingCharacters(in: .whitespaces)), x.isFinite else {
          throw ConfigError(key: "--vary \(name)", message: "has '\(item)', which is not a finite number")
        }
        v.append(x)
      }
      values = v
    }
    if values.isEmpty { throw ConfigError(key: "--vary \(name)", message: "has no values") }
  }

  /// The override text for one value.
  func override(_ value: Double) -> (key: String, value: String) {
    if name == "u" || name == "j" { return (key, "[\(value), 0, 0]") }
    return (key, "\(value)")
  }
}

/// One point of a sweep and what it gave.
public struct SweepPoint: Sendable {
  public var values: [Double]
  public var wallVelocity: Double
  public var regime: String
  public var modelVelocity: Double
  public var walkerVelocity: Double
  public var status: String
}

/// Runs a configuration over the grid of swept values (every combination)
/// and writes one file with a `/sweep` group (Documentation/OutputFormat.md).
public enum Sweep {
  /// Runs every point; `report` is called after each. Each run's trajectory
  /// goes to `keepDirectory` when given, otherwise to a scratch file.
  public static func run(
    text: String, overrides: [(key: String, value: String)], axes: [SweepAxis], outputPath: String, overwrite: Bool,
    keepDirectory: String? = nil, baseDirectory: String? = nil, report: ((Int, Int, SweepPoint) -> Void)? = nil,
    shouldStop: () -> Bool = { false }
  ) throws -> [SweepPoint] {
    if !overwrite && FileManager.default.fileExists(atPath: outputPath) {
      throw HDF5Error(message: "output file '\(outputPath)' exists; pass --force to replace it")
    }
    // Check every point's config before running any.
    var combos: [[Double]] = [[]]
    for axis in axes { combos = combos.flatMap { c in axis.values.map { c + [$0] } } }
    var configs: [SimulationConfig] = []
    for combo in combos {
      let extra = zip(axes, combo).map { $0.override($1) }
      let config = try SimulationConfig(toml: text, overrides: overrides + extra, baseDirectory: baseDirectory)
      guard config.wall != nil, config.run.duration > 0 else {
        throw ConfigError(
          key: "wall",
          message:
            "is missing: a sweep measures a wall velocity, so the config needs a tracked wall and run.duration > 0")
      }
      configs.append(config)
    }
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("gilbert-sweep-\(getpid())").path
    let dir = keepDirectory ?? scratch
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    var points: [SweepPoint] = []
    for (k, (combo, config)) in zip(combos, configs).enumerated() {
      if shouldStop() { break }
      let path = (dir as NSString).appendingPathComponent(String(format: "point_%04d.h5", k))
      var point = SweepPoint(
        values: combo, wallVelocity: .nan, regime: "", modelVelocity: .nan, walkerVelocity: .nan, status: "")
      do {
        let r = try Runner.run(config: config, outputPath: path, overwrite: true, shouldStop: shouldStop)
        point.wallVelocity = r.wallVelocity?.velocity ?? .nan
        point.regime = r.wallVelocity?.regime.rawValue ?? "none"
        point.modelVelocity = r.modelMotion?.velocity ?? .nan
        switch r.outcome {
        case .completed: point.status = "ok"
        case .interrupted: point.status = "interrupted"
        case .failed(let why): point.status = "failed: " + why
        }
        point.walkerVelocity = r.modelWalkerVelocity ?? .nan
      } catch {
        point.status = "failed: \(error)"
      }
      if keepDirectory == nil { try? FileManager.default.removeItem(atPath: path) }
      points.append(point)
      report?(k + 1, combos.count, point)
    }
    if keepDirectory == nil { try? FileManager.default.removeItem(atPath: scratch) }

    let f = try HDF5File(creating: outputPath, overwrite: overwrite)
    defer { f.close() }
    try f.writeRootHeader(configText: text)
    try f.setAttribute("overrides", string: overrides.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
    try f.createGroup("/sweep")
    for (a, axis) in axes.enumerated() {
      try f.writeDataset("/sweep/\(axis.name)", doubles: points.map { $0.values[a] }, shape: [points.count])
      try f.setAttribute("unit", on: "/sweep/\(axis.name)", string: axis.unit)
      try f.setAttribute("config_key", on: "/sweep/\(axis.name)", string: axis.key)
    }
    for (name, values, unit) in [
      ("wall_velocity", points.map(\.wallVelocity), "m/s"), ("model_velocity", points.map(\.modelVelocity), "m/s"),
      ("model_walker_velocity", points.map(\.walkerVelocity), "m/s"),
    ] {
      try f.writeDataset("/sweep/\(name)", doubles: values, shape: [points.count])
      try f.setAttribute("unit", on: "/sweep/\(name)", string: unit)
    }
    try f.writeDataset("/sweep/wall_regime", strings: points.map(\.regime))
    try f.writeDataset("/sweep/status", strings: points.map(\.status))
    return points
  }
}
