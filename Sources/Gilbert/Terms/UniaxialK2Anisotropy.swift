/// The fourth-order uniaxial anisotropy along a unit axis e: energy density
/// K2 sin⁴θ = K2 (1 − (m·e)²)² (J/m³), θ the angle between m and e, so that
/// with ``UniaxialAnisotropy`` (−K1 (m·e)² = K1 sin²θ − K1) a tilted state
/// has K1 sin²θ + K2 sin⁴θ, OOMMF's and the textbooks' form. The field is
///
///     B = −(1/Ms) ∂E/∂m = (4K2/Ms) (m·e)(1 − (m·e)²) e        (T)
///
/// Ubermag and mumax3 write −K1 (m·e)² − K2 (m·e)⁴ instead; their (K1, K2)
/// is this pair with K1 + 2K2 for the second-order term and −K2 here.
/// K2 may differ by region.
public struct UniaxialK2Anisotropy: FieldTerm {
  public let name: String
  /// The unit axis e.
  public let axis: SIMD3<Double>
  /// K2 of each region (or one for all), J/m³.
  public let constants: [Double]
  /// 4K2/Ms of every cell and the axis, as the fused pass reads them.
  public let kernel: Kernel
  let pass: LocalPass
  let magnet: Magnet

  /// A K2 anisotropy with K2 per region (one value applies to every region).
  public init(magnet: Magnet, constants: [Double], axis: SIMD3<Double>, name: String = "anisotropy_k2") {
    self.name = name
    self.axis = UniaxialAnisotropy.unitAxis(axis, constants: constants, magnet: magnet, key: "K2")
    self.constants = constants
    self.magnet = magnet
    kernel = Kernel(
      axis: self.axis, coefficient: magnet.coefficient(perRegion: constants) { k, ms in ms > 0 ? 4 * k / ms : 0 },
      constant: magnet.coefficient(perRegion: constants) { k, ms in ms > 0 ? k : 0 })
    pass = LocalPass(magnet: magnet, fields: [.kernel(.uniaxialK2(kernel))], torques: [])
  }

  public func addField(to b: inout VectorField, m: VectorField, time: Double) {
    pass.addField(to: &b, m: m, time: time)
  }

  public var fused: FusedField? { .uniaxialK2(kernel) }

  /// (4K2/Ms)(m·e)(1 − (m·e)²) e of cell(s) i, added to `b` (T).
  @inline(__always)
  static func add<L: Lane>(_ m: Vec3<L>, _ k: Cell, _ i: Int, to b: inout Vec3<L>) {
    let e = k.axis
    let p = m.x * .splat(e.x) + m.y * .splat(e.y) + m.z * .splat(e.z)
    let f = k.coefficient.lane(i) * p * (.splat(1) - p * p)
    b += Vec3(f * .splat(e.x), f * .splat(e.y), f * .splat(e.z))
  }

  /// K2 (1 − (m·e)²)² of one cell with K2 = `constant` (J/m³).
  @inline(__always)
  static func energyDensity<L: Lane>(_ m: Vec3<L>, axis e: SIMD3<Double>, constant: L) -> L {
    let p = m.x * .splat(e.x) + m.y * .splat(e.y) + m.z * .splat(e.z)
    let s2 = L.splat(1) - p * p
    return constant * s2 * s2
  }

  public func energyDensity(m: VectorField, time: Double) -> [Double] {
    let k = kernel.constant
    return (0..<m.count).map { i in
      let mi = m[i]
      return Self.energyDensity(Vec3(mi.x, mi.y, mi.z), axis: axis, constant: k[i])
    }
  }

  public func energy(m: VectorField, time: Double) -> Double {
    energyDensity(m: m, time: time).reduce(0, +) * magnet.grid.cellVolume
  }

  /// The unit axis, 4K2/Ms (T) and K2 (J/m³) of every cell (zero in empty cells).
  public struct Kernel: Sendable {
    let axis: SIMD3<Double>
    let coefficient: CellCoefficient
    let constant: CellCoefficient
    var cell: Cell { Cell(axis: axis, coefficient: coefficient.view) }
  }

  public struct Cell: @unchecked Sendable {
    let axis: SIMD3<Double>
    let coefficient: Coefficient
  }
}
