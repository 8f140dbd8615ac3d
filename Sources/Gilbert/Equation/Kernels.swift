/// The local terms the fused pass (``LocalPass``) evaluates: one case a
/// term, each holding that term's coefficients. The cell formula itself is
/// in the term's file (`Exchange.add(_:_:to:)` and so on); a new local term
/// is one case here and one line in each switch below.
public enum FusedField: Sendable {
  case exchange(Exchange.Kernel)
  case uniaxial(UniaxialAnisotropy.Kernel)
  case zeeman(Zeeman.Kernel)
  case dmi(DMI.Kernel)
  case uniaxialK2(UniaxialK2Anisotropy.Kernel)
  case cubic(CubicAnisotropy.Kernel)
  case spinOrbit(SpinOrbitTorque.Kernel)
  case slonczewski(SlonczewskiTorque.Kernel)

  /// Whether the formula reads the central differences ∂m.
  var readsGradient: Bool {
    if case .dmi = self { return true }
    return false
  }

  /// Whether the formula's values change with time (an applied field's f(t) s(t)).
  var dependsOnTime: Bool {
    switch self {
    case .zeeman(let k): return k.frequency != 0 || !k.profile.isConstant || k.transform != nil
    case .spinOrbit(let k): return !k.profile.isConstant
    case .slonczewski(let k): return !k.profile.isConstant
    default: return false
    }
  }

  /// The kernel with its time-dependent values fixed at `time`, as pointers.
  func prepared(time: Double) -> Cell {
    switch self {
    case .exchange(let k): return .exchange(k.cell)
    case .uniaxial(let k): return .uniaxial(k.cell)
    case .zeeman(let k): return .zeeman(k.cell(at: time))
    case .dmi(let k): return .dmi(k.cell)
    case .uniaxialK2(let k): return .uniaxialK2(k.cell)
    case .cubic(let k): return .cubic(k.cell)
    case .spinOrbit(let k): return .spinOrbit(k.cell(at: time))
    case .slonczewski(let k): return .slonczewski(k.cell(at: time))
    }
  }

  /// What the pass's loops read: plain values and pointers.
  enum Cell: @unchecked Sendable {
    case exchange(Exchange.Cell)
    case uniaxial(UniaxialAnisotropy.Cell)
    case zeeman(Zeeman.Cell)
    case dmi(DMI.Cell)
    case uniaxialK2(UniaxialK2Anisotropy.Cell)
    case cubic(CubicAnisotropy.Cell)
    case spinOrbit(SpinOrbitTorque.Cell)
    case slonczewski(SlonczewskiTorque.Cell)

    /// Adds the term's field at cell(s) i to `b`, T.
    @_transparent func add<L: Lane>(_ c: Neighbourhood<L>, _ i: Int, to b: inout Vec3<L>) {
      switch self {
      case .exchange(let k): Exchange.add(c, k, i, to: &b)
      case .uniaxial(let k): UniaxialAnisotropy.add(c.m, k, i, to: &b)
      case .zeeman(let k): Zeeman.add(k, i, to: &b)
      case .dmi(let k): DMI.add(c, k, i, to: &b)
      case .uniaxialK2(let k): UniaxialK2Anisotropy.add(c.m, k, i, to: &b)
      case .cubic(let k): CubicAnisotropy.add(c.m, k, i, to: &b)
      case .spinOrbit(let k): SpinOrbitTorque.add(c.m, k, i, to: &b)
      case .slonczewski(let k): SlonczewskiTorque.add(c.m, k, i, to: &b)
      }
    }
  }
}

/// The current-driven torques the fused pass evaluates, each with its
/// per-cell coefficient (β, δβ); the formulas are in the terms' files.
public enum FusedTorque: Sendable {
  case zhangLi(CellCoefficient)
  case anisotropicBeta(CellCoefficient)

  var prepared: Cell {
    switch self {
    case .zhangLi(let c): return Cell(formula: 0, coefficient: c.view)
    case .anisotropicBeta(let c): return Cell(formula: 1, coefficient: c.view)
    }
  }

  struct Cell: @unchecked Sendable {
    let formula: Int
    let coefficient: Coefficient

    /// The torque at cell(s) i, rad/s.
    @_transparent func torque<L: Lane>(_ c: Neighbourhood<L>, u: Vec3<L>, _ i: Int) -> Vec3<L> {
      let k: L = coefficient.lane(i)
      switch formula {
      case 0: return ZhangLi.torque(m: c.m, u: u, dx: c.dx, dy: c.dy, coefficient: k)
      default: return AnisotropicBeta.torque(m: c.m, u: u, dx: c.dx, dy: c.dy, coefficient: k)
      }
    }
  }
}

/// The Landau–Lifshitz–Gilbert equation's own cell formulas, the only place
/// they are written (Documentation/Physics.md).
public enum LLGFormula {
  /// The precession torque −γ_LL m × B, rad/s.
  @inlinable @inline(__always)
  public static func precession<L: Lane>(m: Vec3<L>, field b: Vec3<L>) -> Vec3<L> {
    let g = L.splat(-PhysicalConstants.gammaLL)
    return Vec3(g * (m.y * b.z - m.z * b.y), g * (m.z * b.x - m.x * b.z), g * (m.x * b.y - m.y * b.x))
  }

  /// 1/(1 + α²), the Gilbert form's factor.
  @inlinable @inline(__always)
  public static func scale<L: Lane>(alpha a: L) -> L { L.splat(1) / gilbertDenominator(a) }

  /// dm/dt = (T + α m × T)/(1 + α²) from the torque T ⟂ m, with `scale` =
  /// ``scale(alpha:)`` (computed once where α is one value); without
  /// precession only the damping part α m × T/(1 + α²) (relaxation).
  @inlinable @inline(__always)
  public static func damping<L: Lane>(m: Vec3<L>, torque t: Vec3<L>, alpha a: L, scale s: L, precession: Bool)
    -> Vec3<L>
  {
    let c = cross(m, t)
    if precession { return s * (t + a * c) }
    return (s * a) * c
  }
}

/// 1 + α², the Gilbert form's denominator (the LLG and the wall model).
@inlinable @inline(__always)
public func gilbertDenominator<L: Lane>(_ alpha: L) -> L { .splat(1) + alpha * alpha }
