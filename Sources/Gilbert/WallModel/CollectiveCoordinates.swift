import RealModule

/// The (q, φ) collective-coordinate model of a current-driven domain wall
/// (Documentation/Physics.md), with the anisotropic δβ torque and a width that follows the
/// tilt adiabatically:
///
///     (1)  q̇ − αΔ φ̇ = u + F(φ),      F(φ) = γ_LL Δ(φ) K⊥ c′(φ) / Ms
///     (2)  Δ φ̇ + α q̇ = β_eff(φ) u
///
/// with c(φ) = (h · t(φ))², t(φ) = cos φ a + sin φ b the in-wall direction
/// and h the hard axis (energy K⊥ (m·h)²); Δ(φ) = √(A/(K + K⊥ c(φ))), or
/// √(A/K) when `rigidWidth`; and β_eff(φ) = β + δβ ⟨(m·û)²⟩ with the average
/// weighted by sin²θ over the Walker profile, ⟨(m·û)²⟩ = (e·û)²/3 + (2/3)(t(φ)·û)².
/// Solved for φ̇ and q̇:
///
///     φ̇ = [(β_eff − α) u − α F] / (Δ (1 + α²))
///     q̇ = [(1 + α β_eff) u + F] / (1 + α²)
///
/// Below the Walker current the wall moves steadily at q̇ = β_eff(φ_ss) u/α;
/// above it φ precesses and the mean velocity is a quadrature of q̇/φ̇ over
/// one period of φ (π: every term has period π in φ).
public struct WallModel: Sendable {
  /// Exchange stiffness A, J/m.
  public var exchangeStiffness: Double
  /// Easy-axis anisotropy K > 0, J/m³.
  public var easyAnisotropy: Double
  /// Hard-axis anisotropy K⊥ ≥ 0 (energy K⊥ (m·h)²), J/m³.
  public var hardAnisotropy: Double
  /// The hard axis h.
  public var hardAxis: SIMD3<Double>
  /// Ms, A/m.
  public var saturationMagnetization: Double
  /// α.
  public var damping: Double
  /// β.
  public var beta: Double
  /// δβ.
  public var deltaBeta: Double
  /// The wall's axes (e, a, b).
  public var wall: DomainWall
  /// The direction û of u.
  public var currentDirection: SIMD3<Double>
  /// Use Δ0 = √(A/K) at every tilt instead of Δ(φ).
  public var rigidWidth: Bool

  /// A model with all its parameters.
  public init(
    exchangeStiffness: Double, easyAnisotropy: Double, hardAnisotropy: Double, hardAxis: SIMD3<Double>,
    saturationMagnetization: Double, damping: Double, beta: Double, deltaBeta: Double, wall: DomainWall,
    currentDirection: SIMD3<Double> = SIMD3(1, 0, 0), rigidWidth: Bool = false
  ) {
    self.exchangeStiffness = exchangeStiffness
    self.easyAnisotropy = easyAnisotropy
    self.hardAnisotropy = hardAnisotropy
    self.hardAxis = hardAxis / (hardAxis * hardAxis).sum().squareRoot()
    self.saturationMagnetization = saturationMagnetization
    self.damping = damping
    self.beta = beta
    self.deltaBeta = deltaBeta
    self.wall = wall
    self.currentDirection = currentDirection / (currentDirection * currentDirection).sum().squareRoot()
    self.rigidWidth = rigidWidth
  }

  func inWall(_ phi: Double) -> SIMD3<Double> {
    Double.cos(phi) * wall.transverseA + Double.sin(phi) * wall.transverseB
  }

  /// c(φ) = (h·t(φ))², the hard-axis energy factor.
  public func hardFactor(_ phi: Double) -> Double {
    let p = dot(hardAxis, inWall(phi))
    return p * p
  }

  /// c′(φ).
  public func hardFactorDerivative(_ phi: Double) -> Double {
    let t = inWall(phi)
    let dt = -Double.sin(phi) * wall.transverseA + Double.cos(phi) * wall.transverseB
    return 2 * dot(hardAxis, t) * dot(hardAxis, dt)
  }

  /// Δ(φ), m.
  public func width(_ phi: Double) -> Double {
    let k = rigidWidth ? easyAnisotropy : easyAnisotropy + hardAnisotropy * hardFactor(phi)
    return (exchangeStiffness / k).squareRoot()
  }

  /// β_eff(φ) = β + δβ [(e·û)²/3 + (2/3)(t(φ)·û)²].
  public func effectiveBeta(_ phi: Double) -> Double {
    let e = dot(wall.easyAxis, currentDirection)
    let t = dot(inWall(phi), currentDirection)
    return beta + deltaBeta * (e * e / 3 + 2 * t * t / 3)
  }

  /// F(φ) = γ_LL Δ(φ) K⊥ c′(φ)/Ms, m/s (the (γ0/(2 μ0 Ms)) ∂σ/∂φ of Documentation/Physics.md).
  public func force(_ phi: Double) -> Double {
    PhysicalConstants.gammaLL * width(phi) * hardAnisotropy * hardFactorDerivative(phi) / saturationMagnetization
  }

  /// (q̇ in m/s, φ̇ in rad/s) at tilt φ under drift velocity u (m/s, along û).
  public func rates(phi: Double, u: Double) -> (q: Double, phi: Double) {
    let a = damping
    let b = effectiveBeta(phi)
    let f = force(phi)
    let phiDot = ((b - a) * u - a * f) / (width(phi) * gilbertDenominator(a))
    let qDot = ((1 + a * b) * u + f) / gilbertDenominator(a)
    return (qDot, phiDot)
  }

  /// (q, φ) after integrating the model from (q0, φ0) over [t0, t1] under
  /// a drift velocity that varies in time, u(t) = amplitude · s(t) (a
  /// current pulse). Classical RK4 on steps of at most `step` (s), ending a
  /// step on each breakpoint of the profile so no jump is straddled.
  public func integrate(
    amplitude: Double, profile: TimeProfile, from t0: Double, to t1: Double, q q0: Double = 0, phi phi0: Double = 0,
    step: Double
  ) -> (q: Double, phi: Double) {
    var q = q0, phi = phi0, t = t0
    let knots = profile.breakpoints.filter { $0 > t0 && $0 < t1 } + [t1]
    for end in knots {
      let pieces = max(1, Int(((end - t) / step).rounded(.up)))
      let h = (end - t) / Double(pieces)
      // Inside a piece s(t) is smooth; its ends are evaluated from inside.
      let start = t
      let e = 1e-12 * h
      func rate(_ time: Double, _ p: Double) -> (q: Double, phi: Double) {
        let inside = min(max(time, start + e), end - e)
        return rates(phi: p, u: amplitude * profile.value(at: inside))
      }
      for k in 0..<pieces {
        let ta = start + Double(k) * h
        let k1 = rate(ta, phi)
        let k2 = rate(ta + h / 2, phi + h / 2 * k1.phi)
        let k3 = rate(ta + h / 2, phi + h / 2 * k2.phi)
        let k4 = rate(ta + h, phi + h * k3.phi)
        q += h / 6 * (k1.q + 2 * k2.q + 2 * k3.q + k4.q)
        phi += h / 6 * (k1.phi + 2 * k2.phi + 2 * k3.phi + k4.phi)
      }
      t = end
    }
    return (q, phi)
  }

  /// How a wall moves under a given u.
  public enum Motion: Sendable, Equatable {
    /// Rigid motion at tilt φ with velocity v (m/s).
    case steady(tilt: Double, velocity: Double)
    /// Precession with mean velocity v (m/s) and period T of φ over 2π (s).
    case precessing(velocity: Double, period: Double)

    /// The (mean) velocity, m/s.
    public var velocity: Double {
      switch self {
      case .steady(_, let v), .precessing(let v, _): return v
      }
    }
  }

  /// The steady tilt reached from `phi0`: φ moves in the direction of φ̇ until
  /// φ̇ = 0, or nil if φ̇ keeps its sign over a whole period (precession).
  public func steadyTilt(u: Double, from phi0: Double) -> Double? {
    func g(_ phi: Double) -> Double { rates(phi: phi, u: u).phi }
    let g0 = g(phi0)
    if g0 == 0 { return phi0 }
    let s: Double = g0 > 0 ? 1 : -1
    let steps = 4096
    let h = s * Double.pi / Double(steps)
    var lo = phi0
    for k in 1...steps {
      let hi = phi0 + Double(k) * h
      if (g(hi) > 0) != (g0 > 0) || g(hi) == 0 {
        // Bisect [lo, hi] for the sign change.
        var a = lo, b = hi
        for _ in 0..<200 {
          let mid = 0.5 * (a + b)
          if (g(mid) > 0) == (g0 > 0) && g(mid) != 0 { a = mid } else { b = mid }
          if abs(b - a) < 1e-15 { break }
        }
        return 0.5 * (a + b)
      }
      lo = hi
    }
    return nil
  }

  /// The motion under drift velocity u, starting from tilt `phi0`.
  public func motion(u: Double, from phi0: Double = 0) -> Motion {
    if u == 0 { return .steady(tilt: phi0, velocity: 0) }
    let s: Double = u > 0 ? 1 : -1
    let branch = walkerBranch(sign: s, from: phi0)
    if abs(u) <= branch.velocity {
      // On the steady branch: u*(φ) rises monotonically from 0 at φ0 to u_W
      // at φ_W, so the tilt is found by bisection between them.
      if let end = branch.tilt {
        var a = phi0, b = end
        for _ in 0..<200 {
          let mid = 0.5 * (a + b)
          if s * fixedPointVelocity(mid) < abs(u) { a = mid } else { b = mid }
          if abs(b - a) < 1e-15 { break }
        }
        let phi = 0.5 * (a + b)
        return .steady(tilt: phi, velocity: rates(phi: phi, u: u).q)
      }
      if let phi = steadyTilt(u: u, from: phi0) {
        return .steady(tilt: phi, velocity: rates(phi: phi, u: u).q)
      }
    }
    // Mean over one period of φ (π): ⟨q̇⟩ = ∫ q̇/|φ̇| dφ / ∫ dφ/|φ̇|, by the
    // trapezoid rule, which converges exponentially for smooth periodic
    // integrands; points are doubled until the mean changes by < 1e-14.
    var n = 256
    var previous = Double.nan
    var result = (v: 0.0, t: 0.0)
    while n <= 1 << 22 {
      var time = 0.0, distance = 0.0
      for k in 0..<n {
        let phi = phi0 + Double.pi * Double(k) / Double(n)
        let r = rates(phi: phi, u: u)
        time += 1 / abs(r.phi)
        distance += r.q / abs(r.phi)
      }
      let h = Double.pi / Double(n)
      result = (distance / time, 2 * time * h)
      if abs(result.v - previous) <= 1e-14 * max(abs(result.v), 1e-300) { break }
      previous = result.v
      n *= 2
    }
    return .precessing(velocity: result.v, period: result.t)
  }

  /// The drift velocity at which tilt φ is a fixed point (φ̇ = 0):
  /// u*(φ) = α F(φ) / (β_eff(φ) − α), m/s.
  /// Where β_eff(φ) = α (to round-off) every tilt is steady: u* is infinite.
  public func fixedPointVelocity(_ phi: Double) -> Double {
    let excess = effectiveBeta(phi) - damping
    if abs(excess) <= 1e-12 * max(damping, abs(beta), abs(deltaBeta)) { return .infinity }
    return damping * force(phi) / excess
  }

  /// The Walker breakdown: the smallest |u| (m/s) in the direction `sign`
  /// above which the wall precesses, starting from the rest tilt `phi0`
  /// (where F = 0); infinity when there is no breakdown.
  ///
  /// As |u| grows from 0 the steady tilt follows the branch of fixed points
  /// u*(φ) from φ0 until u* reaches its first maximum: that maximum is u_W.
  /// It is located by a scan and refined by golden-section search, so u_W is
  /// accurate to round-off (the maximum is flat).
  public func walkerVelocity(sign: Double = 1, from phi0: Double = 0) -> Double {
    walkerBranch(sign: sign, from: phi0).velocity
  }

  /// u_W and the tilt φ_W at which the steady branch ends (nil: no breakdown).
  func walkerBranch(sign: Double, from phi0: Double) -> (velocity: Double, tilt: Double?) {
    let s: Double = sign >= 0 ? 1 : -1
    func value(_ phi: Double) -> Double { s * fixedPointVelocity(phi) }
    let steps = 8192
    let h = Double.pi / Double(steps)
    // The branch leaves φ0 in the direction where s·u* grows from 0.
    let direction: Double = value(phi0 + 1e-3 * h) > 0 ? 1 : (value(phi0 - 1e-3 * h) > 0 ? -1 : 0)
    if direction == 0 { return (.infinity, nil) }
    var previous = value(phi0 + direction * h)
    for k in 2...steps {
      let phi = phi0 + direction * Double(k) * h
      let v = value(phi)
      if !v.isFinite || v < 0 || !previous.isFinite { return (.infinity, nil) }  // β_eff = α crossed: no breakdown
      if v < previous {
        // The maximum lies in [φ − 2h, φ]: golden-section search.
        var a = phi - 2 * direction * h, b = phi
        let r = (5.0.squareRoot() - 1) / 2
        var c = b - r * (b - a), d = a + r * (b - a)
        for _ in 0..<200 {
          if value(c) > value(d) { b = d } else { a = c }
          c = b - r * (b - a)
          d = a + r * (b - a)
          if abs(b - a) < 1e-15 { break }
        }
        return (value(0.5 * (a + b)), 0.5 * (a + b))
      }
      previous = v
    }
    return (.infinity, nil)
  }
}
