/// The anisotropic non-adiabatic torque of the paper's Eq. (46),
/// δβ s × (j_∥ ∇_∥) s with j_∥ = n·j and ∇_∥ = n·∇, in the units of u:
///
///     T = δβ (m·u) m × ((m·∇)m)        (rad/s)
///
/// For a wire along x with u = u x̂ it is δβ u m_x² m × ∂x m: a local,
/// direction-dependent addition δβ m_x² to β. δβ is per region; in the
/// paper's microscopic model δβ/β = −1/5. u is read from the equation's
/// ``Drive``; derivatives as ``ZhangLiTorque``.
public struct AnisotropicBetaTorque: CurrentDrivenTorque {
  public let name = "anisotropic_beta"
  /// δβ of every cell.
  public let coefficient: [Double]
  public let stencil: NeighborStencil

  /// The torque for `magnet` with its regions' δβ.
  public init(magnet: Magnet) {
    (coefficient, stencil) = (magnet.perCell { $0.anisotropicNonAdiabaticity }, NeighborStencil(magnet: magnet))
  }

  @inlinable
  public func cellTorque(
    m: SIMD3<Double>, u: SIMD3<Double>, dx: SIMD3<Double>, dy: SIMD3<Double>, coefficient deltaBeta: Double
  ) -> SIMD3<Double> {
    let mu: Double = m.x * u.x + m.y * u.y + m.z * u.z
    // (m·∇)m
    let d: SIMD3<Double> = m.x * dx + m.y * dy
    return (deltaBeta * mu) * cross(m, d)
  }
}
