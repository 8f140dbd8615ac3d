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
/// neighbour drops out. Along a periodic axis the two edges are joined.
///
/// The energy −(1/2) Σ Ms m·B V equals Σ over bonds A_ij |m_i − m_j|²/d² · V
/// exactly, so a spiral of angle δ per cell has A(2 − 2cos δ)/dx² per volume.
public struct Exchange: LinearFieldTerm {
  public let name = "exchange"
  public let energyFactor = 0.5
  public let saturationMagnetization: [Double]
  public let cellVolume: Double
  /// The couplings as the fused pass reads them.
  public let kernel: Kernel
  /// This term alone, as a pass (its own evaluation).
  let pass: LocalPass

  /// Exchange for `magnet` with its regions' stiffness; `interfaces` gives
  /// A_ij (J/m, either sign: negative couples antiparallel) for pairs of
  /// regions (keyed by the smaller index, then the larger) in place of the
  /// harmonic mean.
  public init(magnet: Magnet, interfaces: [RegionPair: Double] = [:]) {
    let g = magnet.grid
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
      return Self.coupling(a[i], a[j], ms[i], d)
    }
    // One material and no interface couplings: one coupling per axis,
    // computed as the per-cell ones are (so the same bits).
    if magnet.materials.count == 1 && interfaces.isEmpty, let m0 = magnet.materials.first,
      m0.saturationMagnetization > 0
    {
      let (a0, ms0) = (m0.exchangeStiffness, m0.saturationMagnetization)
      kernel = Kernel(
        uniform: SIMD3(
          Self.coupling(a0, a0, ms0, g.dx), Self.coupling(a0, a0, ms0, g.dy), Self.coupling(a0, a0, ms0, g.dz)),
        weights: [])
      pass = LocalPass(magnet: magnet, fields: [.kernel(.exchange(kernel))], torques: [])
      return
    }
    var w = [[Double]](repeating: [Double](repeating: 0, count: g.cellCount), count: 6)
    let sizes = [g.dx, g.dy, g.dz]
    for i in 0..<g.cellCount {
      for k in 0..<6 where k < 4 || g.nz > 1 {
        // Neighbours −x, +x, −y, +y, −z, +z, wrapped where the grid is periodic.
        if let j = g.neighbour(i, axis: k / 2, step: k % 2 == 0 ? -1 : 1) { w[k][i] = coupling(i, j, sizes[k / 2]) }
      }
    }
    let (l, r, dn, u) = (w[0], w[1], w[2], w[3])
    let (lo, hi) = g.nz > 1 ? (w[4], w[5]) : ([], [])
    kernel = Kernel(uniform: nil, weights: [l, r, dn, u, lo, hi])
    pass = LocalPass(magnet: magnet, fields: [.kernel(.exchange(kernel))], torques: [])
  }

  /// 2A_ij/(Ms_i d²) with A_ij the harmonic mean of A_i and A_j, T.
  static func coupling(_ ai: Double, _ aj: Double, _ msi: Double, _ d: Double) -> Double {
    guard ai + aj > 0 else { return 0 }
    let aij = 2 * ai * aj / (ai + aj)
    return 2 * aij / (msi * d * d)
  }

  public func addField(to b: inout VectorField, m: VectorField, time: Double) {
    pass.addField(to: &b, m: m, time: time)
  }

  public var fused: FusedField? { .exchange(kernel) }

  /// The field of cell(s) i with the couplings w to the −x, +x, −y, +y, −z,
  /// +z neighbours (T): Σ w (m_neighbour − m), added to `b`.
  @inline(__always)
  static func add<L: Lane>(_ c: Neighbourhood<L>, _ w: Cell, _ i: Int, to b: inout Vec3<L>) {
    let m = c.m
    var h = w.weight(0, i) * (c.left - m) + w.weight(1, i) * (c.right - m)
    if c.hasY { h += w.weight(2, i) * (c.down - m) + w.weight(3, i) * (c.up - m) }
    if c.hasZ { h += w.weight(4, i) * (c.below - m) + w.weight(5, i) * (c.above - m) }
    b += h
  }

  /// The couplings 2A_ij/(Ms_i d²) to the −x, +x, −y, +y, −z, +z neighbours,
  /// T: one per axis (one material), or per cell (zero at free edges and
  /// next to empty cells; −z, +z empty when Nz = 1).
  public struct Kernel: Sendable {
    let uniform: SIMD3<Double>?
    let weights: [CellCoefficient]
    init(uniform: SIMD3<Double>?, weights: [[Double]]) {
      self.uniform = uniform
      self.weights = weights.map { CellCoefficient(perCell: $0.isEmpty ? [0] : $0) }
    }
    var cell: Cell {
      guard uniform == nil else { return Cell(uniform: uniform, w: (nil, nil, nil, nil, nil, nil)) }
      let p = weights.map { $0.view.pointer }
      return Cell(uniform: nil, w: (p[0], p[1], p[2], p[3], p[4], p[5]))
    }
  }

  /// The couplings as pointers.
  public struct Cell: @unchecked Sendable {
    typealias P = UnsafePointer<Double>?
    let uniform: SIMD3<Double>?
    let w: (P, P, P, P, P, P)
    /// The coupling to neighbour k (−x, +x, −y, +y, −z, +z) of cell(s) i.
    @inline(__always) func weight<L: Lane>(_ k: Int, _ i: Int) -> L {
      if let u = uniform { return .splat(k < 2 ? u.x : k < 4 ? u.y : u.z) }
      let p: P
      switch k {
      case 0: p = w.0
      case 1: p = w.1
      case 2: p = w.2
      case 3: p = w.3
      case 4: p = w.4
      default: p = w.5
      }
      return .load(p.unsafelyUnwrapped, i)
    }
  }
}
