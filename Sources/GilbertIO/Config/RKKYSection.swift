import Gilbert

/// `[[rkky]]`: interlayer exchange (``RKKYExchange``) between two sets of
/// regions, `regions = [a, b]` (each a region index or an array of them),
/// across a spacer along `axis` ("x", "y" or "z"; default "z"), with `sigma`
/// (J/m², < 0 antiparallel) and `sigma2` (J/m², biquadratic; default 0).
/// The i-th entry (from 1) is named `rkky` when it is the only one, else
/// `rkky_<i>`; its parameters are `rkky_sigma`, `rkky_sigma2` (`_<i>` after
/// the first). The (q, φ) model does not include it.
public struct RKKYSection: TermSection {
  public static let physics = "interlayer exchange ([[rkky]])"
  public struct Entry: Sendable {
    public let first: Set<Int>, second: Set<Int>
    public let axis: Int
    public let sigma: Double, sigma2: Double
  }
  public let entries: [Entry]

  public static func read(from root: ConfigTable, context: ConfigContext) throws(ConfigError) -> RKKYSection? {
    var entries: [Entry] = []
    let n = context.regionCount
    for t in try root.tables("rkky") {
      guard case .array(let items)? = t.raw("regions"), items.count == 2 else {
        throw ConfigError(key: t.key("regions"), message: "needs two region indices (or two arrays of them): [a, b]")
      }
      var sets: [Set<Int>] = []
      for (k, item) in items.enumerated() {
        let values: [ConfigValue]
        if case .array(let list) = item { values = list } else { values = [item] }
        var set = Set<Int>()
        for v in values {
          let x = try t.number(
            v, key: "\(t.key("regions"))[\(k)]", unit: "", valid: { $0 >= 0 && $0 < Double(n) && $0 == $0.rounded() },
            expected: "region indices from 0 to \(n - 1)")
          set.insert(Int(x))
        }
        sets.append(set)
      }
      guard sets[0].isDisjoint(with: sets[1]), !sets[0].isEmpty, !sets[1].isEmpty else {
        throw ConfigError(key: t.key("regions"), message: "names a region on both sides; give two different sets of regions")
      }
      let axis = ["x": 0, "y": 1, "z": 2][try t.string("axis", default: "z", choices: ["x", "y", "z"])]!
      let sigma = try t.double("sigma", unit: "J/m²", expected: "a finite coupling (negative: antiparallel)")
      let sigma2 = try t.double("sigma2", default: 0, unit: "J/m²")
      try t.finish()
      // Cells facing each other must exist (a misplaced pair would couple nothing).
      let material = try context.required(MaterialSection.self)
      let magnet = Magnet(grid: try context.grid, regions: try context.regionMap, materials: material.materials)
      guard !RKKYExchange.facing(magnet: magnet, first: sets[0], second: sets[1], axis: axis).isEmpty else {
        throw ConfigError(
          key: t.key("regions"),
          message: "has no magnetic cells of regions \(sets[0].sorted()) facing cells of \(sets[1].sorted()) along \(["x", "y", "z"][axis]) (across cells of neither); check the regions and rkky.axis")
      }
      entries.append(Entry(first: sets[0], second: sets[1], axis: axis, sigma: sigma, sigma2: sigma2))
    }
    return entries.isEmpty ? nil : RKKYSection(entries: entries)
  }

  func names(_ i: Int) -> (term: String, parameter: String) {
    (entries.count == 1 ? "rkky" : "rkky_\(i + 1)", i == 0 ? "" : "_\(i + 1)")
  }

  public var parameters: [RegionParameter] {
    entries.indices.flatMap { i -> [RegionParameter] in
      let s = names(i).parameter
      return [
        RegionParameter("rkky_sigma" + s, [entries[i].sigma], unit: "J/m^2"),
        RegionParameter("rkky_sigma2" + s, [entries[i].sigma2], unit: "J/m^2"),
      ]
    }
  }

  /// (|σ| + 2|σ₂|)/(Ms Δ) over the axes' cell sizes.
  public func largestField(saturationMagnetization ms: Double, grid g: Grid) -> Double {
    entries.map { e in (abs(e.sigma) + 2 * abs(e.sigma2)) / (ms * [g.dx, g.dy, g.dz][e.axis]) }.reduce(0, +)
  }

  public func fieldTerms(magnet: Magnet) -> [any FieldTerm] {
    entries.indices.map { i in
      let e = entries[i]
      return RKKYExchange(
        magnet: magnet, first: e.first, second: e.second, axis: e.axis, sigma: e.sigma, sigma2: e.sigma2,
        name: names(i).term)
    }
  }
}
