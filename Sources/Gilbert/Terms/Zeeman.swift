import RealModule

/// An applied field B_ext(t) = f(t) s(t) M(t) B0, in tesla, with energy
/// density −Ms m·B_ext.
///
/// f(t) = 1 (static) or cos(2π f t + φ) (an AC field of frequency f, Hz);
/// s(t) a ``TimeProfile`` (1 unless given); M(t) the identity, or a 3 × 3
/// matrix of time profiles (`transform`, row by row): a field that turns in
/// time (Ubermag's matrix functions, OOMMF's `Oxs_TransformZeeman`), or with
/// B0 = (1, 1, 1) and a diagonal M a field given as a table of vectors. B0 is
/// one vector, or one per cell (`perCell`, from a field given per region).
public struct Zeeman: LinearFieldTerm {
  public let name: String
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
    magnet: Magnet, amplitude: SIMD3<Double>, frequency: Double = 0, phase: Double = 0, profile: TimeProfile = .constant,
    transform: [TimeProfile]? = nil, name: String = "zeeman"
  ) {
    self.name = name
    saturationMagnetization = magnet.saturationMagnetization
    cellVolume = magnet.grid.cellVolume
    self.amplitude = amplitude
    self.frequency = frequency
    self.phase = phase
    self.perCell = nil
    self.profile = profile
    kernel = Kernel(
      amplitude: amplitude, frequency: frequency, phase: phase, profile: profile, transform: transform, perCell: nil)
    pass = LocalPass(magnet: magnet, fields: [.kernel(.zeeman(kernel))], torques: [])
  }

  /// A field with B0 given per region (`amplitudes[r]` in region r).
  public init(
    magnet: Magnet, amplitudes: [SIMD3<Double>], profile: TimeProfile = .constant, transform: [TimeProfile]? = nil,
    name: String = "zeeman"
  ) {
    self.name = name
    saturationMagnetization = magnet.saturationMagnetization
    cellVolume = magnet.grid.cellVolume
    amplitude = amplitudes.first ?? .zero
    frequency = 0
    phase = 0
    let cells = magnet.regions.map { amplitudes[$0] }
    perCell = cells
    self.profile = profile
    kernel = Kernel(
      amplitude: amplitude, frequency: 0, phase: 0, profile: profile, transform: transform,
      perCell: PinnedDoubles(cells.map(\.x) + cells.map(\.y) + cells.map(\.z)))
    pass = LocalPass(magnet: magnet, fields: [.kernel(.zeeman(kernel))], torques: [])
  }

  /// The factor f(t) s(t) on B0 at time t.
  public func factor(at time: Double) -> Double { kernel.factor(at: time) }

  /// The field B_ext at time t in cell `i` (T).
  public func field(at time: Double, cell i: Int = 0) -> SIMD3<Double> {
    let b0 = perCell?[i] ?? amplitude
    let s = kernel.factor(at: time)
    guard let rows = kernel.matrix(at: time, factor: s) else { return s * b0 }
    return Kernel.apply(rows, to: b0)
  }

  public func addField(to b: inout VectorField, m: VectorField, time: Double) {
    pass.addField(to: &b, m: m, time: time)
  }

  public var fused: FusedField? { .zeeman(kernel) }

  public var timeProfiles: [TimeProfile] { [profile] + (kernel.transform ?? []) }

  /// B_ext of cell(s) i, added to `b` (T).
  @inline(__always)
  static func add<L: Lane>(_ k: Cell, _ i: Int, to b: inout Vec3<L>) {
    guard let p = k.perCell else { return b += Vec3(splat: k.field) }
    let n = k.count
    let b0 = Vec3<L>(.load(p, i), .load(p, n + i), .load(p, 2 * n + i))
    if let r = k.rows {
      // M(t) row by row (9 values).
      b += Vec3(
        .splat(r[0]) * b0.x + .splat(r[1]) * b0.y + .splat(r[2]) * b0.z,
        .splat(r[3]) * b0.x + .splat(r[4]) * b0.y + .splat(r[5]) * b0.z,
        .splat(r[6]) * b0.x + .splat(r[7]) * b0.y + .splat(r[8]) * b0.z)
    } else {
      b += L.splat(k.scale) * b0
    }
  }

  /// B0 and its time dependence.
  public struct Kernel: Sendable {
    let amplitude: SIMD3<Double>
    let frequency: Double, phase: Double
    let profile: TimeProfile
    /// M(t), nine profiles row by row, or nil (the identity).
    let transform: [TimeProfile]?
    /// B0 of every cell, the x, y and z planes one after another (per region).
    let perCell: PinnedDoubles?
    /// f(t) s(t) M(t) of the last ``cell(at:)``, where B0 is per cell and M
    /// is not the identity (so a term with both must not be evaluated from
    /// two threads at once, as demag).
    let rowsAtTime: PinnedDoubles?

    init(
      amplitude: SIMD3<Double>, frequency: Double, phase: Double, profile: TimeProfile, transform: [TimeProfile]?,
      perCell: PinnedDoubles?
    ) {
      (self.amplitude, self.frequency, self.phase, self.profile) = (amplitude, frequency, phase, profile)
      (self.transform, self.perCell) = (transform, perCell)
      rowsAtTime = transform != nil && perCell != nil ? PinnedDoubles([Double](repeating: 0, count: 9)) : nil
    }

    /// The factor f(t) s(t) on B0 at time t.
    func factor(at time: Double) -> Double {
      let ac = frequency == 0 ? 1 : Double.cos(2 * Double.pi * frequency * time + phase)
      return ac * profile.value(at: time)
    }

    /// The rows of `s` M(t) (`s` = f(t) s(t)), or nil when M is the identity.
    func matrix(at time: Double, factor s: Double) -> (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>)? {
      guard let t = transform else { return nil }
      let v = t.map { s * $0.value(at: time) }
      return (SIMD3(v[0], v[1], v[2]), SIMD3(v[3], v[4], v[5]), SIMD3(v[6], v[7], v[8]))
    }

    /// The matrix of rows `rows` times b.
    static func apply(_ rows: (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>), to b: SIMD3<Double>) -> SIMD3<Double> {
      SIMD3((rows.0 * b).sum(), (rows.1 * b).sum(), (rows.2 * b).sum())
    }

    func cell(at time: Double) -> Cell {
      let s = factor(at: time)
      let rows = matrix(at: time, factor: s)
      if let rows, let buffer = rowsAtTime {
        for k in 0..<3 {
          buffer.pointer[k] = rows.0[k]
          buffer.pointer[3 + k] = rows.1[k]
          buffer.pointer[6 + k] = rows.2[k]
        }
      }
      return Cell(
        field: rows.map { Self.apply($0, to: amplitude) } ?? amplitude * s, scale: s,
        rows: rowsAtTime.map { UnsafePointer($0.pointer) }, perCell: perCell.map { UnsafePointer($0.pointer) },
        count: (perCell?.count ?? 0) / 3)
    }
  }

  public struct Cell: @unchecked Sendable {
    /// f(t) s(t) M(t) B0, T (uniform B0).
    let field: SIMD3<Double>
    /// f(t) s(t).
    let scale: Double
    /// f(t) s(t) M(t), 9 values row by row, where B0 is per cell and M is not the identity; else nil.
    let rows: UnsafePointer<Double>?
    let perCell: UnsafePointer<Double>?
    let count: Int
  }
}
