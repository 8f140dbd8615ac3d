/// Neighbour indices for first derivatives by central differences with the
/// Neumann ghost cell (ghost = self) at free edges and next to empty cells:
///
///     ∂x m_i = (m_right − m_left) / (2 dx)
///
/// where a missing neighbour is replaced by cell i itself, which makes the
/// derivative half a one-sided difference there (as mumax3). With periodic x
/// the x neighbours wrap around. On a grid of several layers the derivatives
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
          l[i] = pick(ix > 0 ? i - 1 : (g.periodicX ? g.index(g.nx - 1, iy, iz) : nil))
          r[i] = pick(ix < g.nx - 1 ? i + 1 : (g.periodicX ? g.index(0, iy, iz) : nil))
          d[i] = pick(iy > 0 ? i - g.nx : nil)
          u[i] = pick(iy < g.ny - 1 ? i + g.nx : nil)
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

/// What a current-driven torque sees in one cell: m, the drift velocity u
/// (m/s) and the central differences ∂x m, ∂y m (1/m).
public struct CellDerivatives {
  public let m: SIMD3<Double>, u: SIMD3<Double>, dx: SIMD3<Double>, dy: SIMD3<Double>
  @inlinable @inline(__always) init(m: SIMD3<Double>, u: SIMD3<Double>, dx: SIMD3<Double>, dy: SIMD3<Double>) {
    (self.m, self.u, self.dx, self.dy) = (m, u, dx, dy)
  }
}

/// The physics of a current-driven torque: its name, the material parameter
/// that scales it (β, δβ), and the torque of one cell (rad/s).
public protocol CurrentTorqueFormula: Sendable {
  /// Short name, used in output.
  static var name: String { get }
  /// The per-region coefficient.
  static func coefficient(_ material: Material) -> Double
  /// The torque of one cell with the given coefficient, rad/s.
  static func torque(_ cell: CellDerivatives, coefficient: Double) -> SIMD3<Double>
}

/// What every torque driven by the current (Zhang–Li, δβ) shares: the
/// per-cell coefficient, the neighbour stencil, and the loop over cells with
/// u read from the equation's ``Drive``. The formula is the only part a
/// torque supplies. A torque term holds one of these for its concrete
/// formula, so the loop is specialised and the formula inlined.
public struct CurrentTorque<Formula: CurrentTorqueFormula>: Sendable {
  /// The coefficient of every cell (β or δβ).
  public let coefficient: [Double]
  @usableFromInline let stencil: NeighborStencil

  /// The torque for `magnet` with its regions' coefficients.
  public init(magnet: Magnet) {
    coefficient = magnet.perCell(Formula.coefficient)
    stencil = NeighborStencil(magnet: magnet)
  }

  /// Adds the torque of every cell; nothing when no current flows.
  @inlinable
  public func addTorque(to torque: inout VectorField, m: VectorField, time: Double, drive: Drive) {
    guard let velocity = drive.velocity else { return }
    let s = drive.scale(at: time)
    let n = m.count
    coefficient.withUnsafeBufferPointer { c in
      torque.withMutablePlanes { tx, ty, tz in
        velocity.withPlanes { ux, uy, uz in
          m.withPlanes { mx, my, mz in
            Parallel.forEachChunk(n) { range in
              stencil.forEachGradient(m, in: range) { i, gx, gy in
                let cell = CellDerivatives(
                  m: SIMD3(mx[i], my[i], mz[i]), u: SIMD3(s * ux[i], s * uy[i], s * uz[i]), dx: gx, dy: gy)
                let t = Formula.torque(cell, coefficient: c[i])
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
