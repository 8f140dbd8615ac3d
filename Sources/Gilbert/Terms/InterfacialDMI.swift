/// Interfacial Dzyaloshinskii–Moriya interaction (Documentation/Physics.md), for a film
/// on a heavy-metal layer with the interface normal along z:
///
///     energy density  D (m_z ∇·m − (m·∇)m_z)                 (J/m³)
///     B = (2D/Ms) (∂x m_z, ∂y m_z, −∂x m_x − ∂y m_y)          (T)
///
/// with the in-plane ∇ by central differences. At free edges and next to
/// empty cells the boundary condition of the DMI, ∂m/∂n = (D/2A)(ẑ × n) × m,
/// sets the ghost cell m_g = m + d (D/2A)(ẑ × n) × m (d the cell size along
/// n). Two things follow, both added here so that ``Exchange`` stays as it is:
///
/// - the derivative at the edge gains (m_g − m)/(2d) = (D/4A)(ẑ × n) × m
///   per missing neighbour, which along x is (D/4A) ŷ × m and along y
///   −(D/4A) x̂ × m for either side;
/// - the exchange field gains (2A/Ms)(m_g − m)/d² = (D/(Ms d))(ẑ × n) × m
///   per missing neighbour (the Neumann ghost of ``Exchange`` is m itself).
///
/// A 1D grid (Ny = 1) is a wire uniform across y: only the x edges carry the
/// boundary condition. On a grid of several layers each layer carries the
/// same in-plane DMI (Ubermag's Cnv_z in a thick film); the top and bottom
/// faces need no boundary condition, since ẑ × n = 0 there. D is per region (J/m²). The energy is −(1/2) Ms m·B
/// per volume, which for the cycloid m = (sin kx, 0, cos kx) is
/// D sin(k dx)/dx away from edges (D k in the continuum): D > 0 favours
/// k < 0, m turning from +z towards −x as x grows, and Néel walls of that
/// sense. A must be positive where D ≠ 0.
public struct InterfacialDMI: LinearFieldTerm {
  public let name = "dmi"
  public let energyFactor = 0.5
  public let saturationMagnetization: [Double]
  public let cellVolume: Double
  /// The coefficients as the fused pass reads them.
  public let kernel: Kernel
  let pass: LocalPass

  /// The DMI of `magnet` with strength `strength` (J/m², one value or one per region).
  public init(magnet: Magnet, strength: RegionParameter) {
    let g = magnet.grid
    let ms = magnet.saturationMagnetization
    let d = strength.perCell(magnet)
    let a = magnet.perCell { $0.exchangeStiffness }
    saturationMagnetization = ms
    cellVolume = g.cellVolume
    let hasY = g.ny > 1
    let n = g.cellCount
    var gx = [Double](repeating: 0, count: n)
    var gy = gx, ex = gx, ey = gx
    func present(_ j: Int?) -> Bool { j.map { magnet.isMagnetic($0) } ?? false }
    for r in 0..<g.rowCount {
      let iy = r % g.ny, iz = r / g.ny
      for ix in 0..<g.nx {
        let i = g.index(ix, iy, iz)
        guard ms[i] > 0, d[i] != 0 else { continue }
        let left = !present(ix > 0 ? i - 1 : (g.periodicX ? g.index(g.nx - 1, iy, iz) : nil))
        let right = !present(ix < g.nx - 1 ? i + 1 : (g.periodicX ? g.index(0, iy, iz) : nil))
        let down = hasY && !present(iy > 0 ? i - g.nx : nil)
        let up = hasY && !present(iy < g.ny - 1 ? i + g.nx : nil)
        let ratio = a[i] > 0 ? d[i] / (4 * a[i]) : 0
        gx[i] = Double((left ? 1 : 0) + (right ? 1 : 0)) * ratio
        gy[i] = Double((down ? 1 : 0) + (up ? 1 : 0)) * ratio
        ex[i] = Double((right ? 1 : 0) - (left ? 1 : 0)) * d[i] / (ms[i] * g.dx)
        ey[i] = Double((up ? 1 : 0) - (down ? 1 : 0)) * d[i] / (ms[i] * g.dy)
      }
    }
    kernel = Kernel(
      twoDOverMs: magnet.coefficient(perRegion: strength.values) { d, ms in ms > 0 && d != 0 ? 2 * d / ms : 0 },
      edgeGradX: CellCoefficient(perCell: gx), edgeGradY: CellCoefficient(perCell: gy),
      edgeExchangeX: CellCoefficient(perCell: ex), edgeExchangeY: CellCoefficient(perCell: ey))
    pass = LocalPass(magnet: magnet, fields: [.kernel(.dmi(kernel))], torques: [])
  }

  public func addField(to b: inout VectorField, m: VectorField, time: Double) {
    pass.addField(to: &b, m: m, time: time)
  }

  public var fused: FusedField? { .dmi(kernel) }

  /// The DMI field of cell(s) i, added to `b` (T): (2D/Ms)(∂x m_z, ∂y m_z,
  /// −∂x m_x − ∂y m_y) with the edge terms of the boundary condition.
  @inline(__always)
  static func add<L: Lane>(_ c: Neighbourhood<L>, _ k: Cell, _ i: Int, to b: inout Vec3<L>) {
    let m = c.m, zero = L.splat(0)
    if c.complete {
      // No neighbour missing: the edge terms are zero (products with 0 left out).
      var field = Vec3(c.dx.z, zero, -c.dx.x)
      if c.hasY { field += Vec3(zero, c.dy.z, -c.dy.y) }
      b += k.twoDOverMs.lane(i) * field
      return
    }
    // ŷ × m and −x̂ × m: the edge directions (ẑ × n) × m along x and y.
    let alongX = Vec3(m.z, zero, -m.x), alongY = Vec3(zero, m.z, -m.y)
    let dx = c.dx + k.edgeGradX.lane(i) * alongX
    var field = Vec3(dx.z, zero, -dx.x)
    if c.hasY {
      let dy = c.dy + k.edgeGradY.lane(i) * alongY
      field += Vec3(zero, dy.z, -dy.y)
    }
    let edge = k.edgeExchangeX.lane(i) * alongX + k.edgeExchangeY.lane(i) * alongY
    b += k.twoDOverMs.lane(i) * field + edge
  }

  /// 2D/Ms (T·m, 0 in empty cells); per cell, (missing neighbours)·D/(4A)
  /// along x and y (1/m) and ±D/(Ms d) summed over the missing neighbours (T).
  public struct Kernel: Sendable {
    let twoDOverMs: CellCoefficient
    let edgeGradX: CellCoefficient, edgeGradY: CellCoefficient
    let edgeExchangeX: CellCoefficient, edgeExchangeY: CellCoefficient
    var cell: Cell {
      Cell(
        twoDOverMs: twoDOverMs.view, edgeGradX: edgeGradX.view, edgeGradY: edgeGradY.view,
        edgeExchangeX: edgeExchangeX.view, edgeExchangeY: edgeExchangeY.view)
    }
  }

  public struct Cell: @unchecked Sendable {
    let twoDOverMs: Coefficient, edgeGradX: Coefficient, edgeGradY: Coefficient
    let edgeExchangeX: Coefficient, edgeExchangeY: Coefficient
  }
}
