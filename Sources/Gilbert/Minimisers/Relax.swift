/// Result of an energy minimisation.
public struct RelaxResult: Sendable {
  /// Iterations taken.
  public let iterations: Int
  /// max |m × B_eff| at the end, T.
  public let maxTorque: Double
  /// Whether the torque fell below the tolerance.
  public let converged: Bool
  /// Whether `shouldStop` ended it early (m is the state reached).
  public var interrupted = false
  /// The step length τ the next iteration would take (to continue a relaxation).
  public var stepLength = 0.0

  public init(iterations: Int, maxTorque: Double, converged: Bool, interrupted: Bool = false, stepLength: Double = 0) {
    (self.iterations, self.maxTorque, self.converged, self.interrupted) = (iterations, maxTorque, converged, interrupted)
    self.stepLength = stepLength
  }
}

/// Energy minimisation by steepest descent with Barzilai–Borwein steps
/// (Exl et al., J. Appl. Phys. 115, 17D118 (2014); the scheme of mumax3's
/// `minimize` and magnum.np's minimiser).
///
/// Each iteration moves every cell along the descent direction −g with
/// g = m × (m × B_eff), then renormalises:
///
///     m ← (m − τ g)/|m − τ g|,   τ = s·s / s·y  or  s·y / y·y  (alternating)
///
/// with s = Δm and y = Δg of the last iteration. It stops when
/// max |m × B_eff| < `torqueTolerance` (T), a state where every cell is
/// parallel to its effective field: a local energy minimum (or saddle).
public struct Relaxer {
  /// Stop when max |m × B_eff| falls below this, T.
  public var torqueTolerance: Double
  /// Give up after this many iterations.
  public var maximumIterations: Int

  /// A minimiser with the given stopping rules.
  public init(torqueTolerance: Double = 1e-5, maximumIterations: Int = 200_000) {
    self.torqueTolerance = torqueTolerance
    self.maximumIterations = maximumIterations
  }

  /// Minimises the energy of `equation`'s field terms from `m`, in place.
  /// Torque terms (spin-transfer) are ignored: they have no energy.
  /// `shouldStop` is polled every iteration; `progress` gets (iteration,
  /// max torque in T) every 500 iterations.
  public func relax(
    _ equation: inout LLG, m: inout VectorField, time: Double = 0, shouldStop: () -> Bool = { false },
    progress: ((Int, Double) -> Void)? = nil, initialStep: Double? = nil
  ) -> RelaxResult {
    let n = m.count
    let magnet = equation.magnet
    var g = VectorField(count: n), gOld = VectorField(count: n), mOld = m
    func gradient(_ m: VectorField, into g: inout VectorField) -> Double {
      equation.updateEffectiveField(m: m, time: time)
      var worst = 0.0
      for i in 0..<n where magnet.isMagnetic(i) && !magnet.isFrozen(i) {
        let mi = m[i]
        let c = cross(mi, equation.effectiveField[i])
        worst = max(worst, dot(c, c))
        g[i] = cross(mi, c)
      }
      return worst.squareRoot()
    }
    var torque = gradient(m, into: &g)
    // First step: at most 0.01 rad per iteration in the cell of largest torque
    // (or the step a relaxation being continued would have taken).
    var tau = initialStep ?? (torque > 0 ? 0.01 / torque : 0)
    var iteration = 0
    while torque >= torqueTolerance && iteration < maximumIterations {
      if shouldStop() {
        return RelaxResult(iterations: iteration, maxTorque: torque, converged: false, interrupted: true, stepLength: tau)
      }
      if iteration % 500 == 0 { progress?(iteration, torque) }
      mOld.storage.withUnsafeMutableBufferPointer { _ = $0.update(fromContentsOf: m.storage) }
      swap(&g, &gOld)
      m.storage.withUnsafeMutableBufferPointer { mp in
        gOld.storage.withUnsafeBufferPointer { gp in
          for i in 0..<(3 * n) { mp[i] -= tau * gp[i] }
        }
      }
      m.normalize()
      torque = gradient(m, into: &g)
      iteration += 1
      var ss = 0.0, sy = 0.0, yy = 0.0
      for i in 0..<(3 * n) {
        let s = m.storage[i] - mOld.storage[i]
        let y = g.storage[i] - gOld.storage[i]
        ss += s * s
        sy += s * y
        yy += y * y
      }
      let next = iteration % 2 == 1 ? ss / sy : sy / yy
      tau = next.isFinite && next > 0 ? next : 0.01 / max(torque, 1e-300)
    }
    return RelaxResult(iterations: iteration, maxTorque: torque, converged: torque < torqueTolerance, stepLength: tau)
  }
}
