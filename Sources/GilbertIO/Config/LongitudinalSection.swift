import Gilbert

/// `[longitudinal]`: transport and spin-relaxation parameters of the paper's
/// Eq. (47), per region (Documentation/Longitudinal.md). Adds no term to the
/// LLG: the current, the spin potentials and δm are computed beside it.
public struct LongitudinalSection: ConfigSection {
  /// The parameters of each region.
  public let transport: [TransportMaterial]
  /// Recompute the current and the longitudinal fields every this many steps.
  public let updateEvery: Int

  public static func read(from root: ConfigTable, context: ConfigContext) throws(ConfigError) -> LongitudinalSection? {
    guard let l = try root.table("longitudinal") else { return nil }
    guard (try context.grid).nz == 1 else {
      throw ConfigError(
        key: "longitudinal",
        message:
          "needs a grid one cell thick (mesh.n has Nz = \((try context.grid).nz)); its transport is solved in the plane")
    }
    let n = context.regionCount
    let nonNegative: (Double) -> Bool = { $0 >= 0 }
    let positive: (Double) -> Bool = { $0 > 0 }
    func region(
      _ k: String, _ def: Double, unit: String, valid: (Double) -> Bool, expected: String, infinite: Bool = false
    ) throws(ConfigError) -> [Double] {
      if infinite, case .string(let s)? = l.raw(k) {
        guard s == "inf" else {
          throw ConfigError(key: l.key(k), message: "is \"\(s)\"; expected \(expected) in \(unit), or \"inf\"")
        }
        return [Double](repeating: .infinity, count: n)
      }
      if infinite, case .double(let d)? = l.raw(k), d == .infinity {
        return [Double](repeating: .infinity, count: n)
      }
      return try l.regionParameter(k, default: def, regions: n, unit: unit, valid: valid, expected: expected)
        .expanded(regions: n).values
    }
    let rhoPerp = try region(
      "rho_perp", 0, unit: "Ohm*m", valid: nonNegative, expected: "a number ≥ 0 (0: no conduction)")
    let rhoPar =
      l.has("rho_par")
      ? try region("rho_par", 0, unit: "Ohm*m", valid: nonNegative, expected: "a number ≥ 0") : rhoPerp
    let sUp = try region("sigma_up", 0, unit: "S/m", valid: nonNegative, expected: "a number ≥ 0")
    let sDown = try region("sigma_down", 0, unit: "S/m", valid: nonNegative, expected: "a number ≥ 0")
    let lUp = try region(
      "ell_s_up", .infinity, unit: "m", valid: positive, expected: "a positive number", infinite: true)
    let lDown = try region(
      "ell_s_down", .infinity, unit: "m", valid: positive, expected: "a positive number", infinite: true)
    let gt = try region("gamma_tau", 0, unit: "S/m", valid: { _ in true }, expected: "a finite number")
    let dgt = try region("delta_gamma_tau", 0, unit: "S/m", valid: { _ in true }, expected: "a finite number")
    let tau = try region(
      "tau_parallel", .infinity, unit: "s", valid: positive, expected: "a positive number", infinite: true)
    let every = try l.int("update_every", default: 1, valid: { $0 >= 1 }, expected: "an integer ≥ 1 (steps)")
    try l.finish()
    for r in 0..<n {
      for (s, sig, ell) in [("up", sUp, lUp), ("down", sDown, lDown)] where sig[r] > 0 && !ell[r].isFinite {
        throw ConfigError(
          key: "longitudinal.ell_s_\(s)",
          message:
            "is infinite in region \(r) where sigma_\(s) > 0; the spin potential needs a finite spin length there")
      }
    }
    guard rhoPerp.contains(where: { $0 > 0 }) else {
      throw ConfigError(
        key: "longitudinal.rho_perp",
        message: "is 0 in every region; give the resistivity (Ω·m) of the conducting regions")
    }
    let transport = (0..<n).map { r in
      var t = TransportMaterial()
      t.rhoPerpendicular = rhoPerp[r]
      t.rhoParallel = rhoPar[r]
      t.sigmaUp = sUp[r]
      t.sigmaDown = sDown[r]
      t.spinLengthUp = lUp[r]
      t.spinLengthDown = lDown[r]
      t.gammaTau = gt[r]
      t.deltaGammaTau = dgt[r]
      t.tauParallel = tau[r]
      return t
    }
    return LongitudinalSection(transport: transport, updateEvery: every)
  }

  public var parameters: [RegionParameter] {
    let t = transport
    return [
      RegionParameter("rho_perp", t.map(\.rhoPerpendicular), unit: "Ohm*m"),
      RegionParameter("rho_par", t.map(\.rhoParallel), unit: "Ohm*m"),
      RegionParameter("sigma_up", t.map(\.sigmaUp), unit: "S/m"),
      RegionParameter("sigma_down", t.map(\.sigmaDown), unit: "S/m"),
      RegionParameter("ell_s_up", t.map(\.spinLengthUp), unit: "m"),
      RegionParameter("ell_s_down", t.map(\.spinLengthDown), unit: "m"),
      RegionParameter("gamma_tau", t.map(\.gammaTau), unit: "S/m"),
      RegionParameter("delta_gamma_tau", t.map(\.deltaGammaTau), unit: "S/m"),
      RegionParameter("tau_parallel", t.map(\.tauParallel), unit: "s"),
    ]
  }
}
