/// Cubic anisotropy about three orthogonal unit axes u1, u2, u3 = u1 × u2:
///
///     energy density  K1 (a1² a2² + a2² a3² + a3² a1²),  a_k = m·u_k   (J/m³)
///     B = −(2K1/Ms) Σ_k a_k (a_{k+1}² + a_{k+2}²) u_k                   (T)
///
/// K1 > 0 makes the axes easy (iron), K1 < 0 the body diagonals (nickel),
/// as in OOMMF's `Oxs_CubicAnisotropy`, mumax3's Kc1 and Ubermag's
/// `CubicAnisotropy` (whose K is this K1: its relaxed states are the axes
/// for K > 0). K1 is per region, the axes one pair per term.
public struct CubicAnisotropy: FieldTerm {
  public let name: String
  /// u1, u2, u3 (unit, orthogonal).
  public let axes: (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>)
  /// K1 of each region (or one for all), J/m³.
  public let constants: [Double]
  public let kernel: Kernel
  let pass: LocalPass
  let cellVolume: Double

  /// A cubic anisotropy with K1 per region about `axis1` and the part of
  /// `axis2` perpendicular to it (both nonzero, not parallel).
  public init(
    magnet: Magnet, constants: [Double], axis1: SIMD3<Double>, axis2: SIMD3<Double>, name: String = "cubic_anisotropy"
  ) {
    self.name = name
    self.constants = constants
    axes = Self.orthonormal(axis1, axis2)!
    cellVolume = magnet.grid.cellVolume
    kernel = Kernel(
      axes: axes, coefficient: magnet.coefficient(perRegion: constants) { k, ms in ms > 0 ? -2 * k / ms : 0 },
      constant: magnet.coefficient(perRegion: constants) { k, ms in ms > 0 ? k : 0 })
    pass = LocalPass(magnet: magnet, fields: [.kernel(.cubic(kernel))], torques: [])
  }

  /// u1 = a/|a|, u2 = the part of b perpendicular to u1, made unit, u3 = u1 × u2;
  /// nil when a is zero or b is zero or parallel to a.
  public static func orthonormal(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> (
    SIMD3<Double>, SIMD3<Double>, SIMD3<Double>
  )? {
    let la = (a * a).sum().squareRoot()
    guard la > 0 else { return nil }
    let u1 = a / la
    let p = b - dot(b, u1) * u1
    let lp = dot(p, p).squareRoot()
    guard lp > 1e-9 * max(1, dot(b, b).squareRoot()) else { return nil }
    let u2 = p / lp
    return (u1, u2, cross(u1, u2))
  }

  public func addField(to b: inout VectorField, m: VectorField, time: Double) {
    pass.addField(to: &b, m: m, time: time)
  }

  public var fused: FusedField? { .cubic(kernel) }

  /// The projections a1, a2, a3 of m on the axes.
  @inline(__always)
  static func projections<L: Lane>(_ m: Vec3<L>, _ u: (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>)) -> (L, L, L) {
    (dot(m, Vec3(splat: u.0)), dot(m, Vec3(splat: u.1)), dot(m, Vec3(splat: u.2)))
  }

  /// −(2K1/Ms) Σ_k a_k (a_{k+1}² + a_{k+2}²) u_k of cell(s) i, added to `b` (T).
  @inline(__always)
  static func add<L: Lane>(_ m: Vec3<L>, _ k: Cell, _ i: Int, to b: inout Vec3<L>) {
    let (a1, a2, a3) = projections(m, k.axes)
    let s1 = a1 * a1, s2 = a2 * a2, s3 = a3 * a3
    let c: L = k.coefficient.lane(i)
    let f1 = c * a1 * (s2 + s3), f2 = c * a2 * (s3 + s1), f3 = c * a3 * (s1 + s2)
    b += f1 * Vec3(splat: k.axes.0) + f2 * Vec3(splat: k.axes.1) + f3 * Vec3(splat: k.axes.2)
  }

  /// K1 (a1²a2² + a2²a3² + a3²a1²) of one cell (J/m³).
  @inline(__always)
  static func energyDensity<L: Lane>(
    _ m: Vec3<L>, axes: (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>), constant: L
  ) -> L {
    let (a1, a2, a3) = projections(m, axes)
    let s1 = a1 * a1, s2 = a2 * a2, s3 = a3 * a3
    return constant * (s1 * s2 + s2 * s3 + s3 * s1)
  }

  public func energyDensity(m: VectorField, time: Double) -> [Double] {
    let k = kernel.constant
    return (0..<m.count).map { i in
      let mi = m[i]
      return Self.energyDensity(Vec3(mi.x, mi.y, mi.z), axes: axes, constant: k.lane(i))
    }
  }

  public func energy(m: VectorField, time: Double) -> Double {
    energyDensity(m: m, time: time).reduce(0, +) * cellVolume
  }

  /// The axes, −2K1/Ms (T) and K1 (J/m³) of every cell (zero in empty cells).
  public struct Kernel: Sendable {
    let axes: (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>)
    let coefficient: CellCoefficient
    let constant: CellCoefficient
    let data: PinnedValue<Cell.Data>
    init(axes: (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>), coefficient: CellCoefficient, constant: CellCoefficient) {
      (self.axes, self.coefficient, self.constant) = (axes, coefficient, constant)
      data = PinnedValue(Cell.Data(axes: axes, coefficient: coefficient.view))
    }
    var cell: Cell { Cell(data: UnsafePointer(data.pointer)) }
  }

  /// The kernel as the pass reads it: a pointer to the axes and −2K1/Ms.
  public struct Cell: @unchecked Sendable {
    let data: UnsafePointer<Data>
    struct Data {
      let axes: (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>)
      let coefficient: Coefficient
    }
    var axes: (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>) { @inline(__always) get { data.pointee.axes } }
    var coefficient: Coefficient { @inline(__always) get { data.pointee.coefficient } }
  }
}
