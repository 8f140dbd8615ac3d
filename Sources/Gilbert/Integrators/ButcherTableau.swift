/// The coefficients of an explicit Runge–Kutta method, as data.
///
///     k_s = f(y + h Σ_{j<s} a[s][j] k_j, t + c[s] h)
///     y' = y + h Σ b[s] k_s,     error ≈ h Σ e[s] k_s  (e = b − b̂)
public struct ButcherTableau: Sendable {
  /// The method's name.
  public let name: String
  /// Stage coefficients, lower triangular: a[s] has s entries.
  public let a: [[Double]]
  /// Solution weights.
  public let b: [Double]
  /// Error weights b − b̂ of the embedded lower-order solution, if any.
  public let e: [Double]?
  /// Stage times.
  public let c: [Double]
  /// Order of the solution (of the pair's higher member).
  public let order: Int
  /// First stage of the next step is the last stage of this one.
  public let firstSameAsLast: Bool
  /// Whether the adaptive step follows Gustafsson's PI controller rather
  /// than the classic integral one. With q = ``order``, r = error/tolerance
  /// and r′ the last accepted step's: the integral controller takes
  /// h · 0.9 r^(−1/q); the PI one, after an accepted step,
  /// h · (0.9^q/r)^(0.3/q) · (r′/r)^(0.4/q) (Gustafsson, ACM TOMS 17, 533
  /// (1991); Hairer & Wanner II, IV.2), which settles at the same r = 0.9^q
  /// but oscillates far less where the step is held by stability. After a
  /// rejected step both use the integral rule.
  public let proportionalIntegralControl: Bool

  public init(
    name: String, a: [[Double]], b: [Double], e: [Double]?, c: [Double], order: Int, firstSameAsLast: Bool,
    proportionalIntegralControl: Bool = false
  ) {
    self.name = name
    self.a = a
    self.b = b
    self.e = e
    self.c = c
    self.order = order
    self.firstSameAsLast = firstSameAsLast
    self.proportionalIntegralControl = proportionalIntegralControl
  }

  /// Number of stages.
  public var stages: Int { b.count }

  /// Heun's method (explicit trapezoid), order 2.
  public static let heun = ButcherTableau(
    name: "heun", a: [[], [1]], b: [0.5, 0.5], e: nil, c: [0, 1], order: 2, firstSameAsLast: false)

  /// The classic fourth-order Runge–Kutta method.
  public static let rk4 = ButcherTableau(
    name: "rk4", a: [[], [0.5], [0, 0.5], [0, 0, 1]], b: [1.0 / 6, 1.0 / 3, 1.0 / 3, 1.0 / 6], e: nil,
    c: [0, 0.5, 0.5, 1], order: 4, firstSameAsLast: false)

  /// The classic fourth-order method with a third-order error estimate from
  /// a fifth, first-same-as-last stage k5 = f(y′, t + h): b̂ = (1/6, 1/3,
  /// 1/3, 0, 1/6) meets the four third-order conditions, so e = b − b̂ =
  /// (0, 0, 0, 1/6, −1/6) and the error is h (k4 − k5)/6, of order h⁴. Four
  /// evaluations a step, like rk4; the step is controlled like rk45's.
  ///
  /// Why it exists: weakly damped spin waves put the LLG's eigenvalues
  /// near the imaginary axis, z = hω(i − α). With α = 0.02 classic RK4 is
  /// stable up to |hω| ≈ 2.87 at four evaluations a step, Dormand–Prince
  /// only up to ≈ 2.08 at six (FSAL), so where the step is held by
  /// stability rather than accuracy (standard problem 4 at any tolerance
  /// from 1e-7 to 3e-4) this pair covers twice the time per evaluation:
  /// 0.72 against 0.35 of |hω|.
  public static let rk43 = ButcherTableau(
    name: "rk43",
    a: [[], [0.5], [0, 0.5], [0, 0, 1], [1.0 / 6, 1.0 / 3, 1.0 / 3, 1.0 / 6]],
    b: [1.0 / 6, 1.0 / 3, 1.0 / 3, 1.0 / 6, 0], e: [0, 0, 0, 1.0 / 6, -1.0 / 6],
    c: [0, 0.5, 0.5, 1, 1], order: 4, firstSameAsLast: true, proportionalIntegralControl: true)

  /// Dormand–Prince 5(4) with first-same-as-last stages (Dormand & Prince 1980).
  public static let dormandPrince: ButcherTableau = {
    let b: [Double] = [35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84, 0]
    let bHat: [Double] = [
      5179.0 / 57600, 0, 7571.0 / 16695, 393.0 / 640, -92097.0 / 339200, 187.0 / 2100, 1.0 / 40,
    ]
    let a: [[Double]] = [
      [],
      [1.0 / 5],
      [3.0 / 40, 9.0 / 40],
      [44.0 / 45, -56.0 / 15, 32.0 / 9],
      [19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729],
      [9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656],
      [35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84],
    ]
    return ButcherTableau(
      name: "rk45", a: a, b: b, e: zip(b, bHat).map { $0 - $1 },
      c: [0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1, 1], order: 5, firstSameAsLast: true)
  }()
}

/// The time integrators a run can name (`solver.method`): the one place their
/// names live. The config, the CLI help and the runner all read this list.
public enum SolverMethod: String, CaseIterable, Sendable {
  /// Dormand–Prince 5(4), adaptive (FSAL).
  case rk45
  /// Classic fourth-order Runge–Kutta with an FSAL third-order error
  /// estimate, adaptive: four evaluations a step and a larger stability
  /// interval per evaluation than rk45's (``ButcherTableau/rk43``).
  case rk43
  /// Classic fourth-order Runge–Kutta, fixed step.
  case rk4
  /// Heun's method, second order, fixed step.
  case heun
  /// Kværnø's ESDIRK 3(2), L-stable, adaptive, with Newton–GMRES stages
  /// (``ImplicitStepper``): for stiff problems (fine cells, walls).
  case implicit
  /// Stochastic Heun, fixed step: the Stratonovich scheme for Brown's
  /// thermal field (``StochasticHeun``); Heun's method at T = 0.
  case stochasticHeun = "stochastic_heun"

  /// The coefficients of an explicit method (nil for the implicit one).
  public var tableau: ButcherTableau? {
    switch self {
    case .rk45: return .dormandPrince
    case .rk43: return .rk43
    case .rk4: return .rk4
    case .heun: return .heun
    case .implicit, .stochasticHeun: return nil
    }
  }

  /// Whether the step adapts to `solver.tolerance`.
  public var isAdaptive: Bool { tableau.map { $0.e != nil } ?? (self == .implicit) }

  /// The default tolerance (max |Δm| per step): the implicit solver's
  /// steps are bounded by accuracy alone and 1e-3 gives the velocities of
  /// the explicit methods at 1e-5 (3× faster than at 1e-5, issue 28).
  public var defaultTolerance: Double { self == .implicit ? 1e-3 : 1e-5 }

  /// The default largest step, s: explicit steps are bounded by stability
  /// anyway; the implicit one may take long steps where nothing changes.
  public var defaultMaximumStep: Double { self == .implicit ? 1e-9 : 1e-11 }

  /// The config spellings, for error messages and choices.
  public static var names: [String] { allCases.map(\.rawValue) }
}

extension ButcherTableau {
  /// How far the method is stable along the eigenvalues of the linearised
  /// LLG, z = h λ with λ ∝ (−α + i) (precession, damped by α): the largest r
  /// with |R(z)| ≤ 1 for every z = r′ (−α + i)/|−α + i|, 0 < r′ ≤ r, R the
  /// method's stability polynomial (y′ = λ y through the tableau). Dormand–
  /// Prince gives about 3.3 at α = 0, the classical RK4 2√2.
  public func stabilityRadius(damping alpha: Double) -> Double {
    let norm = (alpha * alpha + 1).squareRoot()
    let direction = (-alpha / norm, 1 / norm)
    func multiply(_ x: (Double, Double), _ y: (Double, Double)) -> (Double, Double) {
      (x.0 * y.0 - x.1 * y.1, x.0 * y.1 + x.1 * y.0)
    }
    // R(z) = 1 + z Σ b_s K_s with K_s = 1 + z Σ_j a[s][j] K_j (explicit: j < s).
    func amplification(_ r: Double) -> Double {
      let z = (r * direction.0, r * direction.1)
      var k: [(Double, Double)] = []
      for s in b.indices {
        var sum = (0.0, 0.0)
        for j in 0..<s where j < a[s].count { sum = (sum.0 + a[s][j] * k[j].0, sum.1 + a[s][j] * k[j].1) }
        let zs = multiply(z, sum)
        k.append((1 + zs.0, zs.1))
      }
      var total = (0.0, 0.0)
      for s in b.indices { total = (total.0 + b[s] * k[s].0, total.1 + b[s] * k[s].1) }
      let zr = multiply(z, total)
      let value = (1 + zr.0, zr.1)
      return (value.0 * value.0 + value.1 * value.1).squareRoot()
    }
    var r = 0.0
    let step = 1e-3
    while r < 10, amplification(r + step) <= 1 + 1e-12 { r += step }
    return r
  }
}
