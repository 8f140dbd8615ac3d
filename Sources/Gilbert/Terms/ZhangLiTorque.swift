/// The Zhang–Li spin-transfer torque, adiabatic and non-adiabatic:
///
///     T = −[(u·∇)m]⊥ + β m × (u·∇)m        (rad/s)
///
/// u (m/s) is the spin-drift velocity of every cell, read from the equation's
/// ``Drive``; β the non-adiabatic parameter of each cell's region. Derivatives
/// are central differences with the Neumann ghost cell at free edges and next
/// to empty cells (``NeighborStencil``). u points along the electron flow, so
/// a wall with β > 0 moves along u; see ``SpinDrift`` for u from j and P.
public struct ZhangLiTorque: TorqueTerm {
  public var name: String { ZhangLi.name }
  /// The β of every cell, the stencil and the loop.
  public let core: CurrentTorque<ZhangLi>

  /// The torque for `magnet` with its regions' β.
  public init(magnet: Magnet) { core = CurrentTorque(magnet: magnet) }

  public func addTorque(to torque: inout VectorField, m: VectorField, time: Double, drive: Drive) {
    core.addTorque(to: &torque, m: m, time: time, drive: drive)
  }

  public var fused: FusedTorque? { core.fused }
}

/// The Zhang–Li cell torque; its coefficient is β.
public enum ZhangLi: CurrentTorqueFormula {
  public static let name = "zhang_li"
  public static func coefficient(_ material: Material) -> Double { material.nonAdiabaticity }

  public static func fused(_ coefficient: CellCoefficient) -> FusedTorque { .zhangLi(coefficient) }

  @inlinable @inline(__always)
  public static func torque<L: Lane>(m: Vec3<L>, u: Vec3<L>, dx: Vec3<L>, dy: Vec3<L>, coefficient beta: L) -> Vec3<L>
  {
    // D = (u·∇)m. Its central differences have a small part along m (of
    // order dx² |∂x m|³ u); only D⊥ = D − (m·D) m/|m|² is kept, so the torque
    // does not change |m| (an implicit step's stages stay on the sphere).
    // m × D = m × D⊥.
    let d = u.x * dx + u.y * dy
    return beta * cross(m, d) - perpendicular(d, to: m)
  }
}

/// The spin-drift velocity u = −(g μB P / (2 e Ms)) j (Documentation/Physics.md): m/s from a
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
