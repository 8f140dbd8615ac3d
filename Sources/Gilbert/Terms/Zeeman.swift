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
  /// B0 as the fused pass reads it.
  public let kernel: Kernel
  let pass: LocalPass

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
    kernel = Kernel(amplitude: amplitude, frequency: frequency, phase: phase, profile: profile, perCell: nil)
    pass = LocalPass(magnet: magnet, fields: [.kernel(.zeeman(kernel))], torques: [])
  }

  /// A field with B0 given per region (`amplitudes[r]` in region r).
  public init(magnet: Magnet, amplitudes: [SIMD3<Double>], profile: TimeProfile = .constant) {
    saturationMagnetization = magnet.saturationMagnetization
    cellVolume = magnet.grid.cellVolume
    amplitude = amplitudes.first ?? .zero
    frequency = 0
    phase = 0
    let cells = magnet.regions.map { amplitudes[$0] }
    perCell = cells
    self.profile = profile
    kernel = Kernel(
      amplitude: amplitude, frequency: 0, phase: 0, profile: profile,
      perCell: PinnedDoubles(cells.map(\.x) + cells.map(\.y) + cells.map(\.z)))
    pass = LocalPass(magnet: magnet, fields: [.kernel(.zeeman(kernel))], torques: [])
  }

  /// The factor f(t) s(t) on B0 at time t.
  public func factor(at time: Double) -> Double { kernel.factor(at: time) }

  /// The (uniform) field B_ext at time t, T.
  public func field(at time: Double) -> SIMD3<Double> { amplitude * factor(at: time) }

  public func addField(to b: inout VectorField, m: VectorField, time: Double) {
    pass.addField(to: &b, m: m, time: time)
  }

  public var fused: FusedField? { .zeeman(kernel) }

  public var timeProfiles: [TimeProfile] { [profile] }

  /// B_ext of cell(s) i, added to `b` (T).
  @inline(__always)
  static func add<L: Lane>(_ k: Cell, _ i: Int, to b: inout Vec3<L>) {
    if let p = k.perCell {
      let s = L.splat(k.scale), n = k.count
      b += Vec3(s * .load(p, i), s * .load(p, n + i), s * .load(p, 2 * n + i))
    } else {
      b += Vec3(splat: k.field)
    }
  }

  /// B0 and its time dependence.
  public struct Kernel: Sendable {
    let amplitude: SIMD3<Double>
    let frequency: Double, phase: Double
    let profile: TimeProfile
    /// B0 of every cell, the x, y and z planes one after another (per region).
    let perCell: PinnedDoubles?

    /// The factor f(t) s(t) on B0 at time t.
    func factor(at time: Double) -> Double {
      let ac = frequency == 0 ? 1 : Double.cos(2 * Double.pi * frequency * time + phase)
      return ac * profile.value(at: time)
    }

    func cell(at time: Double) -> Cell {
      let s = factor(at: time)
      return Cell(
        field: amplitude * s, scale: s, perCell: perCell.map { UnsafePointer($0.pointer) },
        count: (perCell?.count ?? 0) / 3)
    }
  }

  public struct Cell: @unchecked Sendable {
    /// B0 f(t) s(t), T.
    let field: SIMD3<Double>
    /// f(t) s(t).
    let scale: Double
    let perCell: UnsafePointer<Double>?
    let count: Int
  }
}
