/// Finds a stationary state of an equation with a co-moving frame: a wall
/// that moves rigidly, f(m) = LLG(m) + v_f (∂x m)⊥ = 0, where v_f (the
/// frame's velocity, fixed by Σ m·e staying put) is then the wall velocity
/// (`[wall] steady_solve = true`).
///
/// v is not a separate unknown here: the frame's condition Σ e·∂t m = 0
/// eliminates it, so Newton on f(m) = 0 alone is Newton on the co-moving
/// stationary equations with v unknown. f's Jacobian is singular (each
/// cell's radial direction; the translation the frame fixes), so the Newton
/// steps are regularised by pseudo-transient continuation (Kelley & Keyes,
/// SIAM J. Numer. Anal. 35, 508, 1998): backward-Euler steps
///
///     m_{k+1} = Z,   Z = m_k + h_k f̃(Z)      (solved by ``ImplicitStepper``'s Newton–Krylov iteration)
///     h_{k+1} = h_k · max(2, ‖f(m_k)‖∞ / ‖f(m_{k+1})‖∞), at most 10×, when ‖f‖∞ fell
///
/// starting from a physical step (h_0 = 10 ps), so the first iterations
/// follow the wall's own dynamics towards the state it settles in; as ‖f‖
/// falls, h grows without bound and the iteration becomes Newton's. A step
/// whose Newton iteration fails, or that raises ‖f‖∞ above twice its value,
/// is retried with h/4.
///
/// Converged when ‖f‖∞ ≤ `tolerance` × |v_f| ‖(∂x m)⊥‖∞ (with |v_f| at
/// least 1 m/s): the profile changes in the frame at most `tolerance` times
/// as fast as it would if the frame stopped, which bounds the relative error
/// of v_f by about `tolerance`. A precessing wall has no stationary state: the
/// residual stalls, and the solve reports failure after
/// ``maximumIterations`` or when ‖f‖∞ has not fallen tenfold in 20 accepted
/// steps (the caller then integrates in time from the untouched start).
public struct SteadyStateSolver<Equation: DynamicEquation> {
  /// Relative tolerance on the residual (see the type's description).
  public var tolerance: Double
  /// The most pseudo-time steps (accepted or retried).
  public var maximumIterations = 60
  /// The first pseudo-time step, s.
  public var initialStep = 1e-11
  /// The stiff stepper, for its Newton–Krylov backward-Euler step.
  var euler: ImplicitStepper<Equation>
  var f: VectorField, trial: VectorField, trialRate: VectorField

  /// What a solve found.
  public struct Result: Sendable, Equatable {
    /// Whether f(m) = 0 was met to the tolerance (m then holds the stationary state).
    public var converged: Bool
    /// Pseudo-time steps taken, retried ones included.
    public var iterations: Int
    /// ‖f‖∞ at the end, rad/s.
    public var residual: Double
    /// The equation's auxiliary rate at the end (the frame velocity v_f, m/s).
    public var velocity: Double
    /// Why it stopped without converging.
    public var reason: String?
  }

  /// The factor on h after an accepted step that changed ‖f‖∞ by 1/`ratio`.
  static func growth(_ ratio: Double) -> Double { ratio >= 1 ? min(10, max(2, ratio)) : 1 }

  /// A solver for `cellCount` cells on rows of `rowLength` cells.
  public init(cellCount: Int, rowLength: Int, tolerance: Double) {
    self.tolerance = tolerance
    // Newton corrections to 1e-2 × 1e-4 in m (the stepper's rule).
    euler = ImplicitStepper(cellCount: cellCount, rowLength: rowLength, timeStep: 1e-12, tolerance: 1e-4)
    f = VectorField(count: cellCount)
    trial = f
    trialRate = f
  }

  /// Solves f(m) = 0 from `m` at time t (the drive's time). On success m
  /// holds the stationary state; on failure m is left as it came.
  public mutating func solve(
    _ equation: inout Equation, m: inout VectorField, time t: Double, shouldStop: () -> Bool = { false }
  ) -> Result {
    var state = m
    equation.derivative(m: state, time: t, into: &f)
    var residual = f.maxNorm
    var velocity = equation.auxiliaryRate
    // ‖(∂x m)⊥‖∞ of the accepted state (nil: no wall in the frame).
    var wallSlope = equation.rankOneCoupling?.direction.maxNorm
    var h = initialStep
    var history: [Double] = [residual]
    for iteration in 1...maximumIterations {
      guard let slope = wallSlope else {
        return Result(
          converged: false, iterations: iteration - 1, residual: residual, velocity: velocity,
          reason: "no wall in the co-moving frame (Σ e·∂x m is zero)")
      }
      if residual <= tolerance * max(abs(velocity), 1) * slope {
        m = state
        return Result(converged: true, iterations: iteration - 1, residual: residual, velocity: velocity, reason: nil)
      }
      if shouldStop() {
        return Result(
          converged: false, iterations: iteration - 1, residual: residual, velocity: velocity, reason: "interrupted")
      }
      trial.storage.withUnsafeMutableBufferPointer { _ = $0.update(fromContentsOf: state.storage) }
      let solved: Bool
      do { solved = try euler.backwardEuler(&equation, m: &trial, time: t, step: h) } catch { solved = false }
      if solved { equation.derivative(m: trial, time: t, into: &trialRate) }
      let trialResidual = solved ? trialRate.maxNorm : .infinity
      guard trialResidual.isFinite, trialResidual <= 2 * residual else {
        h /= 4
        if h < 1e-18 {
          return Result(
            converged: false, iterations: iteration, residual: residual, velocity: velocity,
            reason: "the pseudo-time step fell below 1e-18 s")
        }
        continue
      }
      swap(&state, &trial)
      swap(&f, &trialRate)
      velocity = equation.auxiliaryRate
      wallSlope = equation.rankOneCoupling?.direction.maxNorm
      h = min(h * Self.growth(residual / trialResidual), 1)
      residual = trialResidual
      history.append(residual)
      if history.count > 20 && residual > 0.1 * history[history.count - 21] {
        return Result(
          converged: false, iterations: iteration, residual: residual, velocity: velocity,
          reason: "the residual stalled (no stationary state: a precessing wall?)")
      }
    }
    return Result(
      converged: false, iterations: maximumIterations, residual: residual, velocity: velocity,
      reason: "no convergence in \(maximumIterations) pseudo-time steps")
  }
}
