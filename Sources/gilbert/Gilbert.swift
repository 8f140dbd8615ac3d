import ArgumentParser
import Foundation
import Gilbert
import GilbertIO
import Synchronization

/// The signal that asked the run to stop (SIGINT, SIGTERM, SIGHUP), 0 for
/// none; the run loop and the minimiser poll it and close the file cleanly.
let stopSignal = Atomic<Int32>(0)

/// Whether a stop was asked for.
func stopRequested() -> Bool { stopSignal.load(ordering: .relaxed) != 0 || sweepParentGone() }

/// A sweep point (started by `gilbert sweep` with GILBERT_SWEEP_PARENT set
/// to its pid) stops when that parent is gone, e.g. after a kill -9 of the
/// sweep: the point is run again when the sweep is.
func sweepParentGone() -> Bool {
  guard let parent = sweepParent else { return false }
  return getppid() != parent
}
let sweepParent: pid_t? = ProcessInfo.processInfo.environment["GILBERT_SWEEP_PARENT"].flatMap { pid_t($0) }

/// The name of the signal that asked to stop.
func stopSignalName() -> String? {
  switch stopSignal.load(ordering: .relaxed) {
  case SIGINT: return "SIGINT"
  case SIGTERM: return "SIGTERM"
  case SIGHUP: return "SIGHUP"
  default: return nil
  }
}

/// Ctrl-C, a batch scheduler's SIGTERM and a closed terminal's SIGHUP all
/// stop the run cleanly; a file-size limit (SIGXFSZ) becomes a write error
/// that the run reports instead of a kill.
/// The signals are also unblocked: a parent (a test runner's thread, some
/// batch systems) may start gilbert with them blocked, which would hold a
/// SIGTERM pending forever.
func installSignalHandlers() {
  var set = sigset_t()
  sigemptyset(&set)
  for s in [SIGINT, SIGTERM, SIGHUP] {
    signal(s) { stopSignal.store($0, ordering: .relaxed) }
    sigaddset(&set, s)
  }
  sigprocmask(SIG_UNBLOCK, &set, nil)
  signal(SIGXFSZ, SIG_IGN)
}

/// The exit status of a run stopped by a signal: 128 + the signal.
/// The signal received, else SIGHUP for a sweep point whose sweep is gone
/// (its terminal or batch job ended), else SIGINT. (This was the larger of
/// the two numbers, which made a SIGHUP exit 130.)
func stopExitCode() -> Int32 {
  let s = stopSignal.load(ordering: .relaxed)
  return 128 + (s != 0 ? s : sweepParentGone() ? SIGHUP : SIGINT)
}

/// Prints a line and flushes it: stdout to a file or a pipe (a batch job's
/// log) is block-buffered, and a kill -9 would lose every line not yet
/// written (14 sweep points' lines were lost that way).
func say(_ line: String) {
  print(line)
  fflush(nil)
}

@main
struct GilbertCommand: ParsableCommand {

  static let configuration = CommandConfiguration(
    commandName: "gilbert",
    abstract: "Micromagnetic simulation of current-driven domain walls (LLG on 1D/2D grids, HDF5 output).",
    version: "0.1.0",
    subcommands: [
      RunCommand.self, RelaxCommand.self, SweepCommand.self, ModelCommand.self, CoefficientsCommand.self,
      ExportCommand.self, TableCommand.self, MergeCommand.self, RepairCommand.self, BenchCommand.self,
    ])
}

/// Options shared by the commands that read a config and write a file.
struct RunOptions: ParsableArguments {
  @Argument(help: "The TOML configuration file (keys: Documentation/Configuration.md).")
  var config: String

  @Option(name: .shortAndLong, help: "The HDF5 output file (default: the config's name with .h5).")
  var output: String?

  @Flag(help: "Replace the output file if it exists.")
  var force = false

  @Option(
    name: .customLong("set"),
    help: ArgumentHelp("Override a config key, e.g. --set material.alpha=0.02 (repeatable).", valueName: "KEY=VALUE"))
  var overrides: [String] = []

  /// The config file's directory: relative paths inside it resolve against this.
  var configDirectory: String { URL(fileURLWithPath: config).deletingLastPathComponent().path }

  var outputPath: String {
    output ?? (config.hasSuffix(".toml") ? String(config.dropLast(5)) : config) + ".h5"
  }

  /// Reads the config; on any problem prints one clear message and exits with status 2.
  func loadConfig() throws -> SimulationConfig { try loadConfigAndOverrides().config }

  /// The config and the `--set` overrides as (key, value), parsed once.
  func loadConfigAndOverrides() throws -> (config: SimulationConfig, overrides: [(key: String, value: String)]) {
    guard FileManager.default.fileExists(atPath: config) else {
      fail("config file '\(config)' does not exist")
    }
    guard let data = FileManager.default.contents(atPath: config), let text = String(data: data, encoding: .utf8) else {
      fail("config file '\(config)' cannot be read as UTF-8 text")
    }
    var parsed: [(key: String, value: String)] = []
    for o in overrides {
      guard let eq = o.firstIndex(of: "="), eq != o.startIndex else {
        fail("--set '\(o)' is not KEY=VALUE (for example --set material.alpha=0.02)")
      }
      parsed.append((String(o[..<eq]), String(o[o.index(after: eq)...])))
    }
    do {
      return (try SimulationConfig(toml: text, overrides: parsed, baseDirectory: configDirectory), parsed)
    } catch {
      fail("\(config): \(error)")
    }
  }
}

/// The progress line of a run on a terminal: simulated time, percent,
/// steps per second, the time left, and a tracked wall's position and
/// velocity; redrawn at most ten times a second, the line cleared each time.
final class ProgressLine: @unchecked Sendable {
  let started = Date()
  var drawn = Date.distantPast
  var firstSteps: Int?

  func show(_ p: RunProgress) {
    let now = Date()
    if firstSteps == nil { firstSteps = p.steps }
    guard now.timeIntervalSince(drawn) >= 0.1 || p.time >= p.duration else { return }
    drawn = now
    let elapsed = now.timeIntervalSince(started)
    let fraction = p.duration > 0 ? min(1, p.time / p.duration) : 1
    var line = String(
      format: "\r\u{1B}[K  t = %.4g of %.4g ns (%3.0f%%)", p.time * 1e9, p.duration * 1e9, 100 * fraction)
    if elapsed > 0 { line += String(format: ", %.0f steps/s", Double(p.steps - (firstSteps ?? 0)) / elapsed) }
    if fraction > 0 && fraction < 1 { line += String(format: ", %.0f s left", elapsed * (1 - fraction) / fraction) }
    if let q = p.wallPosition { line += String(format: "; wall at %.1f nm", q * 1e9) }
    if let v = p.wallVelocity { line += String(format: ", %.4g m/s", v) }
    FileHandle.standardError.write(Data(line.utf8))
  }
}

/// Prints `message` to standard error and exits with status 2 (bad input).
func fail(_ message: String) -> Never {
  FileHandle.standardError.write(Data("error: \(message)\n".utf8))
  exit(2)
}

/// Runs a configured simulation and reports how it ended.
func execute(_ options: RunOptions, mode: RunMode, resume: String? = nil) throws {
  let config = try options.loadConfig()
  let path = resume ?? options.outputPath
  installSignalHandlers()
  let terminal = isatty(STDERR_FILENO) == 1
  if resume == nil, !config.chosenDefaults.isEmpty {
    // One line: the path a velocity run takes, and why (issue 28).
    FileHandle.standardError.write(
      Data(
        "for a velocity (run.until = \"velocity_converged\"): \(config.chosenDefaults.joined(separator: "; ")); a key set in the config wins\n"
          .utf8))
  }
  let report: RunReport
  do {
    let line = ProgressLine()
    let progress: ((RunProgress) -> Void)? = terminal ? { line.show($0) } : nil
    if let resume {
      report = try Runner.resume(
        config: config, path: resume, progress: progress, shouldStop: stopRequested, stopReason: stopSignalName)
    } else {
      report = try Runner.run(
        config: config, outputPath: path, overwrite: options.force, mode: mode,
        progress: progress,
        shouldStop: stopRequested, stopReason: stopSignalName,
        relaxProgress: terminal
          ? { iteration, torque in
            let line = String(format: "\r\u{1B}[K  relax: iteration %d, max |m × B| = %.3g T", iteration, torque)
            FileHandle.standardError.write(Data(line.utf8))
          } : nil)
    }
  } catch let error as ConfigError {
    fail("\(options.config): \(error)")
  } catch let error as HDF5Error {
    if error.isUsageError { fail(error.message) }
    FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
    throw ExitCode(1)
  }
  if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
  printReport(report)
  switch report.outcome {
  case .completed: break
  case .interrupted:
    FileHandle.standardError.write(
      Data("interrupted: the file holds every frame up to t = \(report.finalTime) s\n".utf8))
    throw ExitCode(stopExitCode())
  case .failed(let why):
    FileHandle.standardError.write(Data("error: run stopped: \(why); the file holds every frame before it\n".utf8))
    throw ExitCode(1)
  }
}

/// The lines a finished run prints: the file and the counts, the steady
/// solve, the wall's velocity with its uncertainty, and whether it converged.
func printReport(_ report: RunReport) {
  let m = report.averageMagnetization
  var summary = String(
    format: "wrote %@: %d frames, t = %.6g s, %d steps, %d rhs evaluations, %.2f s; <m> = (%.6f, %.6f, %.6f)",
    report.outputPath, report.frames, report.finalTime, report.steps, report.rhsEvaluations, report.wallClockSeconds,
    m.x, m.y, m.z)
  if let it = report.relaxIterations { summary += ", relaxed in \(it) iterations" }
  print(summary)
  if let s = report.steadySolve {
    print(
      s.converged
        ? String(
          format: "steady solve: stationary in the co-moving frame after %d pseudo-time steps, v = %.6g m/s",
          s.iterations, s.velocity)
        : "steady solve: none found (\(s.reason ?? "unknown")); integrated in time from the start")
  }
  if let v = report.wallVelocity {
    var line = String(format: "wall velocity: %.6g", v.velocity)
    if let u = report.velocityUncertainty { line += String(format: " ± %.2g", u) }
    line += String(format: " m/s (%@)", v.regime.rawValue)
    if let period = v.period { line += String(format: ", period %.6g s", period) }
    if let model = report.modelMotion {
      line += String(format: "; (q, φ) model: %.6g m/s", model.velocity)
    } else if let why = report.modelUnavailable {
      line += "; no (q, φ) model velocity: \(why)"
    }
    print(line)
    // Converged or not, and what to change (issue 28: the terminal said only "(steady)").
    if let converged = report.velocityConverged, report.outcome == .completed {
      if converged {
        print("converged: successive \(v.regime == .precessing ? "turns" : "windows") agree within wall.velocity_tolerance")
      } else {
        print(
          "not converged: the last two \(v.regime == .precessing ? "turns" : "windows") differ by more than wall.velocity_tolerance at t = \(String(format: "%.3g", report.finalTime)) s; raise run.duration (with run.until = \"velocity_converged\" it is only a bound; a precessing wall's grows in turns up to run.duration_cap, 10 × duration by default) or loosen wall.velocity_tolerance"
        )
      }
    }
  }
}

struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run", abstract: "Integrate the LLG equation and write the trajectory to HDF5.")
  @OptionGroup var options: RunOptions

  @Option(
    help: ArgumentHelp(
      "Continue FILE (a run of this config with [output] checkpoint_every) from its last checkpoint, bit for bit.",
      valueName: "FILE"))
  var resume: String?

  func validate() throws {
    if resume != nil && (options.output != nil || options.force) {
      throw ValidationError("--resume continues the file it names; leave out --output and --force")
    }
  }

  func run() throws { try execute(options, mode: .dynamics, resume: resume) }
}

struct RelaxCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "relax", abstract: "Minimise the energy from the initial state and write the relaxed state to HDF5.")
  @OptionGroup var options: RunOptions
  func run() throws { try execute(options, mode: .relax) }
}
