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
  /// What `[wall] steady_solve` found, when the run asked for it.
  public var steadySolve: SteadyStateSolver<LLG>.Result?
  /// With a tracked wall: whether its velocity had converged (to
  /// `wall.velocity_tolerance`, by the rules of `run.until = "velocity_converged"`).
  public var velocityConverged: Bool?
  /// The velocity's uncertainty, m/s: the difference of the last two estimates compared.
  public var velocityUncertainty: Double?
  /// The (q, φ) model's regime, "steady" or "precessing", where it applies.
  public var modelRegime: String?
}

/// Where a run is, after each sample (for a progress line).
public struct RunProgress: Sendable {
  /// Simulated time and the run's duration, s.
  public var time: Double, duration: Double
  /// Accepted steps so far.
  public var steps: Int
  /// The tracked wall's absolute position (m) and its velocity over the last sample (m/s).
  public var wallPosition: Double? = nil, wallVelocity: Double? = nil
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
  /// sample with (t, duration); `shouldStop` is polled between steps and
  /// relax iterations, and `stopReason` names what asked to stop (a signal)
  /// for the status. A write that fails (no space, I/O error) ends the run as
  /// `.failed`, with every frame that reached the disk counted in the file.
  public static func run(
    config: SimulationConfig, outputPath: String, overwrite: Bool, mode: RunMode = .dynamics,
    progress: ((RunProgress) -> Void)? = nil, shouldStop: () -> Bool = { false },
    stopReason: () -> String? = { nil }, relaxProgress: ((Int, Double) -> Void)? = nil
  ) throws -> RunReport {
    let clock = ContinuousClock.now
    let sim = try Simulation(config: config)
    let writer = try openWriter(sim, path: outputPath, overwrite: overwrite)
    defer { writer.close() }
    var loop = RunLoop(sim: sim, writer: writer)
    var relax: RelaxResult? = nil
    do {
      // A relax writes its start first, so a kill mid-relax leaves a frame.
      if mode == .relax { try loop.sample(frame: true) }
      if mode == .relax && config.relax.sampleEvery > 0 {
        relax = try Self.sampledRelax(&loop, shouldStop: shouldStop, progress: relaxProgress)
        if relax!.interrupted { loop.outcome = .interrupted }
      } else if mode == .relax || config.run.relaxFirst {
        relax = Self.relax(&loop.sim, warn: mode == .relax, shouldStop: shouldStop, progress: relaxProgress)
        if relax!.interrupted { loop.outcome = .interrupted }
      }
      if mode == .dynamics && config.wall?.steadySolve == true && loop.outcome == .completed {
        loop.steadySolve = Self.steadySolve(&loop.sim, shouldStop: shouldStop)
        if loop.steadySolve?.reason == "interrupted" { loop.outcome = .interrupted }
        // From a stationary state the first step may be a whole sample.
        if loop.steadySolve?.converged == true {
          loop.stepper.timeStep = min(config.run.sampleInterval, loop.stepper.maximumStep)
        }
      }
      try loop.sample(frame: true)
      if mode == .dynamics && config.run.duration > 0 && loop.outcome == .completed {
        try loop.integrate(duration: config.run.duration, progress: progress, shouldStop: shouldStop)
      }
    } catch let error as HDF5Error where !error.isUsageError {
      loop.outcome = .failed(error.message)
    }
    return finish(
      loop, relax: relax, dynamics: mode == .dynamics && config.run.duration > 0, started: clock,
      stopReason: stopReason)
  }

  /// Continues the run in `path` from its last checkpoint (`[output]
  /// checkpoint_every`): every later frame, row and the final m equal an
  /// uninterrupted run's to the last bit. `config` must be the one the file
  /// was written with (its `config_resolved`, overrides included).
  public static func resume(
    config: SimulationConfig, path: String, progress: ((RunProgress) -> Void)? = nil,
    shouldStop: () -> Bool = { false }, stopReason: () -> String? = { nil }
  ) throws -> RunReport {
    let clock = ContinuousClock.now
    let checkpoint = try readCheckpoint(path, config: config)
    // The demag transforms are planned from the wisdom the run stored, not
    // measured again: the same plans, so the same bits as the uninterrupted run.
    let stored: String? = try {
      let file = try HDF5File(reading: path)
      defer { file.close() }
      return try? file.stringAttribute("fftw_wisdom")
    }()
    if let stored { FFTWisdom.adopt(stored) }
    let sim = try Simulation(config: config)
    if stored != nil, sim.equation.fieldTerms.contains(where: { $0.plansFromWisdom == false }) {
      FileHandle.standardError.write(
        Data(
          "warning: the FFT plans stored in '\(path)' (fftw_wisdom) do not apply here (another machine or FFTW version); the demag transforms were planned again, so the resumed run may differ from an uninterrupted one in the last bits\n"
            .utf8))
    }
    let writer = try TrajectoryWriter(
      resuming: path, grid: config.grid, tableColumns: sim.tableColumns, fields: frameFields(sim),
      frames: checkpoint.frames, rows: checkpoint.rows, swmr: config.output.swmr)
    defer { writer.close() }
    var loop = RunLoop(sim: sim, writer: writer)
    loop.restore(checkpoint)
    if loop.convergence != nil, let (times, q, phi) = try? writer.wallSeries() {
      // The convergence test sees the samples before the checkpoint again
      // (the first row is the start, before any step).
      loop.convergence!.stepCrossings = loop.stepCrossings
      for i in 1..<min(times.count, checkpoint.rows) {
        loop.convergence!.add(time: times[i], position: q[i], tilt: phi[i])
      }
    }
    do {
      try loop.integrate(
        duration: config.run.duration, from: checkpoint.sample + 1, progress: progress, shouldStop: shouldStop)
    } catch let error as HDF5Error where !error.isUsageError {
      loop.outcome = .failed(error.message)
    }
    return finish(loop, relax: nil, dynamics: true, started: clock, stopReason: stopReason)
  }

  /// The checkpoint of `path`, after checking the file was written with `config`.
  static func readCheckpoint(_ path: String, config: SimulationConfig) throws -> Checkpoint {
    guard FileManager.default.fileExists(atPath: path) else {
      throw HDF5Error(message: "--resume: '\(path)' does not exist", isUsageError: true)
    }
    // A run still writing it (or a reader) holds HDF5's lock: say so, before HDF5 fails to open it.
    if HDF5File.isLockedElsewhere(path) {
      throw HDF5Error(
        message:
          "--resume: \(HDF5File.heldElsewhere(path)): let that run end or stop it, then resume",
        isUsageError: true)
    }
    let file = try HDF5File(reading: path)
    defer { file.close() }
    guard (try? file.stringAttribute("config_resolved")) == config.resolvedText else {
      throw HDF5Error(
        message:
          "--resume: '\(path)' was written with another configuration (its config_resolved differs); resume with the same config file and --set values",
        isUsageError: true)
    }
    guard let c = try Checkpoint.read(from: file) else {
      throw HDF5Error(
        message: "--resume: '\(path)' has no checkpoint; runs write them with [output] checkpoint_every = N (samples)",
        isUsageError: true)
    }
    return c
  }

  /// Writes the summary and returns the report; a failed write marks the run failed.
  static func finish(
    _ loop: RunLoop, relax: RelaxResult?, dynamics: Bool, started: ContinuousClock.Instant,
    stopReason: () -> String?
  ) -> RunReport {
    var loop = loop
    do { try loop.writer.endSWMR() } catch let error as HDF5Error { loop.outcome = .failed(error.message) } catch {}
    let seconds = { (ContinuousClock.now - started) / .seconds(1) }
    // The summary, written and flushed; then the file closed, which writes
    // too. When the disk refuses a write (here or before), the handle is
    // abandoned (nothing more goes through it) and a fresh one records the
    // failure, as far as the disk lets it.
    var summary: RunSummary? = nil
    for _ in 0..<2 {
      if loop.writer.failed {
        do {
          try loop.writer.reopenAfterFailure()
        } catch {
          if case .failed(let why) = loop.outcome {
            loop.outcome = .failed(
              why + "; the failure could not be recorded in the file (\(error)): every counted frame is on disk, and `gilbert repair \(loop.writer.path)` makes the file whole for other tools")
          }
          return RunSummary(loop: loop, relax: relax, dynamics: false, seconds: seconds())
            .report(outputPath: loop.writer.path, frames: loop.writer.frames["m"] ?? 0)
        }
      }
      var s = RunSummary(loop: loop, relax: relax, dynamics: dynamics, seconds: seconds())
      if loop.outcome == .interrupted, let reason = stopReason() { s.strings["status"] = "interrupted (\(reason))" }
      summary = s
      do {
        try s.write(to: loop.writer)
        try loop.writer.flush()
        break
      } catch let error as HDF5Error {
        if case .failed = loop.outcome {} else { loop.outcome = .failed(error.message) }
        if !loop.writer.failed {
          // Not the disk: the summary's own storage is damaged (a failed
          // flush wrote part of it). The frames and their counts are not.
          if case .failed(let why) = loop.outcome {
            loop.outcome = .failed(why + "; the summary could not be written (\(error.message)), every counted frame is in the file")
          }
          summary?.outcome = loop.outcome
          break
        }
        summary?.outcome = loop.outcome
      } catch {
        break
      }
    }
    do {
      try loop.writer.closeFile()
    } catch {
      // Everything was flushed before: the file holds every frame and its summary.
      if case .failed = loop.outcome {} else {
        summary?.outcome = .failed(
          "\(error) (while closing the file, after every frame and the summary were flushed; if a tool refuses the file, `gilbert repair \(loop.writer.path)`)")
      }
    }
    return summary!.report(outputPath: loop.writer.path, frames: loop.writer.frames["m"] ?? 0)
  }

  /// The fields each frame holds (`output.fields`), with their units and components.
  static func frameFields(_ sim: Simulation) -> [(name: String, unit: String, components: Int)] {
    sim.frameFields.map { name in
      let f = sim.fieldOutputs.first { $0.name == name }!
      return (f.name, f.unit, f.components)
    }
  }

  /// Creates the file with the layout the simulation's outputs declare. The
  /// resolved config and the checkpoint slots are written before the file
  /// takes its name (and before SWMR starts, which allows no new objects).
  static func openWriter(_ sim: Simulation, path: String, overwrite: Bool) throws -> TrajectoryWriter {
    let config = sim.config
    let layout = checkpointLayout(sim)
    return try TrajectoryWriter(
      path: path, overwrite: overwrite, grid: config.grid, configText: config.text,
      uConvention: config.section(CurrentSection.self)?.uConvention ?? "none: no current in this run",
      parameters: config.parameters, tableColumns: sim.tableColumns, fields: frameFields(sim),
      compress: config.output.compress, swmr: config.output.swmr,
      prepare: { file in
        try file.writeResolvedConfig(config.resolvedText, overrides: config.overrides)
        // The FFTW plans of the demag transforms, for a resume to take the same ones.
        if sim.equation.fieldTerms.contains(where: { $0.plansFromWisdom != nil }) {
          try file.setAttribute("fftw_wisdom", string: FFTWisdom.text)
        }
        try layout?.create(in: file)
      })
  }

  /// The sizes of the run's checkpoints, when it takes them.
  static func checkpointLayout(_ sim: Simulation) -> Checkpoint.Layout? {
    guard sim.config.output.checkpointEvery > 0 else { return nil }
    return Checkpoint.Layout(
      cells: sim.m.count, afterSteps: RunLoop.makeAfterSteps(for: sim).map { $0.checkpoint.count },
      transport: sim.transportState.mapValues(\.count))
  }

  /// Looks for the wall's stationary state in the co-moving frame
  /// (`[wall] steady_solve`), to a tenth of the velocity tolerance; m is
  /// replaced by it when found, left as it was when not (a precessing wall).
  static func steadySolve(_ sim: inout Simulation, shouldStop: () -> Bool) -> SteadyStateSolver<LLG>.Result {
    let tolerance = 0.1 * (sim.config.wall?.velocityTolerance ?? 1e-3)
    var solver = SteadyStateSolver<LLG>(
      cellCount: sim.m.count, rowLength: sim.magnet.grid.nx, tolerance: tolerance)
    return solver.solve(&sim.equation, m: &sim.m, time: sim.time, shouldStop: shouldStop)
  }

  /// `relax` in pieces of `relax.sample_every` iterations, a sample after
  /// each but the last (the run writes the minimum after it), each piece
  /// continuing with the step length the last one reached; the result
  /// counts every iteration.
  static func sampledRelax(
    _ loop: inout RunLoop, shouldStop: () -> Bool, progress: ((Int, Double) -> Void)?
  ) throws -> RelaxResult {
    let settings = loop.sim.config.relax
    var done = 0
    var step: Double? = nil
    while true {
      let chunk = min(settings.sampleEvery, settings.maximumIterations - done)
      let piece = relax(
        &loop.sim, warn: false, iterations: chunk, initialStep: step, shouldStop: shouldStop, progress: progress)
      done += piece.iterations
      step = piece.stepLength
      let r = RelaxResult(
        iterations: done, maxTorque: piece.maxTorque, converged: piece.converged, interrupted: piece.interrupted)
      if r.converged || r.interrupted || done >= settings.maximumIterations || piece.iterations == 0 {
        if !r.converged && !r.interrupted { warnUnconverged(r, settings) }
        return r
      }
      try loop.sample(frame: true)
    }
  }

  static func warnUnconverged(_ result: RelaxResult, _ settings: RelaxSettings) {
    FileHandle.standardError.write(
      Data(
        "warning: relax stopped after \(result.iterations) iterations with max |m × B| = \(result.maxTorque) T (relax.torque_tolerance = \(settings.torqueTolerance) T)\n"
          .utf8))
  }

  /// Minimises the energy in place (stoppable) for at most `iterations`
  /// (relax.max_iterations by default), then updates the transport state.
  static func relax(
    _ sim: inout Simulation, warn: Bool, iterations: Int? = nil, initialStep: Double? = nil, shouldStop: () -> Bool,
    progress: ((Int, Double) -> Void)?
  ) -> RelaxResult {
    let settings = sim.config.relax
    let relaxer = Relaxer(
      torqueTolerance: settings.torqueTolerance, maximumIterations: iterations ?? settings.maximumIterations)
    let result = relaxer.relax(
      &sim.equation, m: &sim.m, time: sim.time, shouldStop: shouldStop, progress: progress, initialStep: initialStep)
    sim.updateTransport()
    if !result.converged && !result.interrupted && warn { warnUnconverged(result, settings) }
    return result
  }
}
