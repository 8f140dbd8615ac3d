/// The current that drives the spin-transfer torques: the spin-drift velocity
/// u of every cell (m/s) and, where it is known, the charge current density j
/// (A/m²). The equation owns one drive; current-driven torques hold only their
/// coefficients (β, δβ) and read u from it, so changing the current (electrodes
/// that follow m) is one assignment to ``LLG/drive``. A current that varies
/// in time (pulses) is the amplitude times ``profile``: the torques read
/// u · s(t) at the time of every stage.
public struct Drive: Sendable {
  /// The amplitude of u of every cell, m/s (zero in empty cells); nil when no current flows.
  public let velocity: VectorField?
  /// The amplitude of u when it is one vector in every magnetic cell (the
  /// fused pass then reads no u per cell), else nil.
  public let uniformVelocity: SIMD3<Double>?
  /// The amplitude of j of every cell, A/m²; nil when only u was given.
  public let currentDensity: VectorField?
  /// s(t): u and j at time t are the amplitudes times s(t).
  public var profile: TimeProfile = .constant

  /// s(t), the factor on the amplitudes at time `t`.
  @inlinable public func scale(at t: Double) -> Double { profile.value(at: t) }

  /// No current.
  public init() {
    velocity = nil
    uniformVelocity = nil
    currentDensity = nil
  }

  /// A drive of u as given (one vector per cell), with no j.
  public init(velocity u: VectorField) {
    velocity = u
    uniformVelocity = nil
    currentDensity = nil
  }

  /// A drive given by u directly (one vector per cell), zero in `magnet`'s empty cells.
  public init(magnet: Magnet, velocity u: VectorField) {
    velocity = SpinDrift.masked(u, magnet: magnet)
    uniformVelocity = nil
    currentDensity = nil
  }

  /// The same u in every magnetic cell of `magnet` (zero in the empty ones).
  public init(magnet: Magnet, uniformVelocity u: SIMD3<Double>) {
    velocity = SpinDrift.masked(VectorField(count: magnet.grid.cellCount, uniform: u), magnet: magnet)
    uniformVelocity = u
    currentDensity = nil
  }

  /// A drive given by the current density j; u = −g μB P j/(2 e Ms) cell by
  /// cell with each region's P (``SpinDrift``).
  public init(magnet: Magnet, currentDensity j: VectorField) {
    velocity = SpinDrift.masked(SpinDrift.velocity(magnet: magnet, currentDensity: j), magnet: magnet)
    uniformVelocity = nil
    currentDensity = j
  }
}
