import Foundation
import Gilbert

/// What a run measured, written to `/summary` at the end: how it ended, the
/// counts, the wall velocity and the (q, φ) model's prediction (or why the
/// model does not apply).
struct RunSummary {
  var outcome: RunOutcome
  var counts: [String: Int]
  var numbers: [String: Double]
  var strings: [String: String]
  var finalTime: Double
  var relaxIterations: Int?
  var steadySolve: SteadyStateSolver<LLG>.Result?
  var average: SIMD3<Double>
  var wallVelocity: WallVelocity?
  var modelMotion: WallModel.Motion?
  var modelWalker: Double?

  init(loop: RunLoop, relax: RelaxResult?, dynamics: Bool, seconds: Double) {
    let sim = loop.sim
    outcome = loop.outcome
    finalTime = sim.time
    relaxIterations = relax?.iterations
    average = sim.magnet.average(sim.m)
    counts = [
      "steps": loop.stepper.acceptedSteps, "rejected_steps": loop.stepper.rejectedSteps,
      "rhs_evaluations": sim.equation.evaluations,
    ]
    if let relaxIterations { counts["relax_iterations"] = relaxIterations }
    if let tracker = sim.tracker { counts["moving_frame_shifts"] = tracker.shifts }
    numbers = ["wall_clock_seconds": seconds, "t_end": sim.time]
    if let relax { numbers["relax_max_torque"] = relax.maxTorque }
    switch outcome {
    case .completed: strings = ["status": "completed"]
    case .interrupted: strings = ["status": "interrupted"]
    case .failed(let why): strings = ["status": "failed: " + why]
    }
    if let grown = loop.boundGrownTo { numbers["bound_grown_to"] = grown }
    if !sim.config.chosenDefaults.isEmpty { strings["defaults_chosen"] = sim.config.chosenDefaults.joined(separator: "; ") }
    if let s = loop.steadySolve {
      steadySolve = s
      strings["steady_solve"] = s.converged ? "converged" : "failed: " + (s.reason ?? "unknown")
      counts["steady_solve_iterations"] = s.iterations
      numbers["steady_solve_residual"] = s.residual
      if s.converged { numbers["steady_solve_velocity"] = s.velocity }
    }
    if let w = sim.config.wall, dynamics, let (times, q, phi) = try? loop.writer.wallSeries() {
      // The velocity test: the run's own (until = "velocity_converged"), or
      // the same test replayed over the samples of a fixed-duration run and
      // judged at the end of the series (the last two windows or turns agree).
      var test: VelocityConvergence
      if let own = loop.convergence {
        test = own
      } else {
        test = VelocityConvergence(tolerance: w.velocityTolerance)
        test.continuesAfterConvergence = true
        test.stepCrossings = loop.stepCrossings
        for k in times.indices { test.add(time: times[k], position: q[k], tilt: phi[k]) }
      }
      if let e = loop.convergence?.converged {
        wallVelocity = WallVelocity(velocity: e.velocity, regime: e.regime, period: e.period)
        numbers["wall_velocity_uncertainty"] = e.uncertainty
        strings["velocity_converged"] = "true"
      } else {
        // The fit after wall.transient; its uncertainty adds the last two
        // estimates' difference to the fit's distance from the latest one.
        wallVelocity = WallVelocity.estimate(times: times, positions: q, tilts: phi, from: w.transient)
        strings["velocity_converged"] = loop.convergence == nil && test.lastAgreed ? "true" : "false"
        if let c = test.lastComparison {
          numbers["wall_velocity_uncertainty"] =
            abs(c.latest - c.previous) + abs((wallVelocity?.velocity ?? c.latest) - c.latest)
        }
      }
      // A precessing wall's period from its turns followed at every step
      // (the samples' φ aliases it when they are further apart than a turn).
      if var v = wallVelocity, v.regime == .precessing, loop.convergence?.converged == nil,
        let c = loop.stepCrossings, c.count >= 2
      {
        v.period = c[c.count - 1].t - c[c.count - 2].t
        wallVelocity = v
      }
      if let v = wallVelocity {
        numbers["wall_velocity"] = v.velocity
        strings["wall_regime"] = v.regime.rawValue
        if let period = v.period { numbers["wall_period"] = period }
      }
      addModel(sim, start: w.kind.defaultTilt)
    }
  }

  /// The model's velocity and regime at the run's u, or the reason it does not apply.
  mutating func addModel(_ sim: Simulation, start: Double) {
    let (model, reason) = sim.wallModelOrReason
    guard let model else {
      strings["model_unavailable"] = reason ?? "unknown"
      return
    }
    let u = sim.modelDriftVelocity
    let rest = model.restTilt(start)
    let motion = model.motion(u: u, from: rest)
    modelMotion = motion
    numbers["model_velocity"] = motion.velocity
    if model.hasSpinOrbit {
      // The Walker breakdown of the whole drive, as a factor on the run's current.
      numbers["model_walker_scale"] = model.walkerScale(u: u, from: rest)
    } else {
      let walker = model.walkerVelocity(sign: u >= 0 ? 1 : -1, from: rest)
      modelWalker = walker
      numbers["model_walker_velocity"] = walker
    }
    if case .steady = motion { strings["model_regime"] = "steady" } else { strings["model_regime"] = "precessing" }
  }

  func write(to writer: TrajectoryWriter) throws {
    try writer.writeSummary(counts: counts, numbers: numbers, strings: strings)
  }

  func report(outputPath: String, frames: Int) -> RunReport {
    RunReport(
      outcome: outcome, outputPath: outputPath, finalTime: finalTime, steps: counts["steps"] ?? 0,
      rejectedSteps: counts["rejected_steps"] ?? 0, rhsEvaluations: counts["rhs_evaluations"] ?? 0,
      relaxIterations: relaxIterations, wallClockSeconds: numbers["wall_clock_seconds"] ?? 0, frames: frames,
      averageMagnetization: average, wallVelocity: wallVelocity, modelMotion: modelMotion,
      modelWalkerVelocity: modelWalker, modelUnavailable: strings["model_unavailable"], steadySolve: steadySolve,
      velocityConverged: strings["velocity_converged"].map { $0 == "true" },
      velocityUncertainty: numbers["wall_velocity_uncertainty"], modelRegime: strings["model_regime"])
  }
}
