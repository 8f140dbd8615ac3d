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

  @Option(
    help: ArgumentHelp(
      "Rerun only the unconverged points of the existing --output, their run.duration (and run.duration_cap) times FACTOR; the rest are kept.",
      valueName: "FACTOR"))
  var extend: Double?

  func run() throws {
    if let extend, !(extend > 1 && extend.isFinite) {
      fail("--extend is \(extend); give a factor > 1 for the bound of the unconverged points (e.g. --extend 4)")
    }
    if extend != nil && options.force { fail("--extend continues the existing --output; it cannot be combined with --force") }
    guard !vary.isEmpty else { fail("sweep needs at least one --vary NAME=VALUES (e.g. --vary beta=0,0.01,0.02)") }
    let jobs = self.jobs ?? ProcessInfo.processInfo.activeProcessorCount
    guard jobs >= 1 else { fail("--jobs is \(jobs); give a number of processes ≥ 1") }
    let shardOf = shard.map(Self.parseShard)
    let (config, overrides) = try options.loadConfigAndOverrides()
    let axes: [SweepAxis]
    do { axes = try vary.map { try SweepAxis(parsing: $0) } } catch { fail("\(error)") }
    installSignalHandlers()
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
      var plans = try Sweep.plan(
        text: config.text, overrides: overrides, axes: axes, baseDirectory: options.configDirectory)
      // --extend: the unconverged points of the file again, with a longer
      // bound (every rank reads the file, so every rank plans the same).
      var rerun: Set<Int> = []
      if let extend {
        guard let existing = try? Sweep.points(inFile: options.outputPath), existing.count == plans.count else {
          fail(
            "--extend: '\(options.outputPath)' is not a sweep file of this sweep to extend; run the sweep first (same config, --set and --vary)"
          )
        }
        for k in existing.indices where existing[k].status == "unconverged" {
          rerun.insert(k)
          let run = plans[k].config.run
          plans[k].overrides += [
            ("run.duration", "\(extend * run.duration)"), ("run.duration_cap", "\(extend * run.durationCap)"),
          ]
        }
      }
      let pool = PointPool(
        configPath: options.config, overrides: overrides, jobs: jobs, keepDirectory: keep, shouldStop: stopRequested)
      var runPoints: Sweep.PointRunner = pool.run
      #if GILBERT_MPI
        if let mpi, mpi.rank > 0 {
          MPISweep.serve(plans: plans, rank: mpi.rank)
          return
        }
        if let mpi {
          runPoints = { plans, indices, finished in
            try MPISweep.coordinate(plans: plans, indices: indices, size: mpi.size, finished: finished)
          }
        }
      #endif
      let points = try Sweep.execute(
        plans: plans, text: config.text, overrides: overrides, axes: axes, outputPath: options.outputPath,
        overwrite: options.force, shard: shardOf, rerun: rerun, runPoints: runPoints,
        resumed: { done, total in
          say(
            "\(options.outputPath): \(done) of \(total) points already done; running the rest"
              + (extend.map { " (the \(rerun.count) unconverged with their bound × \($0))" } ?? ""))
        },
        progress: { say(Self.line($0, axes: axes, jobs: jobs)) })
      try finish(points)
    } catch let error as ConfigError {
      fail("\(options.config): \(error)")
    } catch let error as HDF5Error {
      fail(error.message)
    }
  }

  /// K/N of `--shard`, or a clear exit.
  static func parseShard(_ shard: String) -> (k: Int, n: Int) {
    let parts = shard.split(separator: "/").map { Int($0) }
    guard parts.count == 2, let k = parts[0], let n = parts[1], n >= 1, k >= 1, k <= n else {
      fail("--shard is '\(shard)'; give K/N with 1 ≤ K ≤ N (e.g. --shard 2/8)")
    }
    return (k, n)
  }

  /// The progress line of a finished point.
  static func line(_ p: Sweep.Progress, axes: [SweepAxis], jobs: Int) -> String {
    let point = p.point
    let values = zip(axes, point.values).map { "\($0.name)=\($1)" }.joined(separator: " ")
    return String(
      format: "[%d/%d] %@: v = %.6g ± %.2g m/s (%@), model %.6g m/s (%@)  %@%@  (running %d, failed %d, ETA %.0f s)",
      p.finished, p.total, values, point.wallVelocity, point.uncertainty, point.regime, point.modelVelocity,
      point.modelRegime, point.status, point.flags.isEmpty ? "" : "; " + point.flags, p.running, p.failed,
      p.secondsPerPoint * Double(p.left) / Double(max(1, min(jobs, p.left))))
  }

  /// The closing line, or the interrupted message and its exit status.
  func finish(_ points: [SweepPoint]) throws {
    let path = options.outputPath
    if stopRequested() {
      FileHandle.standardError.write(
        Data(
          "interrupted: \(path) holds \(points.filter(\.isFinished).count) of \(points.count) points; run the same command again to finish\n"
            .utf8))
      throw ExitCode(stopExitCode())
    }
    let failed = points.filter { $0.status.hasPrefix("failed") }.count
    let unconverged = points.filter { $0.status == "unconverged" }.count
    let missing = points.filter { !$0.isFinished }.count
    print(
      "wrote \(path): \(points.count) points (\(failed) failed, \(unconverged) unconverged"
        + (missing > 0 ? ", \(missing) left to other shards" : "") + ")")
  }
}
