/// Interlayer (RKKY) exchange between two magnetic regions separated by a
/// spacer along one axis (OOMMF's `Oxs_TwoSurfaceExchange`, Ubermag's
/// `RKKY`): each cell of region set A at the surface facing B is coupled to
/// the first B cell across the spacer in its column, with energy per area
///
///     −σ m_i·m_j − σ₂ (m_i·m_j)²                                  (J/m²)
///
/// σ < 0 couples antiparallel. The face area is the cell's cross-section
/// perpendicular to the axis, so the field of cell i (size Δ along the axis) is
///
///     B_i = (σ + 2σ₂ m_i·m_j) m_j / (Ms_i Δ)                       (T)
///
/// A cell with no partner (its column holds no cell of the other set
/// beyond the spacer, or another cell of its own set faces it) feels none.
public struct RKKYExchange: FieldTerm {
  public let name: String
  /// The coupled cells (i in A, j in B), each pair once.
  public let pairs: [(Int, Int)]
  let sigma: Double, sigma2: Double
  let size: Double, area: Double
  let saturationMagnetization: [Double]

  /// The coupling of the cells of `first` and `second` (region indices)
  /// facing each other along `axis` (0, 1, 2 for x, y, z) in `magnet`.
  public init(
    magnet: Magnet, first: Set<Int>, second: Set<Int>, axis: Int, sigma: Double, sigma2: Double = 0,
    name: String = "rkky"
  ) {
    self.name = name
    self.sigma = sigma
    self.sigma2 = sigma2
    let g = magnet.grid
    let sizes = [g.dx, g.dy, g.dz]
    size = sizes[axis]
    area = g.cellVolume / size
    saturationMagnetization = magnet.saturationMagnetization
    pairs = Self.facing(magnet: magnet, first: first, second: second, axis: axis)
  }

  /// The pairs (i in `first`, j in `second`) of magnetic cells facing each
  /// other across cells of neither set, along `axis`.
  public static func facing(magnet: Magnet, first: Set<Int>, second: Set<Int>, axis: Int) -> [(Int, Int)] {
    let g = magnet.grid
    let counts = [g.nx, g.ny, g.nz]
    let stride = axis == 0 ? 1 : axis == 1 ? g.nx : g.layerCount
    var out: [(Int, Int)] = []
    for i in 0..<g.cellCount where magnet.isMagnetic(i) && first.contains(magnet.regions[i]) {
      let c = g.cell(i)
      let start = [c.ix, c.iy, c.iz][axis]
      for step in [-1, 1] {
        var k = start + step
        while k >= 0 && k < counts[axis] {
          let j = i + (k - start) * stride
          let r = magnet.regions[j]
          if first.contains(r) { break }
          if second.contains(r) {
            if magnet.isMagnetic(j) { out.append((i, j)) }
            break
          }
          k += step
        }
      }
    }
    return out
  }

  public var isLocal: Bool { false }

  public func addField(to b: inout VectorField, m: VectorField, time: Double) {
    for (i, j) in pairs {
      let c = sigma + 2 * sigma2 * dot(m[i], m[j])
      b[i] += (c / (saturationMagnetization[i] * size)) * m[j]
      b[j] += (c / (saturationMagnetization[j] * size)) * m[i]
    }
  }

  public func energyDensity(m: VectorField, time: Double) -> [Double] {
    // Each pair's energy per area, split between its two cells, per volume.
    var density = [Double](repeating: 0, count: m.count)
    for (i, j) in pairs {
      let p = dot(m[i], m[j])
      let e = (-sigma * p - sigma2 * p * p) / (2 * size)
      density[i] += e
      density[j] += e
    }
    return density
  }

  public func energy(m: VectorField, time: Double) -> Double {
    var total = 0.0
    for (i, j) in pairs {
      let p = dot(m[i], m[j])
      total += -sigma * p - sigma2 * p * p
    }
    return total * area
  }
}
