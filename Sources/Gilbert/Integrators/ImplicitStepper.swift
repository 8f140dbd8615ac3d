import RealModule

/// A stiff, variable-step, error-controlled integrator: Kværnø's ESDIRK
/// 3(2), four stages, L-stable and stiffly accurate (A. Kværnø, BIT 44,
/// 2004; the "Kvaerno3" of diffrax), `solver.method = "implicit"`.
///
///     Z_1 = y_n,   Z_i = y_n + h Σ_{j<i} a_ij F_j + h γ f(Z_i),   F_i = f(Z_i)
///     y_{n+1} = Z_4 (order 3),   ŷ = Z_3 (order 2),   error = max_cells |Z_4 − Z_3|
///
/// with γ = 0.4358665215. The stages are solved for f̃(m) = f(m/|m|): on
/// the sphere this is the LLG and |m| is still conserved, but a Newton
/// iterate off the sphere no longer feels the stiff exchange torque between
/// neighbours of unequal length, which otherwise limits Newton's basin to
/// steps of ~1e-10 s on a precessing wall.
///
/// Each implicit stage is solved by Newton's method; each Newton correction
/// by ``ShiftedJacobianSolver``: GMRES (Jacobian-free, so demag and the
/// co-moving frame's global velocity enter exactly), right-preconditioned by
/// I − hγ J_line built at the stage's first guess: the Jacobian of the
/// equation's local part (``DynamicEquation/localDerivative(m:time:into:)``:
/// exchange, anisotropy, the current torques, DMI; no demag, v_f held)
/// restricted to the couplings along x, by finite differences with a
/// colouring of the cells (3 colours in 1D, 5 in 2D), built once a step (at
/// the second stage's first guess; every stage shares the shift hγ), factored row by row by
/// ``BlockTridiagonalLU`` (``BandedLU`` when a row's blocks are ill
/// conditioned). In 1D without demag the preconditioner is nearly the whole
/// Jacobian and GMRES converges in one or two iterations.
///
/// After each step m is renormalised; a Newton failure or an error above
/// `tolerance` rejects the step and shrinks it.
public struct ImplicitStepper<Equation: DynamicEquation>: TimeStepper {
  /// Error tolerance on max |Δm| per step (the same meaning as for rk45).
  public var tolerance: Double
  public var timeStep: Double
  public var minimumStep: Double = 1e-20, maximumStep: Double = 1e-9
  /// Newton's tolerance on max |δ| per stage; nil: 1e-2 × ``tolerance``.
  /// Set it when steps are fixed by a tolerance no step reaches (an order
  /// test), since the stages must then still be solved to rounding.
  public var newtonTolerance: Double? = nil
  /// Largest allowed change of |m| within one step before renormalisation.
  public var normDriftLimit = 1e-2
  public private(set) var acceptedSteps = 0, rejectedSteps = 0
  /// Newton and GMRES iterations so far.
  public private(set) var newtonIterations = 0, krylovIterations = 0
  /// Steps rejected because Newton's method did not converge (part of ``rejectedSteps``).
  public private(set) var newtonFailures = 0

  /// The method's coefficients.
  static var gamma: Double { 0.4358665215084590 }
  static var a: [[Double]] {
    let g = gamma
    return [
      [],
      [g],
      [(-4 * g * g + 6 * g - 1) / (4 * g), (-2 * g + 1) / (4 * g)],
      [(6 * g - 1) / (12 * g), -1 / ((24 * g - 12) * g), (-6 * g * g + 6 * g - 1) / (6 * g - 3)],
    ]
  }
  static var c: [Double] { [0, 2 * gamma, 1, 1] }

  let cells: Int
  var recentFailure = false
  /// The largest step to try: 0.9 × the last step whose Newton iteration
  /// failed, relaxed by ``capRelaxation`` per accepted step (∞ at first).
  public private(set) var stepCap = Double.infinity
  let capRelaxation = 1.1
  let coefficients: [[Double]]
  let stageTimes: [Double]
  var stages: [VectorField]
  var rates = [Double](repeating: 0, count: 4)
  var z: VectorField
  var base: VectorField
  var residual: VectorField
  var fz: VectorField
  var embedded: VectorField
  var linear: ShiftedJacobianSolver
  /// Z/|Z|, where f is evaluated.
  var unit: VectorField

  /// A stepper for an equation of `cellCount` cells on rows of `rowLength`
  /// cells (the grid's nx; cells i and i ± 1 of a row are neighbours, and
  /// i ± rowLength when there are several rows).
  public init(cellCount: Int, rowLength: Int, timeStep: Double, tolerance: Double) {
    precondition(rowLength >= 1 && cellCount % rowLength == 0, "rows must tile the cells")
    cells = cellCount
    self.timeStep = timeStep
    self.tolerance = tolerance
    coefficients = Self.a
    stageTimes = Self.c
    stages = (0..<4).map { _ in VectorField(count: cellCount) }
    z = VectorField(count: cellCount)
    base = z
    residual = z
    fz = z
    embedded = z
    unit = z
    linear = ShiftedJacobianSolver(cellCount: cellCount, rowLength: rowLength)
  }

  public var state: StepperState {
    StepperState(
      timeStep: timeStep, acceptedSteps: acceptedSteps, rejectedSteps: rejectedSteps, firstStage: nil,
      stepCap: stepCap)
  }

  public mutating func restore(_ s: StepperState) {
    timeStep = s.timeStep
    stepCap = s.stepCap
    acceptedSteps = s.acceptedSteps
    rejectedSteps = s.rejectedSteps
  }

  /// Nothing is cached between steps: each attempt builds its own preconditioner.
  public mutating func invalidate() {}

  public mutating func step(
    _ equation: inout Equation, m: inout VectorField, time t: inout Double, limit: Double
  ) throws(IntegrationError) {
    precondition(limit > t, "step limit must lie ahead")
    let g = Self.gamma
    // F_1 = f(y_n, t), kept for every attempt.
    equation.derivative(m: m, time: t, into: &stages[0])
    rates[0] = equation.auxiliaryRate
    try checkFinite(stages[0], time: t)
    while true {
      let (h, clamped) = clampedStep(min(timeStep, stepCap), from: t, to: limit)
      let solvedContraction = try solveStages(&equation, m: m, time: t, step: h)
      guard let contraction = solvedContraction else {
        rejectedSteps += 1
        newtonFailures += 1
        recentFailure = true
        // Newton's basin shrinks as the step grows: steps near this one are
        // not tried again until a few have converged (the cap relaxes by
        // ``capRelaxation`` per accepted step).
        stepCap = 0.9 * h
        timeStep = h * 0.5
        if timeStep < minimumStep { throw .stepTooSmall(step: timeStep, time: t) }
        continue
      }
      // z = Z_4 = y_{n+1}; embedded = Z_3.
      let err = differenceNorm(z, embedded)
      if !err.isFinite { throw .notFinite(time: t + h, cell: nil, adaptive: true) }
      // Growth is held to 2× a step (1× right after a Newton failure): a
      // longer step than the last that converged risks an expensive failure.
      // Slow Newton convergence (contraction above 1/4) also holds the step.
      let growth = recentFailure || contraction > 0.25 ? 1.0 : 2.0
      let factor = err == 0 ? growth : min(growth, max(0.2, 0.9 * Double.pow(tolerance / err, 1.0 / 3)))
      if err > tolerance {
        rejectedSteps += 1
        timeStep = h * factor
        if timeStep < minimumStep { throw .stepTooSmall(step: timeStep, time: t) }
        continue
      }
      let drift = z.normalizeReportingWorst()
      try checkRenormalisation(drift, limit: normDriftLimit, time: t + h, adaptive: true)
      timeStep = clamped ? max(timeStep * min(factor, 1), h * factor) : h * factor
      timeStep = min(timeStep, maximumStep)
      recentFailure = false
      stepCap *= capRelaxation
      swap(&m, &z)
      let b = coefficients[3] + [g]
      equation.accumulateAuxiliary(h * zip(b, rates).reduce(0) { $0 + $1.0 * $1.1 })
      t = clamped ? limit : t + h
      acceptedSteps += 1
      return
    }
  }

  /// Stages 2–4 of a step of `h` from (m, t): Z_4 into `z`, Z_3 into
  /// ``embedded``, F_i and the auxiliary rates kept. Returns the largest
  /// Newton contraction, or nil when a stage's Newton iteration failed.
  mutating func solveStages(_ equation: inout Equation, m: VectorField, time t: Double, step h: Double)
    throws(IntegrationError) -> Double?
  {
    let g = Self.gamma
    var contraction = 0.0
    for i in 1..<4 {
      // base = y_n + h Σ_{j<i} a_ij F_j; first guess Z = base + hγ F_{i−1}.
      combine(into: &base, start: m, weights: coefficients[i], step: h)
      combine(into: &z, start: base, only: i - 1, weight: h * g)
      // The preconditioner at the second stage's first guess (c = 2γ ≈
      // 0.87), kept for stages 3 and 4 (c = 1): every stage has the same
      // shift hγ, so one build and factorisation serve the step, and a wall
      // that turns within the step does not leave the Jacobian of y_n behind.
      // (A build per stage needs fewer Krylov iterations, 2.1 against 2.9
      // per Newton iteration on P2, but ten local evaluations more per stage.)
      let stageTime = t + stageTimes[i] * h
      if i == 1 { linear.prepare(&equation, at: z, time: stageTime, shift: h * g) }
      guard let (rate, theta) = try newton(&equation, time: stageTime, hGamma: h * g) else { return nil }
      contraction = max(contraction, theta)
      rates[i] = rate
      // F_i = (Z_i − base)/(hγ), consistent with the solved stage.
      let r = 1 / (h * g)
      stages[i].storage.withUnsafeMutableBufferPointer { f in
        z.storage.withUnsafeBufferPointer { zp in
          base.storage.withUnsafeBufferPointer { bp in
            for k in 0..<f.count { f[k] = (zp[k] - bp[k]) * r }
          }
        }
      }
      if i == 2 { swap(&embedded, &z) }
    }
    return contraction
  }

  /// One backward-Euler step, m ← Z with Z = m + h f(Z, t) solved by
  /// Newton's method as a stage is (the pseudo-time step of
  /// ``SteadyStateSolver``), then renormalised. Returns false, leaving m as
  /// it was, when Newton's method does not converge.
  mutating func backwardEuler(
    _ equation: inout Equation, m: inout VectorField, time t: Double, step h: Double
  ) throws(IntegrationError) -> Bool {
    base.storage.withUnsafeMutableBufferPointer { _ = $0.update(fromContentsOf: m.storage) }
    z.storage.withUnsafeMutableBufferPointer { _ = $0.update(fromContentsOf: m.storage) }
    linear.prepare(&equation, at: z, time: t, shift: h)
    guard try newton(&equation, time: t, hGamma: h) != nil else { return false }
    z.normalize()
    swap(&m, &z)
    return true
  }

  /// Solves Z = base + hγ f(Z) for Z (in ``z``, holding the first guess);
  /// returns the auxiliary rate at the solution and the largest contraction
  /// ‖δ_{k+1}‖/‖δ_k‖ seen, or nil when Newton fails: a correction that does
  /// not shrink by 0.9, or a contraction that cannot reach the tolerance
  /// within the iterations left (Hairer & Wanner, *Solving ODEs II*, IV.8).
  mutating func newton(_ equation: inout Equation, time: Double, hGamma: Double) throws(IntegrationError)
    -> (rate: Double, contraction: Double)?
  {
    let tolerance = newtonTolerance ?? 1e-2 * self.tolerance
    let iterations = 8
    var previous = Double.infinity
    var contraction = 0.0
    for iteration in 0..<iterations {
      newtonIterations += 1
      // f is evaluated at Z/|Z| (see the type's description).
      unit.storage.withUnsafeMutableBufferPointer { _ = $0.update(fromContentsOf: z.storage) }
      unit.normalize()
      equation.derivative(m: unit, time: time, into: &fz)
      let rate = equation.auxiliaryRate
      // residual = −(Z − base − hγ f(Z))
      var finite = true
      residual.storage.withUnsafeMutableBufferPointer { r in
        z.storage.withUnsafeBufferPointer { zp in
          base.storage.withUnsafeBufferPointer { bp in
            fz.storage.withUnsafeBufferPointer { fp in
              for k in 0..<r.count {
                r[k] = bp[k] + hGamma * fp[k] - zp[k]
                if !r[k].isFinite { finite = false }
              }
            }
          }
        }
      }
      if !finite { return nil }
      // (I − hγ J) δ = residual, to a relative residual of 1e-3 or to
      // ‖·‖₂ ≤ tolerance/10: where the linearisation is damped (the
      // eigenvalues of I − hγ J have real part ≳ 1), δ is then within about
      // a tenth of the Newton tolerance, and the last
      // iterations, whose corrections are near the tolerance, stop after one
      // Krylov vector instead of reaching 1e-3 of a vanishing residual.
      krylovIterations += linear.solve(
        &equation, at: z, rate: fz, time: time, shift: hGamma, rhs: residual.storage, tolerance: 1e-3,
        absoluteTolerance: 0.1 * tolerance)
      let step = linear.solution
      var size = 0.0
      z.storage.withUnsafeMutableBufferPointer { zp in
        step.withUnsafeBufferPointer { d in
          for k in 0..<zp.count {
            zp[k] += d[k]
            size = max(size, abs(d[k]))
          }
        }
      }
      if !size.isFinite { return nil }
      let theta = iteration >= 1 ? size / previous : 0
      contraction = max(contraction, theta)
      if size <= tolerance { return (rate, contraction) }
      if iteration >= 1 {
        if theta > 0.9 { return nil }
        // The corrections still to come sum to about size θ/(1 − θ) and
        // shrink by θ each: give up when the last allowed one stays above tolerance.
        if size * Double.pow(theta, Double(iterations - 1 - iteration)) > tolerance { return nil }
      }
      previous = size
    }
    return nil
  }

  /// out = start + h Σ_j w_j F_j.
  func combine(into out: inout VectorField, start: VectorField, weights: [Double], step h: Double) {
    out.storage.withUnsafeMutableBufferPointer { o in
      start.storage.withUnsafeBufferPointer { y in _ = o.update(fromContentsOf: y) }
      for (j, w) in weights.enumerated() where w != 0 {
        let hw = h * w
        stages[j].storage.withUnsafeBufferPointer { f in
          for k in 0..<o.count { o[k] += hw * f[k] }
        }
      }
    }
  }

  /// out = start + w F_j.
  func combine(into out: inout VectorField, start: VectorField, only j: Int, weight w: Double) {
    out.storage.withUnsafeMutableBufferPointer { o in
      start.storage.withUnsafeBufferPointer { y in
        stages[j].storage.withUnsafeBufferPointer { f in
          for k in 0..<o.count { o[k] = y[k] + w * f[k] }
        }
      }
    }
  }

  /// max over cells of |a − b|.
  func differenceNorm(_ a: VectorField, _ b: VectorField) -> Double {
    let n = cells
    var worst = 0.0
    a.withPlanes { ax, ay, az in
      b.withPlanes { bx, by, bz in
        for i in 0..<n {
          let dx = ax[i] - bx[i], dy = ay[i] - by[i], dz = az[i] - bz[i]
          worst = max(worst, dx * dx + dy * dy + dz * dz)
        }
      }
    }
    return worst.squareRoot()
  }

  func checkFinite(_ f: VectorField, time: Double) throws(IntegrationError) {
    if let k = f.storage.firstIndex(where: { !$0.isFinite }) {
      throw .notFinite(time: time, cell: k % cells, adaptive: true)
    }
  }
}
