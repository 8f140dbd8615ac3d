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
  let stencil: NeighborStencil
  let twoDOverMs: [Double]  // 2D/Ms, T·m (0 in empty cells)
  let edgeGradX: [Double], edgeGradY: [Double]  // (missing neighbours) · D/(4A), 1/m
  let edgeExchangeX: [Double], edgeExchangeY: [Double]  // ±D/(Ms d), T, summed over the missing neighbours
  let hasY: Bool

  /// The DMI of `magnet` with strength `strength` (J/m², one value or one per region).
  public init(magnet: Magnet, strength: RegionParameter) {
    let g = magnet.grid
    let ms = magnet.saturationMagnetization
    let d = strength.perCell(magnet)
    let a = magnet.perCell { $0.exchangeStiffness }
    saturationMagnetization = ms
    cellVolume = g.cellVolume
    stencil = NeighborStencil(magnet: magnet)
    hasY = g.ny > 1
    let n = g.cellCount
    var c = [Double](repeating: 0, count: n)
    var gx = c, gy = c, ex = c, ey = c
    func present(_ j: Int?) -> Bool { j.map { magnet.isMagnetic($0) } ?? false }
    for r in 0..<g.rowCount {
      let iy = r % g.ny, iz = r / g.ny
      for ix in 0..<g.nx {
        let i = g.index(ix, iy, iz)
        guard ms[i] > 0, d[i] != 0 else { continue }
        c[i] = 2 * d[i] / ms[i]
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
    twoDOverMs = c
    edgeGradX = gx
    edgeGradY = gy
    edgeExchangeX = ex
    edgeExchangeY = ey
  }

  public func addField(to b: inout VectorField, m: VectorField, time: Double) {
    let n = m.count
    let withY = hasY
    b.withMutablePlanes { bx, by, bz in
      m.withPlanes { mx, my, mz in
        twoDOverMs.withUnsafeBufferPointer { c in
          edgeGradX.withUnsafeBufferPointer { kx in
            edgeGradY.withUnsafeBufferPointer { ky in
              edgeExchangeX.withUnsafeBufferPointer { sx in
                edgeExchangeY.withUnsafeBufferPointer { sy in
                  Parallel.forEachChunk(n) { range in
                    stencil.forEachGradient(m, in: range) { i, gx, gy in
                      guard c[i] != 0 else { return }
                      // ŷ × m and −x̂ × m: the edge directions (ẑ × n) × m along x and y.
                      let alongX = SIMD3<Double>(mz[i], 0, -mx[i])
                      let alongY = SIMD3<Double>(0, mz[i], -my[i])
                      let dx: SIMD3<Double> = gx + kx[i] * alongX
                      var field = SIMD3<Double>(dx.z, 0, -dx.x)
                      if withY {
                        let dy: SIMD3<Double> = gy + ky[i] * alongY
                        field += SIMD3<Double>(0, dy.z, -dy.y)
                      }
                      let edge: SIMD3<Double> = sx[i] * alongX + sy[i] * alongY
                      bx[i] += c[i] * field.x + edge.x
                      by[i] += c[i] * field.y + edge.y
                      bz[i] += c[i] * field.z + edge.z
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}
