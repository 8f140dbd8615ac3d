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
  public let name = "anisotropic_beta"
  /// δβ of every cell.
  public let deltaBeta: [Double]
  let stencil: NeighborStencil

  /// The torque for `magnet` with its regions' δβ.
  public init(magnet: Magnet) {
    deltaBeta = magnet.perCell { $0.anisotropicNonAdiabaticity }
    stencil = NeighborStencil(magnet: magnet)
  }

  public func addTorque(to torque: inout VectorField, m: VectorField, time: Double, drive: Drive) {
    deltaBeta.withUnsafeBufferPointer { db in
      stencil.addCurrentTorque(to: &torque, m: m, drive: drive) { i, mi, ui, gx, gy in
        let mu: Double = mi.x * ui.x + mi.y * ui.y + mi.z * ui.z
        // (m·∇)m
        let d: SIMD3<Double> = mi.x * gx + mi.y * gy
        return (db[i] * mu) * cross(mi, d)
      }
    }
  }
}
