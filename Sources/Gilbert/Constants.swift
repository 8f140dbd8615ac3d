/// Physical constants in SI units, the single place they are defined.
///
/// The values are those of the physics contract (Documentation/Physics.md): the gyromagnetic
/// ratio is the one mumax3 and OOMMF use, so results compare one to one.
public enum PhysicalConstants {
  /// Vacuum permeability μ0, T·m/A.
  public static let mu0 = 1.25663706212e-6
  /// Gyromagnetic ratio of the Landau–Lifshitz equation γ_LL = γ_e, rad/(s·T).
  public static let gammaLL = 1.7595e11
  /// γ0 = μ0·γ_LL, m/(A·s): the prefactor of m × H with H in A/m.
  public static let gamma0 = mu0 * gammaLL
  /// Bohr magneton μB, J/T.
  public static let bohrMagneton = 9.2740100783e-24
  /// Reduced Planck constant ħ, J·s.
  public static let reducedPlanck = 1.054571817e-34
  /// Elementary charge e, C.
  public static let elementaryCharge = 1.602176634e-19
  /// Boltzmann constant k_B, J/K.
  public static let boltzmann = 1.380649e-23
  /// Electron g-factor used for the spin-transfer torque, dimensionless.
  public static let gFactor = 2.0
}
