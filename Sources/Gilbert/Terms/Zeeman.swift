import RealModule

/// A uniform applied field B_ext(t) = B0 · f(t), in tesla, with energy
/// density −Ms m·B_ext.
///
/// f(t) = 1 (static) or cos(2π f t + φ) (an AC field of frequency f, Hz).
public struct Zeeman: LinearFieldTerm {
  public let name = "zeeman"
  public let energyFactor = 1.0
  public let saturationMagnetization: [Double]
  public let cellVolume: Double
  /// The amplitude B0, T.
  public let amplitude: SIMD3<Double>
  /// Frequency of an AC field, Hz (0: static).
  public let frequency: Double
  /// Phase φ of an AC field, rad.
  public let phase: Double

  /// A field on the magnetic cells of `magnet`.
  public init(magnet: Magnet, amplitude: SIMD3<Double>, frequency: Double = 0, phase: Double = 0) {
    saturationMagnetization = magnet.saturationMagnetization
    cellVolume = magnet.grid.cellVolume
    self.amplitude = amplitude
    self.frequency = frequency
    self.phase = phase
  }

  /// The field B_ext at time t, T.
  public func field(at time: Double) -> SIMD3<Double> {
    frequency == 0 ? amplitude : amplitude * Double.cos(2 * Double.pi * frequency * time + phase)
  }

  public func addField(to b: inout VectorField, m: VectorField, time: Double) {
    let f = field(at: time)
    let n = m.count
    let ms = saturationMagnetization
    b.withMutablePlanes { bx, by, bz in
      for i in 0..<n where ms[i] > 0 {
        bx[i] += f.x
        by[i] += f.y
        bz[i] += f.z
      }
    }
  }
}
