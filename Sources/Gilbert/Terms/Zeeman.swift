import RealModule

/// An applied field B_ext(t) = B0 · f(t) · s(t), in tesla, with energy
/// density −Ms m·B_ext.
///
/// f(t) = 1 (static) or cos(2π f t + φ) (an AC field of frequency f, Hz);
/// s(t) a ``TimeProfile`` (1 unless given). B0 is one vector, or one per cell
/// (`perCell`, from a field given per region).
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
  /// B0 of every cell, T, where it is not uniform (then ``amplitude`` is unused).
  public let perCell: [SIMD3<Double>]?
  /// s(t), the factor on B0.
  public let profile: TimeProfile
  /// Every cell magnetic: the uniform field is added without a mask (in SIMD).
  let allMagnetic: Bool

  /// A field on the magnetic cells of `magnet`.
  public init(
    magnet: Magnet, amplitude: SIMD3<Double>, frequency: Double = 0, phase: Double = 0, profile: TimeProfile = .constant
  ) {
    saturationMagnetization = magnet.saturationMagnetization
    cellVolume = magnet.grid.cellVolume
    self.amplitude = amplitude
    self.frequency = frequency
    self.phase = phase
    self.perCell = nil
    self.profile = profile
    allMagnetic = magnet.allMagnetic
  }

  /// A field with B0 given per region (`amplitudes[r]` in region r).
  public init(magnet: Magnet, amplitudes: [SIMD3<Double>], profile: TimeProfile = .constant) {
    saturationMagnetization = magnet.saturationMagnetization
    cellVolume = magnet.grid.cellVolume
    amplitude = amplitudes.first ?? .zero
    frequency = 0
    phase = 0
    perCell = magnet.regions.map { amplitudes[$0] }
    self.profile = profile
    allMagnetic = magnet.allMagnetic
  }

  /// The factor f(t) s(t) on B0 at time t.
  public func factor(at time: Double) -> Double {
    let ac = frequency == 0 ? 1 : Double.cos(2 * Double.pi * frequency * time + phase)
    return ac * profile.value(at: time)
  }

  /// The (uniform) field B_ext at time t, T.
  public func field(at time: Double) -> SIMD3<Double> { amplitude * factor(at: time) }

  public func addField(to b: inout VectorField, m: VectorField, time: Double) {
    let n = m.count
    let ms = saturationMagnetization
    let s = factor(at: time)
    if let perCell {
      b.withMutablePlanes { bx, by, bz in
        for i in 0..<n where ms[i] > 0 {
          bx[i] += s * perCell[i].x
          by[i] += s * perCell[i].y
          bz[i] += s * perCell[i].z
        }
      }
      return
    }
    let f = amplitude * s
    b.withMutablePlanes { bx, by, bz in
      if allMagnetic {
        // One plane at a time, no mask: the loops vectorise (same sums).
        for i in 0..<n { bx[i] += f.x }
        for i in 0..<n { by[i] += f.y }
        for i in 0..<n { bz[i] += f.z }
        return
      }
      ms.withUnsafeBufferPointer { ms in
        for i in 0..<n where ms[i] > 0 {
          bx[i] += f.x
          by[i] += f.y
          bz[i] += f.z
        }
      }
    }
  }
}
