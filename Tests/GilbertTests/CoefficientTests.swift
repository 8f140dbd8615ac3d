import Foundation
import Gilbert
import Testing

@Suite struct CoefficientTests {
  // A permalloy-like material: k_F+ = 1.1 Å⁻¹, k_F− = 0.9 Å⁻¹, free-electron mass,
  // n_i v_i² = 4e-68 J²m³ (τ ≈ 1e-14 s), n_so λ_so² = 1.2e-109 J²m⁷ (κ ≈ 1e-2).
  let model = MicroscopicModel(kFUp: 1.1e10, kFDown: 0.9e10, impurity: 4.0e-68, spinOrbit: 1.2e-109)

  @Test func ratiosOfThePaper() {
    #expect(abs(model.deltaGamma / model.gamma - 1.0 / 3) < 1e-15)
    #expect(abs(model.deltaBeta / model.beta + 1.0 / 5) < 1e-15)
  }

  @Test func everyQuantityMatchesAnIndependentHandCalculation() {
    // Reference values from tools/coefficients_check.py, a separate Python
    // implementation of the same formulas (Documentation/Physics.md).
    let reference: [(String, Double, Double)] = [
      ("tau_up", model.lifetime[0], 8.918940272388e-15), ("tau_down", model.lifetime[1], 1.090261949465e-14),
      ("D_up", model.diffusion[0], 4.821161741608e-03), ("D_down", model.diffusion[1], 3.945199322257e-03),
      ("sigma_up", model.conductivity[0], 5.649006925094e+06),
      ("sigma_down", model.conductivity[1], 3.782153751256e+06),
      ("tau_s_up", model.spinLifetime[0], 5.561129986525e-13),
      ("tau_s_down", model.spinLifetime[1], 4.550721886071e-13),
      ("ell_s_up", model.spinLength[0], 5.177944295871e-08), ("ell_s_down", model.spinLength[1], 4.237157644071e-08),
      ("gamma", model.gamma, -3.275727925864e+01), ("delta_gamma", model.deltaGamma, -1.091909308621e+01),
      ("delta_sigma_s", model.deltaSigmaS, 2.033807565353e+02), ("gamma_tau", model.gammaTau, -2.361380357939e+02),
      ("delta_gamma_tau", model.deltaGammaTau, 1.924616634491e+02), ("spin_amr", model.spinAMR, 1.089430917147e-04),
      ("beta", model.beta, 2.815067907393e-03), ("delta_beta", model.deltaBeta, -5.630135814785e-04),
    ]
    for (name, value, expected) in reference {
      // 1e-10: the reference is printed to 13 digits; the two codes sum in different orders.
      #expect(abs(value / expected - 1) < 1e-10, "\(name) = \(value), hand calculation \(expected)")
    }
  }

  @Test func physicalSanity() {
    // Drude: σ = e² n τ/m with n = k_F³/(6π²) per spin.
    for s in 0..<2 {
      let n = pow(model.kF[s], 3) / (6 * Double.pi * Double.pi)
      let drude = pow(1.602176634e-19, 2) * n * model.lifetime[s] / MicroscopicModel.electronMass
      #expect(abs(model.conductivity[s] / drude - 1) < 1e-12)
    }
    // Without spin-orbit scattering no spin relaxes: ℓ_s → ∞, β → 0.
    let clean = MicroscopicModel(kFUp: 1.1e10, kFDown: 0.9e10, impurity: 4.0e-68, spinOrbit: 1e-140)
    #expect(clean.spinLength[0] > 1e-3 && abs(clean.beta) < 1e-30)
  }
}
