import Foundation
import Gilbert

/// How a run ended.
public enum RunOutcome: Sendable, Equatable {
  /// The whole duration was simulated.
  case completed
  /// Stopped on request (Ctrl-C); the file holds every frame up to the stop.
  case interrupted
  /// Stopped because the numerics went wrong; the file holds every frame before it.
  case failed(String)
}

/// What a run did.
public struct RunReport: Sendable {
  public var outcome: RunOutcome
  public var outputPath: String
  public var finalTime: Double
  public var steps: Int
  public var rejectedSteps: Int
  public var rhsEvaluations: Int
  public var relaxIterations: Int?
  public var wallClockSeconds: Double
  public var frames: Int
  public var averageMagnetization: SIMD3<Double>
  /// The measured wall velocity, when a wall is tracked.
  public var wallVelocity: WallVelocity?
  /// The (q, φ) model's prediction for the same parameters, when it applies.
  public var modelMotion: WallModel.Motion?
  /// The model's Walker velocity in the direction of u, m/s.
  public var modelWalkerVelocity: Double?
  /// Why the (q, φ) model gives no velocity for this run (a term it does not cover), when it does not.
  public var modelUnavailable: String?
}

/// What the runner does with the configured simulation.
public enum RunMode: Sendable {
  /// Integrate the LLG equation for `run.duration` (after relaxing if `run.relax_first`).
  case dynamics
  /// Minimise the energy and write the relaxed state.
  case relax
}

/// Runs a configured simulation and writes its trajectory: the engine behind
/// `gilbert run` and `gilbert relax`. The pieces: ``Simulation`` (built from
/// the config), ``TrajectoryWriter`` (the file), ``RunLoop`` (stepping, the
/// steps after each step, sampling) and ``RunSummary`` (what the run measured).
public enum Runner {
  /// Runs `config`, writing to `outputPath`. `progress` is called after each
  /// sample with (t, duration); `shouldStop` is polled between steps.
  public static func run(
    config: SimulationConfig, outputPath: String, overwrite: Bool, mode: RunMode = .dynamics,
    progress: ((Double, Double) -> Void)? = nil, shouldStop: () -> Bool = { false }
  ) throws -> RunReport {
    let clock = ContinuousClock.now
    var sim = try Simulation(config: config)
    let writer = try openWriter(&sim, path: outputPath, overwrite: overwrite)
    defer { writer.close() }
    let relaxIterations = mode == .relax || config.run.relaxFirst ? relax(&sim, warn: mode == .relax) : nil
    let duration = mode == .relax ? 0 : config.run.duration
    var loop = RunLoop(sim: sim, writer: writer)
    try loop.sample(frame: true)
    if duration > 0 { try loop.integrate(duration: duration, progress: progress, shouldStop: shouldStop) }
    let summary = try RunSummary(
      loop: loop, relaxIterations: relaxIterations, dynamics: duration > 0,
      seconds: (ContinuousClock.now - clock) / .seconds(1))
    try summary.write(to: writer)
    writer.flush()
    return summary.report(outputPath: outputPath, frames: writer.frames["m"] ?? 0)
  }

  /// Creates the file with the layout the simulation's outputs declare.
  static func openWriter(_ sim: inout Simulation, path: String, overwrite: Bool) throws -> TrajectoryWriter {
    let config = sim.config
    let fields = config.output.fields.map { name in sim.fieldOutputs.first { $0.name == name }! }
    let writer = try TrajectoryWriter(
      path: path, overwrite: overwrite, grid: config.grid, configText: config.text,
      uConvention: config.section(CurrentSection.self)?.uConvention ?? "none: no current in this run",
      parameters: config.parameters, tableColumns: sim.tableColumns,
      fields: fields.map { ($0.name, $0.unit, $0.components) }, compress: config.output.compress)
    try writer.recordResolvedConfig(config.resolvedText, overrides: config.overrides)
    return writer
  }

  /// Minimises the energy in place; returns the iterations taken.
  static func relax(_ sim: inout Simulation, warn: Bool) -> Int {
    let settings = sim.config.relax
    let relaxer = Relaxer(torqueTolerance: settings.torqueTolerance, maximumIterations: settings.maximumIterations)
    let result = relaxer.relax(&sim.equation, m: &sim.m, time: sim.time)
    sim.updateTransport()
    if !result.converged && warn {
      FileHandle.standardError.write(
        Data(
          "warning: relax stopped after \(result.iterations) iterations with max |m × B| = \(result.maxTorque) T (relax.torque_tolerance = \(settings.torqueTolerance) T)\n"
            .utf8))
    }
    return result.iterations
  }
}
