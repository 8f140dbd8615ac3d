import Gilbert

/// How the grid follows a tracked wall (`[wall] moving_frame`).
public enum FrameMode: String, Sendable, CaseIterable {
  /// The grid stays put.
  case none
  /// m is shifted by whole cells when the wall strays from the centre (`true`).
  case shift
  /// The equation is solved in a frame moving with the wall continuously
  /// (``ComovingFrame``): a steady wall is a fixed point.
  case continuous
}

/// `[wall]`: tracking one domain wall (implied by an `[initial]` wall).
public struct WallSettings: ConfigSection, Equatable {
  /// The wall type (its axes).
  public var kind: WallKind
  /// How the grid follows the wall (Documentation/Physics.md).
  public var frame: FrameMode
  /// The velocity is fitted to samples with t ≥ this, s.
  public var transient: Double
  /// Relative tolerance of `[run] until = "velocity_converged"`.
  public var velocityTolerance: Double
  /// Whether the run first looks for a stationary co-moving state (``SteadyStateSolver``).
  public var steadySolve = false
  /// The defaults chosen for the question (`until = "velocity_converged"`), in words.
  public var chosen: [String] = []

  /// Whether any moving frame is used.
  public var movingFrame: Bool { frame != .none }

  public static func read(from root: ConfigTable, context: ConfigContext) throws(ConfigError) -> WallSettings? {
    let table = try root.table("wall")
    let initialKind = context.section(InitialSection.self)?.wallKind
    let until = context.section(RunSettings.self)?.until ?? .duration
    guard table != nil || initialKind != nil else {
      if until == .velocityConverged {
        throw ConfigError(
          key: "run.until",
          message: "is \"velocity_converged\" but no wall is tracked; add a [wall] table or an [initial] wall")
      }
      return nil
    }
    let g = try context.grid
    guard g.nz == 1 else {
      throw ConfigError(
        key: table != nil ? "wall" : "initial.type",
        message:
          "\(table != nil ? "tracks a domain wall" : "starts from a domain wall, which is tracked,") but the grid has Nz = \(g.nz) layers; wall tracking, its moving frame and the (q, φ) model are for wires and strips one cell thick (mesh.n = [Nx, Ny, 1])"
      )
    }
    let w = table ?? ConfigTable([:], path: "wall")
    let kindName = try w.string("type", default: initialKind?.rawValue, choices: WallKind.allCases.map(\.rawValue))
    var chosen: [String] = []
    var frame = try readFrame(w, grid: g)
    let velocity = until == .velocityConverged
    if velocity && frame == .shift && w.raw("moving_frame") == nil, try frameObstacle(.continuous, context, grid: g) == nil {
      // For a velocity, the frame in which a steady wall is a fixed point.
      frame = .continuous
      chosen.append("wall.moving_frame = \"continuous\" (a steady wall is a fixed point there)")
    }
    if let why = try frameObstacle(frame, context, grid: g) { throw ConfigError(key: "wall.moving_frame", message: why) }
    let transient = try w.optionalDouble("transient", unit: "s", valid: { $0 >= 0 }, expected: "a number ≥ 0")
    let tolerance =
      try w.optionalDouble(
        "velocity_tolerance", valid: { $0 > 0 && $0 < 1 }, expected: "a relative tolerance between 0 and 1")
      ?? 1e-3
    let steady = try readSteadySolve(w, frame: frame, velocity: velocity, context: context, chosen: &chosen)
    try w.finish()
    let duration = try context.required(RunSettings.self).duration
    return WallSettings(
      kind: WallKind(rawValue: kindName)!, frame: frame, transient: transient ?? duration / 2,
      velocityTolerance: tolerance, steadySolve: steady, chosen: chosen)
  }

  /// `steady_solve`: by default true for a velocity in the continuous frame
  /// with a constant current (said in `chosen`); needs that frame and current.
  static func readSteadySolve(
    _ w: ConfigTable, frame: FrameMode, velocity: Bool, context: ConfigContext, chosen: inout [String]
  ) throws(ConfigError) -> Bool {
    let constantCurrent = context.section(CurrentSection.self)?.profile.isConstant ?? true
    let steadyDefault = velocity && frame == .continuous && constantCurrent && w.raw("steady_solve") == nil
    let steady = try w.bool("steady_solve", default: steadyDefault)
    if steadyDefault && steady { chosen.append("wall.steady_solve = true (the stationary wall first, if there is one)") }
    if steady && frame != .continuous {
      throw ConfigError(
        key: "wall.steady_solve",
        message:
          "is true but wall.moving_frame is not \"continuous\"; a stationary wall exists only in the co-moving frame: set moving_frame = \"continuous\" or steady_solve = false"
      )
    }
    if steady, let c = context.section(CurrentSection.self), !c.profile.isConstant {
      throw ConfigError(
        key: "wall.steady_solve",
        message:
          "is true but the current varies in time (current.time_profile); a stationary wall needs a constant current: set steady_solve = false"
      )
    }
    return steady
  }

  /// Why `frame` cannot follow the wall here (the message for
  /// `wall.moving_frame`), or nil: any moving frame needs regions the same
  /// at every x; the continuous one moves the whole body, so every input must
  /// be the same at every x (a uniform current, no longitudinal state).
  static func frameObstacle(_ frame: FrameMode, _ context: ConfigContext, grid g: Grid) throws(ConfigError) -> String? {
    guard frame != .none else { return nil }
    let map = try context.regionMap
    for iy in 0..<g.ny where (0..<g.nx).contains(where: { map[g.index($0, iy)] != map[g.index(0, iy)] }) {
      return
        "is \(frame == .shift ? "true" : "\"continuous\"") but the regions vary along x (row \(iy)); a moving frame would move them with the wall: set it false"
    }
    guard frame == .continuous else { return nil }
    switch context.section(CurrentSection.self)?.settings {
    case .step?, .file?, .electrodes?:
      return
        "is \"continuous\" but the current varies along x (a step, a file or electrodes); use a uniform u or j, or moving_frame = true (whole-cell shifts)"
    default: break
    }
    if context.section(LongitudinalSection.self) != nil {
      return "is \"continuous\" but [longitudinal] carries δm in the lab frame; use moving_frame = true (whole-cell shifts)"
    }
    return nil
  }

  /// `moving_frame`: true (whole-cell shifts), false, or one of "none", "shift", "continuous".
  static func readFrame(_ w: ConfigTable, grid g: Grid) throws(ConfigError) -> FrameMode {
    let valid = "true, false, \"shift\", \"continuous\" or \"none\""
    let frame: FrameMode
    switch w.raw("moving_frame") {
    case nil: frame = g.periodicX ? .none : .shift
    case .bool(let b)?: frame = b ? .shift : .none
    case .string(let s)?:
      guard let f = FrameMode(rawValue: s) else {
        throw ConfigError(key: w.key("moving_frame"), message: "is \"\(s)\"; expected \(valid)")
      }
      frame = f
    case let v?:
      throw ConfigError(key: w.key("moving_frame"), message: "is \(v); expected \(valid)")
    }
    if frame != .none && g.periodicX {
      throw ConfigError(
        key: "wall.moving_frame",
        message: "asks for a moving frame on a grid with periodic_x; a periodic wire needs none (set it false)")
    }
    return frame
  }
}
