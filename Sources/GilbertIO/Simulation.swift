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
    if let z = config.zeeman {
      fields.append(Zeeman(magnet: magnet, amplitude: z.field, frequency: z.frequency, phase: z.phase))
    }
    equation = LLG(magnet: magnet, fieldTerms: fields)
    m = try Self.initialMagnetization(config.initial, magnet: magnet)
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
    case .file(let path, let frame):
      m = try TrajectoryReader.frame(path: path, index: frame, grid: magnet.grid)
    }
    magnet.clean(&m)
    return m
  }

  /// The table columns' current values, in the order of ``tableColumns``.
  public func tableRow(step: Int, dt: Double) -> [Double] {
    let avg = magnet.average(m)
    let energies = equation.energies(m: m, time: time).map(\.value)
    return [time, Double(step), dt, avg.x, avg.y, avg.z, energies.reduce(0, +)] + energies
  }

  /// Names and units of the table columns.
  public var tableColumns: [(name: String, unit: String)] {
    [("t", "s"), ("step", ""), ("dt", "s"), ("mx", ""), ("my", ""), ("mz", ""), ("E_total", "J")]
      + equation.fieldTerms.map { ("E_\($0.name)", "J") }
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
