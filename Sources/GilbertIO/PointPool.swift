import Foundation

/// Runs sweep points as child `gilbert run` processes (this executable),
/// `jobs` at a time, each with one thread unless `GILBERT_THREADS` says
/// otherwise; the sweep's ``Sweep/PointRunner`` for `gilbert sweep`.
public struct PointPool {
  let configPath: String
  let overrides: [(key: String, value: String)]
  let jobs: Int
  let directory: String
  let keep: Bool
  /// Polled between launches: true stops launching and asks the running points to stop.
  let shouldStop: () -> Bool

  public init(
    configPath: String, overrides: [(key: String, value: String)], jobs: Int, keepDirectory: String?,
    shouldStop: @escaping () -> Bool
  ) {
    self.configPath = configPath
    self.overrides = overrides
    self.jobs = jobs
    self.shouldStop = shouldStop
    keep = keepDirectory != nil
    directory =
      keepDirectory
      ?? FileManager.default.temporaryDirectory.appendingPathComponent("gilbert-sweep-\(getpid())").path
  }

  /// Runs the points `indices` of `plans`; calls `finished(k, point, running)`
  /// as each ends. Stops launching on a stop request, asks the running
  /// children to stop (SIGTERM) and waits for them; their points stay pending.
  public func run(
    plans: [Sweep.Plan], indices: [Int], finished: (Int, SweepPoint, Int) throws -> Void
  ) throws {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { if !keep { try? FileManager.default.removeItem(atPath: directory) } }
    var queue = indices[...]
    var running: [(k: Int, process: Process)] = []
    var environment = ProcessInfo.processInfo.environment
    if environment["GILBERT_THREADS"] == nil { environment["GILBERT_THREADS"] = "1" }
    environment["GILBERT_SWEEP_PARENT"] = "\(getpid())"
    let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    var stopping = false
    while !queue.isEmpty || !running.isEmpty {
      if shouldStop() && !stopping {
        stopping = true
        for r in running { kill(r.process.processIdentifier, SIGTERM) }
      }
      while !stopping && running.count < jobs, let k = queue.popFirst() {
        let p = Process()
        p.executableURL = executable
        var arguments = ["run", configPath]
        for o in overrides { arguments += ["--set", "\(o.key)=\(o.value)"] }
        for o in plans[k].overrides { arguments += ["--set", "\(o.key)=\(o.value)"] }
        arguments += ["--output", pointPath(k), "--force"]
        p.arguments = arguments
        p.environment = environment
        p.standardOutput = FileHandle.nullDevice
        _ = FileManager.default.createFile(atPath: logPath(k), contents: nil)
        p.standardError = FileHandle(forWritingAtPath: logPath(k))
        try p.run()
        running.append((k, p))
      }
      if stopping && queue.isEmpty == false { queue.removeAll() }
      guard let i = running.firstIndex(where: { !$0.process.isRunning }) else {
        usleep(20_000)
        continue
      }
      let (k, process) = running.remove(at: i)
      process.waitUntilExit()
      var point: SweepPoint
      do {
        point = try SweepPoint(values: plans[k].values, summaryOf: pointPath(k))
      } catch {
        point = SweepPoint(values: plans[k].values)
        let log = (try? String(contentsOfFile: logPath(k), encoding: .utf8)) ?? ""
        let message = log.split(separator: "\n").last.map(String.init) ?? "exit status \(process.terminationStatus)"
        point.status = stopping ? "pending" : "failed: " + message
      }
      if !keep {
        try? FileManager.default.removeItem(atPath: pointPath(k))
        try? FileManager.default.removeItem(atPath: logPath(k))
      }
      try finished(k, point, running.count)
    }
  }

  func pointPath(_ k: Int) -> String {
    (directory as NSString).appendingPathComponent(String(format: "point_%04d.h5", k))
  }
  func logPath(_ k: Int) -> String {
    (directory as NSString).appendingPathComponent(String(format: "point_%04d.log", k))
  }
}
