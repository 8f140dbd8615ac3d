/// Neighbour indices for first derivatives by central differences with the
/// Neumann ghost cell (ghost = self) at free edges and next to empty cells:
///
///     ∂x m_i = (m_right − m_left) / (2 dx)
///
/// where a missing neighbour is replaced by cell i itself, which makes the
/// derivative half a one-sided difference there (as mumax3). Along a
/// periodic axis the neighbours wrap around. On a grid of several layers the derivatives
/// are in-plane (x and y) within each layer: the current-driven torques take
/// u in the plane, and the interfacial DMI has no z derivative.
public struct NeighborStencil: Sendable {
  /// Neighbour index along −x, +x, −y, +y (the cell itself where there is none).
  public let left: [Int32], right: [Int32], down: [Int32], up: [Int32]
  /// 1/(2dx) and 1/(2dy), 1/m.
  public let halfInverseDx: Double, halfInverseDy: Double

  /// The stencil of `magnet`'s grid and mask.
  public init(magnet: Magnet) {
    self.init(grid: magnet.grid, isActive: { magnet.isMagnetic($0) })
  }

  /// The stencil of `grid` where only cells with `isActive` count as neighbours.
  public init(grid g: Grid, isActive: (Int) -> Bool) {
    var l = [Int32](repeating: 0, count: g.cellCount)
    var r = l, d = l, u = l
    for iz in 0..<g.nz {
      for iy in 0..<g.ny {
        for ix in 0..<g.nx {
          let i = g.index(ix, iy, iz)
          func pick(_ j: Int?) -> Int32 { Int32(j.map { isActive($0) ? $0 : i } ?? i) }
          l[i] = pick(g.neighbour(i, axis: 0, step: -1))
          r[i] = pick(g.neighbour(i, axis: 0, step: 1))
          d[i] = pick(g.neighbour(i, axis: 1, step: -1))
          u[i] = pick(g.neighbour(i, axis: 1, step: 1))
        }
      }
    }
    left = l
    right = r
    down = d
    up = u
    halfInverseDx = 0.5 / g.dx
    halfInverseDy = 0.5 / g.dy
  }

  /// Calls `body(i, dmdx, dmdy)` for every cell in `range` with the central
  /// differences ∂x m and ∂y m of cell i (1/m).
  @inlinable
  public func forEachGradient(
    _ m: VectorField, in range: Range<Int>, _ body: (Int, SIMD3<Double>, SIMD3<Double>) -> Void
  ) {
    let hx = halfInverseDx, hy = halfInverseDy
    m.withPlanes { mx, my, mz in
      left.withUnsafeBufferPointer { l in
        right.withUnsafeBufferPointer { r in
          down.withUnsafeBufferPointer { d in
            up.withUnsafeBufferPointer { u in
              for i in range {
                let il = Int(l[i]), ir = Int(r[i]), id = Int(d[i]), iu = Int(u[i])
                let gx = SIMD3<Double>(mx[ir] - mx[il], my[ir] - my[il], mz[ir] - mz[il]) * hx
                let gy = SIMD3<Double>(mx[iu] - mx[id], my[iu] - my[id], mz[iu] - mz[id]) * hy
                body(i, gx, gy)
              }
            }
          }
        }
      }
    }
  }
}

/// The physics of a current-driven torque: its name, the material parameter
/// that scales it (β, δβ), and the torque of one cell (or four), rad/s.
public protocol CurrentTorqueFormula: Sendable {
  /// Short name, used in output.
  static var name: String { get }
  /// The per-region coefficient.
  static func coefficient(_ material: Material) -> Double
  /// The torque of cell(s) with magnetization m, drift velocity u (m/s) and
  /// central differences ∂x m, ∂y m (1/m), with the given coefficient, rad/s.
  static func torque<L: Lane>(m: Vec3<L>, u: Vec3<L>, dx: Vec3<L>, dy: Vec3<L>, coefficient: L) -> Vec3<L>
  /// The fused pass's slot for this formula with the given coefficients.
  static func fused(_ coefficient: CellCoefficient) -> FusedTorque
}

/// What every torque driven by the current (Zhang–Li, δβ) shares: the
/// per-cell coefficient, and its evaluation, the fused pass with this torque
/// alone (u read from the equation's ``Drive``). The formula is the only
/// part a torque supplies.
public struct CurrentTorque<Formula: CurrentTorqueFormula>: Sendable {
  /// The coefficient of every cell (β or δβ).
  public let coefficient: CellCoefficient
  let pass: LocalPass

  /// The torque for `magnet` with its regions' coefficients.
  public init(magnet: Magnet) {
    coefficient = magnet.coefficient(Formula.coefficient)
    pass = LocalPass(magnet: magnet, fields: [], torques: [Formula.fused(coefficient)])
  }

  /// The fused pass's slot.
  public var fused: FusedTorque { Formula.fused(coefficient) }

  /// Adds the torque of every magnetic cell; nothing when no current flows.
  public func addTorque(to torque: inout VectorField, m: VectorField, time: Double, drive: Drive) {
    var none: VectorField? = nil
    pass.run(.torque, m: m, time: time, drive: drive, into: &torque, gradient: &none)
  }
}
