import Gilbert

/// `[run]`: how long to integrate and how often to sample.
public struct RunSettings: ConfigSection, Equatable {
  /// Simulated time, s.
  public var duration: Double
  /// Interval between table rows, s.
  public var sampleInterval: Double
  /// Write the field every this many samples.
  public var fieldEvery: Int
  /// Relax the initial state before the dynamics.
  public var relaxFirst: Bool
  /// When the run ends: after `duration`, or as soon as the wall velocity
  /// has converged (`[wall] velocity_tolerance`), `duration` being the bound.
  public var until: StopRule
  /// The most table rows a run may write.
  public static let maximumSamples = 10_000_000
  /// The defaults chosen for the question (`until = "velocity_converged"`), in words.
  public var chosen: [String] = []
  /// With `until = "velocity_converged"`: how far the bound may grow for a
  /// precessing wall whose turns have not yet agreed, s (`duration_cap`;
  /// 10 × duration by default).
  public var durationCap: Double = 0

  public static func read(from root: ConfigTable, context: ConfigContext) throws(ConfigError) -> RunSettings? {
    let r = try root.table("run") ?? ConfigTable([:], path: "run")
    let duration = try r.double("duration", default: 0, unit: "s", valid: { $0 >= 0 }, expected: "a number ≥ 0")
    let until = try r.string("until", default: "duration", choices: StopRule.allCases.map(\.rawValue))
    // For a velocity, duration is only a bound: the samples follow the
    // wall's own time, its relaxation time (1 + α²)/(α γ B_K).
    var sampleDefault = duration > 0 ? duration / 100 : 1e-12
    var chosen: [String] = []
    if until == StopRule.velocityConverged.rawValue, r.raw("sample_interval") == nil, duration > 0,
      let relaxation = wallRelaxationTime(context), relaxation < sampleDefault
    {
      sampleDefault = relaxation
      chosen.append("run.sample_interval = \(String(format: "%.3g", relaxation)) s (the wall's relaxation time, not duration/100)")
    }
    var settings = RunSettings(
      duration: duration,
      sampleInterval: try r.double(
        "sample_interval", default: sampleDefault, unit: "s", valid: { $0 > 0 },
        expected: "a positive number"),
      fieldEvery: try r.int("field_every", default: 1, valid: { $0 >= 1 }, expected: "an integer ≥ 1"),
      relaxFirst: try r.bool("relax_first", default: false),
      until: StopRule(rawValue: until)!
    )
    settings.chosen = chosen
    settings.durationCap = try r.double(
      "duration_cap", default: 10 * duration, unit: "s", valid: { $0 >= duration },
      expected: "a number ≥ run.duration (\(duration) s)")
    try r.finish()
    let samples = settings.duration / settings.sampleInterval
    guard samples <= Double(maximumSamples) else {
      throw ConfigError(
        key: "run.sample_interval",
        message:
          "is \(settings.sampleInterval) s, which gives \(samples) samples over run.duration = \(duration) s; at most \(maximumSamples) (raise the interval)"
      )
    }
    return settings
  }
}

/// A wall's relaxation time (1 + α²)/(α γ B_K), s: α the smallest damping,
/// B_K = 2|K|/Ms of the strongest anisotropy (or μ0 Ms, the demag's shape
/// anisotropy, if larger). Nil without damping or anisotropy.
func wallRelaxationTime(_ context: ConfigContext) -> Double? {
  guard let materials = context.section(MaterialSection.self)?.materials else { return nil }
  let k = context.section(AnisotropySection.self)?.entries.flatMap(\.constants).map(abs).max() ?? 0
  var best: Double? = nil
  for m in materials where m.saturationMagnetization > 0 && m.damping > 0 {
    var field = 2 * k / m.saturationMagnetization
    if context.section(DemagSection.self) != nil { field = max(field, PhysicalConstants.mu0 * m.saturationMagnetization) }
    guard field > 0 else { continue }
    let t = (1 + m.damping * m.damping) / (m.damping * m.gyromagneticRatio * field)
    best = min(best ?? t, t)
  }
  return best
}

/// `[run] until`: what ends a run.
public enum StopRule: String, CaseIterable, Sendable {
  /// Integrate for `run.duration`.
  case duration
  /// Stop when the wall velocity is known to `wall.velocity_tolerance`, or at `run.duration`.
  case velocityConverged = "velocity_converged"
}

/// `[solver]`: the time integrator (``SolverMethod`` names them).
public struct SolverSettings: ConfigSection, Equatable {
  /// The method.
  public var scheme: SolverMethod
  /// The method's config name: one of ``SolverMethod/names``.
  public var method: String { scheme.rawValue }
  /// Max |Δm| per step (adaptive methods).
  public var tolerance: Double
  /// The fixed step, or the first step of an adaptive method, s.
  public var timeStep: Double
  /// Largest adaptive step, s.
  public var maximumStep: Double
  /// The defaults chosen for the question, in words.
  public var chosen: [String] = []
  /// Whether `solver.dt` and `solver.max_dt` were given (else an explicit
  /// adaptive method keeps its steps inside the grid's stability limit).
  public var timeStepGiven = false, maximumStepGiven = false
  /// Whether the precessional term is integrated (`precession = false`:
  /// damping only, dm/dt = −γ α/(1 + α²) m × (m × B), as OOMMF's do_precess 0).
  public var precession: Bool = true
  /// The most steps a run may need at its smallest allowed step.
  public static let maximumSteps = 1e11


  public static func read(from root: ConfigTable, context: ConfigContext) throws(ConfigError) -> SolverSettings? {
    let s = try root.table("solver") ?? ConfigTable([:], path: "solver")
    let positive: (Double) -> Bool = { $0 > 0 }
    // For a velocity in the co-moving frame (a stiff problem: the wall's
    // exchange-limited modes against its slow motion), the implicit solver.
    let wall = context.section(WallSettings.self)
    let velocity = context.section(RunSettings.self)?.until == .velocityConverged
    let precession = try s.bool("precession", default: true)
    var chosen: [String] = []
    // Otherwise rk43: on weakly damped films with demag the explicit step is
    // held at the stability limit whatever the tolerance, and RK4 goes
    // further per evaluation there than Dormand–Prince (SP4's 1 ns: 10.8k
    // evaluations against 22.2k, the same ⟨m⟩ to 1e-6; issue 28).
    var defaultMethod = SolverMethod.rk43
    if velocity, wall?.frame == .continuous, s.raw("method") == nil, precession, try context.grid.nz == 1 {
      defaultMethod = .implicit
      chosen.append("solver.method = \"implicit\" (a velocity in the co-moving frame is stiff)")
    }
    let method = try s.string("method", default: defaultMethod.rawValue, choices: SolverMethod.names)
    guard let scheme = SolverMethod(rawValue: method) else {
      throw ConfigError(key: s.key("method"), message: "is \"\(method)\"; give one of \(SolverMethod.names)")
    }
    let timeStepGiven = s.raw("dt") != nil, maximumStepGiven = s.raw("max_dt") != nil
    var settings = SolverSettings(
      scheme: scheme,
      tolerance: try s.double(
        "tolerance", default: scheme.defaultTolerance, valid: positive,
        expected: "a positive number (max |Δm| per step)"),
      timeStep: try s.double("dt", default: 1e-14, unit: "s", valid: positive, expected: "a positive number"),
      maximumStep: try s.double(
        "max_dt", default: scheme.defaultMaximumStep, unit: "s", valid: positive,
        expected: "a positive number"),
      precession: precession)
    (settings.timeStepGiven, settings.maximumStepGiven) = (timeStepGiven, maximumStepGiven)
    if scheme == .implicit && s.raw("tolerance") == nil && !chosen.isEmpty {
      chosen.append("solver.tolerance = \(scheme.defaultTolerance) (the implicit solver's own)")
    }
    settings.chosen = chosen
    try s.finish()
    if settings.scheme == .implicit && !settings.precession {
      throw ConfigError(
        key: "solver.precession",
        message: "is false but solver.method is \"implicit\", whose Jacobian is that of the full LLG; use \"rk45\"")
    }
    let layers = try context.grid.nz
    if settings.scheme == .implicit && layers > 1 {
      throw ConfigError(
        key: "solver.method",
        message:
          "is \"implicit\" but the grid has Nz = \((try context.grid).nz) layers; the implicit solver's preconditioner is built for grids one cell thick: use \"rk45\" (or another explicit method)"
      )
    }
    // Steps are bounded before any work: a fixed step takes duration/dt
    // steps, an adaptive one at least duration/max_dt.
    let duration = context.section(RunSettings.self)?.duration ?? 0
    let (key, step) =
      settings.scheme.isAdaptive ? ("solver.max_dt", settings.maximumStep) : ("solver.dt", settings.timeStep)
    guard duration / step <= maximumSteps else {
      throw ConfigError(
        key: key,
        message:
          "is \(step) s, so run.duration = \(duration) s takes at least \(duration / step) steps; at most \(maximumSteps) (raise \(key) or shorten the run)"
      )
    }
    return settings
  }
}

/// `[relax]`: the energy minimiser's stopping rules.
public struct RelaxSettings: ConfigSection, Equatable {
  /// Stop when max |m × B_eff| < this, T.
  public var torqueTolerance: Double
  /// Iteration limit.
  public var maximumIterations: Int
  /// `gilbert relax` writes a sample (table row and frame) every this many
  /// iterations (0: only the start and the minimum). Each sample restarts
  /// the minimiser's step length (Barzilai–Borwein), so a small value costs
  /// iterations.
  public var sampleEvery: Int = 0

  public static func read(from root: ConfigTable, context: ConfigContext) throws(ConfigError) -> RelaxSettings? {
    let rx = try root.table("relax") ?? ConfigTable([:], path: "relax")
    var settings = RelaxSettings(
      torqueTolerance: try rx.double(
        "torque_tolerance", default: 1e-5, unit: "T", valid: { $0 > 0 }, expected: "a positive number"),
      maximumIterations: try rx.int("max_iterations", default: 200_000, valid: { $0 >= 1 }, expected: "an integer ≥ 1"))
    settings.sampleEvery = try rx.int(
      "sample_every", default: 0, valid: { $0 >= 0 }, expected: "an integer ≥ 0 (iterations between samples; 0: none)")
    try rx.finish()
    return settings
  }
}

/// `[output]`: which fields each frame holds.
public struct OutputSettings: ConfigSection, Equatable {
  /// Fields written each frame: "m" and any "B_<term>", "Edens_<term>", … (checked by the simulation).
  public var fields: [String]
  /// gzip the field datasets.
  public var compress: Bool
  /// Write a checkpoint for `gilbert run --resume` every this many samples (0: never).
  public var checkpointEvery: Int
  /// Write in SWMR mode, so readers can open the file while the run goes on.
  public var swmr: Bool

  public static func read(from root: ConfigTable, context: ConfigContext) throws(ConfigError) -> OutputSettings? {
    let o = try root.table("output") ?? ConfigTable([:], path: "output")
    let settings = OutputSettings(
      fields: try o.strings("fields", default: ["m"]), compress: try o.bool("compress", default: false),
      checkpointEvery: try o.int(
        "checkpoint_every", default: 0, valid: { $0 >= 0 }, expected: "an integer ≥ 0 (samples; 0: no checkpoints)"),
      swmr: try o.bool("swmr", default: false))
    try o.finish()
    for (i, name) in settings.fields.enumerated() where settings.fields[..<i].contains(name) {
      throw ConfigError(key: "output.fields", message: "names \"\(name)\" twice; give each field once")
    }
    return settings
  }
}
