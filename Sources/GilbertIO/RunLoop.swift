import Foundation
import Gilbert

/// Something done after every accepted step (moving frame, transport). It
/// says whether it changed m or the equation, so the stepper's cached first
/// stage must be dropped.
protocol AfterStep {
  /// Called after each step; `atSample` is true when t reached a sample time.
  mutating func afterStep(_ sim: inout Simulation, atSample: Bool) -> Bool
  /// Its counters, for checkpoints.
  var checkpoint: [Double] { get set }
}

/// Keeps a tracked wall near the centre by whole-cell shifts of m, every 50
/// steps and at every sample.
struct MovingFrame: AfterStep {
  var sinceRecentre = 0
  var checkpoint: [Double] {
    get { [Double(sinceRecentre)] }
    set { sinceRecentre = Int(newValue[0]) }
  }

  mutating func afterStep(_ sim: inout Simulation, atSample: Bool) -> Bool {
    sinceRecentre += 1
    guard sinceRecentre >= 50 || atSample, sim.tracker != nil else { return false }
    sinceRecentre = 0
    return sim.tracker!.recenter(&sim.m, magnet: sim.magnet)
  }
}

/// Moves the continuously co-moving frame's displacement, integrated by the
/// stepper over the last step, into the tracker's offset (so the absolute
/// position is offset + the position in the frame, and a checkpoint after
/// a step holds all of it).
struct FrameDisplacement: AfterStep {
  var checkpoint: [Double] {
    get { [] }
    set {}
  }

  mutating func afterStep(_ sim: inout Simulation, atSample: Bool) -> Bool {
    guard let d = sim.equation.frame?.takeDisplacement() else { return false }
    sim.tracker?.advanceFrame(by: d)
    return false
  }
}

/// The longitudinal state follows m: δm integrates the last ṡ∥ over the steps
/// since the last update, then the current (AMR), the drive and the fields
/// are recomputed for the new m, every `longitudinal.update_every` steps and
/// at every sample.
struct TransportUpdate: AfterStep {
  let every: Int
  var sinceUpdate = 0
  var lastTime: Double
  var checkpoint: [Double] {
    get { [Double(sinceUpdate), lastTime] }
    set { (sinceUpdate, lastTime) = (Int(newValue[0]), newValue[1]) }
  }

  mutating func afterStep(_ sim: inout Simulation, atSample: Bool) -> Bool {
    sinceUpdate += 1
    guard sinceUpdate >= every || atSample else { return false }
    sinceUpdate = 0
    if let model = sim.longitudinal, let f = sim.longitudinalFields {
      model.advanceMagnitude(rate: f.spinRate, dt: sim.time - lastTime)
    }
    lastTime = sim.time
    sim.updateTransport()
    // With electrodes the drive changed; otherwise the equation is as it was.
    return sim.electrodes != nil
  }
}

/// Follows the tracked wall's tilt at every step (``TiltCrossings``), so its
/// turns are counted between samples.
struct TiltFollower: AfterStep {
  var crossings = TiltCrossings()
  var checkpoint: [Double] {
    get { crossings.state }
    set { crossings.restore(newValue) }
  }

  mutating func afterStep(_ sim: inout Simulation, atSample: Bool) -> Bool {
    guard sim.tracker != nil else { return false }
    let o = sim.tracker!.follow(sim.m, magnet: sim.magnet)
    crossings.add(time: sim.time, position: o.position, tilt: o.tilt)
    return false
  }
}

/// Time stepping with the small steps after each step, and sampling into the file.
struct RunLoop {
  var sim: Simulation
  let writer: TrajectoryWriter
  var stepper: any TimeStepper<LLG>
  var afterSteps: [any AfterStep] = []
  var outcome = RunOutcome.completed
  let frameFields: [String]
  /// With `[wall] steady_solve`: what the stationary-state search found.
  var steadySolve: SteadyStateSolver<LLG>.Result?
  /// With `run.until = "velocity_converged"`: the test, fed at every sample.
  var convergence: VelocityConvergence?
  /// The table's wall_position and wall_tilt columns, when a wall is tracked.
  let wallColumns: (position: Int, tilt: Int)?

  init(sim: Simulation, writer: TrajectoryWriter) {
    self.sim = sim
    self.writer = writer
    stepper = Self.makeStepper(for: sim)
    afterSteps = Self.makeAfterSteps(for: sim)
    frameFields = sim.frameFields
    let names = sim.tableColumns.map(\.name)
    if let q = names.firstIndex(of: "wall_position"), let phi = names.firstIndex(of: "wall_tilt") {
      wallColumns = (q, phi)
    } else {
      wallColumns = nil
    }
    if sim.config.run.until == .velocityConverged, let w = sim.config.wall {
      convergence = VelocityConvergence(tolerance: w.velocityTolerance)
    }
  }

  /// The wall's tilt crossings followed at every step, when a wall is tracked.
  var stepCrossings: [(t: Double, q: Double, k: Int)]? {
    afterSteps.lazy.compactMap { ($0 as? TiltFollower)?.crossings.crossings }.first
  }

  /// The stepper `solver.method` names.
  static func makeStepper(for sim: Simulation) -> any TimeStepper<LLG> {
    let solver = sim.config.solver
    let method = solver.scheme
    var stepper: any TimeStepper<LLG>
    if let tableau = method.tableau {
      stepper = RungeKutta(
        for: sim.equation, tableau: tableau, timeStep: solver.timeStep,
        tolerance: method.isAdaptive ? solver.tolerance : nil)
    } else if method == .stochasticHeun {
      stepper = StochasticHeun<LLG>(cellCount: sim.m.count, timeStep: solver.timeStep, noise: sim.thermalNoise)
    } else {
      stepper = ImplicitStepper<LLG>(
        cellCount: sim.m.count, rowLength: sim.magnet.grid.nx, timeStep: solver.timeStep,
        tolerance: solver.tolerance)
    }
    stepper.maximumStep = solver.maximumStep
    // An explicit adaptive method grows its step where little changes (near
    // equilibrium) until it is unstable: at dx = 0.5 nm the default rk45 ran
    // past exchange's limit within 50 steps and the |m| guard stopped it.
    // Its steps stay inside the grid's limit unless dt or max_dt are given.
    if let tableau = method.tableau, method.isAdaptive, let limit = sim.explicitStabilityStep(tableau) {
      if !solver.maximumStepGiven { stepper.maximumStep = min(stepper.maximumStep, limit) }
      if !solver.timeStepGiven { stepper.timeStep = min(stepper.timeStep, limit) }
    }
    return stepper
  }

  /// The steps after each step a run of `sim` takes, in order.
  static func makeAfterSteps(for sim: Simulation) -> [any AfterStep] {
    var steps: [any AfterStep] = []
    if sim.tracker != nil { steps.append(MovingFrame()) }
    if sim.equation.frame != nil { steps.append(FrameDisplacement()) }
    if sim.hasTransport { steps.append(TransportUpdate(every: sim.config.transportUpdateEvery, lastTime: sim.time)) }
    if sim.tracker != nil { steps.append(TiltFollower()) }
    return steps
  }

  /// Writes a table row and, when `frame`, every configured field; flushes.
  mutating func sample(frame: Bool, dt: Double = 0) throws {
    try sample(frame: frame, row: sim.tableRow(step: stepper.acceptedSteps, dt: dt))
  }

  /// Writes the table row `row` and, when `frame`, every configured field; flushes.
  mutating func sample(frame: Bool, row: [Double]) throws {
    try writer.checkSpace(frame: frame)
    try writer.appendRow(row)
    if frame {
      for name in frameFields {
        try writer.appendFrame(name, planes: sim.field(named: name).data, time: sim.time, step: stepper.acceptedSteps)
      }
    }
    try writer.flush()
  }

  /// Integrates to `duration`, sampling every `run.sample_interval`, from
  /// sample `first` (1, or the one after a checkpoint); writes a checkpoint
  /// every `output.checkpoint_every` samples.
  mutating func integrate(
    duration: Double, from first: Int = 1, progress: ((RunProgress) -> Void)?, shouldStop: () -> Bool
  ) throws {
    var lastWall: (t: Double, q: Double)? = nil
    let run = sim.config.run
    let every = sim.config.output.checkpointEvery
    func sampleCount(_ bound: Double) -> Int { Int((bound / run.sampleInterval * (1 - 1e-12)).rounded(.up)) }
    var bound = duration
    var samples = sampleCount(bound)
    // A bound grown before a checkpoint is grown again on resume (the same
    // crossings give the same decision at the same sample).
    while first > samples, let grown = grownBound(bound, cap: run.durationCap) {
      bound = grown
      samples = sampleCount(bound)
    }
    guard first <= samples else { return }
    var k = first
    while k <= samples {
      defer { k += 1 }
      let target = k == samples ? bound : Double(k) * run.sampleInterval
      guard let dt = try advance(to: target, shouldStop: shouldStop) else { return }
      let row = sim.tableRow(step: stepper.acceptedSteps, dt: dt)
      // The convergence test reads the wall columns of the row it writes (as a resume replays them).
      var converged = false
      if convergence != nil, let (q, phi) = wallColumns {
        convergence!.stepCrossings = stepCrossings
        converged = convergence!.add(time: sim.time, position: row[q], tilt: row[phi])
      }
      // At the bound, a wall that precesses too slowly to have shown its
      // turns gets more time, in turns (issue 28: near the Walker breakdown
      // the period grows without limit).
      if k == samples && !converged, let grown = grownBound(bound, cap: run.durationCap) {
        bound = grown
        samples = sampleCount(bound)
        boundGrownTo = bound
      }
      try sample(frame: converged || k % run.fieldEvery == 0 || k == samples, row: row)
      var state = RunProgress(time: sim.time, duration: bound, steps: stepper.acceptedSteps)
      if let (q, _) = wallColumns {
        state.wallPosition = row[q]
        if let l = lastWall, sim.time > l.t { state.wallVelocity = (row[q] - l.q) / (sim.time - l.t) }
        lastWall = (sim.time, row[q])
      }
      if converged {
        state.time = bound
        progress?(state)
        return
      }
      if every > 0 && k % every == 0 && k < samples { try checkpoint(sample: k).write(to: writer.file) }
      progress?(state)
    }
  }

  /// The bound `run.duration` grew to (a precessing wall given more turns), if it did.
  var boundGrownTo: Double?

  /// A longer bound for a precessing wall whose turns have not yet agreed
  /// (``VelocityConvergence``: three crossings of φ, then successive turns):
  /// the last crossing plus the turns still needed (at least one) at the
  /// last period, with a fifth more, at most `cap`; nil when the run does not
  /// stop on its velocity, the wall has not turned, or the cap is reached.
  func grownBound(_ bound: Double, cap: Double) -> Double? {
    guard convergence != nil, bound < cap, let c = stepCrossings, let last = c.last else { return nil }
    let period = c.count >= 2 ? last.t - c[c.count - 2].t : last.t
    guard period > 0 else { return nil }
    let turns = Double(max(1, 3 - c.count))
    let grown = max(bound, last.t + 1.2 * turns * period)
    return grown > bound ? min(grown, cap) : nil
  }

  /// The state after sample `k`.
  func checkpoint(sample k: Int) -> Checkpoint {
    Checkpoint(
      sample: k, frames: writer.frames.values.max() ?? 0, rows: writer.rows, time: sim.time, m: sim.m.storage,
      stepper: stepper.state, evaluations: sim.equation.evaluations, tracker: sim.tracker?.state,
      afterSteps: afterSteps.map(\.checkpoint), transport: sim.transportState)
  }

  /// Continues from `c`: m, t, the stepper, the counts, the tracker and the after-step counters.
  mutating func restore(_ c: Checkpoint) {
    sim.m.storage.withUnsafeMutableBufferPointer { _ = $0.update(fromContentsOf: c.m) }
    sim.time = c.time
    sim.equation.restoreEvaluations(c.evaluations)
    if let t = c.tracker { sim.tracker?.restore(t) }
    stepper.restore(c.stepper)
    for (k, state) in zip(afterSteps.indices, c.afterSteps) { afterSteps[k].checkpoint = state }
    sim.restoreTransport(c.transport)
  }

  /// Steps to `target`; returns the last step, or nil when the run stopped
  /// (``outcome`` says why; an interrupt writes a last frame).
  mutating func advance(to target: Double, shouldStop: () -> Bool) throws -> Double? {
    var lastDt = 0.0
    let profiles = sim.equation.timeProfiles(thermal: sim.thermalNoise)
    while sim.time < target {
      let before = sim.time
      // A step ends on each jump or kink of every profile the equation
      // follows (the current's, each field's, the temperature's: it could
      // otherwise step over a whole pulse), and the next one starts afresh.
      var limit = target
      for profile in profiles {
        if let b = profile.nextBreakpoint(after: sim.time), b < limit { limit = b }
      }
      do {
        try stepper.step(&sim.equation, m: &sim.m, time: &sim.time, limit: limit)
      } catch {
        let g = sim.magnet.grid
        outcome = .failed(
          error.describe { i in g.describe(i) })
        return nil
      }
      lastDt = sim.time - before
      var changed = false
      for k in afterSteps.indices { changed = afterSteps[k].afterStep(&sim, atSample: sim.time == target) || changed }
      if changed || (limit < target && sim.time == limit) { stepper.invalidate() }
      if shouldStop() {
        outcome = .interrupted
        try sample(frame: true, dt: lastDt)
        return nil
      }
    }
    return lastDt
  }
}
