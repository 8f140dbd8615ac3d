/// The Zhang–Li spin-transfer torque, adiabatic and non-adiabatic:
///
///     T = −(u·∇)m + β m × (u·∇)m        (rad/s)
///
/// u (m/s) is the spin-drift velocity of every cell (uniform or a profile),
/// β the non-adiabatic parameter of each cell's region. Derivatives are
/// central differences with the Neumann ghost cell at free edges and next to
/// empty cells (``NeighborStencil``). u points along the electron flow, so a
/// wall with β > 0 moves along u; see ``SpinDrift`` for u from j and P.
public struct ZhangLiTorque: TorqueTerm {
  public let name = "zhang_li"
  /// u of every cell, m/s (zero in empty cells).
  public private(set) var velocity: VectorField
  /// β of every cell.
  public let beta: [Double]
  let stencil: NeighborStencil

  /// The torque for `magnet` with per-cell spin-drift velocity `velocity`.
  public init(magnet: Magnet, velocity: VectorField) {
    self.velocity = SpinDrift.masked(velocity, magnet: magnet)
    beta = magnet.perCell { $0.nonAdiabaticity }
    stencil = NeighborStencil(magnet: magnet)
  }

  /// The same torque driven by another per-cell u, reusing the stencil and
  /// the per-cell parameters (for currents that follow m).
  public func with(velocity u: VectorField, magnet: Magnet) -> ZhangLiTorque {
    var t = self
    t.velocity = SpinDrift.masked(u, magnet: magnet)
    return t
  }

  public func addTorque(to torque: inout VectorField, m: VectorField, time: Double) {
    let n = m.count
    torque.withMutablePlanes { tx, ty, tz in
      velocity.withPlanes { ux, uy, _ in
        beta.withUnsafeBufferPointer { b in
          m.withPlanes { mx, my, mz in
            Parallel.forEachChunk(n) { range in
              stencil.forEachGradient(m, in: range) { i, gx, gy in
                // D = (u·∇)m
                let d: SIMD3<Double> = ux[i] * gx + uy[i] * gy
                let mi = SIMD3<Double>(mx[i], my[i], mz[i])
                let t: SIMD3<Double> = b[i] * cross(mi, d) - d
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

/// The spin-drift velocity u = −(g μB P / (2 e Ms)) j (MODEL.md §2): m/s from a
/// charge current density j (A/m²), with no 1/(1 + β²) factor (the OOMMF and
/// μMAG convention; mumax3 divides by 1 + ξ²).
public enum SpinDrift {
  /// u for one cell, m/s.
  public static func velocity(
    currentDensity j: SIMD3<Double>, polarization p: Double, saturationMagnetization ms: Double
  )
    -> SIMD3<Double>
  {
    guard ms > 0 else { return .zero }
    let c =
      PhysicalConstants.gFactor * PhysicalConstants.bohrMagneton * p / (2 * PhysicalConstants.elementaryCharge * ms)
    return -c * j
  }

  /// `velocity` with zero in the empty cells of `magnet` (one u per cell).
  public static func masked(_ velocity: VectorField, magnet: Magnet) -> VectorField {
    precondition(velocity.count == magnet.grid.cellCount, "one u per cell")
    var u = velocity
    for i in 0..<u.count where !magnet.isMagnetic(i) { u[i] = .zero }
    return u
  }

  /// u of every cell of `magnet` for per-cell current densities `j` (A/m²) and each region's P.
  public static func velocity(magnet: Magnet, currentDensity j: VectorField) -> VectorField {
    var u = VectorField(count: j.count)
    let p = magnet.perCell { $0.polarization }
    for i in 0..<j.count {
      u[i] = velocity(
        currentDensity: j[i], polarization: p[i], saturationMagnetization: magnet.saturationMagnetization[i])
    }
    return u
  }
}
