/// Decides, sample by sample, when a wall's velocity is known to a relative
/// tolerance, so a run can stop there (`[run] until = "velocity_converged"`).
///
/// - Precessing (φ has turned by 2π at least twice): the velocity over each
///   whole turn of φ (from one crossing of φ_0 + 2πk to the next, every term
///   of the equation being periodic in 2π) is compared with the turn before;
///   converged when they agree within the tolerance. The estimate is the
///   last turn's mean velocity.
/// - Steady: the mean velocity (Δq/Δt) over the last eighth of the samples
///   so far and over the eighth before are compared; converged when they
///   agree within the tolerance and φ moved by at most 10 × tolerance (rad)
///   over both (a steady wall's tilt settles with its velocity; a slowly
///   precessing one, whose windows can agree by symmetry, turns). The
///   estimate is the last window's velocity.
///
/// The uncertainty is the difference of the two estimates compared. Agreement
/// means |v₁ − v₂| ≤ tolerance · |v₁| + `floor` (the floor, 1e-6 m/s by
/// default, lets a wall at rest converge).
public struct VelocityConvergence: Sendable {
  /// Relative tolerance.
  public let tolerance: Double
  /// Absolute floor on the agreement, m/s.
  public var floor = 1e-6
  /// Samples needed before the steady rule is tried.
  public var minimumSamples = 8
  var times: [Double] = [], positions: [Double] = [], tilts: [Double] = []
  /// φ crossings through φ_0 + 2πk: (t, q, k).
  var crossings: [(t: Double, q: Double, k: Int)] = []
  /// Crossings found between samples, at every step (``TiltCrossings``):
  /// when set, the samples' own crossings are not used, so a sample
  /// interval longer than the period cannot alias it.
  public var stepCrossings: [(t: Double, q: Double, k: Int)]? = nil

  /// The converged (or latest) estimate.
  public struct Estimate: Sendable, Equatable {
    public var velocity: Double
    public var uncertainty: Double
    public var regime: WallVelocity.Regime
    /// Period of a full turn of φ, s (precessing only).
    public var period: Double?
  }
  /// The estimate once converged, nil before.
  public private(set) var converged: Estimate?
  /// The last two estimates compared (latest first), converged or not.
  public private(set) var lastComparison: (latest: Double, previous: Double)?
  /// Whether the last comparison met the test (agreement, and for a steady wall a settled tilt).
  public private(set) var lastAgreed = false
  /// When true, samples after convergence are still compared (``lastComparison``,
  /// ``lastAgreed`` follow the end of the series; ``converged`` keeps the first).
  public var continuesAfterConvergence = false

  /// A test with relative `tolerance`.
  public init(tolerance: Double) { self.tolerance = tolerance }

  /// Adds a sample (t, q, φ unwrapped); returns true once the velocity has converged.
  @discardableResult
  public mutating func add(time t: Double, position q: Double, tilt phi: Double) -> Bool {
    guard converged == nil || continuesAfterConvergence else { return true }
    guard t.isFinite, q.isFinite, phi.isFinite else { return false }
    if let followed = stepCrossings {
      crossings = followed.filter { $0.t <= t }
    } else if let last = tilts.last, let p0 = tilts.first,
      let c = TiltCrossings.linearCrossing(from: (times.last!, positions.last!, last), to: (t, q, phi), origin: p0)
    {
      crossings.append((c.t, c.q, c.k))
    }
    times.append(t)
    positions.append(q)
    tilts.append(phi)
    if crossings.count >= 3 {
      let c = crossings.suffix(3).map { $0 }
      let v1 = (c[2].q - c[1].q) / (c[2].t - c[1].t)
      let v0 = (c[1].q - c[0].q) / (c[1].t - c[0].t)
      lastComparison = (v1, v0)
      lastAgreed = agree(v1, v0)
      if agree(v1, v0) && converged == nil {
        converged = Estimate(velocity: v1, uncertainty: abs(v1 - v0), regime: .precessing, period: c[2].t - c[1].t)
      }
      return converged != nil
    }
    let n = times.count
    guard n >= minimumSamples, crossings.isEmpty else { return false }
    // Two adjacent windows of an eighth of the samples each (at least 2).
    let width = max(2, n / 8)
    let a = n - 1 - 2 * width, b = n - 1 - width, c = n - 1
    guard a >= 0 else { return false }
    let v1 = (positions[c] - positions[b]) / (times[c] - times[b])
    let v0 = (positions[b] - positions[a]) / (times[b] - times[a])
    let tiltMoved = max(abs(tilts[c] - tilts[b]), abs(tilts[b] - tilts[a]))
    lastComparison = (v1, v0)
    lastAgreed = agree(v1, v0) && tiltMoved <= 10 * tolerance
    if lastAgreed && converged == nil {
      converged = Estimate(velocity: v1, uncertainty: abs(v1 - v0), regime: .steady, period: nil)
    }
    return converged != nil
  }

  func agree(_ v1: Double, _ v0: Double) -> Bool { abs(v1 - v0) <= tolerance * abs(v1) + floor }
}

/// The crossings of a wall's tilt φ through φ_0 + 2πk (φ_0 its first
/// value), followed at every step rather than at the samples: the period
/// and the turn averages of ``VelocityConvergence`` then come from them, and
/// a sample interval longer than the period cannot alias it.
public struct TiltCrossings: Sendable {
  var first: Double? = nil
  var last: (t: Double, q: Double, phi: Double)? = nil
  var beforeLast: (t: Double, q: Double, phi: Double)? = nil
  public private(set) var crossings: [(t: Double, q: Double, k: Int)] = []

  public init() {}

  /// Adds the wall's (t, q, φ unwrapped) after a step.
  public mutating func add(time t: Double, position q: Double, tilt phi: Double) {
    guard t.isFinite, q.isFinite, phi.isFinite else { return }
    guard let p0 = first, let l = last else {
      first = first ?? phi
      last = (t, q, phi)
      return
    }
    let now = (t: t, q: q, phi: phi)
    if let c = Self.linearCrossing(from: l, to: now, origin: p0) {
      var crossing = (t: c.t, q: c.q)
      if let b = beforeLast, b.t < l.t, let better = Self.quadraticCrossing([b, l, now], level: c.level, near: c.t) {
        crossing = better
      }
      crossings.append((crossing.t, crossing.q, c.k))
    }
    beforeLast = last
    last = now
  }

  /// The crossing of φ through φ_0 + 2πk (`origin` φ_0, k counted away from
  /// it) between two observations, interpolated linearly; nil when φ did not
  /// reach a new turn between them.
  static func linearCrossing(
    from a: (t: Double, q: Double, phi: Double), to b: (t: Double, q: Double, phi: Double), origin p0: Double
  ) -> (t: Double, q: Double, k: Int, level: Double)? {
    let turn = 2 * Double.pi
    let k0 = Int(((a.phi - p0) / turn).rounded(.towardZero)), k1 = Int(((b.phi - p0) / turn).rounded(.towardZero))
    guard k1 != k0 && abs(k1) > abs(k0) else { return nil }
    let level = p0 + Double(k1) * turn
    let f = (level - a.phi) / (b.phi - a.phi)
    return (a.t + f * (b.t - a.t), a.q + f * (b.q - a.q), k1, level)
  }

  /// The crossing of φ = `level` between the last two of three steps, by
  /// quadratics in t through them for φ and q (the steps are long next to a
  /// turn: linear interpolation's error, O(h²), made successive turns
  /// disagree by more than 3e-4), Newton from the linear estimate `near`;
  /// nil when it leaves that interval.
  static func quadraticCrossing(
    _ points: [(t: Double, q: Double, phi: Double)], level: Double, near: Double
  ) -> (t: Double, q: Double)? {
    func quadratic(_ value: (Int) -> Double, at x: Double) -> Double {
      var sum = 0.0
      for i in 0..<3 {
        var w = 1.0
        for j in 0..<3 where j != i { w *= (x - points[j].t) / (points[i].t - points[j].t) }
        sum += w * value(i)
      }
      return sum
    }
    var x = near
    let h = 1e-6 * (points[2].t - points[1].t)
    for _ in 0..<8 {  // the slope by a central difference
      let slope = (quadratic({ points[$0].phi }, at: x + h) - quadratic({ points[$0].phi }, at: x - h)) / (2 * h)
      guard slope != 0 else { break }
      x -= (quadratic({ points[$0].phi }, at: x) - level) / slope
    }
    guard x > points[1].t && x <= points[2].t else { return nil }
    return (x, quadratic({ points[$0].q }, at: x))
  }

  /// Its state, for checkpoints: φ_0, the last two (t, q, φ), then (t, q, k) of each crossing; NaN for none.
  public var state: [Double] {
    let nan = Double.nan
    var s: [Double] = [first ?? nan]
    s += last.map { [$0.t, $0.q, $0.phi] } ?? [nan, nan, nan]
    s += beforeLast.map { [$0.t, $0.q, $0.phi] } ?? [nan, nan, nan]
    for c in crossings { s += [c.t, c.q, Double(c.k)] }
    return s
  }

  /// Continues from a saved ``state``.
  public mutating func restore(_ s: [Double]) {
    guard s.count >= 7 else { return }
    first = s[0].isNaN ? nil : s[0]
    last = s[1].isNaN ? nil : (s[1], s[2], s[3])
    beforeLast = s[4].isNaN ? nil : (s[4], s[5], s[6])
    crossings = stride(from: 7, to: s.count - 2, by: 3).map { (s[$0], s[$0 + 1], Int(s[$0 + 2])) }
  }
}
