import ArgumentParser
import Foundation
import Gilbert
import GilbertIO

/// `gilbert sweep`: runs a wall configuration over β, δβ, u (or any key) and
/// writes the wall-velocity curve, with the (q, φ) model's, to one HDF5 file.
///
/// Each point runs as its own `gilbert run` process (HDF5 is not
/// thread-safe), `--jobs` at a time, with one thread each. The sweep file is
/// rewritten after every point (``Sweep/write(_:axes:text:overrides:signature:to:)``),
/// so a kill loses at most the points that were running, and the same
/// command run again skips the finished ones. Ctrl-C or SIGTERM stops the
/// running points cleanly (they are run again next time) and exits non-zero.
struct SweepCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sweep",
    abstract: "Run a wall configuration over swept parameters and write wall velocity versus β, δβ or u.",
    discussion: """
      --vary NAME=v1,v2,... or NAME=start:stop:count, repeatable (every combination
      is run). NAME is beta, delta_beta, alpha, P, u, j (u and j set the x component)
      or any dotted config key. The output has a /sweep group: one dataset per swept
      name, wall_velocity, wall_velocity_uncertainty, wall_regime, model_velocity,
      model_regime, model_walker_velocity, status (ok only when the velocity
      converged; unconverged, failed: …, pending) and flags (a regime that differs
      from the model's). Rerunning the same command continues the same file.
      """)

  @OptionGroup var options: RunOptions

  @Option(name: .customLong("vary"), help: ArgumentHelp("A swept parameter (repeatable).", valueName: "NAME=VALUES"))
  var vary: [String] = []

  @Option(help: "Keep each point's trajectory in this directory.")
  var keep: String?

  @Option(help: "Points run at once, each a separate process with one thread (default: the number of cores).")
  var jobs: Int?

  @Option(
    help: ArgumentHelp(
      "Run only shard K of N (points K−1, K−1+N, …), for batch arrays; gather the shards with gilbert merge.",
      valueName: "K/N"))
  var shard: String?

  func run() throws {
    guard !vary.isEmpty else { fail("sweep needs at least one --vary NAME=VALUES (e.g. --vary beta=0,0.01,0.02)") }
    let jobs = self.jobs ?? ProcessInfo.processInfo.activeProcessorCount
    guard jobs >= 1 else { fail("--jobs is \(jobs); give a number of processes ≥ 1") }
    var shardOf: (k: Int, n: Int)? = nil
    if let shard {
      let parts = shard.split(separator: "/").map { Int($0) }
      guard parts.count == 2, let k = parts[0], let n = parts[1], n >= 1, k >= 1, k <= n else {
        fail("--shard is '\(shard)'; give K/N with 1 ≤ K ≤ N (e.g. --shard 2/8)")
      }
      shardOf = (k, n)
    }
    _ = try options.loadConfig()  // checks the file and the --set overrides
    let text = try String(contentsOfFile: options.config, encoding: .utf8)
    var overrides: [(key: String, value: String)] = []
    for o in options.overrides {
      let eq = o.firstIndex(of: "=")!
      overrides.append((String(o[..<eq]), String(o[o.index(after: eq)...])))
    }
    let axes: [SweepAxis]
    do { axes = try vary.map { try SweepAxis(parsing: $0) } } catch { fail("\(error)") }
    installSignalHandlers()
    let path = options.outputPath
    do {
      #if GILBERT_MPI
        // Under mpirun every rank plans the same points; ranks other than 0
        // only run what rank 0 sends them. One thread per rank, as a point
        // process has, so the table is the same to the last bit.
        var mpi: (rank: Int, size: Int)? = nil
        if MPISweep.launched {
          setenv("GILBERT_THREADS", "1", 1)
          mpi = MPISweep.start()
        }
        defer { if mpi != nil { MPISweep.finish() } }
      #endif
      let plans = try Sweep.plan(
        text: text, overrides: overrides, axes: axes, baseDirectory: options.configDirectory)
      #if GILBERT_MPI
        if let mpi, mpi.rank > 0 {
          MPISweep.serve(plans: plans, rank: mpi.rank)
          return
        }
      #endif
      let signature = Sweep.signature(text: text, overrides: overrides, axes: axes)
      var points =
        try Sweep.resume(path: path, signature: signature, overwrite: options.force)
        ?? plans.map { SweepPoint(values: $0.values) }
      let skipped = points.filter(\.isFinished).count
      if skipped > 0 { print("\(path): \(skipped) of \(points.count) points already done; running the rest") }
      let save = { (points: [SweepPoint]) in
        try Sweep.write(points, axes: axes, text: text, overrides: overrides, signature: signature, to: path)
      }
      try save(points)
      var pool = PointPool(
        configPath: options.config, overrides: options.overrides, jobs: jobs, keepDirectory: keep)
      let started = Date()
      var done = 0
      let pending = plans.indices.filter { k in
        !points[k].isFinished && shardOf.map { k % $0.n == $0.k - 1 } ?? true
      }
      let finished = { (k: Int, point: SweepPoint, running: Int) throws in
        points[k] = point
        done += 1
        try save(points)
        let values = zip(axes, point.values).map { "\($0.name)=\($1)" }.joined(separator: " ")
        let rate = Date().timeIntervalSince(started) / Double(done)
        let left = pending.count - done
        print(
          String(
            format:
              "[%d/%d] %@: v = %.6g ± %.2g m/s (%@), model %.6g m/s (%@)  %@%@  (running %d, failed %d, ETA %.0f s)",
            skipped + done, points.count, values, point.wallVelocity, point.uncertainty, point.regime,
            point.modelVelocity, point.modelRegime, point.status, point.flags.isEmpty ? "" : "; " + point.flags,
            running, points.filter { $0.status.hasPrefix("failed") }.count,
            rate * Double(left) / Double(max(1, min(jobs, left)))))
      }
      #if GILBERT_MPI
        if let mpi {
          try MPISweep.coordinate(plans: plans, indices: pending, size: mpi.size, finished: finished)
        } else {
          try pool.run(plans: plans, indices: pending, finished: finished)
        }
      #else
        try pool.run(plans: plans, indices: pending, finished: finished)
      #endif
      let failed = points.filter { $0.status.hasPrefix("failed") }.count
      let unconverged = points.filter { $0.status == "unconverged" }.count
      if stopRequested() {
        FileHandle.standardError.write(
          Data(
            "interrupted: \(path) holds \(points.filter(\.isFinished).count) of \(points.count) points; run the same command again to finish\n"
              .utf8))
        throw ExitCode(stopExitCode())
      }
      let missing = points.filter { !$0.isFinished }.count
      print(
        "wrote \(path): \(points.count) points (\(failed) failed, \(unconverged) unconverged"
          + (missing > 0 ? ", \(missing) left to other shards" : "") + ")")
    } catch let error as ConfigError {
      fail("\(options.config): \(error)")
    } catch let error as HDF5Error {
      fail(error.message)
    }
  }
}

/// Runs sweep points as child `gilbert run` processes, `jobs` at a time.
struct PointPool {
  let configPath: String
  let overrides: [String]
  let jobs: Int
  let directory: String
  let keep: Bool

  init(configPath: String, overrides: [String], jobs: Int, keepDirectory: String?) {
    self.configPath = configPath
    self.overrides = overrides
    self.jobs = jobs
    keep = keepDirectory != nil
    directory =
      keepDirectory
      ?? FileManager.default.temporaryDirectory.appendingPathComponent("gilbert-sweep-\(getpid())").path
  }

  /// Runs the points `indices` of `plans`; calls `finished(k, point, running)`
  /// as each ends. Stops launching on a stop request, asks the running
  /// children to stop (SIGTERM) and waits for them; their points stay pending.
  mutating func run(
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
      if stopRequested() && !stopping {
        stopping = true
        for r in running { kill(r.process.processIdentifier, SIGTERM) }
      }
      while !stopping && running.count < jobs, let k = queue.popFirst() {
        let p = Process()
        p.executableURL = executable
        var arguments = ["run", configPath]
        for o in overrides { arguments += ["--set", o] }
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
