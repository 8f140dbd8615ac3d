import Foundation
import Gilbert

/// One swept parameter: the config key, its short name (as in `/parameters`)
/// and the values.
public struct SweepAxis: Sendable, Codable, Equatable {
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
      // Each value is the decimal the user would write (12 significant
      // digits): 0:0.06:7 gives 0.05, not 0.049999999999999996, in the
      // config, the file and the progress lines.
      values = (0..<n).map { k in
        let x = n == 1 ? a : a + (b - a) * Double(k) / Double(n - 1)
        return Double(String(format: "%.12g", x)) ?? x
      }
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
///
/// `status` is `ok` only when the run completed and its velocity converged
/// (the rules of `run.until = "velocity_converged"`, applied to the samples
/// at the end of a fixed-duration run); `unconverged` when it completed
/// without; `failed: …` with the run's message; `pending` before it has run
/// or when it was stopped mid-run (a rerun runs it). `flags` notes a regime
/// that differs from the (q, φ) model's.
public struct SweepPoint: Sendable, Equatable, Codable {
  public var values: [Double]
  public var wallVelocity: Double = .nan
  /// The velocity's uncertainty, m/s (the difference of the last two estimates compared).
  public var uncertainty: Double = .nan
  public var regime: String = ""
  public var modelVelocity: Double = .nan
  public var modelRegime: String = ""
  public var walkerVelocity: Double = .nan
  public var status: String = "pending"
  public var flags: String = ""

  /// A point not run yet.
  public init(values: [Double]) { self.values = values }

  /// Whether the point has a final result (a rerun skips it).
  public var isFinished: Bool { status == "ok" || status == "unconverged" || status.hasPrefix("failed") }

  /// The point as a run's summary (`/summary` of its trajectory file) describes it.
  public init(values: [Double], summaryOf path: String) throws {
    self.values = values
    let f = try HDF5File(reading: path)
    defer { f.close() }
    func number(_ name: String) -> Double {
      (try? f.doubleAttribute(name, on: "/summary").first) ?? .nan
    }
    func text(_ name: String) -> String? { try? f.stringAttribute(name, on: "/summary") }
    wallVelocity = number("wall_velocity")
    uncertainty = number("wall_velocity_uncertainty")
    regime = text("wall_regime") ?? "none"
    modelVelocity = number("model_velocity")
    modelRegime = text("model_regime") ?? ""
    walkerVelocity = number("model_walker_velocity")
    let run = text("status") ?? "failed: the run wrote no summary"
    if run == "completed" {
      status = text("velocity_converged") == "true" ? "ok" : "unconverged"
    } else if run.hasPrefix("interrupted") {
      status = "pending"
    } else {
      status = run
    }
    if !modelRegime.isEmpty && regime != "none" && regime != modelRegime {
      flags = "regime \(regime), the model's \(modelRegime)"
    }
  }
}

/// Runs a configuration over the grid of swept values (every combination)
/// and writes one file with a `/sweep` group (Documentation/OutputFormat.md).
///
/// The file is rewritten (atomically: a temporary file renamed over it)
/// after every point, with every point's row, pending ones included, so a
/// kill loses at most the points that were running. It records the sweep
/// (config, overrides, axes) it belongs to: a rerun of the same sweep on the
/// same file skips the finished points.
public enum Sweep {
  /// One point to run: its swept values and the overrides that set them.
  public struct Plan: Sendable {
    public var values: [Double]
    public var overrides: [(key: String, value: String)]
    public var config: SimulationConfig
  }

  /// Every combination of the axes' values, each checked as a config before any runs.
  public static func plan(
    text: String, overrides: [(key: String, value: String)], axes: [SweepAxis], baseDirectory: String? = nil
  ) throws -> [Plan] {
    var combos: [[Double]] = [[]]
    for axis in axes { combos = combos.flatMap { c in axis.values.map { c + [$0] } } }
    return try combos.map { combo in
      let extra = zip(axes, combo).map { $0.override($1) }
      let config = try SimulationConfig(toml: text, overrides: overrides + extra, baseDirectory: baseDirectory)
      guard config.wall != nil, config.run.duration > 0 else {
        throw ConfigError(
          key: "wall",
          message:
            "is missing: a sweep measures a wall velocity, so the config needs a tracked wall and run.duration > 0")
      }
      return Plan(values: combo, overrides: extra, config: config)
    }
  }

  /// What identifies a sweep: the config text, the overrides and the axes.
  public static func signature(text: String, overrides: [(key: String, value: String)], axes: [SweepAxis]) -> String {
    ([text] + overrides.map { "--set \($0.key)=\($0.value)" }
      + axes.map { "--vary \($0.name)=" + $0.values.map { "\($0)" }.joined(separator: ",") }).joined(separator: "\n")
  }

  /// The points an existing sweep file holds, when it is the same sweep
  /// (same signature); nil when the file is absent; throws when it is
  /// another file or another sweep and `overwrite` is false.
  public static func resume(path: String, signature: String, overwrite: Bool) throws -> [SweepPoint]? {
    guard FileManager.default.fileExists(atPath: path) else { return nil }
    if let c = try? contents(of: path), c.signature == signature { return overwrite ? nil : c.points }
    if overwrite { return nil }
    throw HDF5Error(
      message:
        "output file '\(path)' exists and is not this sweep (another config, --set or --vary); pass --force to replace it or choose another --output",
      isUsageError: true)
  }

  /// The points a sweep file holds (`/sweep@points`), for readers and resumes.
  public static func points(inFile path: String) throws -> [SweepPoint] {
    let f = try HDF5File(reading: path)
    defer { f.close() }
    return try points(in: f, path: path)
  }

  /// Decodes `/sweep@points` of an open sweep file.
  static func points(in f: HDF5File, path: String) throws -> [SweepPoint] {
    let json = try f.stringAttribute("points", on: "/sweep")
    do { return try JSONDecoder.sweep.decode([SweepPoint].self, from: Data(json.utf8)) } catch {
      throw HDF5Error(message: "'\(path)': /sweep@points does not hold sweep points (\(error))")
    }
  }

  /// Everything a sweep file records about its sweep, and its points.
  public struct Contents: Sendable {
    public var text: String
    public var overrides: [(key: String, value: String)]
    public var axes: [SweepAxis]
    public var signature: String
    public var points: [SweepPoint]
  }

  /// Reads a sweep file whole (for `gilbert merge`).
  public static func contents(of path: String) throws -> Contents {
    let f = try HDF5File(reading: path)
    defer { f.close() }
    let points = try points(in: f, path: path)
    do {
      let text = try f.stringAttribute("config_toml")
      let signature = try f.stringAttribute("signature", on: "/sweep")
      let axes = try JSONDecoder.sweep.decode(
        [SweepAxis].self, from: Data(try f.stringAttribute("axes", on: "/sweep").utf8))
      let pairs = try JSONDecoder().decode(
        [[String]].self, from: Data(try f.stringAttribute("overrides_json", on: "/sweep").utf8))
      return Contents(
        text: text, overrides: pairs.map { ($0[0], $0[1]) }, axes: axes, signature: signature, points: points)
    } catch {
      throw HDF5Error(
        message:
          "'\(path)' is not a gilbert sweep file that can be merged (written by gilbert sweep of this version): \(error)",
        isUsageError: true)
    }
  }

  /// Gathers the finished points of sweep files of one sweep (shards, or
  /// partial runs) into `output`. Every input must be the same sweep; a point
  /// finished in two inputs must have the same result in both.
  @discardableResult
  public static func merge(_ inputs: [String], into output: String, overwrite: Bool) throws -> [SweepPoint] {
    guard let first = inputs.first else {
      throw HDF5Error(message: "merge needs at least one sweep file", isUsageError: true)
    }
    if !overwrite && FileManager.default.fileExists(atPath: output) {
      throw HDF5Error(message: "output file '\(output)' exists; pass --force to replace it", isUsageError: true)
    }
    let base = try contents(of: first)
    var points = base.points
    for path in inputs.dropFirst() {
      let c = try contents(of: path)
      guard c.signature == base.signature else {
        throw HDF5Error(
          message:
            "'\(path)' is another sweep than '\(first)' (config, --set or --vary differ); only shards of one sweep merge",
          isUsageError: true)
      }
      for (k, p) in c.points.enumerated() where p.isFinished {
        // Compared as their JSON (NaN equals NaN there).
        if points[k].isFinished, try JSONEncoder.sweep.encode(points[k]) != JSONEncoder.sweep.encode(p) {
          throw HDF5Error(
            message: "point \(k) (\(p.values)) differs between '\(first)' and '\(path)'", isUsageError: true)
        }
        points[k] = p
      }
    }
    try write(
      points, axes: base.axes, text: base.text, overrides: base.overrides, signature: base.signature, to: output)
    return points
  }

  /// Writes the sweep file: a temporary file renamed over `path`.
  public static func write(
    _ points: [SweepPoint], axes: [SweepAxis], text: String, overrides: [(key: String, value: String)],
    signature: String,
    to path: String
  ) throws {
    let partial = path + ".partial"
    do {
      let f = try HDF5File(creating: partial, overwrite: true)
      defer { f.close() }
      try f.writeRootHeader(configText: text)
      try f.setAttribute("overrides", string: overrides.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
      try f.createGroup("/sweep")
      try f.setAttribute("signature", on: "/sweep", string: signature)
      try f.setAttribute(
        "axes", on: "/sweep", string: String(decoding: try JSONEncoder.sweep.encode(axes), as: UTF8.self))
      try f.setAttribute(
        "overrides_json", on: "/sweep",
        string: String(decoding: try JSONEncoder().encode(overrides.map { [$0.key, $0.value] }), as: UTF8.self))
      let json = try JSONEncoder.sweep.encode(points)
      try f.setAttribute("points", on: "/sweep", string: String(decoding: json, as: UTF8.self))
      try f.setAttribute("points_done", on: "/sweep", int: points.filter(\.isFinished).count)
      for (a, axis) in axes.enumerated() {
        try f.writeDataset("/sweep/\(axis.name)", doubles: points.map { $0.values[a] }, shape: [points.count])
        try f.setAttribute("unit", on: "/sweep/\(axis.name)", string: axis.unit)
        try f.setAttribute("config_key", on: "/sweep/\(axis.name)", string: axis.key)
      }
      for (name, values, unit) in [
        ("wall_velocity", points.map(\.wallVelocity), "m/s"),
        ("wall_velocity_uncertainty", points.map(\.uncertainty), "m/s"),
        ("model_velocity", points.map(\.modelVelocity), "m/s"),
        ("model_walker_velocity", points.map(\.walkerVelocity), "m/s"),
      ] {
        try f.writeDataset("/sweep/\(name)", doubles: values, shape: [points.count])
        try f.setAttribute("unit", on: "/sweep/\(name)", string: unit)
      }
      try f.writeDataset("/sweep/wall_regime", strings: points.map(\.regime))
      try f.writeDataset("/sweep/model_regime", strings: points.map(\.modelRegime))
      try f.writeDataset("/sweep/status", strings: points.map(\.status))
      try f.writeDataset("/sweep/flags", strings: points.map(\.flags))
      try f.flush()
    }
    if rename(partial, path) != 0 {
      throw HDF5Error(message: "cannot move '\(partial)' to '\(path)': \(String(cString: strerror(errno)))")
    }
  }

  /// Runs one point in this process, its trajectory written to `outputPath`;
  /// a run that throws gives a `failed: …` point with the message.
  public static func runPoint(_ plan: Plan, outputPath: String, shouldStop: () -> Bool) -> SweepPoint {
    do {
      _ = try Runner.run(config: plan.config, outputPath: outputPath, overwrite: true, shouldStop: shouldStop)
      return try SweepPoint(values: plan.values, summaryOf: outputPath)
    } catch {
      var point = SweepPoint(values: plan.values)
      point.status = "failed: \(error)"
      return point
    }
  }

  /// Runs every point not yet finished, in this process, one after another;
  /// `report` is called after each. Each run's trajectory goes to
  /// `keepDirectory` when given, otherwise to a scratch file. (`gilbert
  /// sweep` runs points in child processes instead, ``PointPool``.)
  public static func run(
    text: String, overrides: [(key: String, value: String)], axes: [SweepAxis], outputPath: String, overwrite: Bool,
    keepDirectory: String? = nil, baseDirectory: String? = nil, report: ((Int, Int, SweepPoint) -> Void)? = nil,
    shouldStop: () -> Bool = { false }
  ) throws -> [SweepPoint] {
    let plans = try plan(text: text, overrides: overrides, axes: axes, baseDirectory: baseDirectory)
    // A scratch directory of this call's own: two sweeps run at once in one
    // process (threads, a test suite) must not share point files.
    let dir = try keepDirectory ?? scratchDirectory()
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { if keepDirectory == nil { try? FileManager.default.removeItem(atPath: dir) } }
    let inProcess: PointRunner = { plans, indices, finished in
      for k in indices {
        if shouldStop() { break }
        let path = (dir as NSString).appendingPathComponent(String(format: "point_%04d.h5", k))
        let point = runPoint(plans[k], outputPath: path, shouldStop: shouldStop)
        if keepDirectory == nil { try? FileManager.default.removeItem(atPath: path) }
        try finished(k, point, 0)
      }
    }
    return try execute(
      plans: plans, text: text, overrides: overrides, axes: axes, outputPath: outputPath, overwrite: overwrite,
      runPoints: inProcess, progress: { p in report?(p.index + 1, p.total, p.point) })
  }

  /// Runs the points of `indices` of `plans`, calling `finished(k, point,
  /// still running)` as each ends: in this process (``run(text:overrides:axes:outputPath:overwrite:keepDirectory:baseDirectory:report:shouldStop:)``),
  /// as child processes (``PointPool``) or over MPI ranks (the CLI's).
  public typealias PointRunner = (
    _ plans: [Plan], _ indices: [Int], _ finished: (Int, SweepPoint, Int) throws -> Void
  ) throws -> Void

  /// A finished point as ``execute(plans:text:overrides:axes:outputPath:overwrite:shard:runPoints:progress:)`` reports it.
  public struct Progress {
    /// Its index among the plans, and the point.
    public let index: Int, point: SweepPoint
    /// Points finished (this call's and those a previous run left), and of all.
    public let finished: Int, total: Int
    /// Points still running, points failed so far.
    public let running: Int, failed: Int
    /// Seconds per point at this call's rate so far, and the points of this call still to run.
    public let secondsPerPoint: Double, left: Int
  }

  /// A sweep: resumes the sweep file at `outputPath` (or starts it), runs
  /// every pending point of this shard (`shard` = (k, n): points k − 1,
  /// k − 1 + n, …) through `runPoints`, rewrites the file after every point
  /// and reports each (`resumed` first, when a previous run left points
  /// done). Returns every point.
  public static func execute(
    plans: [Plan], text: String, overrides: [(key: String, value: String)], axes: [SweepAxis], outputPath: String,
    overwrite: Bool, shard: (k: Int, n: Int)? = nil, rerun: Set<Int> = [], runPoints: PointRunner, resumed: (_ done: Int, _ total: Int) -> Void = { _, _ in },
    progress: @escaping (Progress) -> Void
  ) throws -> [SweepPoint] {
    // Before anything runs: a second sweep on the same output would run its
    // points and then clobber the first one's file.
    let lock = try OutputLock(for: outputPath, by: "gilbert sweep")
    defer { lock.release() }
    let signature = signature(text: text, overrides: overrides, axes: axes)
    var points =
      try resume(path: outputPath, signature: signature, overwrite: overwrite)
      ?? plans.map { SweepPoint(values: $0.values) }
    // Points to run again (`gilbert sweep --extend`): pending until they do.
    for k in rerun where k < points.count { points[k] = SweepPoint(values: plans[k].values) }
    let skipped = points.filter(\.isFinished).count
    if skipped > 0 { resumed(skipped, points.count) }
    let save = { (points: [SweepPoint]) in
      try write(points, axes: axes, text: text, overrides: overrides, signature: signature, to: outputPath)
    }
    try save(points)
    let pending = plans.indices.filter { k in !points[k].isFinished && shard.map { k % $0.n == $0.k - 1 } ?? true }
    let started = Date()
    var done = 0
    try runPoints(plans, pending) { k, point, running in
      points[k] = point
      done += 1
      try save(points)
      progress(
        Progress(
          index: k, point: point, finished: skipped + done, total: points.count, running: running,
          failed: points.filter { $0.status.hasPrefix("failed") }.count,
          secondsPerPoint: Date().timeIntervalSince(started) / Double(done), left: pending.count - done))
    }
    return points
  }
}

extension Sweep {
  /// A new empty directory under the temporary directory (mkdtemp), unique
  /// to the call.
  static func scratchDirectory() throws -> String {
    var template = Array(
      FileManager.default.temporaryDirectory.appendingPathComponent("gilbert-sweep-XXXXXX").path.utf8CString)
    guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
      throw HDF5Error(message: "cannot make a scratch directory: \(String(cString: strerror(errno)))")
    }
    return String(cString: made)
  }
}

extension JSONEncoder {
  /// Sweep points as JSON: doubles written shortest-exact, NaN as a string,
  /// keys sorted (an encoder's key order otherwise varies from one encoder
  /// to the next, and `merge` compares points as their JSON).
  public static var sweep: JSONEncoder {
    let e = JSONEncoder()
    e.outputFormatting = [.sortedKeys]
    e.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return e
  }
}

extension JSONDecoder {
  public static var sweep: JSONDecoder {
    let d = JSONDecoder()
    d.nonConformingFloatDecodingStrategy = .convertFromString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return d
  }
}
