import Gilbert

/// `[[anisotropy_cubic]]`: cubic anisotropy, K1 (J/m³, per region; K1 > 0
/// makes the axes easy) about `axis1` and `axis2` (the part of axis2
/// perpendicular to axis1; axis3 = axis1 × axis2), ``CubicAnisotropy``.
/// The i-th entry (from 1) is named `cubic_anisotropy` when it is the only
/// one, else `cubic_anisotropy_<i>`; its parameters are `Kc1`, `Kc_axis1`,
/// `Kc_axis2` (with `_<i>` after the first). The (q, φ) model does not
/// include it.
public struct CubicAnisotropySection: TermSection {
  public static let physics = "the cubic anisotropy ([[anisotropy_cubic]])"
  /// The entries: K1 per region (or one value) and the orthonormal axes.
  public let entries: [(constants: [Double], axes: (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>))]

  public static func read(from root: ConfigTable, context: ConfigContext) throws(ConfigError)
    -> CubicAnisotropySection?
  {
    var entries: [(constants: [Double], axes: (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>))] = []
    for t in try root.tables("anisotropy_cubic") {
      let k = try t.perRegion("K1", regions: context.regionCount, unit: "J/m³", expected: "a finite number (either sign)")
      let a1 = try t.vector("axis1"), a2 = try t.vector("axis2")
      guard let s1 = directionScaled(a1) else {
        throw ConfigError(key: t.key("axis1"), message: "is \(a1.configText); give a nonzero direction")
      }
      guard let s2 = directionScaled(a2), let axes = CubicAnisotropy.orthonormal(s1, s2) else {
        throw ConfigError(
          key: t.key("axis2"),
          message: "is \(a2.configText), zero or parallel to axis1 = \(a1.configText); give a direction not along axis1")
      }
      try t.finish()
      entries.append((k, axes))
    }
    return entries.isEmpty ? nil : CubicAnisotropySection(entries: entries)
  }

  /// The output name of entry `i` (from 0) and the suffix of its parameters.
  func names(_ i: Int) -> (term: String, parameter: String) {
    (entries.count == 1 ? "cubic_anisotropy" : "cubic_anisotropy_\(i + 1)", i == 0 ? "" : "_\(i + 1)")
  }

  public var parameters: [RegionParameter] {
    entries.indices.flatMap { i -> [RegionParameter] in
      let (k, (u1, u2, _)) = entries[i]
      let s = names(i).parameter
      return [
        RegionParameter("Kc1" + s, k, unit: "J/m^3"), RegionParameter("Kc_axis1" + s, [u1.x, u1.y, u1.z], unit: ""),
        RegionParameter("Kc_axis2" + s, [u2.x, u2.y, u2.z], unit: ""),
      ]
    }
  }

  /// 4|K1|/Ms per entry (the field's largest slope in m is below 4|K1|/Ms).
  public func largestField(saturationMagnetization ms: Double, grid: Grid) -> Double {
    entries.map { 4 * ($0.constants.map(abs).max() ?? 0) / ms }.reduce(0, +)
  }

  public func fieldTerms(magnet: Magnet) -> [any FieldTerm] {
    entries.indices.map { i in
      CubicAnisotropy(
        magnet: magnet, constants: entries[i].constants, axis1: entries[i].axes.0, axis2: entries[i].axes.1,
        name: names(i).term)
    }
  }
}

/// `[sot]`: the spin–orbit torques of a current in a heavy metal
/// (``SpinOrbitTorque``). Keys: `j` (A/m², a vector in the plane, or a
/// number: along x; the heavy metal's current density; default the
/// `[current]`'s j); `xi_DL`, `xi_FL`
/// (per region), or `spin_hall_angle` (ξ_DL = θ_SH; `xi_FL` may be added);
/// `thickness` (m, the ferromagnet's; default the grid's nz·dz); `sigma`
/// (one vector or one per region; default ẑ × ĵ, the heavy metal below);
/// the time profile keys (default the `[current]`'s profile when j is
/// taken from it, else constant).
public struct SpinOrbitSection: TermSection {
  public static let physics = "the spin-orbit torques ([sot])"
  public let currentDensity: SIMD3<Double>
  public let dampingLike: [Double], fieldLike: [Double]
  public let sigma: [SIMD3<Double>]
  public let thickness: Double
  public let profile: TimeProfile

  public static func read(from root: ConfigTable, context: ConfigContext) throws(ConfigError) -> SpinOrbitSection? {
    guard let t = try root.table("sot") else { return nil }
    let n = context.regionCount
    let grid = try context.grid
    let current = context.section(CurrentSection.self)
    var j: SIMD3<Double>
    var profile = TimeProfile.constant
    if case .array? = t.raw("j") {
      j = try t.vector("j", unit: "A/m²")
    } else if t.has("j") {
      // A number is a current along x (a wire's; a sweep can vary it).
      j = SIMD3(try t.double("j", unit: "A/m²", expected: "a current density (A/m², along x) or a vector in the plane"), 0, 0)
    } else {
      guard let current, case .density(let given) = current.settings else {
        throw ConfigError(
          key: "sot.j",
          message: "is missing: give the heavy metal's current density (A/m², a vector in the plane), or a uniform [current] j to take")
      }
      j = given
      profile = current.profile
    }
    guard j.z == 0, j != .zero else {
      throw ConfigError(key: "sot.j", message: "is \(j.configText) A/m²; expected a nonzero current density in the plane (x, y)")
    }
    let given = ["xi_DL", "spin_hall_angle"].filter { t.has($0) }
    guard given.count == 1 else {
      throw ConfigError(
        key: "sot",
        message: "needs exactly one of xi_DL (the damping-like efficiency) or spin_hall_angle (θ_SH, then ξ_DL = θ_SH); it has \(given.isEmpty ? "none" : given.joined(separator: ", "))")
    }
    let dl = try t.perRegion(given[0], regions: n, expected: "a finite number (either sign)")
    let fl = try t.perRegion("xi_FL", default: 0, regions: n, expected: "a finite number (either sign)")
    let thickness = try t.double(
      "thickness", default: Double(grid.nz) * grid.dz, unit: "m", valid: { $0 > 0 }, expected: "a positive thickness")
    let jHat = j / (j * j).sum().squareRoot()
    let sigmas = try t.vectors("sigma", default: SIMD3(-jHat.y, jHat.x, 0), regions: n)
    for (r, s) in sigmas.enumerated() where directionScaled(s) == nil {
      throw ConfigError(key: sigmas.count > 1 ? "sot.sigma[\(r)]" : "sot.sigma", message: "is \(s.configText); give a nonzero direction")
    }
    if t.has("time_profile") { profile = try TimeProfile.read(from: t) }
    try t.finish()
    return SpinOrbitSection(
      currentDensity: j, dampingLike: dl, fieldLike: fl, sigma: sigmas.map { $0 / ($0 * $0).sum().squareRoot() },
      thickness: thickness, profile: profile)
  }

  public var parameters: [RegionParameter] {
    let j = currentDensity
    return [
      RegionParameter("sot_j", [j.x, j.y, j.z], unit: "A/m^2"), RegionParameter("sot_xi_DL", dampingLike, unit: ""),
      RegionParameter("sot_xi_FL", fieldLike, unit: ""), RegionParameter("sot_sigma", sigma.flatMap { [$0.x, $0.y, $0.z] }, unit: ""),
      RegionParameter("sot_thickness", [thickness], unit: "m"),
    ]
  }

  /// The model takes region 0's fields b = −ħ ξ j/(2 e Ms t_F) at the run's
  /// current and σ̂; a current that varies in time has no steady velocity.
  public func contribute(to model: inout WallModelInputs) -> String? {
    guard profile.isConstant else {
      return "the spin-orbit current varies in time (sot.time_profile); the model's steady velocity needs a constant current"
    }
    let ms = model.saturationMagnetization
    guard ms > 0 else { return "region 0 is empty" }
    let c = -PhysicalConstants.reducedPlanck * (currentDensity * currentDensity).sum().squareRoot()
      / (2 * PhysicalConstants.elementaryCharge * ms * thickness)
    (model.dampingLikeField, model.fieldLikeField, model.spinPolarization) = (c * dampingLike[0], c * fieldLike[0], sigma[0])
    return nil
  }

  /// ħ j (|ξ_DL| + |ξ_FL|)/(2 e Ms t_F), the torques' field at the largest current.
  public func largestField(saturationMagnetization ms: Double, grid: Grid) -> Double {
    let j = (currentDensity * currentDensity).sum().squareRoot()
    let xi = (dampingLike.map(abs).max() ?? 0) + (fieldLike.map(abs).max() ?? 0)
    return PhysicalConstants.reducedPlanck * j * xi / (2 * PhysicalConstants.elementaryCharge * ms * thickness)
  }

  public func fieldTerms(magnet: Magnet) -> [any FieldTerm] {
    [
      SpinOrbitTorque(
        magnet: magnet, currentDensity: (currentDensity * currentDensity).sum().squareRoot(), thickness: thickness,
        dampingLike: dampingLike, fieldLike: fieldLike, polarization: sigma, profile: profile)
    ]
  }
}

/// `[slonczewski]`: Slonczewski's torque of a current through a fixed layer
/// (``SlonczewskiTorque``). Keys (per region where a number): `J` (A/m²),
/// `p` (the fixed layer's direction, one vector or one per region), `P`,
/// `Lambda` (default 1), `eps_prime` (default 0), `thickness` (m, the free
/// layer's; default the grid's nz·dz), and the time profile keys.
public struct SlonczewskiSection: TermSection {
  public static let physics = "Slonczewski's torque ([slonczewski])"
  public let currentDensity: [Double], polarization: [Double], lambda: [Double], epsilonPrime: [Double]
  public let fixedLayer: [SIMD3<Double>]
  public let thickness: Double
  public let profile: TimeProfile

  public static func read(from root: ConfigTable, context: ConfigContext) throws(ConfigError) -> SlonczewskiSection? {
    guard let t = try root.table("slonczewski") else { return nil }
    let n = context.regionCount
    let grid = try context.grid
    let j = try t.perRegion("J", regions: n, unit: "A/m²", expected: "a finite current density (either sign)")
    let p = try t.vectors("p", regions: n)
    for (r, v) in p.enumerated() where directionScaled(v) == nil {
      throw ConfigError(key: p.count > 1 ? "slonczewski.p[\(r)]" : "slonczewski.p", message: "is \(v.configText); give a nonzero direction")
    }
    let pol = try t.perRegion("P", regions: n, valid: { $0 >= 0 && $0 <= 1 }, expected: "a spin polarisation from 0 to 1")
    let lambda = try t.perRegion("Lambda", default: 1, regions: n, valid: { $0 >= 1 }, expected: "Λ ≥ 1")
    let eps = try t.perRegion("eps_prime", default: 0, regions: n, expected: "a finite number (the field-like ε′)")
    let thickness = try t.double(
      "thickness", default: Double(grid.nz) * grid.dz, unit: "m", valid: { $0 > 0 }, expected: "a positive thickness")
    let profile = try TimeProfile.read(from: t)
    try t.finish()
    return SlonczewskiSection(
      currentDensity: j, polarization: pol, lambda: lambda, epsilonPrime: eps, fixedLayer: p, thickness: thickness,
      profile: profile)
  }

  public var parameters: [RegionParameter] {
    [
      RegionParameter("slonczewski_J", currentDensity, unit: "A/m^2"),
      RegionParameter("slonczewski_p", fixedLayer.flatMap { [$0.x, $0.y, $0.z] }, unit: ""),
      RegionParameter("slonczewski_P", polarization, unit: ""), RegionParameter("slonczewski_Lambda", lambda, unit: ""),
      RegionParameter("slonczewski_eps_prime", epsilonPrime, unit: ""),
      RegionParameter("slonczewski_thickness", [thickness], unit: "m"),
    ]
  }

  /// (ħ|J|/(e Ms t)) (P Λ²/2 + |ε′|): ε is largest, P Λ²/2, where m = −p.
  public func largestField(saturationMagnetization ms: Double, grid: Grid) -> Double {
    let j = currentDensity.map(abs).max() ?? 0
    let eps = (polarization.max() ?? 0) * (lambda.map { $0 * $0 }.max() ?? 1) / 2 + (epsilonPrime.map(abs).max() ?? 0)
    return PhysicalConstants.reducedPlanck * j * eps / (PhysicalConstants.elementaryCharge * ms * thickness)
  }

  public func fieldTerms(magnet: Magnet) -> [any FieldTerm] {
    [
      SlonczewskiTorque(
        magnet: magnet, currentDensity: currentDensity, thickness: thickness, polarization: polarization,
        lambda: lambda, epsilonPrime: epsilonPrime, fixedLayer: fixedLayer, profile: profile)
    ]
  }
}
