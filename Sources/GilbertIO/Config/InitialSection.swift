import Foundation
import Gilbert

/// How the magnetization starts.
public enum InitialState: Sendable, Equatable {
  /// Every magnetic cell along one direction.
  case uniform(SIMD3<Double>)
  /// Random directions from a seeded generator.
  case random(seed: UInt64)
  /// A frame of the `m` field of an earlier Gilbert HDF5 file (-1: the last).
  case file(path: String, frame: Int)
  /// A Walker-profile wall at position q (m), width Δ (m) and tilt φ (rad).
  case wall(kind: WallKind, position: Double, width: Double, tilt: Double)
  /// A vortex: m ∝ (−c y′, c x′, p r_c) about the centre, c the chirality
  /// (+1 counter-clockwise), p the core polarity, r_c the core radius (m).
  case vortex(center: SIMD2<Double>, coreRadius: Double, chirality: Double, polarity: Double)
  /// A vortex wall between in-plane domains in a strip (``DomainWall/vortexProfile(grid:position:chirality:polarity:coreRadius:)``).
  case vortexWall(kind: WallKind, position: Double, chirality: Double, polarity: Double, coreRadius: Double)
}

/// `[initial]`: the initial magnetization (default: uniform along +x).
public struct InitialSection: ConfigSection {
  /// The state.
  public let state: InitialState

  /// The starting state on `magnet` (read from its file when it names one),
  /// zero in the empty cells and unit elsewhere.
  public func magnetization(magnet: Magnet) throws -> VectorField {
    let n = magnet.grid.cellCount
    var m: VectorField
    switch state {
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
      guard f.nx == g.nx, f.ny == g.ny, f.nz == g.nz else {
        throw ConfigError(
          key: "initial.path",
          message: "is an OVF field of \(f.nx) × \(f.ny) × \(f.nz) cells; the grid is \(g.nx) × \(g.ny) × \(g.nz)")
      }
      m = VectorField(count: g.cellCount)
      for i in 0..<g.cellCount { m[i] = SIMD3(f.values[3 * i], f.values[3 * i + 1], f.values[3 * i + 2]) }
    case .file(let path, let frame):
      m = try TrajectoryReader.frame(path: path, index: frame, grid: magnet.grid)
    case .vortex(let c, let rc, let chirality, let polarity):
      let g = magnet.grid.layer
      var layer = VectorField(count: g.cellCount)
      for iy in 0..<g.ny {
        for ix in 0..<g.nx {
          let (x, y) = g.center(ix, iy)
          layer[g.index(ix, iy)] = SIMD3(-chirality * (y - c.y), chirality * (x - c.x), polarity * rc)
        }
      }
      m = Self.tiled(layer, layers: magnet.grid.nz)
    case .wall(let kind, let q, let width, let tilt):
      let layer = kind.wall.walkerProfile(grid: magnet.grid.layer, position: q, width: width, tilt: tilt)
      m = Self.tiled(layer, layers: magnet.grid.nz)
    case .vortexWall(let kind, let q, let c, let p, let rc):
      let layer = kind.wall.vortexProfile(
        grid: magnet.grid.layer, position: q, chirality: c, polarity: p, coreRadius: rc)
      m = Self.tiled(layer, layers: magnet.grid.nz)
    }
    if case .file(let path, _) = state { try Self.checkStartingState(m, magnet: magnet, path: path) }
    magnet.clean(&m)
    return m
  }

  /// `layer` (one layer's cells) repeated in each of `layers` layers.
  static func tiled(_ layer: VectorField, layers: Int) -> VectorField {
    guard layers > 1 else { return layer }
    var m = VectorField(count: layer.count * layers)
    for z in 0..<layers {
      for i in 0..<layer.count { m[z * layer.count + i] = layer[i] }
    }
    return m
  }

  /// Refuses a starting state read from a file with a NaN, an infinity or
  /// |m| = 0 in a magnetic cell, naming the first such cell.
  static func checkStartingState(_ m: VectorField, magnet: Magnet, path: String) throws {
    let g = magnet.grid
    for i in 0..<m.count where magnet.isMagnetic(i) {
      let v = m[i]
      let r2 = v.x * v.x + v.y * v.y + v.z * v.z
      if r2.isFinite && r2 > 0 { continue }
      throw ConfigError(
        key: "initial.path",
        message:
          "'\(path)' gives m = (\(v.x), \(v.y), \(v.z)) in magnetic \(g.describe(i)); every magnetic cell needs a finite, nonzero m"
      )
    }
  }

  public static func read(from root: ConfigTable, context: ConfigContext) throws(ConfigError) -> InitialSection? {
    guard let i = try root.table("initial") else { return InitialSection(state: .uniform(SIMD3(1, 0, 0))) }
    let g = try context.grid
    let type = try i.string(
      "type", default: "uniform", choices: ["uniform", "random", "file", "wall", "vortex", "vortex_wall"])
    let state: InitialState
    switch type {
    case "vortex":
      let c = try i.numbers("center", count: 2, default: [Double(g.nx) * g.dx / 2, Double(g.ny) * g.dy / 2], unit: "m")
      let pm1: (Double) -> Bool = { $0 == 1 || $0 == -1 }
      state = .vortex(
        center: SIMD2(c[0], c[1]),
        coreRadius: try i.double(
          "core_radius", default: 10e-9, unit: "m", valid: { $0 > 0 }, expected: "a positive number"),
        chirality: try i.double("chirality", default: 1, valid: pm1, expected: "+1 (counter-clockwise) or −1"),
        polarity: try i.double("polarity", default: 1, valid: pm1, expected: "+1 (core along +z) or −1"))
    case "wall":
      state = try wall(i, context: context)
    case "vortex_wall":
      state = try vortexWall(i, context: context)
    case "random":
      state = .random(seed: UInt64(try i.int("seed", default: 1, valid: { $0 >= 0 }, expected: "an integer ≥ 0")))
    case "file":
      state = .file(path: context.resolve(try i.string("path")), frame: try i.int("frame", default: -1))
    default:
      let given = try i.vector("direction", default: SIMD3(1, 0, 0))
      guard let d = directionScaled(given) else {
        throw ConfigError(key: i.key("direction"), message: "is \(given); give a nonzero direction")
      }
      state = .uniform(d / (d * d).sum().squareRoot())
    }
    try i.finish()
    return InitialSection(state: state)
  }

  /// A Walker wall; the default width is √(A/K) with K the easy-axis anisotropy along the wall's axis.
  static func wall(_ i: ConfigTable, context: ConfigContext) throws(ConfigError) -> InitialState {
    let g = try context.grid
    let kind = WallKind(rawValue: try i.string("wall", choices: WallKind.allCases.map(\.rawValue)))!
    let easy = kind.wall.easyAxis
    let entries = context.section(AnisotropySection.self)?.entries ?? []
    let kEasy = entries.filter { abs(abs(dot($0.unitAxis, easy)) - 1) < 1e-9 }
      .map { $0.constants[0] }.filter { $0 > 0 }.reduce(0, +)
    let a = try context.required(MaterialSection.self).exchangeStiffness.values[0]
    let defaultWidth = kEasy > 0 ? (a / kEasy).squareRoot() : 10 * g.dx
    return .wall(
      kind: kind,
      position: try i.double("position", default: Double(g.nx) * g.dx / 2, unit: "m"),
      width: try i.double("width", default: defaultWidth, unit: "m", valid: { $0 > 0 }, expected: "a positive number"),
      tilt: try i.double("tilt", default: kind.defaultTilt, unit: "rad"))
  }

  /// A vortex wall in a strip: in-plane domains only, and a strip wide
  /// enough to hold the core.
  static func vortexWall(_ i: ConfigTable, context: ConfigContext) throws(ConfigError) -> InitialState {
    let g = try context.grid
    let kinds = [WallKind.headToHead, .tailToTail].map(\.rawValue)
    let kind = WallKind(rawValue: try i.string("wall", default: WallKind.headToHead.rawValue, choices: kinds))!
    guard g.ny >= 5 else {
      throw ConfigError(
        key: "initial.type",
        message:
          "is \"vortex_wall\" but the strip is \(g.ny) cell(s) wide (mesh.n[1]); a vortex wall needs at least 5 cells across (a wire holds a transverse wall: type = \"wall\")"
      )
    }
    let pm1: (Double) -> Bool = { $0 == 1 || $0 == -1 }
    return .vortexWall(
      kind: kind,
      position: try i.double("position", default: Double(g.nx) * g.dx / 2, unit: "m"),
      chirality: try i.double(
        "chirality", default: 1, valid: pm1, expected: "+1 (counter-clockwise seen from +z) or −1"),
      polarity: try i.double("polarity", default: 1, valid: pm1, expected: "+1 (core along +z) or −1"),
      coreRadius: try i.double(
        "core_radius", default: 10e-9, unit: "m", valid: { $0 > 0 }, expected: "a positive number"))
  }

  /// The wall kind of a wall start, if it is one.
  public var wallKind: WallKind? {
    switch state {
    case .wall(let kind, _, _, _), .vortexWall(let kind, _, _, _, _): return kind
    default: return nil
    }
  }
}
