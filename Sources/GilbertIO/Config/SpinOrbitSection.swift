import Gilbert

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
    let thickness = try t.thickness(grid: grid)
    let jHat = j / (j * j).sum().squareRoot()
    let sigmas = try t.directions("sigma", default: SIMD3(-jHat.y, jHat.x, 0), regions: n)
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
    let c = SpinOrbitTorque.fieldPerEfficiency(
      currentDensity: (currentDensity * currentDensity).sum().squareRoot(), thickness: thickness, saturationMagnetization: ms)
    (model.dampingLikeField, model.fieldLikeField, model.spinPolarization) = (c * dampingLike[0], c * fieldLike[0], sigma[0])
    return nil
  }

  /// ħ j (|ξ_DL| + |ξ_FL|)/(2 e Ms t_F), the torques' field at the largest current.
  public func largestField(saturationMagnetization ms: Double, grid: Grid) -> Double {
    let j = (currentDensity * currentDensity).sum().squareRoot()
    let xi = (dampingLike.map(abs).max() ?? 0) + (fieldLike.map(abs).max() ?? 0)
    return xi * abs(SpinOrbitTorque.fieldPerEfficiency(currentDensity: j, thickness: thickness, saturationMagnetization: ms))
  }

  public func fieldTerms(magnet: Magnet) -> [any FieldTerm] {
    [
      SpinOrbitTorque(
        magnet: magnet, currentDensity: (currentDensity * currentDensity).sum().squareRoot(), thickness: thickness,
        dampingLike: dampingLike, fieldLike: fieldLike, polarization: sigma, profile: profile)
    ]
  }
}
