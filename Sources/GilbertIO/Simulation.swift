import Foundation
import Gilbert

/// A simulation built from a configuration: the magnet, the LLG equation
/// with its terms, and the state (m, t).
public struct Simulation {
  /// The configuration it was built from.
  public let config: SimulationConfig
  /// The magnetic body.
  public let magnet: Magnet
  /// The equation of motion with its field and torque terms.
  public var equation: LLG
  /// The magnetization (unit vectors; zero in empty cells).
  public var m: VectorField
  /// The time, s.
  public var time: Double = 0
  /// The tracked domain wall, if any.
  public var tracker: WallTracker?
  /// The spin-drift velocity of every cell, m/s (nil without a current).
  public private(set) var driftVelocity: VectorField?
  /// The charge current density of every cell, A/m² (nil when only u is given).
  public private(set) var currentDensity: VectorField?
  /// The longitudinal model of Eq. (47), with `[longitudinal]`.
  public let longitudinal: LongitudinalModel?
  /// The electrode solver, with `current.voltage`.
  public let electrodes: ElectrodeSolver?
  /// The longitudinal fields at the last transport update.
  public private(set) var longitudinalFields: LongitudinalFields?
  /// The total current between the electrodes at the last update, A.
  public private(set) var totalCurrent: Double?

  /// Builds everything the configuration describes; reads an initial-state file if it names one.
  public init(config: SimulationConfig) throws {
    self.config = config
    let magnet = Magnet(grid: config.grid, regions: config.regionMap, materials: config.materials)
    self.magnet = magnet
    var fields: [any FieldTerm] = [Exchange(magnet: magnet)]
    for (i, a) in config.anisotropies.enumerated() {
      let name = config.anisotropies.count == 1 ? "anisotropy" : "anisotropy\(i + 1)"
      fields.append(UniaxialAnisotropy(magnet: magnet, constants: a.constants, axis: a.axis, name: name))
    }
    switch config.demag {
    case .fft(let images)?: fields.append(Demag(magnet: magnet, images: images))
    case .local(let factors)?: fields.append(ShapeAnisotropy(magnet: magnet, factors: factors))
    case nil: break
    }
    if let z = config.zeeman {
      fields.append(Zeeman(magnet: magnet, amplitude: z.field, frequency: z.frequency, phase: z.phase))
    }
    let n = magnet.grid.cellCount
    longitudinal = config.transport.map { LongitudinalModel(magnet: magnet, transport: $0) }
    var electrodeSolver: ElectrodeSolver? = nil
    switch config.current {
    case .velocity(let u)?:
      driftVelocity = VectorField(count: n, uniform: u)
    case .density(let j)?:
      currentDensity = VectorField(count: n, uniform: j)
    case .step(let j, let x0, let ratio)?:
      var field = VectorField(count: n)
      for i in 0..<n { field[i] = magnet.grid.center(i % magnet.grid.nx, i / magnet.grid.nx).x < x0 ? j : ratio * j }
      currentDensity = field
    case .file(let path, let dataset)?:
      currentDensity = try TrajectoryReader.vectorDataset(
        path: path, dataset: dataset, grid: magnet.grid, key: "current.path")
    case .electrodes(let voltage)?:
      let c = longitudinal!.cells
      electrodeSolver = ElectrodeSolver(
        grid: magnet.grid, conducts: c.conducts, rhoPerp: c.rhoPerp, rhoPar: c.rhoPar, voltage: voltage)
    case nil:
      break
    }
    electrodes = electrodeSolver
    // Current only flows where the transport model says a region conducts.
    if let c = longitudinal?.cells, var j = currentDensity {
      for i in 0..<n where !c.conducts[i] { j[i] = .zero }
      currentDensity = j
    }
    equation = LLG(magnet: magnet, fieldTerms: fields)
    m = try Self.initialMagnetization(config.initial, magnet: magnet)
    if let j = currentDensity { driftVelocity = SpinDrift.velocity(magnet: magnet, currentDensity: j) }
    updateTransport()
    equation.torqueTerms = torques()
    tracker = config.wall.map { WallTracker(wall: $0.kind.wall, movingFrame: $0.movingFrame) }
    let available = availableFields(fields)
    for name in config.output.fields where !available.contains(name) {
      throw ConfigError(
        key: "output.fields",
        message: "names \"\(name)\", which this run does not compute; valid: "
          + available.map { "\"\($0)\"" }.joined(separator: ", "))
    }
  }

  /// The field names a run with these terms can write.
  func availableFields(_ terms: [any FieldTerm]) -> [String] {
    var names = ["m", "B_eff"] + terms.map { "B_\($0.name)" } + terms.map { "Edens_\($0.name)" }
    if currentDensity != nil || electrodes != nil { names.append("j") }
    if longitudinal != nil { names += Self.longitudinalFieldNames }
    return names
  }

  /// The scalar and vector fields of the longitudinal model (FORMAT.md names).
  static let longitudinalFieldNames = ["E", "div_E", "mu_up", "mu_down", "s_parallel_rate", "delta_m"]

  /// Whether the current or the longitudinal fields need updating as m changes.
  public var hasTransport: Bool { longitudinal != nil || electrodes != nil }

  /// Recomputes what depends on m: the electrode current (AMR), u and the
  /// spin-transfer torques, and the longitudinal fields.
  public mutating func updateTransport() {
    if let solver = electrodes {
      let (j, total) = solver.solve(m: m)
      currentDensity = j
      totalCurrent = total
      driftVelocity = SpinDrift.velocity(magnet: magnet, currentDensity: j)
    }
    if let model = longitudinal, let j = currentDensity {
      longitudinalFields = model.fields(m: m, current: j, previous: longitudinalFields)
    }
    // The electrode current follows m, and so does u: retarget the torques
    // (their stencils and per-cell parameters stay as built).
    if electrodes != nil, let u = driftVelocity {
      equation.torqueTerms = equation.torqueTerms.map { t -> any TorqueTerm in
        if let z = t as? ZhangLiTorque { return z.with(velocity: u, magnet: magnet) }
        if let d = t as? AnisotropicBetaTorque { return d.with(velocity: u, magnet: magnet) }
        return t
      }
    }
  }

  /// The spin-transfer torques for the current drift velocity.
  func torques() -> [any TorqueTerm] {
    guard let u = driftVelocity else { return [] }
    var t: [any TorqueTerm] = [ZhangLiTorque(magnet: magnet, velocity: u)]
    if config.materials.contains(where: { $0.anisotropicNonAdiabaticity != 0 }) {
      t.append(AnisotropicBetaTorque(magnet: magnet, velocity: u))
    }
    return t
  }

  static func initialMagnetization(_ initial: InitialState, magnet: Magnet) throws -> VectorField {
    let n = magnet.grid.cellCount
    var m: VectorField
    switch initial {
    case .uniform(let d):
      m = VectorField(count: n, uniform: d)
    case .random(let seed):
      var rng = SplitMix64(seed: seed)
      m = VectorField(count: n)
      for i in 0..<n {
        // Uniform on the sphere: z uniform in [−1, 1], azimuth uniform.
        let z = 2 * rng.nextUnit() - 1
        let phi = 2 * Double.pi * rng.nextUnit()
        let r = (1 - z * z).squareRoot()
        m[i] = SIMD3(r * cos(phi), r * sin(phi), z)
      }
    case .file(let path, let frame) where path.hasSuffix(".ovf") || path.hasSuffix(".omf"):
      _ = frame
      let f = try OVF.read(path: path)
      let g = magnet.grid
      guard f.nx == g.nx, f.ny == g.ny, f.nz == 1 else {
        throw ConfigError(
          key: "initial.path",
          message: "is an OVF field of \(f.nx) × \(f.ny) × \(f.nz) cells; the grid is \(g.nx) × \(g.ny) × 1")
      }
      m = VectorField(count: g.cellCount)
      for i in 0..<g.cellCount { m[i] = SIMD3(f.values[3 * i], f.values[3 * i + 1], f.values[3 * i + 2]) }
    case .file(let path, let frame):
      m = try TrajectoryReader.frame(path: path, index: frame, grid: magnet.grid)
    case .vortex(let c, let rc, let chirality, let polarity):
      let g = magnet.grid
      m = VectorField(count: n)
      for iy in 0..<g.ny {
        for ix in 0..<g.nx {
          let (x, y) = g.center(ix, iy)
          m[g.index(ix, iy)] = SIMD3(-chirality * (y - c.y), chirality * (x - c.x), polarity * rc)
        }
      }
    case .wall(let kind, let q, let width, let tilt):
      m = kind.wall.walkerProfile(grid: magnet.grid, position: q, width: width, tilt: tilt)
    }
    magnet.clean(&m)
    return m
  }

  /// The table columns' current values, in the order of ``tableColumns``.
  public mutating func tableRow(step: Int, dt: Double) -> [Double] {
    let avg = magnet.average(m)
    let energies = equation.energies(m: m, time: time).map(\.value)
    var row = [time, Double(step), dt, avg.x, avg.y, avg.z, energies.reduce(0, +)] + energies
    if tracker != nil {
      let o = tracker!.observe(m, magnet: magnet)
      row += [o.position, o.tilt, o.width]
    }
    if let f = longitudinalFields, let model = longitudinal {
      let v = magnet.grid.cellVolume
      row += [
        model.deltaM.reduce(0, +) * v, f.spinRate.reduce(0, +) * v, f.divergenceE.reduce(0, +) * v,
        f.mu[0].reduce(0, +) * v, f.mu[1].reduce(0, +) * v,
      ]
    } else if longitudinal != nil {
      row += [0, 0, 0, 0, 0]
    }
    if electrodes != nil { row.append(totalCurrent ?? 0) }
    return row
  }

  /// Names and units of the table columns.
  public var tableColumns: [(name: String, unit: String)] {
    [("t", "s"), ("step", ""), ("dt", "s"), ("mx", ""), ("my", ""), ("mz", ""), ("E_total", "J")]
      + equation.fieldTerms.map { ("E_\($0.name)", "J") }
      + (tracker == nil ? [] : [("wall_position", "m"), ("wall_tilt", "rad"), ("wall_width", "m")])
      + (longitudinal == nil
        ? []
        : [
          ("int_delta_m", "m^3"), ("int_s_parallel_rate", "1/s"), ("int_div_E", "V*m"), ("int_mu_up", "A*m^2"),
          ("int_mu_down", "A*m^2"),
        ])
      + (electrodes == nil ? [] : [("current", "A")])
  }

  /// The (q, φ) model of the tracked wall, when the anisotropies map onto it:
  /// one or more easy-axis terms along the wall's axis (K = their sum) and at
  /// most one hard axis (K1 < 0) perpendicular to it; region 0's material.
  public var wallModel: WallModel? {
    guard let kind = config.wall?.kind else { return nil }
    let w = kind.wall
    var kEasy = 0.0, kHard = 0.0
    var hardAxis = SIMD3<Double>(0, 0, 1)
    for a in config.anisotropies {
      let axis = a.axis / (a.axis * a.axis).sum().squareRoot()
      let k = a.constants[0]
      if abs(abs(dot(axis, w.easyAxis)) - 1) < 1e-9 && k > 0 {
        kEasy += k
      } else if abs(dot(axis, w.easyAxis)) < 1e-9 && k < 0 && kHard == 0 {
        kHard = -k
        hardAxis = axis
      } else {
        return nil
      }
    }
    guard kEasy > 0 else { return nil }
    // The model's wall moves along x, so u must be along x.
    if let u = driftVelocity, (0..<u.count).contains(where: { u[$0].y != 0 || u[$0].z != 0 }) { return nil }
    let mat = config.materials[0]
    return WallModel(
      exchangeStiffness: mat.exchangeStiffness, easyAnisotropy: kEasy, hardAnisotropy: kHard, hardAxis: hardAxis,
      saturationMagnetization: mat.saturationMagnetization, damping: mat.damping, beta: mat.nonAdiabaticity,
      deltaBeta: mat.anisotropicNonAdiabaticity, wall: w, currentDirection: SIMD3(1, 0, 0))
  }

  /// u_x of the first magnetic cell, m/s: the drift velocity the model is driven by.
  public var modelDriftVelocity: Double {
    guard let u = driftVelocity, let i = (0..<magnet.grid.cellCount).first(where: { magnet.isMagnetic($0) }) else {
      return 0
    }
    return u[i].x
  }

  /// A field by output name ("m", "B_eff", "B_<term>", "Edens_<term>"), as
  /// planes and a component count (3 for vectors, 1 for scalars).
  public mutating func field(named name: String) -> (data: [Double], components: Int) {
    if name == "m" { return (m.storage, 3) }
    let n = m.count
    switch name {
    case "j": return ((currentDensity ?? VectorField(count: n)).storage, 3)
    case "E": return ((longitudinalFields?.electricField ?? VectorField(count: n)).storage, 3)
    case "div_E": return (longitudinalFields?.divergenceE ?? [Double](repeating: 0, count: n), 1)
    case "mu_up": return (longitudinalFields?.mu[0] ?? [Double](repeating: 0, count: n), 1)
    case "mu_down": return (longitudinalFields?.mu[1] ?? [Double](repeating: 0, count: n), 1)
    case "s_parallel_rate": return (longitudinalFields?.spinRate ?? [Double](repeating: 0, count: n), 1)
    case "delta_m": return (longitudinal?.deltaM ?? [Double](repeating: 0, count: n), 1)
    default: break
    }
    if name == "B_eff" {
      equation.updateEffectiveField(m: m, time: time)
      return (equation.effectiveField.storage, 3)
    }
    for term in equation.fieldTerms {
      if name == "B_\(term.name)" {
        var b = VectorField(count: m.count)
        term.addField(to: &b, m: m, time: time)
        return (b.storage, 3)
      }
      if name == "Edens_\(term.name)" { return (term.energyDensity(m: m, time: time), 1) }
    }
    preconditionFailure("unknown field \(name)")
  }

  /// Units of an output field.
  public static func unit(ofField name: String) -> String {
    let units = [
      "m": "", "delta_m": "", "j": "A/m^2", "E": "V/m", "div_E": "V/m^2", "mu_up": "A/m", "mu_down": "A/m",
      "s_parallel_rate": "1/(m^3*s)",
    ]
    if let u = units[name] { return u }
    if name.hasPrefix("B_") { return "T" }
    return "J/m^3"
  }
}

/// A small, fast, seeded generator (SplitMix64) so random states repeat.
struct SplitMix64 {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
  mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1.0p-53 }
}
