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
}

/// What the runner does with the configured simulation.
public enum RunMode: Sendable {
  /// Integrate the LLG equation for `run.duration` (after relaxing if `run.relax_first`).
  case dynamics
  /// Minimise the energy and write the relaxed state.
  case relax
}

/// Runs a configured simulation and writes its trajectory: the engine behind
/// `gilbert run` and `gilbert relax`.
public enum Runner {
  /// Runs `config`, writing to `outputPath`. `progress` is called after each
  /// sample with (t, duration); `shouldStop` is polled between steps.
  public static func run(
    config: SimulationConfig, outputPath: String, overwrite: Bool, mode: RunMode = .dynamics,
    progress: ((Double, Double) -> Void)? = nil, shouldStop: () -> Bool = { false }
  ) throws -> RunReport {
    let clock = ContinuousClock.now
    var sim = try Simulation(config: config)
    let fields = config.output.fields.map { name in
      (name: name, unit: Simulation.unit(ofField: name), components: sim.field(named: name).components)
    }
    let writer = try TrajectoryWriter(
      path: outputPath, overwrite: overwrite, grid: config.grid, configText: config.text,
      uConvention: uConvention(config),
      parameters: parameters(config), tableColumns: sim.tableColumns, fields: fields,
      compress: config.output.compress)
    try writer.recordResolvedConfig(config.resolvedText, overrides: config.overrides)
    defer { writer.close() }

    var relaxIterations: Int? = nil
    if mode == .relax || config.run.relaxFirst {
      let relaxer = Relaxer(
        torqueTolerance: config.relax.torqueTolerance, maximumIterations: config.relax.maximumIterations)
      let result = relaxer.relax(&sim.equation, m: &sim.m, time: sim.time)
      relaxIterations = result.iterations
      sim.updateTransport()
      if !result.converged && mode == .relax {
        FileHandle.standardError.write(
          Data(
            "warning: relax stopped after \(result.iterations) iterations with max |m × B| = \(result.maxTorque) T (relax.torque_tolerance = \(config.relax.torqueTolerance) T)\n"
              .utf8))
      }
    }

    var steps = 0, rejected = 0, evaluations = 0
    // `sim` is passed in, not captured: a captured struct is checked for
    // exclusive access as a whole, and m and t are updated in place together.
    func sample(_ sim: inout Simulation, dt: Double, frame: Bool) throws {
      try writer.appendRow(sim.tableRow(step: steps, dt: dt))
      if frame {
        for f in fields {
          try writer.appendFrame(f.name, planes: sim.field(named: f.name).data, time: sim.time, step: steps)
        }
      }
      writer.flush()
    }
    try sample(&sim, dt: 0, frame: true)

    var outcome = RunOutcome.completed
    let duration = mode == .relax ? 0 : config.run.duration
    if duration > 0 {
      let tableau: ButcherTableau
      switch config.solver.method {
      case "rk4": tableau = .rk4
      case "heun": tableau = .heun
      default: tableau = .dormandPrince
      }
      var stepper = RungeKutta(
        equation: sim.equation, tableau: tableau, timeStep: config.solver.timeStep,
        tolerance: config.solver.method == "rk45" ? config.solver.tolerance : nil)
      stepper.maximumStep = config.solver.maximumStep
      let interval = config.run.sampleInterval
      var sinceRecentre = 0
      var sinceTransport = 0
      var lastTransportTime = sim.time
      let samples = Int((duration / interval * (1 - 1e-12)).rounded(.up))
      sampling: for k in 1...samples {
        let target = k == samples ? duration : Double(k) * interval
        var lastDt = 0.0
        while sim.time < target {
          let before = sim.time
          do {
            try stepper.step(m: &sim.m, time: &sim.time, limit: target)
          } catch {
            outcome = .failed(error.description)
            break sampling
          }
          lastDt = sim.time - before
          steps = stepper.acceptedSteps
          sinceRecentre += 1
          if sinceRecentre >= 50 || sim.time == target, sim.tracker != nil {
            sinceRecentre = 0
            if sim.tracker!.recenter(&sim.m, magnet: sim.magnet) { stepper.invalidate() }
          }
          // The longitudinal state follows m: δm integrates the last ṡ∥ over
          // the steps since the last update, then the current (AMR), u and
          // the fields are recomputed for the new m.
          sinceTransport += 1
          if sim.hasTransport && (sinceTransport >= config.transportUpdateEvery || sim.time == target) {
            sinceTransport = 0
            if let model = sim.longitudinal, let f = sim.longitudinalFields {
              model.advanceMagnitude(rate: f.spinRate, dt: sim.time - lastTransportTime)
            }
            lastTransportTime = sim.time
            sim.updateTransport()
            if sim.electrodes != nil {
              stepper.equation.torqueTerms = sim.equation.torqueTerms
              stepper.invalidate()
            }
          }
          if shouldStop() {
            outcome = .interrupted
            try sample(&sim, dt: lastDt, frame: true)
            break sampling
          }
        }
        try sample(&sim, dt: lastDt, frame: k % config.run.fieldEvery == 0 || k == samples)
        progress?(sim.time, duration)
      }
      steps = stepper.acceptedSteps
      rejected = stepper.rejectedSteps
      evaluations = stepper.equation.evaluations
    }

    let seconds = (ContinuousClock.now - clock) / .seconds(1)
    var status = "completed"
    if case .failed(let why) = outcome { status = "failed: " + why }
    if outcome == .interrupted { status = "interrupted" }
    var movingFrameShifts: Int? = nil
    var wallVelocity: WallVelocity? = nil
    var modelMotion: WallModel.Motion? = nil
    var modelWalker: Double? = nil
    var numbers: [String: Double] = ["wall_clock_seconds": seconds, "t_end": sim.time]
    var strings = ["status": status]
    if let w = config.wall, duration > 0 {
      let (times, q, phi) = try writer.wallSeries()
      wallVelocity = WallVelocity.estimate(times: times, positions: q, tilts: phi, from: w.transient)
      if let v = wallVelocity {
        numbers["wall_velocity"] = v.velocity
        strings["wall_regime"] = v.regime.rawValue
        if let period = v.period { numbers["wall_period"] = period }
      }
      if let model = sim.wallModel {
        let motion = model.motion(u: sim.modelDriftVelocity, from: w.kind.defaultTilt)
        modelMotion = motion
        numbers["model_velocity"] = motion.velocity
        let walker = model.walkerVelocity(sign: sim.modelDriftVelocity >= 0 ? 1 : -1, from: w.kind.defaultTilt)
        modelWalker = walker
        numbers["model_walker_velocity"] = walker
        if case .steady = motion { strings["model_regime"] = "steady" } else { strings["model_regime"] = "precessing" }
      }
    }
    if let tracker = sim.tracker { movingFrameShifts = tracker.shifts }
    var counts = ["steps": steps, "rejected_steps": rejected, "rhs_evaluations": evaluations]
    if let relaxIterations { counts["relax_iterations"] = relaxIterations }
    if let shifts = movingFrameShifts { counts["moving_frame_shifts"] = shifts }
    try writer.writeSummary(counts: counts, numbers: numbers, strings: strings)
    writer.flush()
    return RunReport(
      outcome: outcome, outputPath: outputPath, finalTime: sim.time, steps: steps, rejectedSteps: rejected,
      rhsEvaluations: evaluations, relaxIterations: relaxIterations, wallClockSeconds: seconds,
      frames: writer.frames["m"] ?? 0, averageMagnetization: sim.magnet.average(sim.m),
      wallVelocity: wallVelocity, modelMotion: modelMotion, modelWalkerVelocity: modelWalker)
  }

  /// How u was obtained, for the root attribute `u_convention`.
  static func uConvention(_ config: SimulationConfig) -> String {
    switch config.current {
    case .velocity?: return "u given directly in m/s (current.u)"
    case .density?, .step?, .file?, .electrodes?:
      return
        "u = -g*muB*P*j/(2*e*Ms) cell by cell from the current density j and material.P, g = 2, no 1/(1+beta^2) factor (OOMMF/muMAG convention)"
    case nil: return "none: no current in this run"
    }
  }

  /// The `/parameters` of a configuration.
  static func parameters(_ config: SimulationConfig) -> [OutputParameter] {
    let mats = config.materials
    var p = [
      OutputParameter("Ms", mats.map(\.saturationMagnetization), unit: "A/m"),
      OutputParameter("A", mats.map(\.exchangeStiffness), unit: "J/m"),
      OutputParameter("alpha", mats.map(\.damping), unit: ""),
      OutputParameter("dx", [config.grid.dx], unit: "m"),
      OutputParameter("dy", [config.grid.dy], unit: "m"),
      OutputParameter("dz", [config.grid.dz], unit: "m"),
    ]
    for (i, a) in config.anisotropies.enumerated() {
      let suffix = i == 0 ? "" : "_\(i + 1)"
      let axis = a.axis / (a.axis * a.axis).sum().squareRoot()
      p.append(OutputParameter("K1" + suffix, a.constants, unit: "J/m^3"))
      p.append(OutputParameter("K1_axis" + suffix, [axis.x, axis.y, axis.z], unit: ""))
    }
    let mats2 = config.materials
    p.append(OutputParameter("beta", mats2.map(\.nonAdiabaticity), unit: ""))
    p.append(OutputParameter("delta_beta", mats2.map(\.anisotropicNonAdiabaticity), unit: ""))
    p.append(OutputParameter("P", mats2.map(\.polarization), unit: ""))
    switch config.current {
    case .velocity(let u)?:
      p.append(OutputParameter("u", [u.x, u.y, u.z], unit: "m/s"))
    case .density(let j)?, .step(let j, _, _)?:
      p.append(OutputParameter("j", [j.x, j.y, j.z], unit: "A/m^2"))
      // u of each region, from j, P and Ms.
      let us = mats2.map {
        SpinDrift.velocity(
          currentDensity: j, polarization: $0.polarization, saturationMagnetization: $0.saturationMagnetization)
      }
      p.append(OutputParameter("u", us.flatMap { [$0.x, $0.y, $0.z] }, unit: "m/s"))
    case .electrodes(let v)?:
      p.append(OutputParameter("voltage", [v], unit: "V"))
    case .file?, nil:
      break
    }
    if let t = config.transport {
      p.append(OutputParameter("rho_perp", t.map(\.rhoPerpendicular), unit: "Ohm*m"))
      p.append(OutputParameter("rho_par", t.map(\.rhoParallel), unit: "Ohm*m"))
      p.append(OutputParameter("sigma_up", t.map(\.sigmaUp), unit: "S/m"))
      p.append(OutputParameter("sigma_down", t.map(\.sigmaDown), unit: "S/m"))
      p.append(OutputParameter("ell_s_up", t.map(\.spinLengthUp), unit: "m"))
      p.append(OutputParameter("ell_s_down", t.map(\.spinLengthDown), unit: "m"))
      p.append(OutputParameter("gamma_tau", t.map(\.gammaTau), unit: "S/m"))
      p.append(OutputParameter("delta_gamma_tau", t.map(\.deltaGammaTau), unit: "S/m"))
      p.append(OutputParameter("tau_parallel", t.map(\.tauParallel), unit: "s"))
    }
    if let z = config.zeeman {
      p.append(OutputParameter("B_ext", [z.field.x, z.field.y, z.field.z], unit: "T"))
      if z.frequency > 0 { p.append(OutputParameter("B_ext_frequency", [z.frequency], unit: "Hz")) }
    }
    return p
  }
}
