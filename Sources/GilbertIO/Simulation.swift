import Foundation
import Gilbert

/// A simulation built from a configuration: the magnet, the LLG equation
/// with its terms and its drive, and the state (m, t).
public struct Simulation {
  /// The configuration it was built from.
  public let config: SimulationConfig
  /// The magnetic body.
  public let magnet: Magnet
  /// The equation of motion with its field and torque terms and the current
  /// that drives them. The only copy: steppers borrow it.
  public var equation: LLG
  /// The magnetization (unit vectors; zero in empty cells).
  public var m: VectorField
  /// The time, s.
  public var time: Double = 0
  /// The tracked domain wall, if any.
  public var tracker: WallTracker?
  /// Brown's thermal field, with `[temperature]` T > 0.
  public let thermalNoise: ThermalNoise?
  /// The longitudinal model of Eq. (47), with `[longitudinal]`.
  public let longitudinal: LongitudinalModel?
  /// The electrode solver, with `current.voltage`.
  public let electrodes: ElectrodeSolver?
  /// The longitudinal fields at the last transport update.
  public private(set) var longitudinalFields: LongitudinalFields?
  /// The total current between the electrodes at the last update, A.
  public private(set) var totalCurrent: Double?
  /// The fields each frame holds: `output.fields` with its wildcards expanded.
  public private(set) var frameFields: [String] = []
  /// The fields a frame can hold, each declared by its producer (``OutputRegistry``).
  public private(set) var fieldOutputs: [FieldOutput] = []
  /// The table's column groups, each declared by its producer.
  public private(set) var tableOutputs: [TableOutput] = []

  /// The spin-drift velocity of every cell, m/s (nil without a current).
  public var driftVelocity: VectorField? { equation.drive.velocity }
  /// The charge current density of every cell, A/m² (nil when only u is given).
  public var currentDensity: VectorField? { equation.drive.currentDensity }

  /// Builds everything the configuration describes; reads an initial-state file if it names one.
  public init(config: SimulationConfig) throws {
    self.config = config
    let magnet = Magnet(grid: config.grid, regions: config.regionMap, materials: config.materials)
    self.magnet = magnet
    let terms = config.termSections
    longitudinal = config.transport.map { LongitudinalModel(magnet: magnet, transport: $0) }
    if case .electrodes(let voltage)? = config.current, let c = longitudinal?.cells {
      electrodes = ElectrodeSolver(
        grid: magnet.grid, conducts: c.conducts, rhoPerp: c.rhoPerp, rhoPar: c.rhoPar, voltage: voltage)
    } else {
      electrodes = nil
    }
    equation = LLG(
      magnet: magnet, fieldTerms: terms.flatMap { $0.fieldTerms(magnet: magnet) },
      torqueTerms: terms.flatMap { $0.torqueTerms(magnet: magnet) },
      drive: try config.section(CurrentSection.self)?.initialDrive(magnet: magnet, conducts: longitudinal?.cells.conducts)
        ?? Drive())
    equation.precession = config.section(SolverSettings.self)?.precession ?? true
    if let t = config.section(TemperatureSection.self), t.isActive {
      thermalNoise = ThermalNoise(
        magnet: magnet, temperature: magnet.regions.map { t.temperature.values[$0] }, seed: t.seed,
        profile: t.profile)
    } else {
      thermalNoise = nil
    }
    m = try config.initialSection.magnetization(magnet: magnet)
    updateTransport()
    tracker = config.wall.map { WallTracker(wall: $0.kind.wall, movingFrame: $0.frame == .shift) }
    if let w = config.wall, w.frame == .continuous {
      equation.frame = ComovingFrame(magnet: magnet, axis: w.kind.wall.easyAxis)
    }
    fieldOutputs = OutputRegistry.producers.flatMap { $0.fields(of: self) }
    tableOutputs = OutputRegistry.producers.flatMap { $0.columns(of: self) }
    let available = fieldOutputs.map(\.name)
    var frames: [String] = []
    for name in config.output.fields {
      // "Edens_*" (a prefix and *) is every field of that prefix this run computes.
      let matches = name.hasSuffix("*") ? available.filter { $0.hasPrefix(name.dropLast()) } : [name]
      guard !matches.isEmpty, matches.allSatisfy({ available.contains($0) }) else {
        throw ConfigError(
          key: "output.fields",
          message: "names \"\(name)\", which this run does not compute; valid: "
            + available.map { "\"\($0)\"" }.joined(separator: ", ") + " (or a prefix and *, as \"Edens_*\")")
      }
      frames += matches.filter { !frames.contains($0) }
    }
    frameFields = frames
  }

  /// What the transport model carries from one update to the next, by name:
  /// δm, the last longitudinal fields (ṡ∥ advances δm; μ± warm-start the
  /// next solve), the electrodes' current, potential and total. A checkpoint
  /// saves these so a resumed run continues bit for bit.
  public var transportState: [String: [Double]] {
    var state: [String: [Double]] = [:]
    if let model = longitudinal { state["delta_m"] = model.deltaM }
    if let f = longitudinalFields { for (k, v) in f.named { state["fields_" + k] = v } }
    if let solver = electrodes {
      state["potential"] = solver.potential
      state["j"] = currentDensity?.storage
      state["total_current"] = totalCurrent.map { [$0] }
    }
    return state
  }

  /// Continues from a saved ``transportState``.
  public mutating func restoreTransport(_ state: [String: [Double]]) {
    if let d = state["delta_m"] { longitudinal?.restoreMagnitude(d) }
    var fields: [String: [Double]] = [:]
    for (k, v) in state where k.hasPrefix("fields_") { fields[String(k.dropFirst(7))] = v }
    if let f = LongitudinalFields(named: fields) { longitudinalFields = f }
    if let p = state["potential"] { electrodes?.restorePotential(p) }
    if let j = state["j"], electrodes != nil {
      var field = VectorField(count: m.count)
      field.storage = j
      equation.drive = Drive(magnet: magnet, currentDensity: field)
    }
    if let total = state["total_current"] { totalCurrent = total[0] }
  }

  /// Whether the current or the longitudinal fields need updating as m changes.
  public var hasTransport: Bool { longitudinal != nil || electrodes != nil }

  /// Recomputes what depends on m: the electrode current (AMR), and with it
  /// the drive of the spin-transfer torques (one assignment), and the
  /// longitudinal fields.
  public mutating func updateTransport() {
    if let solver = electrodes {
      let (j, total) = solver.solve(m: m)
      equation.drive = Drive(magnet: magnet, currentDensity: j)
      totalCurrent = total
    }
    if let model = longitudinal, let j = currentDensity {
      longitudinalFields = model.fields(m: m, current: j, previous: longitudinalFields)
    }
  }


  /// The values of every table column, group by group (``tableOutputs``).
  public mutating func tableRow(step: Int, dt: Double) -> [Double] {
    let sample = TableSample(step: step, dt: dt)
    var row: [Double] = []
    for group in tableOutputs { row += group.evaluate(&self, sample) }
    return row
  }

  /// Names and units of the table columns.
  public var tableColumns: [(name: String, unit: String)] { tableOutputs.flatMap(\.columns) }

  /// A field by output name, as planes and a component count.
  public mutating func field(named name: String) -> (data: [Double], components: Int) {
    guard let f = fieldOutputs.first(where: { $0.name == name }) else { preconditionFailure("unknown field \(name)") }
    return (f.evaluate(&self), f.components)
  }

  /// The (q, φ) model of the tracked wall when every term is one it covers
  /// (region 0's material), or nil.
  public var wallModel: WallModel? { wallModelOrReason.model }

  /// The (q, φ) model, or why there is none for this run.
  public var wallModelOrReason: (model: WallModel?, reason: String?) {
    guard let kind = config.wall?.kind else { return (nil, "no wall is tracked") }
    if case .vortexWall? = config.section(InitialSection.self)?.state {
      return (nil, "not applicable to a vortex wall: the (q, φ) model describes 1D and transverse walls")
    }
    let w = kind.wall
    var inputs = WallModelInputs(wall: w)
    inputs.saturationMagnetization = config.materials[0].saturationMagnetization
    for section in config.termSections {
      if let reason = section.contribute(to: &inputs) { return (nil, reason) }
    }
    guard inputs.easyAnisotropy > 0 else {
      return (nil, "the (q, φ) model needs an easy-axis anisotropy (K1 > 0) along the wall's axis")
    }
    // The model's wall moves along x, so u must be along x.
    if let u = driftVelocity, (0..<u.count).contains(where: { u[$0].y != 0 || u[$0].z != 0 }) {
      return (nil, "the (q, φ) model needs u along x")
    }
    let mat = config.materials[0]
    var model = WallModel(
      exchangeStiffness: mat.exchangeStiffness, easyAnisotropy: inputs.easyAnisotropy,
      hardAnisotropy: inputs.hardAnisotropy, hardAxis: inputs.hardAxis,
      saturationMagnetization: mat.saturationMagnetization, damping: mat.damping, beta: mat.nonAdiabaticity,
      deltaBeta: mat.anisotropicNonAdiabaticity, wall: w, currentDirection: SIMD3(1, 0, 0))
    (model.dmiStrength, model.dmiVector) = (inputs.dmiStrength, inputs.dmiVector)
    (model.dampingLikeField, model.fieldLikeField) = (inputs.dampingLikeField, inputs.fieldLikeField)
    model.spinPolarization = inputs.spinPolarization
    return (model, nil)
  }

  /// u_x of the first magnetic cell, m/s: the drift velocity the model is driven by.
  public var modelDriftVelocity: Double {
    guard let u = driftVelocity, let i = (0..<magnet.grid.cellCount).first(where: { magnet.isMagnetic($0) }) else {
      return 0
    }
    return u[i].x
  }
}

extension Simulation {
  /// The largest step an explicit method (`tableau`) can take stably on
  /// this grid, s: its stability radius along the linearised LLG's
  /// eigenvalues over the largest of them, |λ| ≤ γ B_max / √(1 + α²), where
  /// B_max bounds the field of the shortest spin wave the grid holds:
  /// exchange (2A/Ms) Σ_d 4/Δ_d² over the axes with more than one cell, the
  /// demag bound μ0 Ms, and each section's
  /// ``TermSection/largestField(saturationMagnetization:grid:)`` added in
  /// registry order (2|K|/Ms of the anisotropies, the applied fields, DMI,
  /// K2, cubic, RKKY, the spin-orbit and Slonczewski torques); nothing for
  /// the Zhang–Li current. Nil when nothing bounds it.
  public func explicitStabilityStep(_ tableau: ButcherTableau) -> Double? {
    let g = magnet.grid
    var exchangeCurvature = 0.0
    for (n, d) in [(g.nx, g.dx), (g.ny, g.dy), (g.nz, g.dz)] where n > 1 { exchangeCurvature += 4 / (d * d) }
    var field = 0.0, alpha = 1.0
    for material in magnet.materials where material.saturationMagnetization > 0 {
      let ms = material.saturationMagnetization
      var bound = 2 * material.exchangeStiffness / ms * exchangeCurvature + PhysicalConstants.mu0 * ms
      for section in config.termSections { bound += section.largestField(saturationMagnetization: ms, grid: g) }
      field = max(field, bound)
      alpha = min(alpha, material.damping)
    }
    // (The Zhang–Li advection u/Δx is left out: at any physical u it is a
    // few per cent of this, and an absurd u would make the cap absurd.)
    let rate = magnet.largestGyromagneticRatio * field / (1 + alpha * alpha).squareRoot()
    let radius = tableau.stabilityRadius(damping: alpha)
    guard rate > 0, radius > 0.1 else { return nil }
    // No margin below the radius: B_max already bounds the largest
    // eigenvalue from above (the sum of each term's largest field), and a
    // margin of 0.9 cost SP4 10 % more steps, the step being held at this
    // limit there whatever the tolerance.
    return radius / rate
  }
}
