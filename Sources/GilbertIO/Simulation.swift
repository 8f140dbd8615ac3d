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
  public let driftVelocity: VectorField?

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
    var torques: [any TorqueTerm] = []
    switch config.current {
    case .velocity(let u)?:
      driftVelocity = VectorField(count: magnet.grid.cellCount, uniform: u)
    case .density(let j)?:
      driftVelocity = SpinDrift.velocity(magnet: magnet, currentDensity: VectorField(count: magnet.grid.cellCount, uniform: j))
    case nil:
      driftVelocity = nil
    }
    if let u = driftVelocity {
      torques.append(ZhangLiTorque(magnet: magnet, velocity: u))
      if config.materials.contains(where: { $0.anisotropicNonAdiabaticity != 0 }) {
        torques.append(AnisotropicBetaTorque(magnet: magnet, velocity: u))
      }
    }
    equation = LLG(magnet: magnet, fieldTerms: fields, torqueTerms: torques)
    m = try Self.initialMagnetization(config.initial, magnet: magnet)
    tracker = config.wall.map { WallTracker(wall: $0.kind.wall, movingFrame: $0.movingFrame) }
    for name in config.output.fields where !Self.availableFields(fields).contains(name) {
      throw ConfigError(
        key: "output.fields", message: "names \"\(name)\", which this run does not compute; valid: "
          + Self.availableFields(fields).map { "\"\($0)\"" }.joined(separator: ", "))
    }
  }

  /// The field names a run with these terms can write.
  static func availableFields(_ terms: [any FieldTerm]) -> [String] {
    ["m", "B_eff"] + terms.map { "B_\($0.name)" } + terms.map { "Edens_\($0.name)" }
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
        throw ConfigError(key: "initial.path", message: "is an OVF field of \(f.nx) × \(f.ny) × \(f.nz) cells; the grid is \(g.nx) × \(g.ny) × 1")
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
    return row
  }

  /// Names and units of the table columns.
  public var tableColumns: [(name: String, unit: String)] {
    [("t", "s"), ("step", ""), ("dt", "s"), ("mx", ""), ("my", ""), ("mz", ""), ("E_total", "J")]
      + equation.fieldTerms.map { ("E_\($0.name)", "J") }
      + (tracker == nil ? [] : [("wall_position", "m"), ("wall_tilt", "rad"), ("wall_width", "m")])
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
    guard let u = driftVelocity, let i = (0..<magnet.grid.cellCount).first(where: { magnet.isMagnetic($0) }) else { return 0 }
    return u[i].x
  }

  /// A field by output name ("m", "B_eff", "B_<term>", "Edens_<term>"), as
  /// planes and a component count (3 for vectors, 1 for scalars).
  public mutating func field(named name: String) -> (data: [Double], components: Int) {
    if name == "m" { return (m.storage, 3) }
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
    if name == "m" { return "" }
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
