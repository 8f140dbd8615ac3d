import Gilbert

/// The `[current]` settings: how the current (and so u) is given.
public enum CurrentSettings: Sendable, Equatable {
  /// u directly, m/s.
  case velocity(SIMD3<Double>)
  /// u per cell from an HDF5 dataset [Ny, Nx, 3] or [1, Ny, Nx, 3] (m/s), as j's file.
  case velocityFile(path: String, dataset: String)
  /// A uniform charge current density j, A/m²; u = −g μB P j/(2 e Ms) cell by cell.
  case density(SIMD3<Double>)
  /// j for x < x0 and ratio · j beyond (A/m², m).
  case step(SIMD3<Double>, x0: Double, ratio: Double)
  /// j per cell from an HDF5 dataset [Ny, Nx, 3] or [1, Ny, Nx, 3] (A/m²).
  case file(path: String, dataset: String)
  /// Electrodes on the x edges: V at x = 0, 0 V at x = L; j solved with AMR.
  case electrodes(voltage: Double)

  /// Whether a current density j (not only u) is defined.
  public var hasCurrentDensity: Bool {
    switch self {
    case .velocity, .velocityFile: return false
    default: return true
    }
  }
}

/// `[current]`: the spin-polarised current, given as u, as j (with P), or by
/// electrodes; builds the Zhang–Li torque, and the δβ torque where δβ ≠ 0.
/// Both read u from the equation's ``Drive``.
public struct CurrentSection: TermSection {
  public static let physics = "the spin-transfer torques ([current])"
  /// How the current is given (its amplitude).
  public let settings: CurrentSettings
  /// s(t): the current at time t is the amplitude times s(t) (`time_profile`).
  public let profile: TimeProfile
  /// The materials (for u from j, and whether δβ is used).
  let materials: [Material]

  public static func read(from root: ConfigTable, context: ConfigContext) throws(ConfigError) -> CurrentSection? {
    guard let c = try root.table("current") else { return nil }
    let transport = context.section(LongitudinalSection.self)
    let materials = try context.required(MaterialSection.self).materials
    let given = ["u", "u_path", "j", "voltage"].filter { c.has($0) }
    guard given.count == 1 else {
      throw ConfigError(
        key: "current",
        message:
          "needs exactly one of u (spin-drift velocity, m/s), u_path (an HDF5 file of u per cell), j (current density, A/m², with material.P) or voltage (V, electrodes on the x edges); it has \(given.isEmpty ? "none" : given.joined(separator: ", "))"
      )
    }
    let settings: CurrentSettings
    switch given[0] {
    case "u":
      settings = .velocity(try c.vector("u", unit: "m/s"))
    case "u_path":
      settings = .velocityFile(
        path: context.resolve(try c.string("u_path")), dataset: try c.string("u_dataset", default: "/u"))
    case "voltage":
      let v = try c.double("voltage", unit: "V")
      guard transport != nil else {
        throw ConfigError(
          key: "current.voltage", message: "needs [longitudinal] with rho_perp (Ω·m) to solve for the current")
      }
      guard !(try context.grid).periodicX else {
        throw ConfigError(
          key: "current.voltage", message: "needs open x edges for the electrodes; set mesh.periodic_x = false")
      }
      settings = .electrodes(voltage: v)
    default:
      settings = try density(c, context: context)
    }
    let profile = try TimeProfile.read(from: c)
    try c.finish()
    if (try context.grid).nz > 1 {
      // The current-driven torques take in-plane derivatives (∂x m, ∂y m).
      let along: SIMD3<Double>? =
        switch settings {
        case .velocity(let u): u
        case .density(let j), .step(let j, _, _): j
        default: nil
        }
      if let v = along, v.z != 0 {
        throw ConfigError(
          key: "current.\(given[0])",
          message:
            "has a z component (\(v.z)) on a grid of \((try context.grid).nz) layers; the spin-transfer torques take the current in the plane (x, y)"
        )
      }
    }
    try checkProfile(profile, settings: settings, transport: transport != nil)
    if !settings.hasCurrentDensity, transport != nil {
      throw ConfigError(
        key: "current.\(given[0])",
        message: "gives no current density for the longitudinal terms; give current.j (A/m²) or current.voltage (V)")
    }
    if settings.hasCurrentDensity, !materials.contains(where: { $0.polarization != 0 }), transport == nil {
      throw ConfigError(
        key: "material.P", message: "is 0 everywhere, so the current drives nothing; set P (e.g. 0.7) or give current.u"
      )
    }
    return CurrentSection(settings: settings, profile: profile, materials: materials)
  }

  /// The electrodes' current and the longitudinal fields are solved for a
  /// current that does not change between transport updates: a time profile
  /// is refused with either.
  static func checkProfile(_ profile: TimeProfile, settings: CurrentSettings, transport: Bool) throws(ConfigError) {
    guard !profile.isConstant else { return }
    if case .electrodes = settings {
      throw ConfigError(
        key: "current.time_profile",
        message:
          "is not \"constant\" but the current comes from electrodes (current.voltage), which take a constant voltage; give current.j or current.u for a pulse"
      )
    }
    if transport {
      throw ConfigError(
        key: "current.time_profile",
        message:
          "is not \"constant\" but [longitudinal] solves its fields for a constant current; remove time_profile or [longitudinal]"
      )
    }
  }

  /// j given as a uniform value, a step or a file.
  static func density(_ c: ConfigTable, context: ConfigContext) throws(ConfigError) -> CurrentSettings {
    let j = try c.vector("j", unit: "A/m²")
    switch try c.string("profile", default: "uniform", choices: ["uniform", "step", "file"]) {
    case "step":
      return .step(
        j, x0: try c.double("x0", unit: "m"),
        ratio: try c.double("ratio", expected: "a finite number (j beyond x0 is ratio · j)"))
    case "file":
      return .file(path: context.resolve(try c.string("path")), dataset: try c.string("dataset", default: "/j"))
    default:
      return .density(j)
    }
  }

  public var parameters: [RegionParameter] {
    switch settings {
    case .velocity(let u):
      return [RegionParameter("u", [u.x, u.y, u.z], unit: "m/s")]
    case .density(let j), .step(let j, _, _):
      // u of each region, from j, P and Ms.
      let us = materials.map {
        SpinDrift.velocity(
          currentDensity: j, polarization: $0.polarization, saturationMagnetization: $0.saturationMagnetization)
      }
      return [
        RegionParameter("j", [j.x, j.y, j.z], unit: "A/m^2"),
        RegionParameter("u", us.flatMap { [$0.x, $0.y, $0.z] }, unit: "m/s"),
      ]
    case .electrodes(let v):
      return [RegionParameter("voltage", [v], unit: "V")]
    case .file, .velocityFile:
      return []
    }
  }

  public func torqueTerms(magnet: Magnet) -> [any TorqueTerm] {
    var t: [any TorqueTerm] = [ZhangLiTorque(magnet: magnet)]
    if materials.contains(where: { $0.anisotropicNonAdiabaticity != 0 }) {
      t.append(AnisotropicBetaTorque(magnet: magnet))
    }
    return t
  }

  /// The model has u, β and δβ (region 0's); the direction of u is checked
  /// against the drive by the simulation. A current that varies in time has
  /// no steady velocity to compare with.
  public func contribute(to model: inout WallModelInputs) -> String? {
    profile.isConstant
      ? nil : "the current varies in time (current.time_profile); the model's steady velocity needs a constant u"
  }

  /// How u was obtained, for the root attribute `u_convention`.
  public var uConvention: String {
    if case .velocity = settings { return "u given directly in m/s (current.u)" }
    return
      "u = -g*muB*P*j/(2*e*Ms) cell by cell from the current density j and material.P, g = 2, no 1/(1+beta^2) factor (OOMMF/muMAG convention)"
  }

  /// The drive the current settings give before any transport update (the
  /// electrodes' current is solved by ``updateTransport()``). Current flows
  /// only where the transport model says a region conducts.
  public func initialDrive(magnet: Magnet, conducts: [Bool]?) throws -> Drive {
    let n = magnet.grid.cellCount
    var j: VectorField
    var drive: Drive
    switch settings {
    case .velocity(let u):
      drive = Drive(magnet: magnet, uniformVelocity: u)
      drive.profile = profile
      return drive
    case .velocityFile(let path, let dataset):
      let u = try TrajectoryReader.vectorDataset(path: path, dataset: dataset, grid: magnet.grid, key: "current.u_path")
      drive = Drive(magnet: magnet, velocity: u)
      drive.profile = profile
      return drive
    case .density(let value):
      j = VectorField(count: n, uniform: value)
    case .step(let value, let x0, let ratio):
      j = VectorField(count: n)
      for i in 0..<n {
        j[i] = magnet.grid.center(i % magnet.grid.nx, 0).x < x0 ? value : ratio * value
      }
    case .file(let path, let dataset):
      j = try TrajectoryReader.vectorDataset(path: path, dataset: dataset, grid: magnet.grid, key: "current.path")
    case .electrodes:
      drive = Drive()
      drive.profile = profile
      return drive
    }
    if let conducts { for i in 0..<n where !conducts[i] { j[i] = .zero } }
    drive = Drive(magnet: magnet, currentDensity: j)
    drive.profile = profile
    return drive
  }
}
