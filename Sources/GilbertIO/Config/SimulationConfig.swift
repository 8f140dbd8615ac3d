import Gilbert

/// A whole simulation, read from a TOML configuration: the sections of
/// ``ConfigRegistry``, read in order. Every key, its unit and its default are
/// documented in Documentation/Configuration.md.
public struct SimulationConfig: Sendable, SectionLookup {
  /// The input text, verbatim (written to the output file).
  public var text: String
  /// The `--set` overrides applied, as KEY=VALUE lines.
  public var overrides: [String] = []
  /// The configuration after the overrides, as TOML (written as `config_resolved`).
  public var resolvedText: String = ""
  /// Every section the configuration has, in registry order.
  public let sections: [any ConfigSection]
  /// The sections every configuration has (read with their defaults when
  /// the file has no table), looked up once.
  public let grid: Grid
  /// Region of every cell.
  public let regionMap: [Int]
  /// Materials by region.
  public let materials: [Material]
  /// The initial magnetization.
  public let initialSection: InitialSection
  /// Time integration.
  public let solver: SolverSettings
  /// Run length and sampling.
  public let run: RunSettings
  /// Energy minimisation.
  public let relax: RelaxSettings
  /// Output options.
  public let output: OutputSettings

  /// Reads a configuration from TOML text, applying `overrides` (dotted key,
  /// value text) first. Relative paths resolve against `baseDirectory` (the
  /// config file's directory), or the working directory when it is nil.
  public init(
    toml text: String, overrides: [(key: String, value: String)] = [], baseDirectory: String? = nil
  ) throws(ConfigError) {
    var root = try ConfigValue.parse(toml: text)
    for o in overrides { try Self.apply(override: o.value, at: o.key, to: &root) }
    try self.init(root: root, text: text, baseDirectory: baseDirectory)
    self.overrides = overrides.map { "\($0.key)=\($0.value)" }
    resolvedText = ConfigValue.tomlDocument(root)
  }

  init(root: [String: ConfigValue], text: String, baseDirectory: String?) throws(ConfigError) {
    self.text = text
    let top = ConfigTable(root, path: "")
    var context = ConfigContext()
    context.baseDirectory = baseDirectory
    for type in ConfigRegistry.sections {
      if let section = try Self.read(type, from: top, context: context) { context.sections.append(section) }
    }
    try top.finish()
    sections = context.sections
    grid = try context.grid
    // Before anything the size of the grid is allocated (the region map next).
    try MemoryLimit.check(grid: grid, fftDemag: context.section(DemagSection.self)?.settings.isFFT ?? false)
    regionMap = try context.regionMap
    materials = try context.required(MaterialSection.self).materials
    initialSection = try context.required(InitialSection.self)
    solver = try context.required(SolverSettings.self)
    run = try context.required(RunSettings.self)
    relax = try context.required(RelaxSettings.self)
    output = try context.required(OutputSettings.self)
  }

  static func read<S: ConfigSection>(
    _ type: S.Type, from top: ConfigTable, context: ConfigContext
  ) throws(ConfigError) -> (any ConfigSection)? {
    try S.read(from: top, context: context)
  }

  /// The defaults chosen because the run asks for a velocity (`run.until =
  /// "velocity_converged"`), in words; empty when none was (explicit keys win).
  public var chosenDefaults: [String] { run.chosen + (wall?.chosen ?? []) + solver.chosen }

  /// The sections that add terms, in the order their terms are summed.
  public var termSections: [any TermSection] { sections.compactMap { $0 as? any TermSection } }

  /// Everything written to `/parameters`, section by section.
  public var parameters: [RegionParameter] { sections.flatMap(\.parameters) }

  /// Uniaxial anisotropies.
  public var anisotropies: [AnisotropySettings] { section(AnisotropySection.self)?.entries ?? [] }
  /// The applied field, if any.
  public var zeeman: ZeemanSettings? { section(ZeemanSection.self)?.entries.first }
  /// The stray field, if any.
  public var demag: DemagSettings? { section(DemagSection.self)?.settings }
  /// Transport and spin-relaxation parameters per region (`[longitudinal]`), if any.
  public var transport: [TransportMaterial]? { section(LongitudinalSection.self)?.transport }
  /// Recompute the current and longitudinal fields every this many steps.
  public var transportUpdateEvery: Int { section(LongitudinalSection.self)?.updateEvery ?? 1 }
  /// The spin-polarised current, if any.
  public var current: CurrentSettings? { section(CurrentSection.self)?.settings }
  /// Wall tracking, if any.
  public var wall: WallSettings? { section(WallSettings.self) }
  /// The initial magnetization.
  public var initial: InitialState { initialSection.state }

  /// Sets the value at a dotted key (`material.alpha`, `anisotropy[1].K1`), creating tables as needed.
  static func apply(override text: String, at key: String, to root: inout [String: ConfigValue]) throws(ConfigError) {
    let value = try ConfigValue.parse(override: text, key: key)
    let parts = key.split(separator: ".").map(String.init)
    guard !parts.isEmpty, parts.allSatisfy({ !$0.isEmpty }) else {
      throw ConfigError(key: key, message: "is not a dotted key such as material.alpha")
    }
    func set(_ table: inout [String: ConfigValue], _ rest: ArraySlice<String>) throws(ConfigError) {
      var name = rest.first!
      var index: Int? = nil
      if let open = name.firstIndex(of: "["), name.hasSuffix("]") {
        index = Int(name[name.index(after: open)..<name.index(before: name.endIndex)])
        name = String(name[..<open])
        if index == nil { throw ConfigError(key: key, message: "has a bad index in '\(rest.first!)'") }
      }
      if rest.count == 1 && index == nil {
        table[name] = value
        return
      }
      if let index {
        guard case .array(var items)? = table[name], index >= 0, index < items.count,
          case .table(var sub) = items[index]
        else {
          throw ConfigError(key: key, message: "names \(name)[\(index)], which the config does not have")
        }
        if rest.count == 1 { throw ConfigError(key: key, message: "must name a key inside \(name)[\(index)]") }
        try set(&sub, rest.dropFirst())
        items[index] = .table(sub)
        table[name] = .array(items)
        return
      }
      var sub: [String: ConfigValue] = [:]
      if let existing = table[name] {
        guard case .table(let t) = existing else {
          throw ConfigError(key: key, message: "goes through \(name), which is not a table")
        }
        sub = t
      }
      try set(&sub, rest.dropFirst())
      table[name] = .table(sub)
    }
    try set(&root, parts[...])
  }
}

extension SimulationConfig {
  /// A config's text with only its physics and the question of a velocity:
  /// the `[wall]`, `[run]`, `[solver]` and `[output]` tables removed, and
  /// `[run] until = "velocity_converged"` with `duration = bound` added
  /// (no fields written). What a new user writes; the defaults do the rest
  /// (issue 28; `gilbert bench --walls` and the tests run P1–P4 so).
  public static func physicsOnly(_ text: String, bound: Double = 1e-6) -> String {
    var kept: [Substring] = []
    var skipping = false
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      let trimmed = line.drop { $0 == " " || $0 == "\t" }
      if trimmed.hasPrefix("[") {
        let name = trimmed.drop { $0 == "[" }.prefix { $0 != "]" }.trimmingCharacters(in: .whitespaces)
        skipping = ["wall", "run", "solver", "output"].contains(name)
      }
      if !skipping { kept.append(line) }
    }
    return kept.joined(separator: "\n")
      + "\n[run]\nuntil = \"velocity_converged\"\nduration = \(bound)\n\n[output]\nfields = []\n"
  }
}
