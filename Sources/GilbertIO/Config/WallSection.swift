import Gilbert

/// `[wall]`: tracking one domain wall (implied by an `[initial]` wall).
public struct WallSettings: ConfigSection, Equatable {
  /// The wall type (its axes).
  public var kind: WallKind
  /// Keep the wall centred by shifting m (MODEL.md §1).
  public var movingFrame: Bool
  /// The velocity is fitted to samples with t ≥ this, s.
  public var transient: Double

  public static func read(from root: ConfigTable, context: ConfigContext) throws(ConfigError) -> WallSettings? {
    let table = try root.table("wall")
    let initialKind = context.section(InitialSection.self)?.wallKind
    guard table != nil || initialKind != nil else { return nil }
    let g = context.grid
    let w = table ?? ConfigTable([:], path: "wall")
    let kindName = try w.string("type", default: initialKind?.rawValue, choices: WallKind.allCases.map(\.rawValue))
    let moving = try w.bool("moving_frame", default: !g.periodicX)
    if moving && g.periodicX {
      throw ConfigError(
        key: "wall.moving_frame",
        message: "is true on a grid with periodic_x; a periodic wire needs no moving frame (set it false)")
    }
    if moving {
      let map = context.regionMap
      for iy in 0..<g.ny where (0..<g.nx).contains(where: { map[g.index($0, iy)] != map[g.index(0, iy)] }) {
        throw ConfigError(
          key: "wall.moving_frame",
          message:
            "is true but the regions vary along x (row \(iy)); shifting m would move it across them: set it false")
      }
    }
    let transient = try w.optionalDouble("transient", unit: "s", valid: { $0 >= 0 }, expected: "a number ≥ 0")
    try w.finish()
    let duration = context.section(RunSettings.self)!.duration
    return WallSettings(kind: WallKind(rawValue: kindName)!, movingFrame: moving, transient: transient ?? duration / 2)
  }
}
