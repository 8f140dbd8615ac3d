import Foundation
import Gilbert

/// One TOML table of the configuration (`[mesh]`, `[dmi]`, `[[anisotropy]]`):
/// a type that reads and validates its table with named errors, and lists
/// what it writes to `/parameters`. The registry (``ConfigRegistry``) lists
/// every section in the order they are read; a section sees the ones before
/// it through the ``ConfigContext``.
public protocol ConfigSection: Sendable {
  /// Reads the section from the top-level table (it asks for its own table,
  /// so unknown keys are reported), or returns nil when the config has none.
  static func read(from root: ConfigTable, context: ConfigContext) throws(ConfigError) -> Self?
  /// What the section writes to `/parameters`.
  var parameters: [RegionParameter] { get }
}

extension ConfigSection {
  public var parameters: [RegionParameter] { [] }
}

/// A section that adds terms to the equation of motion. A field term needs
/// nothing else: the writer and the table find its outputs (`B_<name>`,
/// `Edens_<name>`, `E_<name>`) through ``FieldTerm``.
public protocol TermSection: ConfigSection {
  /// What the terms are, for messages ("interfacial DMI ([dmi])").
  static var physics: String { get }
  /// The field terms, in the order they are summed.
  func fieldTerms(magnet: Magnet) -> [any FieldTerm]
  /// The torque terms (read the equation's ``Drive``).
  func torqueTerms(magnet: Magnet) -> [any TorqueTerm]
  /// Folds this section's physics into the (q, φ) wall model, or says why the
  /// model does not cover it. A run then reports no model velocity, and why.
  func contribute(to model: inout WallModelInputs) -> String?
  /// An upper bound of this section's field (T) on the shortest spin wave
  /// of `grid`, in a material of saturation magnetisation `ms`, for the
  /// explicit methods' stability step (0: bounded elsewhere, or no field).
  func largestField(saturationMagnetization ms: Double, grid: Grid) -> Double
}

extension TermSection {
  public func fieldTerms(magnet: Magnet) -> [any FieldTerm] { [] }
  public func torqueTerms(magnet: Magnet) -> [any TorqueTerm] { [] }
  public func largestField(saturationMagnetization ms: Double, grid: Grid) -> Double { 0 }
  /// By default the wall model does not cover a term: a new term is never
  /// silently left out of the model's velocity.
  public func contribute(to model: inout WallModelInputs) -> String? {
    "the (q, φ) model does not include \(Self.physics)"
  }
}

/// What the (q, φ) model of a wall is built from: the anisotropies the
/// sections fold in, on top of region 0's material.
public struct WallModelInputs {
  /// The wall whose axes the anisotropies are compared with.
  public let wall: DomainWall
  /// Easy-axis anisotropy along the wall's axis, J/m³ (a sum).
  public var easyAnisotropy = 0.0
  /// Hard-axis anisotropy perpendicular to it, J/m³ (≥ 0).
  public var hardAnisotropy = 0.0
  /// The hard axis.
  public var hardAxis = SIMD3<Double>(0, 0, 1)
  /// The DMI: D (J/m², region 0's) and the class's vector for derivatives along x.
  public var dmiStrength = 0.0, dmiVector = SIMD3<Double>.zero
  /// Region 0's Ms, A/m (set before the sections contribute).
  public var saturationMagnetization = 0.0
  /// The spin–orbit fields at the run's current (T, region 0's) and σ̂.
  public var dampingLikeField = 0.0, fieldLikeField = 0.0, spinPolarization = SIMD3<Double>(0, 1, 0)

  /// Inputs for `wall`, with no anisotropy yet.
  public init(wall: DomainWall) { self.wall = wall }
}

/// The sections read so far, for the sections that depend on them.
public struct ConfigContext: Sendable {
  /// Every section read so far, in registry order.
  public internal(set) var sections: [any ConfigSection] = []
  /// The directory of the config file: relative paths in the config resolve
  /// against it (as mumax3 and OOMMF resolve against the script). Nil: the
  /// working directory (a config given as text).
  public internal(set) var baseDirectory: String? = nil

  /// `path` as the config means it: absolute, or relative to the config file.
  public func resolve(_ path: String) -> String {
    guard let base = baseDirectory, !path.hasPrefix("/") else { return path }
    return (base as NSString).appendingPathComponent(path)
  }

}

extension ConfigContext: SectionLookup {}

/// The one lookup over a configuration's sections, shared by the finished
/// ``SimulationConfig`` and the ``ConfigContext`` of the sections read so far.
public protocol SectionLookup {
  /// The sections, in registry order.
  var sections: [any ConfigSection] { get }
}

extension SectionLookup {
  /// The section of type `S`, if the config has it.
  public func section<S: ConfigSection>(_ type: S.Type) -> S? {
    for s in sections { if let found = s as? S { return found } }
    return nil
  }

  /// The section of type `S`, which must have been read (a section that
  /// is always present, or one read before the caller in the registry).
  public func required<S: ConfigSection>(_ type: S.Type) throws(ConfigError) -> S {
    guard let s = section(type) else {
      throw ConfigError(key: "\(S.self)", message: "is needed here but was not read (registry order)")
    }
    return s
  }

  /// The grid (`[mesh]` is always read first).
  public var grid: Grid {
    get throws(ConfigError) { try required(MeshSection.self).grid }
  }
  /// Number of regions (`[[region]]`, at least 1).
  public var regionCount: Int { section(RegionSection.self)?.count ?? 1 }
  /// Region of every cell.
  public var regionMap: [Int] {
    get throws(ConfigError) {
      if let map = section(RegionSection.self)?.map { return map }
      return [Int](repeating: 0, count: try grid.cellCount)
    }
  }
}
