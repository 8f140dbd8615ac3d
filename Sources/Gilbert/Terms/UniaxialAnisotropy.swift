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
  // 2K1/Ms per cell, T (zero in empty cells).
  let coefficient: [Double]

  /// An anisotropy with K1 per region (one value applies to every region).
  public init(magnet: Magnet, constants: [Double], axis: SIMD3<Double>, name: String = "anisotropy") {
    precondition(constants.count == 1 || constants.count == magnet.materials.count, "K1: one value or one per region")
    let len = (axis * axis).sum().squareRoot()
    precondition(len > 0, "anisotropy axis must be nonzero")
    self.name = name
    self.axis = axis / len
    self.constants = constants
    cellVolume = magnet.grid.cellVolume
    let ms = magnet.saturationMagnetization
    saturationMagnetization = ms
    coefficient = (0..<magnet.grid.cellCount).map { i in
      let k = constants.count == 1 ? constants[0] : constants[magnet.regions[i]]
      return ms[i] > 0 ? 2 * k / ms[i] : 0
    }
  }

  public func addField(to b: inout VectorField, m: VectorField, time: Double) {
    let n = m.count
    let ex = axis.x, ey = axis.y, ez = axis.z
    m.withPlanes { mx, my, mz in
      b.withMutablePlanes { bx, by, bz in
        coefficient.withUnsafeBufferPointer { c in
          Parallel.forEachChunk(n) { range in
            for i in range {
              let p = c[i] * (mx[i] * ex + my[i] * ey + mz[i] * ez)
              bx[i] += p * ex
              by[i] += p * ey
              bz[i] += p * ez
            }
          }
        }
      }
    }
  }
}
