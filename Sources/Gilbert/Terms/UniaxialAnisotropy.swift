/// Uniaxial anisotropy along a unit axis e: B = (2K1/Ms)(m·e)e, energy
/// density −K1 (m·e)².
///
/// K1 > 0 makes e an easy axis, K1 < 0 a hard axis (an easy plane); several
/// terms may be combined, for example an easy axis and a hard axis for the
/// shape anisotropy of a thin film. K1 may differ by region.
public struct UniaxialAnisotropy: LinearFieldTerm {
  public let name: String
  public let energyFactor = 0.5
  public let saturationMagnetization: [Double]
  public let cellVolume: Double
  /// The unit axis e.
  public let axis: SIMD3<Double>
  /// K1 of each region, J/m³.
  public let constants: [Double]
  /// 2K1/Ms of every cell and the axis, as the fused pass reads them.
  public let kernel: Kernel
  let pass: LocalPass

  /// An anisotropy with K1 per region (one value applies to every region).
  public init(magnet: Magnet, constants: [Double], axis: SIMD3<Double>, name: String = "anisotropy") {
    self.name = name
    self.axis = Self.unitAxis(axis, constants: constants, magnet: magnet, key: "K1")
    self.constants = constants
    cellVolume = magnet.grid.cellVolume
    let ms = magnet.saturationMagnetization
    saturationMagnetization = ms
    kernel = Kernel(
      axis: self.axis,
      coefficient: magnet.coefficient(perRegion: constants) { k, ms in ms > 0 ? 2 * k / ms : 0 })
    pass = LocalPass(magnet: magnet, fields: [.kernel(.uniaxial(kernel))], torques: [])
  }

  /// `axis` made unit, after checking it is nonzero and that `constants`
  /// has one value or one per region (`key` names them in the message).
  static func unitAxis(_ axis: SIMD3<Double>, constants: [Double], magnet: Magnet, key: String) -> SIMD3<Double> {
    precondition(constants.count == 1 || constants.count == magnet.materials.count, "\(key): one value or one per region")
    let len = (axis * axis).sum().squareRoot()
    precondition(len > 0, "anisotropy axis must be nonzero")
    return axis / len
  }

  public func addField(to b: inout VectorField, m: VectorField, time: Double) {
    pass.addField(to: &b, m: m, time: time)
  }

  public var fused: FusedField? { .uniaxial(kernel) }

  /// (2K1/Ms)(m·e)e of cell(s) i, added to `b` (T). Along a coordinate axis
  /// the products with the axis' zero components are left out (they add
  /// only zeros).
  @inline(__always)
  static func add<L: Lane>(_ m: Vec3<L>, _ k: Cell, _ i: Int, to b: inout Vec3<L>) {
    let c: L = k.coefficient.lane(i)
    switch k.axisIndex {
    case 0: b.x += c * m.x
    case 1: b.y += c * m.y
    case 2: b.z += c * m.z
    default:
      let e = k.axis
      let p = c * (m.x * .splat(e.x) + m.y * .splat(e.y) + m.z * .splat(e.z))
      b += Vec3(p * .splat(e.x), p * .splat(e.y), p * .splat(e.z))
    }
  }

  /// The unit axis and 2K1/Ms of every cell, T (zero in empty cells).
  public struct Kernel: Sendable {
    let axis: SIMD3<Double>
    let coefficient: CellCoefficient
    var cell: Cell {
      let index = axis == SIMD3(1, 0, 0) ? 0 : axis == SIMD3(0, 1, 0) ? 1 : axis == SIMD3(0, 0, 1) ? 2 : -1
      return Cell(axis: axis, axisIndex: index, coefficient: coefficient.view)
    }
  }

  public struct Cell: @unchecked Sendable {
    let axis: SIMD3<Double>
    /// 0, 1 or 2 when the axis is x, y or z exactly, else −1.
    let axisIndex: Int
    let coefficient: Coefficient
  }
}
