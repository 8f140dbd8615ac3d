/// The anisotropic non-adiabatic torque of the paper's Eq. (46),
/// δβ s × (j_∥ ∇_∥) s with j_∥ = n·j and ∇_∥ = n·∇, in the units of u:
///
///     T = δβ (m·u) m × ((m·∇)m)        (rad/s)
///
/// For a wire along x with u = u x̂ it is δβ u m_x² m × ∂x m: a local,
/// direction-dependent addition δβ m_x² to β. δβ is per region; in the
/// paper's microscopic model δβ/β = −1/5. Derivatives as ``ZhangLiTorque``.
public struct AnisotropicBetaTorque: TorqueTerm {
  public let name = "anisotropic_beta"
  /// u of every cell, m/s (zero in empty cells).
  public private(set) var velocity: VectorField
  /// δβ of every cell.
  public let deltaBeta: [Double]
  let stencil: NeighborStencil

  /// The torque for `magnet` with per-cell spin-drift velocity `velocity`.
  public init(magnet: Magnet, velocity: VectorField) {
    self.velocity = SpinDrift.masked(velocity, magnet: magnet)
    deltaBeta = magnet.perCell { $0.anisotropicNonAdiabaticity }
    stencil = NeighborStencil(magnet: magnet)
  }

  /// The same torque driven by another per-cell u, reusing the stencil and
  /// the per-cell parameters (for currents that follow m).
  public func with(velocity u: VectorField, magnet: Magnet) -> AnisotropicBetaTorque {
    var t = self
    t.velocity = SpinDrift.masked(u, magnet: magnet)
    return t
  }

  public func addTorque(to torque: inout VectorField, m: VectorField, time: Double) {
    let n = m.count
    torque.withMutablePlanes { tx, ty, tz in
      velocity.withPlanes { ux, uy, uz in
        deltaBeta.withUnsafeBufferPointer { db in
          m.withPlanes { mx, my, mz in
            Parallel.forEachChunk(n) { range in
              stencil.forEachGradient(m, in: range) { i, gx, gy in
                let mi = SIMD3<Double>(mx[i], my[i], mz[i])
                let mu: Double = mx[i] * ux[i] + my[i] * uy[i] + mz[i] * uz[i]
                // (m·∇)m
                let d: SIMD3<Double> = mx[i] * gx + my[i] * gy
                let t: SIMD3<Double> = (db[i] * mu) * cross(mi, d)
                tx[i] += t.x
                ty[i] += t.y
                tz[i] += t.z
              }
            }
          }
        }
      }
    }
  }
}
