/// The anisotropic non-adiabatic torque of the paper's Eq. (46),
/// δβ s × (j_∥ ∇_∥) s with j_∥ = n·j and ∇_∥ = n·∇, in the units of u:
///
///     T = δβ (m·u) m × ((m·∇)m)        (rad/s)
///
/// For a wire along x with u = u x̂ it is δβ u m_x² m × ∂x m: a local,
/// direction-dependent addition δβ m_x² to β. δβ is per region; in the
/// paper's microscopic model δβ/β = −1/5. u is read from the equation's
/// ``Drive``; derivatives as ``ZhangLiTorque``.
public struct AnisotropicBetaTorque: TorqueTerm {
  public var name: String { AnisotropicBeta.name }
  /// The δβ of every cell, the stencil and the loop.
  public let core: CurrentTorque<AnisotropicBeta>

  /// The torque for `magnet` with its regions' δβ.
  public init(magnet: Magnet) { core = CurrentTorque(magnet: magnet) }

  public func addTorque(to torque: inout VectorField, m: VectorField, time: Double, drive: Drive) {
    core.addTorque(to: &torque, m: m, time: time, drive: drive)
  }

  public var fused: FusedTorque? { core.fused }
}

/// The δβ cell torque; its coefficient is δβ.
public enum AnisotropicBeta: CurrentTorqueFormula {
  public static let name = "anisotropic_beta"
  public static func coefficient(_ material: Material) -> Double { material.anisotropicNonAdiabaticity }

  public static func fused(_ coefficient: CellCoefficient) -> FusedTorque { .anisotropicBeta(coefficient) }

  @inlinable @inline(__always)
  public static func torque<L: Lane>(m: Vec3<L>, u: Vec3<L>, dx: Vec3<L>, dy: Vec3<L>, coefficient deltaBeta: L)
    -> Vec3<L>
  {
    let mu = m.x * u.x + m.y * u.y + m.z * u.z
    // (m·∇)m
    let d = m.x * dx + m.y * dy
    return (deltaBeta * mu) * cross(m, d)
  }
}
