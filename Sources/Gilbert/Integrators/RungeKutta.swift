import RealModule

/// Why time integration stopped early. Each case names the time and, where
/// one cell is to blame, the cell; `adaptive` picks the hint that fits the method.
public enum IntegrationError: Error, CustomStringConvertible, Equatable {
  /// m became NaN or infinite (first such cell).
  case notFinite(time: Double, cell: Int?, adaptive: Bool)
  /// |m| drifted from 1 by more than the limit within one step (worst cell).
  case normDrift(deviation: Double, limit: Double, time: Double, cell: Int, adaptive: Bool)
  /// The adaptive step fell below the smallest allowed step.
  case stepTooSmall(step: Double, time: Double)

  public var description: String { describe(cell: { "cell \($0)" }) }

  /// The message with each cell written by `cell` (for example with its position).
  public func describe(cell name: (Int) -> String) -> String {
    switch self {
    case .notFinite(let t, let cell, let adaptive):
      let whereText = cell.map { " in \(name($0))" } ?? ""
      let hint =
        adaptive
        ? "check the parameters and the initial state, or tighten solver.tolerance and lower solver.max_dt"
        : "reduce solver.dt or use rk45"
      return "the magnetization became NaN or infinite at t = \(t) s\(whereText); \(hint)"
    case .normDrift(let d, let limit, let t, let cell, let adaptive):
      let hint = adaptive ? "tighten solver.tolerance or lower solver.max_dt" : "reduce solver.dt or use rk45"
      return "|m| drifted from 1 by \(d) in one step at t = \(t) s in \(name(cell)) (limit \(limit)); \(hint)"
    case .stepTooSmall(let h, let t):
      return "the adaptive step fell to \(h) s at t = \(t) s; the problem is too stiff for solver.tolerance"
    }
  }
}

/// What a checkpoint needs to continue a stepper bit for bit: the next step
/// size, the counts, and the cached first stage (FSAL) with its auxiliary
/// rate when it is valid.
public struct StepperState: Sendable, Equatable {
  public var timeStep: Double
  public var acceptedSteps: Int, rejectedSteps: Int
  /// The first stage of the next step (planes), or nil when it is to be recomputed.
  public var firstStage: [Double]?
  /// The equation's auxiliary rate at the first stage.
  public var firstStageRate: Double
  /// The implicit stepper's cap on the step after a Newton failure (∞ when none).
  public var stepCap: Double
  /// The last accepted step's error over the tolerance, for PI step control.
  public var previousError: Double
  public init(
    timeStep: Double, acceptedSteps: Int, rejectedSteps: Int, firstStage: [Double]?, firstStageRate: Double = 0,
    stepCap: Double = .infinity, previousError: Double = 1e-4
  ) {
    self.stepCap = stepCap
    self.previousError = previousError
    self.timeStep = timeStep
    self.acceptedSteps = acceptedSteps
    self.rejectedSteps = rejectedSteps
    self.firstStage = firstStage
    self.firstStageRate = firstStageRate
  }
}

/// A time integrator of a ``DynamicEquation``: explicit (``RungeKutta``) or
/// implicit (``ImplicitStepper``). The run loop holds one of these.
public protocol TimeStepper<Equation> {
  associatedtype Equation: DynamicEquation
  /// The next attempted step, s.
  var timeStep: Double { get set }
  /// Bounds on an adaptive step, s.
  var minimumStep: Double { get set }
  var maximumStep: Double { get set }
  /// Accepted and rejected steps so far.
  var acceptedSteps: Int { get }
  var rejectedSteps: Int { get }
  /// The state a checkpoint saves.
  var state: StepperState { get }
  /// Continues from a saved state.
  mutating func restore(_ s: StepperState)
  /// Forget anything cached about m or the equation (call after changing either from outside).
  mutating func invalidate()
  /// Advances (m, t) by one accepted step, never past `limit` (t becomes
  /// exactly `limit` when the step is clamped to it).
  mutating func step(
    _ equation: inout Equation, m: inout VectorField, time t: inout Double, limit: Double
  ) throws(IntegrationError)
}

/// The step to attempt from `t`: `step`, or exactly what is left to `limit`
/// when the step would reach or overshoot it (or stop a hair short of it).
@inlinable
func clampedStep(_ step: Double, from t: Double, to limit: Double) -> (step: Double, clamped: Bool) {
  if t + step >= limit || limit - (t + step) < 1e-9 * step { return (limit - t, true) }
  return (step, false)
}

/// Throws when a step's renormalisation met a NaN (`drift.deviation` NaN) or
/// a change of |m| above `limit`, naming the cell (from
/// ``VectorField/normalizeReportingWorst()``).
func checkRenormalisation(
  _ drift: (deviation: Double, cell: Int), limit: Double, time: Double, adaptive: Bool
) throws(IntegrationError) {
  if drift.deviation.isNaN { throw .notFinite(time: time, cell: drift.cell, adaptive: adaptive) }
  if drift.deviation > limit {
    throw .normDrift(deviation: drift.deviation, limit: limit, time: time, cell: drift.cell, adaptive: adaptive)
  }
}

/// One generic explicit Runge–Kutta stepper over a ``DynamicEquation``.
///
/// The stepper knows no physics: stages follow the ``ButcherTableau``. It owns
/// its stage buffers and updates m in place (no per-step copies of fields).
/// It does not own the equation: each step borrows it (`inout`), so the
/// caller's equation (its drive, its evaluation count) is the only one.
/// After each step m is renormalised to unit length. With a tableau that has
/// error weights and a `tolerance`, the step adapts so that the estimated
/// max over cells of |Δm| stays below the tolerance; otherwise the step is
/// fixed at ``timeStep``.
public struct RungeKutta<Equation: DynamicEquation>: TimeStepper {
  /// The method.
  public let tableau: ButcherTableau
  /// Error tolerance on max |Δm| per step (adaptive methods), or nil for fixed steps.
  public var tolerance: Double?
  /// The current (next attempted) step, s.
  public var timeStep: Double
  /// Bounds on the adaptive step, s.
  public var minimumStep: Double = 1e-20, maximumStep: Double = 1e-10
  /// Largest allowed change of |m| within one step before renormalisation.
  public var normDriftLimit = 1e-2
  /// Accepted and rejected steps so far.
  public private(set) var acceptedSteps = 0, rejectedSteps = 0

  var k: [VectorField]
  /// The equation's ``DynamicEquation/auxiliaryRate`` at each stage.
  var stageRates: [Double]
  var trial: VectorField
  var firstStageValid = false
  /// The last accepted step's error over the tolerance (floored at 1e-4),
  /// for PI step control (``ButcherTableau/proportionalIntegralControl``);
  /// 0 while the first steps ramp up, before any error reached 1 % of the
  /// tolerance.
  var previousError = 0.0

  /// A stepper for an equation of `cellCount` cells; adaptive when
  /// `tolerance` is set and the tableau has an error estimate.
  public init(cellCount n: Int, tableau: ButcherTableau, timeStep: Double, tolerance: Double? = nil) {
    self.tableau = tableau
    self.timeStep = timeStep
    self.tolerance = tableau.e == nil ? nil : tolerance
    k = (0..<tableau.stages).map { _ in VectorField(count: n) }
    stageRates = [Double](repeating: 0, count: tableau.stages)
    trial = VectorField(count: n)
  }

  /// A stepper sized for `equation`.
  public init(for equation: Equation, tableau: ButcherTableau, timeStep: Double, tolerance: Double? = nil) {
    self.init(cellCount: equation.cellCount, tableau: tableau, timeStep: timeStep, tolerance: tolerance)
  }

  /// What a checkpoint needs to continue bit for bit.
  public typealias State = StepperState

  /// The stepper's state now.
  public var state: State {
    State(
      timeStep: timeStep, acceptedSteps: acceptedSteps, rejectedSteps: rejectedSteps,
      firstStage: firstStageValid ? k[0].storage : nil, firstStageRate: firstStageValid ? stageRates[0] : 0,
      previousError: previousError)
  }

  /// Continues from a saved state.
  public mutating func restore(_ s: State) {
    timeStep = s.timeStep
    acceptedSteps = s.acceptedSteps
    rejectedSteps = s.rejectedSteps
    previousError = s.previousError
    if let f = s.firstStage, f.count == k[0].storage.count {
      k[0].storage.withUnsafeMutableBufferPointer { _ = $0.update(fromContentsOf: f) }
      stageRates[0] = s.firstStageRate
      firstStageValid = true
    } else {
      firstStageValid = false
    }
  }

  /// Forget the cached first stage (call after changing m or the equation from outside).
  public mutating func invalidate() { firstStageValid = false }

  /// Advances (m, t) by one accepted step, never past `limit`: when the next
  /// step would overshoot it, the step is clamped and t becomes exactly `limit`.
  public mutating func step(
    _ equation: inout Equation, m: inout VectorField, time t: inout Double, limit: Double
  ) throws(IntegrationError) {
    precondition(limit > t, "step limit must lie ahead")
    let stages = tableau.stages
    // After a rejection the accepted step may not grow (Hairer, Nørsett &
    // Wanner I, II.4): a step just cut back is near the largest that passes,
    // and growing it at once invites the next rejection.
    var rejected = false
    while true {
      let (h, clamped) = clampedStep(timeStep, from: t, to: limit)
      if !firstStageValid {
        equation.derivative(m: m, time: t, into: &k[0])
        stageRates[0] = equation.auxiliaryRate
        firstStageValid = true
      }
      // Stages 2...s (for FSAL tableaux the last stage is the new solution).
      for s in 1..<stages {
        // The FSAL tableaux' last stage is the new solution: renormalised in
        // the same pass, then checked (check reads self, so not inside the
        // mutation, which would keep a second reference to the buffer).
        let last = tableau.firstSameAsLast && s == stages - 1
        let drift = Self.combine(into: &trial, base: m, stages: k, weights: tableau.a[s], step: h, normalize: last)
        if last { try check(drift, time: t + h) }
        equation.derivative(m: trial, time: t + tableau.c[s] * h, into: &k[s])
        stageRates[s] = equation.auxiliaryRate
      }
      if !tableau.firstSameAsLast {
        let drift = Self.combine(into: &trial, base: m, stages: k, weights: tableau.b, step: h, normalize: true)
        try check(drift, time: t + h)
      }
      // Error control.
      if let tol = tolerance, let e = tableau.e {
        let err = errorNorm(weights: e, step: h)
        if !err.isFinite { throw .notFinite(time: t + h, cell: nil, adaptive: true) }
        let factor = controlFactor(error: err, tolerance: tol, step: h)
        if err > tol {
          rejected = true
          rejectedSteps += 1
          timeStep = h * factor
          if timeStep < minimumStep { throw .stepTooSmall(step: timeStep, time: t) }
          continue
        }
        let growth = rejected ? min(factor, 1) : factor
        timeStep = clamped ? max(timeStep * min(growth, 1), h * growth) : h * growth
        timeStep = min(timeStep, maximumStep)
      }
      swap(&m, &trial)
      equation.accumulateAuxiliary(h * zip(tableau.b, stageRates).reduce(0) { $0 + $1.0 * $1.1 })
      if tableau.firstSameAsLast {
        k.swapAt(0, stages - 1)
        stageRates.swapAt(0, stages - 1)
      } else {
        firstStageValid = false
      }
      t = clamped ? limit : t + h
      acceptedSteps += 1
      return
    }
  }

  /// The factor on the step from this attempt's error: the integral rule
  /// for rejections, for tableaux without PI control and for the first
  /// steps; Gustafsson's PI control otherwise. Updates the PI history.
  mutating func controlFactor(error err: Double, tolerance tol: Double, step h: Double) -> Double {
    if err > tol || !tableau.proportionalIntegralControl || previousError == 0 {
      let factor = err == 0 ? 5 : min(5, max(0.2, 0.9 * Double.pow(tol / err, 1.0 / Double(tableau.order))))
      // The first steps of a PI-controlled run (no history yet) grow by
      // the error alone while it is far below the tolerance: from the
      // default first step of 1e-14 s the damped controller took 15
      // steps to reach the film's working step, 13 % of a 23 ps run.
      // The history starts at the first error of 1 % of the tolerance,
      // or the first rejection.
      if tableau.proportionalIntegralControl && previousError == 0 && (err > tol || err >= 0.01 * tol) {
        previousError = max(min(err / tol, 1), 1e-4)
      }
      return factor
    }
    // Gustafsson's PI control: r → 0.9^q in steady state, as for the
    // integral controller, but damped by the last step's r.
    let r = max(err / tol, 1e-4), q = Double(tableau.order)
    let integral = Double.pow(Double.pow(0.9, q) / r, 0.3 / q)
    let factor = min(5, max(0.2, integral * Double.pow(previousError / r, 0.4 / q)))
    // A step cut short to land on a sample says little of the step the
    // solution allows: its small error, kept as history, halved the step
    // after every sample (the 1024² film: 95 steps for 23 ps with 11
    // samples, 79 with 2).
    if h >= 0.5 * timeStep { previousError = r }
    return factor
  }

  /// Integrates to `end` exactly.
  public mutating func advance(
    _ equation: inout Equation, m: inout VectorField, time t: inout Double, to end: Double
  ) throws(IntegrationError) {
    while t < end { try step(&equation, m: &m, time: &t, limit: end) }
  }

  func check(_ drift: (deviation: Double, cell: Int), time: Double) throws(IntegrationError) {
    try checkRenormalisation(drift, limit: normDriftLimit, time: time, adaptive: tolerance != nil)
  }

  /// Cells per block of the fused stage updates: a block's three planes of
  /// the output and of every stage stay in L1 while the stages are added.
  static var blockCells: Int { 256 }

  /// out = base + h Σ w_j k_j in one pass over memory: by blocks of cells,
  /// every stage added while the block is in cache, in the order of the
  /// weights (the same bits as adding stage by stage over the whole field,
  /// which crossed memory once per stage). With `normalize`, each block is
  /// then renormalised as ``VectorField/normalizeReportingWorst()`` does and
  /// the worst drift is returned (the earliest cell on ties; NaN and the
  /// first cell that is not finite), saving that pass too.
  @discardableResult
  public static func combine(
    into out: inout VectorField, base: VectorField, stages k: [VectorField], weights: [Double], step h: Double,
    normalize: Bool = false
  ) -> (deviation: Double, cell: Int) {
    let n = base.count
    let active = weights.indices.filter { weights[$0] != 0 }
    let w = active.map { h * weights[$0] }
    return withStoragePointers(active.map { k[$0] }[...]) { kp in
      base.storage.withUnsafeBufferPointer { y in
        out.storage.withUnsafeMutableBufferPointer { o in
          let yp = y.baseAddress!, op = o.baseAddress!
          let parts = Parallel.mapChunks(n) { r -> (worst: Double, cell: Int, bad: Int) in
            var part = (worst: 0.0, cell: 0, bad: -1)
            var lo = r.lowerBound
            while lo < r.upperBound {
              let hi = min(lo + blockCells, r.upperBound)
              for plane in 0..<3 {
                let offset = plane * n + lo
                for i in offset..<(offset + hi - lo) { op[i] = yp[i] }
                accumulate(op + offset, kp, w, offset: offset, count: hi - lo)
              }
              if normalize { VectorField.normalize(op, op + n, op + 2 * n, cells: lo..<hi, into: &part) }
              lo = hi
            }
            return part
          }
          if let bad = parts.first(where: { $0.bad >= 0 }) { return (.nan, bad.bad) }
          var result = (deviation: 0.0, cell: 0)
          for p in parts where p.worst > result.deviation { result = (p.worst, p.cell) }
          return result
        }
      }
    }
  }

  /// out[i] += Σ_j w_j stages_j[offset + i] for i < count, stage by stage
  /// in the order of the weights: the block sum of ``combine`` and
  /// ``errorNorm``.
  @inline(__always)
  static func accumulate(
    _ out: UnsafeMutablePointer<Double>, _ stages: [UnsafePointer<Double>], _ w: [Double], offset: Int, count: Int
  ) {
    for j in stages.indices {
      let wj = w[j], p = stages[j] + offset
      for i in 0..<count { out[i] += wj * p[i] }
    }
  }

  /// h · max over cells of |Σ e_j k_j|, in one pass: by blocks of cells in
  /// a scratch block on the stack, each summed in the order of the weights
  /// (the same bits as summing stage by stage over the whole field, which
  /// took a whole field of memory more: 25 MB on a 1024² film).
  func errorNorm(weights: [Double], step h: Double) -> Double {
    let n = k[0].count
    let active = weights.indices.filter { weights[$0] != 0 }
    let w = active.map { weights[$0] }
    let block = Self.blockCells
    let worst = withStoragePointers(active.map { k[$0] }[...]) { kp in
      Parallel.mapChunks(n) { r -> Double in
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 3 * block) { scratch in
          let e = scratch.baseAddress!
          var worst = 0.0
          var lo = r.lowerBound
          while lo < r.upperBound {
            let hi = min(lo + block, r.upperBound), count = hi - lo
            for plane in 0..<3 {
              let out = e + plane * block
              for i in 0..<count { out[i] = 0 }
              Self.accumulate(out, kp, w, offset: plane * n + lo, count: count)
            }
            for i in 0..<count {
              let (ex, ey, ez) = (e[i], e[block + i], e[2 * block + i])
              worst = max(worst, ex * ex + ey * ey + ez * ez)
            }
            lo = hi
          }
          return worst
        }
      }.max()!
    }
    return h * worst.squareRoot()
  }

}
