/// The crystal classes of the Dzyaloshinskii–Moriya interaction. Each
/// energy density is written as Σ_a D d̂_a · (m × ∂_a m), a = x, y, z, with
/// one constant vector d̂_a per derivative (Documentation/Physics.md):
///
/// | class | energy density | d̂_x, d̂_y, d̂_z |
/// |---|---|---|
/// | `interfacial` (Gilbert's, mumax3's Dind) | D (m_z ∇·m − (m·∇)m_z) | ŷ, −x̂, 0 |
/// | `Cnv_n` (Ubermag, normal n) | D ((m·∇)m_n − m_n ∇·m) | x̂ × n̂, ŷ × n̂, ẑ × n̂ |
/// | `T`, `O` (bulk; Ubermag, mumax3's Dbulk) | D m·(∇ × m) | −x̂, −ŷ, −ẑ |
/// | `D2d_z` (Ubermag) | D m·(∂x m × x̂ − ∂y m × ŷ) | x̂, −ŷ, 0 |
/// | `D2d_x`, `D2d_y` | the same about x, y | cyclic |
///
/// so `interfacial` with D is `Cnv_z` with −D.
public enum DMIClass: String, CaseIterable, Sendable {
  case interfacial
  case cnvX = "Cnv_x", cnvY = "Cnv_y", cnvZ = "Cnv_z"
  case bulk = "T"
  case d2dX = "D2d_x", d2dY = "D2d_y", d2dZ = "D2d_z"

  /// The class named `name` in a config ("O" is the bulk class, as "T").
  public init?(name: String) {
    if name == "O" { self = .bulk } else { self.init(rawValue: name) }
  }

  /// d̂_x, d̂_y, d̂_z.
  public var vectors: (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>) {
    let x = SIMD3<Double>(1, 0, 0), y = SIMD3<Double>(0, 1, 0), z = SIMD3<Double>(0, 0, 1), o = SIMD3<Double>.zero
    switch self {
    case .interfacial: return (y, -x, o)
    case .cnvX: return (cross(x, x), cross(y, x), cross(z, x))
    case .cnvY: return (cross(x, y), cross(y, y), cross(z, y))
    case .cnvZ: return (cross(x, z), cross(y, z), cross(z, z))
    case .bulk: return (-x, -y, -z)
    case .d2dX: return (o, y, -z)
    case .d2dY: return (-x, o, z)
    case .d2dZ: return (x, -y, o)
    }
  }
}

/// The Dzyaloshinskii–Moriya interaction of one crystal class (``DMIClass``):
///
///     energy density  Σ_a D d̂_a · (m × ∂_a m)                  (J/m³)
///     B = (2D/Ms) Σ_a d̂_a × ∂_a m                              (T)
///
/// with ∂_a by central differences (a derivative along an axis of one cell
/// is zero: a wire is uniform across y and z, a film through its thickness).
/// For `interfacial` this is (2D/Ms)(∂x m_z, ∂y m_z, −∂x m_x − ∂y m_y).
///
/// **Boundary condition.** Where the energy's surface term and the
/// exchange's meet, 2A ∂_n m + D d̂_n × m = 0 with d̂_n = Σ_a n_a d̂_a, so at
/// a free edge or next to an empty cell ∂_n m = (D/2A) m × d̂_n; for
/// `interfacial` ∂_n m = −(D/2A)(ẑ × n) × m. The ghost cell
/// m_g = m + h ∂_n m (h the cell size along n) enters twice, both added
/// here so that ``Exchange`` stays as it is:
///
/// - the central difference gains (D/4A) m × d̂_a per missing neighbour
///   along a, on either side;
/// - the exchange field gains (2A/Ms)(m_g − m)/h² = ±(D/(Ms h)) m × d̂_a
///   (+ for a missing +a neighbour, − for −a).
///
/// In 1D with m = (sin θ, 0, cos θ) and `interfacial` the energy is
/// A θ′² + D θ′, whose natural boundary condition is θ′ = −D/(2A) at both
/// ends: with D > 0 the right edge cants towards −x, the left towards +x.
///
/// D is per region (J/m²). Between two regions the bond takes the cell's
/// own D on either side unless `interfaces` gives D for that pair (as
/// `[[interface]]` gives A): then cell i sees (1/(Ms h)) d̂ × (D_+ m_+ − D_− m_−)
/// with D± the bonds' values. The energy is −(1/2) Ms m·B per volume, which
/// for the cycloid m = (sin kx, 0, cos kx) and `interfacial` is
/// D sin(k dx)/dx away from edges (D k in the continuum): D > 0 favours
/// k < 0. Where A = 0 there is no boundary condition to apply: the edge
/// cell's missing neighbour is the cell itself (OOMMF's free edge).
public struct DMI: LinearFieldTerm {
  public let name: String
  public let energyFactor = 0.5
  public let saturationMagnetization: [Double]
  public let cellVolume: Double
  /// The crystal class.
  public let crystalClass: DMIClass
  /// The coefficients as the fused pass reads them.
  public let kernel: Kernel
  let pass: LocalPass

  /// The DMI of `magnet` with strength `strength` (J/m², one value or one
  /// per region), of class `crystalClass`, with D for pairs of regions in
  /// `interfaces`.
  public init(
    magnet: Magnet, strength: RegionParameter, crystalClass: DMIClass = .interfacial,
    interfaces: [RegionPair: Double] = [:], name: String = "dmi"
  ) {
    self.name = name
    self.crystalClass = crystalClass
    saturationMagnetization = magnet.saturationMagnetization
    cellVolume = magnet.grid.cellVolume
    kernel = Kernel(magnet: magnet, strength: strength, crystalClass: crystalClass, interfaces: interfaces)
    pass = LocalPass(magnet: magnet, fields: [.kernel(.dmi(kernel))], torques: [])
  }

  public func addField(to b: inout VectorField, m: VectorField, time: Double) {
    pass.addField(to: &b, m: m, time: time)
  }

  public var fused: FusedField? { .dmi(kernel) }

  /// The DMI field of cell(s) i, added to `b` (T).
  @inline(__always)
  static func add<L: Lane>(_ c: Neighbourhood<L>, _ k: Cell, _ i: Int, to b: inout Vec3<L>) {
    let m = c.m
    let twoD: L = k.twoDOverMs.lane(i)
    var field = Vec3<L>.zero
    /// d̂ × (∂m + edge) along one axis; `edges` when a neighbour may be missing.
    @inline(__always) func axis(_ d: SIMD3<Double>, _ derivative: Vec3<L>, _ a: Int, plus: Vec3<L>, minus: Vec3<L>, edges: Bool) {
      let dv = Vec3<L>(splat: d)
      var g: Vec3<L>
      if let bonds = k.bonds {
        // D per bond: (1/(Ms h)) (D₊ m₊ − D₋ m₋), written as 2D/Ms times a difference.
        g = bonds.plus(a).lane(i) * plus - bonds.minus(a).lane(i) * minus
      } else {
        g = twoD * derivative
      }
      if edges {
        let t = cross(m, dv)
        g += (twoD * k.edgeGradient(a).lane(i)) * t
        field += k.edgeExchange(a).lane(i) * t
      }
      field += cross(dv, g)
    }
    let edges = !c.complete
    if k.active.x { axis(k.vectors.0, c.dx, 0, plus: c.right, minus: c.left, edges: edges) }
    if k.active.y && c.hasY { axis(k.vectors.1, c.dy, 1, plus: c.up, minus: c.down, edges: edges) }
    if k.active.z && c.hasZ {
      let dz = L.splat(k.halfInverseDz) * (c.above - c.below)
      axis(k.vectors.2, dz, 2, plus: c.above, minus: c.below, edges: true)
    }
    b += field
  }

  /// 2D/Ms (T·m, 0 in empty cells) and the class's vectors; per cell and
  /// axis, (missing neighbours)·D/(4A) (1/m) and ±D/(Ms h) summed over the
  /// missing neighbours (T); with interfaces, D_bond/(Ms h) to each side.
  public struct Kernel: Sendable {
    let twoDOverMs: CellCoefficient
    let vectors: (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>)
    /// Whether each axis has a term (d̂_a ≠ 0).
    let active: (x: Bool, y: Bool, z: Bool)
    let halfInverseDz: Double
    let edgeGradient: [CellCoefficient], edgeExchange: [CellCoefficient]
    /// D_bond/(Ms h) to the −x, +x, −y, +y, −z, +z neighbours, with interfaces.
    let bonds: [CellCoefficient]?
    /// What ``Cell`` points to (built once: every coefficient above is owned here).
    let data: PinnedValue<Cell.Data>

    init(magnet: Magnet, strength: RegionParameter, crystalClass: DMIClass, interfaces: [RegionPair: Double]) {
      let g = magnet.grid
      let ms = magnet.saturationMagnetization
      let d = strength.perCell(magnet)
      let a = magnet.perCell { $0.exchangeStiffness }
      vectors = crystalClass.vectors
      let v = [vectors.0, vectors.1, vectors.2]
      active = (vectors.0 != .zero, vectors.1 != .zero, vectors.2 != .zero)
      halfInverseDz = 0.5 / g.dz
      twoDOverMs = magnet.coefficient(perRegion: strength.values) { d, ms in ms > 0 && d != 0 ? 2 * d / ms : 0 }
      let n = g.cellCount
      let sizes = [g.dx, g.dy, g.dz], counts = [g.nx, g.ny, g.nz]
      var gradient = [[Double]](repeating: [Double](repeating: 0, count: n), count: 3)
      var exchange = gradient
      var bond = [[Double]](repeating: [Double](repeating: 0, count: n), count: 6)
      let regions = magnet.regions
      for i in 0..<n where ms[i] > 0 && (d[i] != 0 || !interfaces.isEmpty) {
        for axis in 0..<3 where v[axis] != .zero && counts[axis] > 1 {
          // The −a and +a neighbours (wrapped where periodic), nil where missing or empty.
          func neighbour(_ s: Int) -> Int? {
            g.neighbour(i, axis: axis, step: s).flatMap { magnet.isMagnetic($0) ? $0 : nil }
          }
          let minus = neighbour(-1), plus = neighbour(1)
          let ratio = a[i] > 0 ? d[i] / (4 * a[i]) : 0
          gradient[axis][i] = Double((minus == nil ? 1 : 0) + (plus == nil ? 1 : 0)) * ratio
          // Without exchange (A = 0) there is no boundary condition: the edge is free, as in OOMMF.
          let edge = a[i] > 0 ? d[i] / (ms[i] * sizes[axis]) : 0
          exchange[axis][i] = Double((plus == nil ? 1 : 0) - (minus == nil ? 1 : 0)) * edge
          for (side, j) in [(0, minus), (1, plus)] {
            var dij = d[i]
            if let j, regions[j] != regions[i], let given = interfaces[RegionPair(regions[i], regions[j])] { dij = given }
            bond[2 * axis + side][i] = dij / (ms[i] * sizes[axis])
          }
        }
      }
      edgeGradient = gradient.map { CellCoefficient(perCell: $0) }
      edgeExchange = exchange.map { CellCoefficient(perCell: $0) }
      bonds = interfaces.isEmpty ? nil : bond.map { CellCoefficient(perCell: $0) }
      let (eg, ee) = (edgeGradient, edgeExchange)
      data = PinnedValue(
        Cell.Data(
          twoDOverMs: twoDOverMs.view, vectors: vectors, active: active, halfInverseDz: halfInverseDz,
          gradient: (eg[0].view, eg[1].view, eg[2].view), exchange: (ee[0].view, ee[1].view, ee[2].view),
          bonds: bonds.map { b in Cell.Bonds(c: (b[0].view, b[1].view, b[2].view, b[3].view, b[4].view, b[5].view)) }))
    }

    var cell: Cell { Cell(data: UnsafePointer(data.pointer)) }
  }

  /// The kernel as the pass reads it: a pointer to its coefficients.
  public struct Cell: @unchecked Sendable {
    let data: UnsafePointer<Data>

    struct Data {
      let twoDOverMs: Coefficient
      let vectors: (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>)
      let active: (x: Bool, y: Bool, z: Bool)
      let halfInverseDz: Double
      let gradient: (Coefficient, Coefficient, Coefficient)
      let exchange: (Coefficient, Coefficient, Coefficient)
      let bonds: Bonds?
    }

    var twoDOverMs: Coefficient { @inline(__always) get { data.pointee.twoDOverMs } }
    var vectors: (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>) { @inline(__always) get { data.pointee.vectors } }
    var active: (x: Bool, y: Bool, z: Bool) { @inline(__always) get { data.pointee.active } }
    var halfInverseDz: Double { @inline(__always) get { data.pointee.halfInverseDz } }
    var bonds: Bonds? { @inline(__always) get { data.pointee.bonds } }

    @inline(__always) func edgeGradient(_ a: Int) -> Coefficient {
      a == 0 ? data.pointee.gradient.0 : a == 1 ? data.pointee.gradient.1 : data.pointee.gradient.2
    }
    @inline(__always) func edgeExchange(_ a: Int) -> Coefficient {
      a == 0 ? data.pointee.exchange.0 : a == 1 ? data.pointee.exchange.1 : data.pointee.exchange.2
    }

    /// D_bond/(Ms h) to each side of each axis.
    struct Bonds {
      let c: (Coefficient, Coefficient, Coefficient, Coefficient, Coefficient, Coefficient)
      @inline(__always) func minus(_ a: Int) -> Coefficient { a == 0 ? c.0 : a == 1 ? c.2 : c.4 }
      @inline(__always) func plus(_ a: Int) -> Coefficient { a == 0 ? c.1 : a == 1 ? c.3 : c.5 }
    }
  }
}

/// Gilbert's interfacial DMI (``DMIClass/interfacial``), the `[dmi]` default.
public typealias InterfacialDMI = DMI
