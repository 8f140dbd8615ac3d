/// Two region indices in either order (the smaller first).
public struct RegionPair: Hashable, Sendable {
  public let first: Int, second: Int
  public init(_ a: Int, _ b: Int) { (first, second) = (min(a, b), max(a, b)) }
}

/// Heisenberg exchange: B = (2A/Ms) ∇²m, energy density A |∇m|².
///
/// Discretised with the six-neighbour Laplacian on the cell centres: the
/// field in cell i is Σ_j 2A_ij (m_j − m_i) / (Ms_i d_ij²) over the neighbours
/// j along x, y and z, with A_ij = 2A_iA_j/(A_i + A_j) (harmonic mean, as
/// mumax3) between regions, or the value given for that pair of regions
/// (`[[interface]]`, as mumax3's ext_InterExchange). Free edges and empty neighbours are Neumann
/// boundaries (∂m/∂n = 0): the ghost cell equals the cell itself, so the
/// neighbour drops out. With periodic x the left and right edges are joined.
///
/// The energy −(1/2) Σ Ms m·B V equals Σ over bonds A_ij |m_i − m_j|²/d² · V
/// exactly, so a spiral of angle δ per cell has A(2 − 2cos δ)/dx² per volume.
public struct Exchange: LinearFieldTerm {
  public let name = "exchange"
  public let energyFactor = 0.5
  public let saturationMagnetization: [Double]
  public let cellVolume: Double
  let grid: Grid
  // Coupling to the −x, +x, −y, +y, −z, +z neighbour, T: 2A_ij/(Ms_i d²);
  // zero at free edges and next to empty cells (−z, +z empty when Nz = 1).
  let left: [Double], right: [Double], down: [Double], up: [Double], below: [Double], above: [Double]

  /// Exchange for `magnet` with its regions' stiffness; `interfaces` gives
  /// A_ij (J/m, either sign: negative couples antiparallel) for pairs of
  /// regions (keyed by the smaller index, then the larger) in place of the
  /// harmonic mean.
  public init(magnet: Magnet, interfaces: [RegionPair: Double] = [:]) {
    let g = magnet.grid
    grid = g
    cellVolume = g.cellVolume
    let ms = magnet.saturationMagnetization
    saturationMagnetization = ms
    let a = magnet.perCell { $0.exchangeStiffness }
    let regions = magnet.regions
    func coupling(_ i: Int, _ j: Int, _ d: Double) -> Double {
      guard ms[i] > 0, ms[j] > 0, i != j else { return 0 }
      if !interfaces.isEmpty, regions[i] != regions[j],
        let aij = interfaces[RegionPair(regions[i], regions[j])]
      {
        return 2 * aij / (ms[i] * d * d)
      }
      guard a[i] + a[j] > 0 else { return 0 }
      let aij = 2 * a[i] * a[j] / (a[i] + a[j])
      return 2 * aij / (ms[i] * d * d)
    }
    var l = [Double](repeating: 0, count: g.cellCount)
    var r = l, dn = l, u = l
    var lo = g.nz > 1 ? l : [], hi = lo
    let layer = g.layerCount
    for iz in 0..<g.nz {
      for iy in 0..<g.ny {
        for ix in 0..<g.nx {
          let i = g.index(ix, iy, iz)
          if ix > 0 {
            l[i] = coupling(i, i - 1, g.dx)
          } else if g.periodicX {
            l[i] = coupling(i, g.index(g.nx - 1, iy, iz), g.dx)
          }
          if ix < g.nx - 1 {
            r[i] = coupling(i, i + 1, g.dx)
          } else if g.periodicX {
            r[i] = coupling(i, g.index(0, iy, iz), g.dx)
          }
          if iy > 0 { dn[i] = coupling(i, i - g.nx, g.dy) }
          if iy < g.ny - 1 { u[i] = coupling(i, i + g.nx, g.dy) }
          if iz > 0 { lo[i] = coupling(i, i - layer, g.dz) }
          if iz < g.nz - 1 { hi[i] = coupling(i, i + layer, g.dz) }
        }
      }
    }
    left = l
    right = r
    down = dn
    up = u
    below = lo
    above = hi
  }

  public func addField(to b: inout VectorField, m: VectorField, time: Double) {
    let nx = grid.nx, ny = grid.ny, nz = grid.nz, periodic = grid.periodicX
    let layer = grid.layerCount
    m.withPlanes { mx, my, mz in
      b.withMutablePlanes { bx, by, bz in
        left.withUnsafeBufferPointer { cl in
          right.withUnsafeBufferPointer { cr in
            down.withUnsafeBufferPointer { cd in
              up.withUnsafeBufferPointer { cu in
                below.withUnsafeBufferPointer { cb in
                  above.withUnsafeBufferPointer { ca in
                    Parallel.forEachChunk(grid.rowCount, minimumPerTask: max(1, Parallel.minimumPerTask / nx)) { rows in
                      for r in rows {
                        let row = r * nx
                        let iy = r % ny, iz = r / ny
                        /// Cell ix of this row, every neighbour rule checked.
                        @inline(__always) func cell(_ ix: Int) {
                          let i = row + ix
                          let il = ix > 0 ? i - 1 : (periodic ? row + nx - 1 : i)
                          let ir = ix < nx - 1 ? i + 1 : (periodic ? row : i)
                          let wl = cl[i], wr = cr[i]
                          let x0 = mx[i], y0 = my[i], z0 = mz[i]
                          var hx = wl * (mx[il] - x0) + wr * (mx[ir] - x0)
                          var hy = wl * (my[il] - y0) + wr * (my[ir] - y0)
                          var hz = wl * (mz[il] - z0) + wr * (mz[ir] - z0)
                          if ny > 1 {
                            let id = iy > 0 ? i - nx : i
                            let iu = iy < ny - 1 ? i + nx : i
                            let wd = cd[i], wu = cu[i]
                            hx += wd * (mx[id] - x0) + wu * (mx[iu] - x0)
                            hy += wd * (my[id] - y0) + wu * (my[iu] - y0)
                            hz += wd * (mz[id] - z0) + wu * (mz[iu] - z0)
                          }
                          if nz > 1 {
                            let ib = iz > 0 ? i - layer : i
                            let ia = iz < nz - 1 ? i + layer : i
                            let wb = cb[i], wa = ca[i]
                            hx += wb * (mx[ib] - x0) + wa * (mx[ia] - x0)
                            hy += wb * (my[ib] - y0) + wa * (my[ia] - y0)
                            hz += wb * (mz[ib] - z0) + wa * (mz[ia] - z0)
                          }
                          bx[i] += hx
                          by[i] += hy
                          bz[i] += hz
                        }
                        guard ny > 1, nz == 1, nx > 2 else {
                          for ix in 0..<nx { cell(ix) }
                          continue
                        }
                        // A film's row: the inner cells four at a time, each lane with the
                        // operations of cell() (a missing y neighbour is the cell itself,
                        // as there), so the results are the same to the bit.
                        cell(0)
                        let down = iy > 0 ? -nx : 0, upper = iy < ny - 1 ? nx : 0
                        var i = row &+ 1
                        let end = row &+ nx &- 1
                        while i &+ 4 <= end {
                          let wl = V4.load(cl, i), wr = V4.load(cr, i), wd = V4.load(cd, i), wu = V4.load(cu, i)
                          let x0 = V4.load(mx, i), y0 = V4.load(my, i), z0 = V4.load(mz, i)
                          var hx = wl * (V4.load(mx, i &- 1) - x0) + wr * (V4.load(mx, i &+ 1) - x0)
                          var hy = wl * (V4.load(my, i &- 1) - y0) + wr * (V4.load(my, i &+ 1) - y0)
                          var hz = wl * (V4.load(mz, i &- 1) - z0) + wr * (V4.load(mz, i &+ 1) - z0)
                          hx += wd * (V4.load(mx, i &+ down) - x0) + wu * (V4.load(mx, i &+ upper) - x0)
                          hy += wd * (V4.load(my, i &+ down) - y0) + wu * (V4.load(my, i &+ upper) - y0)
                          hz += wd * (V4.load(mz, i &+ down) - z0) + wu * (V4.load(mz, i &+ upper) - z0)
                          (V4.load(bx, i) + hx).store(bx, i)
                          (V4.load(by, i) + hy).store(by, i)
                          (V4.load(bz, i) + hz).store(bz, i)
                          i &+= 4
                        }
                        while i < end {
                          cell(i &- row)
                          i &+= 1
                        }
                        cell(nx - 1)
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
}
