import RealModule

/// The (q, φ) collective-coordinate model of a current-driven domain wall
/// (Documentation/Physics.md), with the anisotropic δβ torque, a width that follows the
/// tilt adiabatically, the DMI and the spin–orbit torques:
///
///     (1)  q̇ − αΔ φ̇ = u + F(φ),      F(φ) = (γ_LL/(2Ms)) ∂σ/∂φ
///     (2)  Δ φ̇ + α q̇ = β_eff(φ) u + G(φ)
///
/// where the wall energy per area σ(φ) = 2Δ K⊥ c(φ) + π D d̂·(e × t(φ))
/// − πΔ Ms b_FL σ̂·t(φ) holds the hard axis, the DMI (d̂ the class's vector
/// along the wire) and the field-like SOT field b_FL σ̂, and
/// G(φ) = γ_LL Δ (π/2) b_DL (t(φ) × σ̂)·e is the damping-like SOT, which
/// pushes the wall as an easy-axis field (π/2) b_DL (t × σ̂)·e would
/// (Thiaville et al., EPL 100, 57002 (2012)). With K⊥ alone:
/// F(φ) = γ_LL Δ(φ) K⊥ c′(φ) / Ms.
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
/// Below the Walker current the wall moves steadily (with Zhang–Li alone at
/// q̇ = β_eff(φ_ss) u/α); above it φ precesses and the mean velocity is a
/// quadrature of q̇/φ̇ over one period of φ (π without DMI or SOT, 2π with).
/// The steady branch is followed as the current grows from 0 to its value
/// (u and the SOT fields together, scaled by λ from 0 to 1).
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
  /// The DMI: D (J/m²) and the class's vector d̂ for derivatives along the
  /// wire (x); zero without DMI.
  public var dmiStrength = 0.0, dmiVector = SIMD3<Double>.zero
  /// The spin–orbit fields at the run's current: b_DL, b_FL (T) and σ̂
  /// (zero without SOT). They scale with the current as u does.
  public var dampingLikeField = 0.0, fieldLikeField = 0.0, spinPolarization = SIMD3<Double>(0, 1, 0)

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

  /// dt/dφ = −sin φ a + cos φ b.
  func inWallDerivative(_ phi: Double) -> SIMD3<Double> {
    -Double.sin(phi) * wall.transverseA + Double.cos(phi) * wall.transverseB
  }

  /// The part of F(φ) the current does not drive: the hard axis and the DMI,
  /// (γ_LL/(2Ms)) ∂/∂φ [2Δ K⊥ c(φ) + π D d̂·(e × t(φ))], m/s.
  public func force(_ phi: Double) -> Double {
    let hard = PhysicalConstants.gammaLL * width(phi) * hardAnisotropy * hardFactorDerivative(phi) / saturationMagnetization
    guard dmiStrength != 0 else { return hard }
    let dmi = Double.pi * dmiStrength * dot(dmiVector, cross(wall.easyAxis, inWallDerivative(phi)))
    return hard + PhysicalConstants.gammaLL * dmi / (2 * saturationMagnetization)
  }

  /// The field-like SOT's part of F(φ) at the run's current:
  /// (γ_LL/(2Ms)) ∂/∂φ [−πΔ Ms b_FL σ̂·t(φ)], m/s.
  public func fieldLikeForce(_ phi: Double) -> Double {
    guard fieldLikeField != 0 else { return 0 }
    return -PhysicalConstants.gammaLL * Double.pi * width(phi) * fieldLikeField * dot(spinPolarization, inWallDerivative(phi)) / 2
  }

  /// G(φ) = γ_LL Δ (π/2) b_DL (t(φ) × σ̂)·e at the run's current, m/s.
  public func dampingLikeForce(_ phi: Double) -> Double {
    guard dampingLikeField != 0 else { return 0 }
    let push = dot(cross(inWall(phi), spinPolarization), wall.easyAxis)
    return PhysicalConstants.gammaLL * width(phi) * Double.pi / 2 * dampingLikeField * push
  }

  /// Of `phi0` and `phi0 + π` (the two senses of a wall of that plane), the
  /// one the DMI favours (the lower π D d̂·(e × t(φ))); `phi0` without DMI.
  public func restTilt(_ phi0: Double) -> Double {
    guard dmiStrength != 0 else { return phi0 }
    func energy(_ phi: Double) -> Double { dmiStrength * dot(dmiVector, cross(wall.easyAxis, inWall(phi))) }
    return energy(phi0 + Double.pi) < energy(phi0) ? phi0 + Double.pi : phi0
  }

  /// The model with the SOT fields times λ (the current times λ; u is given to
  /// ``motion(u:from:)`` separately).
  public func scaled(by lambda: Double) -> WallModel {
    var m = self
    m.dampingLikeField *= lambda
    m.fieldLikeField *= lambda
    return m
  }

  /// Whether the model has spin–orbit torques.
  public var hasSpinOrbit: Bool { dampingLikeField != 0 || fieldLikeField != 0 }

  /// (q̇ in m/s, φ̇ in rad/s) at tilt φ under drift velocity u (m/s, along û)
  /// and the SOT fields times `sot` (1: the run's current).
  public func rates(phi: Double, u: Double, sot: Double = 1) -> (q: Double, phi: Double) {
    let a = damping
    let b = effectiveBeta(phi)
    let f = force(phi) + sot * fieldLikeForce(phi)
    let g = sot * dampingLikeForce(phi)
    let phiDot = ((b - a) * u + g - a * f) / (width(phi) * gilbertDenominator(a))
    let qDot = ((1 + a * b) * u + f + a * g) / gilbertDenominator(a)
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

  /// The period of every term in φ: π without DMI or SOT, 2π with.
  var period: Double { dmiStrength != 0 || hasSpinOrbit ? 2 * Double.pi : Double.pi }

  /// The steady tilt reached from `phi0`: φ moves in the direction of φ̇ until
  /// φ̇ = 0, or nil if φ̇ keeps its sign over a whole period (precession).
  public func steadyTilt(u: Double, from phi0: Double) -> Double? {
    func g(_ phi: Double) -> Double { rates(phi: phi, u: u).phi }
    let g0 = g(phi0)
    if g0 == 0 { return phi0 }
    let s: Double = g0 > 0 ? 1 : -1
    let steps = 4096
    let h = s * period / Double(steps)
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

  /// The motion under drift velocity u (and the SOT at the run's current),
  /// starting from tilt `phi0`.
  public func motion(u: Double, from phi0: Double = 0) -> Motion {
    if u == 0 && !hasSpinOrbit { return .steady(tilt: phi0, velocity: 0) }
    let branch = walkerBranch(u: u, from: phi0)
    if branch.scale >= 1 {
      // On the steady branch: λ*(φ) rises monotonically from 0 at φ0 to λ_W
      // at φ_W, so the tilt of λ = 1 is found by bisection between them.
      if let end = branch.tilt {
        var a = phi0, b = end
        for _ in 0..<200 {
          let mid = 0.5 * (a + b)
          if fixedPointScale(mid, u: u) < 1 { a = mid } else { b = mid }
          if abs(b - a) < 1e-15 { break }
        }
        let phi = 0.5 * (a + b)
        return .steady(tilt: phi, velocity: rates(phi: phi, u: u).q)
      }
      if let phi = steadyTilt(u: u, from: phi0) {
        return .steady(tilt: phi, velocity: rates(phi: phi, u: u).q)
      }
    }
    // Mean over one period P of φ: ⟨q̇⟩ = ∫ q̇/|φ̇| dφ / ∫ dφ/|φ̇|, by the
    // trapezoid rule, which converges exponentially for smooth periodic
    // integrands; points are doubled until the mean changes by < 1e-14.
    var n = 256
    var previous = Double.nan
    var result = (v: 0.0, t: 0.0)
    let p = period
    while n <= 1 << 22 {
      var time = 0.0, distance = 0.0
      for k in 0..<n {
        let phi = phi0 + p * Double(k) / Double(n)
        let r = rates(phi: phi, u: u)
        time += 1 / abs(r.phi)
        distance += r.q / abs(r.phi)
      }
      let h = p / Double(n)
      result = (distance / time, 2 * Double.pi / p * time * h)
      if abs(result.v - previous) <= 1e-14 * max(abs(result.v), 1e-300) { break }
      previous = result.v
      n *= 2
    }
    return .precessing(velocity: result.v, period: result.t)
  }

  /// The drift velocity at which tilt φ is a fixed point (φ̇ = 0) with
  /// Zhang–Li alone: u*(φ) = α F(φ) / (β_eff(φ) − α), m/s (the fixed-point
  /// scale of u = 1 m/s without SOT).
  public func fixedPointVelocity(_ phi: Double) -> Double { scaled(by: 0).fixedPointScale(phi, u: 1) }

  /// The scale λ of the current (u and the SOT fields together) at which
  /// tilt φ is a fixed point: λ*(φ) = α F(φ) / [(β_eff(φ) − α) u + G(φ) − α F_FL(φ)].
  /// Where the denominator vanishes (to round-off) every tilt is steady: λ* is infinite.
  public func fixedPointScale(_ phi: Double, u: Double) -> Double {
    let drive = (effectiveBeta(phi) - damping) * u + dampingLikeForce(phi) - damping * fieldLikeForce(phi)
    let size = max(damping, abs(beta), abs(deltaBeta)) * abs(u) + abs(dampingLikeForce(phi)) + abs(fieldLikeForce(phi))
    if abs(drive) <= 1e-12 * size { return .infinity }
    return damping * force(phi) / drive
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
    scaled(by: 0).walkerBranch(u: sign >= 0 ? 1 : -1, from: phi0).scale
  }

  /// The Walker breakdown of the run's drive: the largest scale λ_W of its
  /// current (u and the SOT fields together) up to which the wall stays
  /// steady (infinity when it always does); λ_W ≥ 1 means the run's current
  /// is below breakdown.
  public func walkerScale(u: Double, from phi0: Double = 0) -> Double { walkerBranch(u: u, from: phi0).scale }

  /// λ_W and the tilt φ_W at which the steady branch of the drive (u, SOT)
  /// ends (nil: no breakdown).
  func walkerBranch(u: Double, from phi0: Double) -> (scale: Double, tilt: Double?) {
    func value(_ phi: Double) -> Double { fixedPointScale(phi, u: u) }
    let steps = 8192
    let h = period / Double(steps)
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
