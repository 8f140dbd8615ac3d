import ArgumentParser
import Foundation
import Gilbert
import GilbertIO

/// `gilbert coefficients`: the longitudinal and β coefficients of the
/// paper's microscopic model for a material (Documentation/Longitudinal.md), SI with ħ restored.
struct CoefficientsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "coefficients",
    abstract: "Print τ±, D±, σ±, τs±, ℓs±, γ, δγ, δσs, γτ, δγτ, the spin-AMR ratio, β and δβ of the microscopic model.",
    discussion: "Formulas and units: Documentation/Physics.md (the paper's Eqs. 21, 23, 32, 36, 40, D7).")

  @Option(name: .customLong("kf-up"), help: "Fermi wave number of the majority band k_F+, 1/m.")
  var kFUp: Double

  @Option(name: .customLong("kf-down"), help: "Fermi wave number of the minority band k_F−, 1/m (< k_F+).")
  var kFDown: Double

  @Option(help: "Electron mass, kg.")
  var mass = MicroscopicModel.electronMass

  @Option(help: "Normal impurity scattering n_i v_i², J²·m³.")
  var impurity: Double

  @Option(name: .customLong("spin-orbit"), help: "Spin-orbit impurity scattering n_so λ_so², J²·m⁷.")
  var spinOrbit: Double

  @Option(
    name: .customLong("write-config"),
    help: "Also write the [material] β, δβ and [longitudinal] values as a TOML fragment to this file.")
  var writeConfig: String?

  @Flag(help: "Replace the --write-config file if it exists.")
  var force = false

  func validate() throws {
    for (flag, v) in [
      ("--kf-up", kFUp), ("--kf-down", kFDown), ("--mass", mass), ("--impurity", impurity), ("--spin-orbit", spinOrbit),
    ]
    where !(v.isFinite && v > 0) {
      fail("\(flag) is \(v); expected a positive finite number")
    }
    if kFDown >= kFUp {
      fail("--kf-down is \(kFDown), not below --kf-up \(kFUp); the majority band (+) has the larger k_F")
    }
  }

  func run() throws {
    let m = MicroscopicModel(kFUp: kFUp, kFDown: kFDown, mass: mass, impurity: impurity, spinOrbit: spinOrbit)
    let rows: [(String, Double, String)] = [
      ("tau_up", m.lifetime[0], "s"), ("tau_down", m.lifetime[1], "s"),
      ("D_up", m.diffusion[0], "m^2/s"), ("D_down", m.diffusion[1], "m^2/s"),
      ("sigma_up", m.conductivity[0], "S/m"), ("sigma_down", m.conductivity[1], "S/m"),
      ("tau_s_up", m.spinLifetime[0], "s"), ("tau_s_down", m.spinLifetime[1], "s"),
      ("ell_s_up", m.spinLength[0], "m"), ("ell_s_down", m.spinLength[1], "m"),
      ("gamma", m.gamma, "S/m"), ("delta_gamma", m.deltaGamma, "S/m"), ("delta_sigma_s", m.deltaSigmaS, "S/m"),
      ("gamma_tau", m.gammaTau, "S/m"), ("delta_gamma_tau", m.deltaGammaTau, "S/m"),
      ("spin_amr", m.spinAMR, ""), ("beta", m.beta, ""), ("delta_beta", m.deltaBeta, ""),
      ("delta_gamma/gamma", m.deltaGamma / m.gamma, ""), ("delta_beta/beta", m.deltaBeta / m.beta, ""),
    ]
    for (name, value, unit) in rows {
      print(
        name.padding(toLength: 18, withPad: " ", startingAt: 0) + String(format: "%.9e", value)
          + (unit.isEmpty ? "" : "  " + unit))
    }
    guard let path = writeConfig else { return }
    if !force && FileManager.default.fileExists(atPath: path) {
      fail("--write-config file '\(path)' exists; pass --force to replace it")
    }
    let text = """
      # From gilbert coefficients --kf-up \(kFUp) --kf-down \(kFDown) --mass \(mass) --impurity \(impurity) --spin-orbit \(spinOrbit)
      # Merge into a run's config: β and δβ into [material], the rest as [longitudinal].
      # [material]
      # beta = \(m.beta)
      # delta_beta = \(m.deltaBeta)

      [longitudinal]
      rho_perp = \(1 / m.conductivity.reduce(0, +))   # Ω·m: 1/(σ+ + σ−)
      sigma_up = \(m.conductivity[0])
      sigma_down = \(m.conductivity[1])
      ell_s_up = \(m.spinLength[0])
      ell_s_down = \(m.spinLength[1])
      gamma_tau = \(m.gammaTau)
      delta_gamma_tau = \(m.deltaGammaTau)

      """
    try AtomicText.write(text, to: path)
    print("wrote \(path)")
  }
}
