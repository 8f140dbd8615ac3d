/// Transport and spin-relaxation parameters of one region (Documentation/Longitudinal.md), SI.
/// The defaults make every longitudinal term vanish.
public struct TransportMaterial: Sendable, Equatable {
  /// Resistivity for current perpendicular to m, Ω·m (0: the region does not conduct).
  public var rhoPerpendicular: Double = 0
  /// Resistivity for current parallel to m, Ω·m.
  public var rhoParallel: Double = 0
  /// Spin-resolved conductivities σ+, σ−, S/m.
  public var sigmaUp: Double = 0, sigmaDown: Double = 0
  /// Spin diffusion lengths ℓ_s,+ and ℓ_s,−, m (infinity: no relaxation).
  public var spinLengthUp: Double = .infinity, spinLengthDown: Double = .infinity
  /// γ_τ = γ − δσ_s and δγ_τ = δγ + δσ_s, S/m.
  public var gammaTau: Double = 0, deltaGammaTau: Double = 0
  /// Longitudinal relaxation time τ_∥, s (infinity allowed).
  public var tauParallel: Double = .infinity

  /// A region with no transport (an insulator or vacuum).
  public init() {}

  /// Whether current flows in this region.
  public var conducts: Bool { rhoPerpendicular > 0 }
}

/// Per-cell values of the transport parameters of a magnet's regions.
public struct TransportCells: Sendable {
  public let rhoPerp: [Double], rhoPar: [Double]
  public let sigma: [[Double]]  // [up, down]
  public let inverseLengthSquared: [[Double]]  // [up, down]: ℓ⁻², 0 for infinite ℓ
  public let gammaTau: [Double], deltaGammaTau: [Double], tauParallel: [Double]
  public let conducts: [Bool]

  /// The per-cell arrays for `magnet` with one `TransportMaterial` per region.
  public init(magnet: Magnet, materials: [TransportMaterial]) {
    precondition(materials.count == magnet.materials.count, "one transport material per region")
    func cells(_ f: (TransportMaterial) -> Double) -> [Double] { magnet.regions.map { f(materials[$0]) } }
    rhoPerp = cells(\.rhoPerpendicular)
    rhoPar = cells(\.rhoParallel)
    sigma = [cells(\.sigmaUp), cells(\.sigmaDown)]
    func inv2(_ l: Double) -> Double { l.isFinite ? 1 / (l * l) : 0 }
    inverseLengthSquared = [cells { inv2($0.spinLengthUp) }, cells { inv2($0.spinLengthDown) }]
    gammaTau = cells(\.gammaTau)
    deltaGammaTau = cells(\.deltaGammaTau)
    tauParallel = cells(\.tauParallel)
    conducts = magnet.regions.map { materials[$0].conducts }
  }
}
