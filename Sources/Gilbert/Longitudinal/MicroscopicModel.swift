import RealModule

/// The coefficients of the paper's microscopic model (Sections III–IV,
/// Appendix D; Documentation/Longitudinal.md) in SI units with ħ restored: parabolic bands of
/// spin σ = ± with Fermi wave numbers k_F±, electron mass m, normal impurity
/// scattering n_i v_i² (J²·m³) and spin-orbit impurity scattering
/// n_so λ_so² (J²·m⁷). Conductivity-like results are in S/m (the paper's
/// "divided by e" quantities times e).
///
///     ν_σ = m k_Fσ/(2π²ħ²),  κ_z,σ = r k_Fσ⁴/3,  κ⊥ = 2r k_F+² k_F−²/3,  r = n_so λ²/(n_i v_i²)
///     1/τ_σ = (2π/ħ) n_i v_i² ν_σ (1 + κ_z,σ + κ⊥ ν_−σ/ν_σ)                       (Eq. 21)
///     D_σ = ħ² k_Fσ² τ_σ/(3m²),  σ_σ = e² D_σ ν_σ,  τ_s,σ = τ_σ/(κ⊥ ν_−σ/ν_σ),  ℓ_s,σ = √(D_σ τ_s,σ)  (Eq. 32)
///     γ = (8π e² ħ/(15 m²)) n_so λ² ν+ ν− k_F+² k_F−² Σσ σ k_Fσ² τ_σ²,  δγ = γ/3   (Eq. 23)
///     δσ_s = (π e²/(9m)) n_so λ² Σσ σ k_Fσ⁴ ν_σ² τ_σ                              (Eq. 36)
///     σ_s = e² Σσ σ D_σ ν_σ + δσ_s,  Δρ_s/ρ_s⊥ = (δσ_s/σ_s)/(1 − δσ_s/σ_s)        (Eq. 40)
///     γ_τ = γ − δσ_s,  δγ_τ = δγ + δσ_s
///     β = (32π e²/(9 m σ_B (k_F+² − k_F−²))) n_so λ² (Σσ σ τ_σ ν_σ k_Fσ⁴)(Σσ ν_σ k_Fσ²),  δβ = −β/5  (Eq. D7)
///
/// The ħ powers follow from dimensional analysis of the paper's ħ = 1
/// expressions. β comes from Eq. (D7) with the k sums done on the Fermi
/// surfaces: Σ_k |g^r_kσ|² f(k) = (2π τ_σ/ħ) ν_σ f(k_Fσ), Σ_k Im g^r_kσ f(k) =
/// −π ν_σ f(k_Fσ), and Re g^r_{k_Fσ,−σ} = −σ 2m/(ħ²(k_F+² − k_F−²)) (the
/// exchange splitting); σ_B = σ+ + σ− is the Boltzmann conductivity.
public struct MicroscopicModel: Sendable {
  /// Inputs: Fermi wave numbers (1/m), mass (kg), n_i v_i² (J²·m³), n_so λ_so² (J²·m⁷).
  public let kF: [Double], mass: Double, impurity: Double, spinOrbit: Double

  /// ħ, J·s.
  public static let hbar = 1.054571817e-34
  /// The free-electron mass, kg.
  public static let electronMass = 9.1093837015e-31

  /// The model for the given inputs (k_F+ first).
  public init(
    kFUp: Double, kFDown: Double, mass: Double = MicroscopicModel.electronMass, impurity: Double, spinOrbit: Double
  ) {
    kF = [kFUp, kFDown]
    self.mass = mass
    self.impurity = impurity
    self.spinOrbit = spinOrbit
  }

  static let e = PhysicalConstants.elementaryCharge
  var signs: [Double] { [1, -1] }

  /// ν_σ, J⁻¹ m⁻³.
  public var densityOfStates: [Double] { kF.map { mass * $0 / (2 * Double.pi * Double.pi * Self.hbar * Self.hbar) } }
  /// κ_z,σ and κ⊥.
  public var kappaZ: [Double] { kF.map { spinOrbit / impurity * Double.pow($0, 4) / 3 } }
  public var kappaPerp: Double { 2 * spinOrbit / impurity * kF[0] * kF[0] * kF[1] * kF[1] / 3 }
  /// γ_σ = ν_−σ/ν_σ.
  public var dosRatio: [Double] {
    let n = densityOfStates
    return [n[1] / n[0], n[0] / n[1]]
  }
  /// τ_σ, s (Eq. 21).
  public var lifetime: [Double] {
    let n = densityOfStates, kz = kappaZ, g = dosRatio
    return (0..<2).map { Self.hbar / (2 * Double.pi * impurity * n[$0] * (1 + kz[$0] + kappaPerp * g[$0])) }
  }
  /// D_σ, m²/s.
  public var diffusion: [Double] {
    let t = lifetime
    return (0..<2).map { Self.hbar * Self.hbar * kF[$0] * kF[$0] * t[$0] / (3 * mass * mass) }
  }
  /// σ_σ = e² D_σ ν_σ, S/m.
  public var conductivity: [Double] {
    let d = diffusion, n = densityOfStates
    return (0..<2).map { Self.e * Self.e * d[$0] * n[$0] }
  }
  /// τ_s,σ, s.
  public var spinLifetime: [Double] {
    let t = lifetime, g = dosRatio
    return (0..<2).map { t[$0] / (kappaPerp * g[$0]) }
  }
  /// ℓ_s,σ, m (Eq. 32).
  public var spinLength: [Double] {
    let d = diffusion, ts = spinLifetime
    return (0..<2).map { (d[$0] * ts[$0]).squareRoot() }
  }
  /// γ, S/m (Eq. 23).
  public var gamma: Double {
    let n = densityOfStates, t = lifetime
    let sum = (0..<2).reduce(0.0) { $0 + signs[$1] * kF[$1] * kF[$1] * t[$1] * t[$1] }
    return 8 * Double.pi * Self.e * Self.e * Self.hbar / (15 * mass * mass) * spinOrbit * n[0] * n[1]
      * kF[0] * kF[0] * kF[1] * kF[1] * sum
  }
  /// δγ = γ/3, S/m.
  public var deltaGamma: Double { gamma / 3 }
  /// δσ_s, S/m (Eq. 36).
  public var deltaSigmaS: Double {
    let n = densityOfStates, t = lifetime
    let sum = (0..<2).reduce(0.0) { $0 + signs[$1] * Double.pow(kF[$1], 4) * n[$1] * n[$1] * t[$1] }
    return Double.pi * Self.e * Self.e / (9 * mass) * spinOrbit * sum
  }
  /// σ_s = σ_s⁰ + δσ_s, S/m.
  public var spinConductivity: Double {
    let d = diffusion, n = densityOfStates
    return Self.e * Self.e * (d[0] * n[0] - d[1] * n[1]) + deltaSigmaS
  }
  /// Δρ_s/ρ_s⊥ (Eq. 40).
  public var spinAMR: Double {
    let x = deltaSigmaS / spinConductivity
    return x / (1 - x)
  }
  /// γ_τ = γ − δσ_s, S/m.
  public var gammaTau: Double { gamma - deltaSigmaS }
  /// δγ_τ = δγ + δσ_s, S/m.
  public var deltaGammaTau: Double { deltaGamma + deltaSigmaS }
  /// β (Eq. D7).
  public var beta: Double {
    let n = densityOfStates, t = lifetime
    let sigmaB = conductivity.reduce(0, +)
    let a = (0..<2).reduce(0.0) { $0 + signs[$1] * t[$1] * n[$1] * Double.pow(kF[$1], 4) }
    let b = (0..<2).reduce(0.0) { $0 + n[$1] * kF[$1] * kF[$1] }
    return 32 * Double.pi * Self.e * Self.e / (9 * mass * sigmaB * (kF[0] * kF[0] - kF[1] * kF[1])) * spinOrbit * a * b
  }
  /// δβ = −β/5.
  public var deltaBeta: Double { -beta / 5 }
}
