/// A first-order system dm/dt = f(m, t) on unit vectors, for the steppers.
public protocol DynamicEquation {
  /// Number of cells of the state.
  var cellCount: Int { get }
  /// Writes dm/dt (rad/s) for the state `m` at time `time` into `dmdt`.
  mutating func derivative(m: VectorField, time: Double, into dmdt: inout VectorField)
  /// dm/dt without its nonlocal parts, for the stiff solver's preconditioner:
  /// cell i's rate may depend only on cell i and its grid neighbours.
  /// Defaults to ``derivative(m:time:into:)``.
  mutating func localDerivative(m: VectorField, time: Double, into dmdt: inout VectorField)
  /// A scalar rate the last ``derivative(m:time:into:)`` computed beside
  /// dm/dt (the co-moving frame's velocity), which the stepper integrates
  /// with the same stage weights as m; 0 by default.
  var auxiliaryRate: Double { get }
  /// Adds the step's integral of ``auxiliaryRate`` (called once per accepted step).
  mutating func accumulateAuxiliary(_ increment: Double)
  /// A global rank-one part of the equation, as of the last evaluation:
  /// f(m) = f_v(m) + v(m) g(m) with v = −Σ_i e·f_v,i(m) / S held fixed in
  /// ``localDerivative(m:time:into:)`` (the co-moving frame; f_v includes
  /// v g with v frozen, so ∇v = −eᵀ J_local / S). The stiff solver's
  /// preconditioner adds it by Sherman–Morrison. Nil by default.
  var rankOneCoupling: RankOneCoupling? { get }
}

/// See ``DynamicEquation/rankOneCoupling``: the direction field g, the axis e and the normalisation S.
public struct RankOneCoupling {
  public var direction: VectorField
  public var axis: SIMD3<Double>
  public var normalization: Double
  public init(direction: VectorField, axis: SIMD3<Double>, normalization: Double) {
    self.direction = direction
    self.axis = axis
    self.normalization = normalization
  }
}

extension DynamicEquation {
  public mutating func localDerivative(m: VectorField, time: Double, into dmdt: inout VectorField) {
    derivative(m: m, time: time, into: &dmdt)
  }
  public var auxiliaryRate: Double { 0 }
  public mutating func accumulateAuxiliary(_ increment: Double) {}
  public var rankOneCoupling: RankOneCoupling? { nil }
}
