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
}

/// The `[current]` table: how the current (and so the spin-drift velocity u) is given.
public enum CurrentSettings: Sendable, Equatable {
  /// u directly, m/s.
  case velocity(SIMD3<Double>)
  /// A uniform charge current density j, A/m²; u = −g μB P j/(2 e Ms) cell by cell.
  case density(SIMD3<Double>)
  /// j for x < x0 and ratio · j beyond (A/m², m).
  case step(SIMD3<Double>, x0: Double, ratio: Double)
  /// j per cell from an HDF5 dataset [Ny, Nx, 3] or [1, Ny, Nx, 3] (A/m²).
  case file(path: String, dataset: String)
  /// Electrodes on the x edges: V at x = 0, 0 V at x = L; j solved with AMR.
  case electrodes(voltage: Double)

  /// Whether a current density j (not only u) is defined.
  public var hasCurrentDensity: Bool {
    if case .velocity = self { return false }
    return true
  }
}

/// The `[wall]` table: tracking one domain wall.
public struct WallSettings: Sendable, Equatable {
  /// The wall type (its axes).
  public var kind: WallKind
  /// Keep the wall centred by shifting m (MODEL.md §1).
  public var movingFrame: Bool
  /// The velocity is fitted to samples with t ≥ this, s.
  public var transient: Double
}

/// One `[[anisotropy]]` entry.
public struct AnisotropySettings: Sendable, Equatable {
  /// K1 per region (or one value), J/m³.
  public var constants: [Double]
  /// The axis (normalised by the term).
  public var axis: SIMD3<Double>
}

/// The `[zeeman]` table.
public struct ZeemanSettings: Sendable, Equatable {
  /// Amplitude, T.
  public var field: SIMD3<Double>
  /// Frequency, Hz (0: static).
  public var frequency: Double
  /// Phase, rad.
  public var phase: Double
}

/// The `[demag]` table.
public enum DemagSettings: Sendable, Equatable {
  /// FFT convolution with the Newell tensor; `images` periodic copies each side along x.
  case fft(images: Int)
  /// Local shape anisotropy with demagnetising factors (N_x, N_y, N_z).
  case local(SIMD3<Double>)
}

/// The `[solver]` table.
public struct SolverSettings: Sendable, Equatable {
  /// "rk45", "rk4" or "heun".
  public var method: String
  /// Max |Δm| per step (rk45).
  public var tolerance: Double
  /// The fixed step (rk4, heun) or the first step (rk45), s.
  public var timeStep: Double
  /// Largest adaptive step, s.
  public var maximumStep: Double
}

/// The `[run]` table.
public struct RunSettings: Sendable, Equatable {
  /// Simulated time, s.
  public var duration: Double
  /// Interval between table rows, s.
  public var sampleInterval: Double
  /// Write the field every this many samples.
  public var fieldEvery: Int
  /// Relax the initial state before the dynamics.
  public var relaxFirst: Bool
}

/// The `[relax]` table.
public struct RelaxSettings: Sendable, Equatable {
  /// Stop when max |m × B_eff| < this, T.
  public var torqueTolerance: Double
  /// Iteration limit.
  public var maximumIterations: Int
}

/// The `[output]` table.
public struct OutputSettings: Sendable, Equatable {
  /// Fields written each frame: "m" and any "B_<term>", "Edens_<term>".
  public var fields: [String]
  /// gzip the field datasets.
  public var compress: Bool
}

/// A whole simulation, read from a TOML configuration. Every key, its unit
/// and its default are documented in Documentation/Configuration.md.
public struct SimulationConfig: Sendable {
  /// The input text, verbatim (written to the output file).
  public var text: String
  /// The `--set` overrides applied, as KEY=VALUE lines.
  public var overrides: [String] = []
  /// The configuration after the overrides, as TOML (written as `config_resolved`).
  public var resolvedText: String = ""
  /// The grid.
  public var grid: Grid
  /// Region of every cell.
  public var regionMap: [Int]
  /// Materials by region.
  public var materials: [Material]
  /// Uniaxial anisotropies.
  public var anisotropies: [AnisotropySettings]
  /// The applied field, if any.
  public var zeeman: ZeemanSettings?
  /// The stray field, if any.
  public var demag: DemagSettings?
  /// Transport and spin-relaxation parameters per region (`[longitudinal]`), if any.
  public var transport: [TransportMaterial]?
  /// Recompute the current and longitudinal fields every this many steps.
  public var transportUpdateEvery: Int = 1
  /// The spin-polarised current, if any.
  public var current: CurrentSettings?
  /// Wall tracking, if any.
  public var wall: WallSettings?
  /// The initial magnetization.
  public var initial: InitialState
  /// Time integration.
  public var solver: SolverSettings
  /// Run length and sampling.
  public var run: RunSettings
  /// Energy minimisation.
  public var relax: RelaxSettings
  /// Output options.
  public var output: OutputSettings

  /// Reads a configuration from TOML text, applying `overrides` (dotted key, value text) first.
  public init(toml text: String, overrides: [(key: String, value: String)] = []) throws(ConfigError) {
    var root = try ConfigValue.parse(toml: text)
    for o in overrides { try Self.apply(override: o.value, at: o.key, to: &root) }
    try self.init(root: root, text: text)
    self.overrides = overrides.map { "\($0.key)=\($0.value)" }
    resolvedText = ConfigValue.tomlDocument(root)
  }

  init(root: [String: ConfigValue], text: String) throws(ConfigError) {
    self.text = text
    let top = ConfigTable(root, path: "")
    let positive: (Double) -> Bool = { $0 > 0 }
    let nonNegative: (Double) -> Bool = { $0 >= 0 }

    // [mesh]
    guard let mesh = try top.table("mesh") else {
      throw ConfigError(
        key: "mesh", message: "is missing: give [mesh] with n = [Nx, Ny, 1] and cellsize = [dx, dy, dz] (m)")
    }
    let nValues = try mesh.numbers(
      "n", count: 3, valid: { $0 >= 1 && $0 == $0.rounded() }, expected: "positive integers")
    guard nValues[2] == 1 else {
      throw ConfigError(
        key: "mesh.n", message: "has Nz = \(Int(nValues[2])); Gilbert grids are Nx × Ny × 1 (set the third entry to 1)")
    }
    let cell = try mesh.numbers("cellsize", count: 3, unit: "m", valid: positive, expected: "positive numbers")
    let periodic = try mesh.bool("periodic_x", default: false)
    var wallSettingsPending: (WallKind, Bool, Double?)? = nil
    try mesh.finish()
    let g = Grid(nx: Int(nValues[0]), ny: Int(nValues[1]), dx: cell[0], dy: cell[1], dz: cell[2], periodicX: periodic)
    grid = g

    // [[region]]
    var map = [Int](repeating: 0, count: g.cellCount)
    var regionCount = 1
    let sizeX = Double(g.nx) * g.dx, sizeY = Double(g.ny) * g.dy
    for r in try top.tables("region") {
      let index = try r.int(
        "index", valid: { $0 >= 1 && $0 < 256 }, expected: "an integer from 1 to 255 (region 0 is the default)")
      let xr = try r.numbers("x", count: 2, default: [0, sizeX], unit: "m")
      let yr = try r.numbers("y", count: 2, default: [0, sizeY], unit: "m")
      let shape = try r.string("shape", default: "box", choices: ["box", "ellipse"])
      try r.finish()
      regionCount = max(regionCount, index + 1)
      for iy in 0..<g.ny {
        for ix in 0..<g.nx {
          let (x, y) = g.center(ix, iy)
          let inside: Bool
          if shape == "box" {
            inside = x >= xr[0] && x < xr[1] && y >= yr[0] && y < yr[1]
          } else {
            let cx = (xr[0] + xr[1]) / 2, cy = (yr[0] + yr[1]) / 2
            let ax = (xr[1] - xr[0]) / 2, ay = (yr[1] - yr[0]) / 2
            inside = ((x - cx) / ax) * ((x - cx) / ax) + ((y - cy) / ay) * ((y - cy) / ay) <= 1
          }
          if inside { map[g.index(ix, iy)] = index }
        }
      }
    }
    regionMap = map

    // [material]
    guard let mat = try top.table("material") else {
      throw ConfigError(key: "material", message: "is missing: give [material] with Ms (A/m), A (J/m) and alpha")
    }
    func expand(_ v: [Double]) -> [Double] { v.count == 1 ? [Double](repeating: v[0], count: regionCount) : v }
    let ms = expand(
      try mat.perRegion(
        "Ms", regions: regionCount, unit: "A/m", valid: nonNegative, expected: "a number ≥ 0 (0 makes a region empty)"))
    let a = expand(
      try mat.perRegion("A", regions: regionCount, unit: "J/m", valid: nonNegative, expected: "a number ≥ 0"))
    let alpha = expand(try mat.perRegion("alpha", regions: regionCount, valid: nonNegative, expected: "a number ≥ 0"))
    let beta = expand(try mat.perRegion("beta", default: 0, regions: regionCount, expected: "a finite number"))
    let deltaBeta: [Double]
    if case .string(let s)? = mat.raw("delta_beta") {
      guard s == "paper" else {
        throw ConfigError(
          key: "material.delta_beta",
          message: "is \"\(s)\"; expected a number, one per region, or \"paper\" (δβ = −β/5)")
      }
      deltaBeta = beta.map { -$0 / 5 }
    } else {
      deltaBeta = expand(
        try mat.perRegion("delta_beta", default: 0, regions: regionCount, expected: "a finite number or \"paper\""))
    }
    let pol = expand(
      try mat.perRegion("P", default: 0, regions: regionCount, valid: { abs($0) <= 1 }, expected: "a number in [−1, 1]")
    )
    try mat.finish()
    materials = (0..<regionCount).map { i in
      Material(
        saturationMagnetization: ms[i], exchangeStiffness: a[i], damping: alpha[i], nonAdiabaticity: beta[i],
        anisotropicNonAdiabaticity: deltaBeta[i], polarization: pol[i])
    }
    guard ms.contains(where: { $0 > 0 }) else {
      throw ConfigError(
        key: "material.Ms", message: "is 0 in every region; at least one region must be magnetic (Ms > 0)")
    }

    // [[anisotropy]]
    anisotropies = []
    for t in try top.tables("anisotropy") {
      let k = try t.perRegion("K1", regions: regionCount, unit: "J/m³", expected: "a finite number (either sign)")
      let axis = try t.vector("axis")
      guard (axis * axis).sum() > 0 else {
        throw ConfigError(key: t.key("axis"), message: "is [0, 0, 0]; give a nonzero direction")
      }
      try t.finish()
      anisotropies.append(AnisotropySettings(constants: k, axis: axis))
    }

    // [zeeman]
    if let z = try top.table("zeeman") {
      let b = try z.vector("B", unit: "T")
      let f = try z.double("frequency", default: 0, unit: "Hz", valid: nonNegative, expected: "a number ≥ 0")
      let phase = try z.double("phase", default: 0, unit: "rad")
      try z.finish()
      zeeman = ZeemanSettings(field: b, frequency: f, phase: phase)
    } else {
      zeeman = nil
    }

    // [demag]
    if let d = try top.table("demag") {
      let method = try d.string("method", default: "fft", choices: ["fft", "local"])
      if method == "local" {
        let f = try d.numbers("factors", count: 3, valid: { $0 >= 0 }, expected: "demagnetising factors ≥ 0")
        guard abs(f.reduce(0, +) - 1) < 1e-6 else {
          throw ConfigError(
            key: "demag.factors",
            message: "is \(f), which sums to \(f.reduce(0, +)); demagnetising factors of a body sum to 1")
        }
        demag = .local(SIMD3(f[0], f[1], f[2]))
      } else {
        demag = .fft(
          images: try d.int(
            "images", default: 10, valid: { $0 >= 0 }, expected: "an integer ≥ 0 (periodic images each side)"))
      }
      try d.finish()
    } else {
      demag = nil
    }

    // [longitudinal]
    if let l = try top.table("longitudinal") {
      func region(
        _ k: String, _ def: Double, unit: String, valid: @escaping (Double) -> Bool, expected: String,
        infinite: Bool = false
      ) throws(ConfigError) -> [Double] {
        if infinite, case .string(let s)? = l.raw(k) {
          guard s == "inf" else {
            throw ConfigError(key: l.key(k), message: "is \"\(s)\"; expected \(expected) in \(unit), or \"inf\"")
          }
          return [Double](repeating: .infinity, count: regionCount)
        }
        if infinite, case .double(let d)? = l.raw(k), d == .infinity {
          return [Double](repeating: .infinity, count: regionCount)
        }
        return expand(
          try l.perRegion(k, default: def, regions: regionCount, unit: unit, valid: valid, expected: expected))
      }
      let rhoPerp = try region(
        "rho_perp", 0, unit: "Ω·m", valid: nonNegative, expected: "a number ≥ 0 (0: no conduction)")
      let rhoPar =
        l.has("rho_par") ? try region("rho_par", 0, unit: "Ω·m", valid: nonNegative, expected: "a number ≥ 0") : rhoPerp
      let sUp = try region("sigma_up", 0, unit: "S/m", valid: nonNegative, expected: "a number ≥ 0")
      let sDown = try region("sigma_down", 0, unit: "S/m", valid: nonNegative, expected: "a number ≥ 0")
      let lUp = try region(
        "ell_s_up", .infinity, unit: "m", valid: positive, expected: "a positive number", infinite: true)
      let lDown = try region(
        "ell_s_down", .infinity, unit: "m", valid: positive, expected: "a positive number", infinite: true)
      let gt = try region("gamma_tau", 0, unit: "S/m", valid: { _ in true }, expected: "a finite number")
      let dgt = try region("delta_gamma_tau", 0, unit: "S/m", valid: { _ in true }, expected: "a finite number")
      let tau = try region(
        "tau_parallel", .infinity, unit: "s", valid: positive, expected: "a positive number", infinite: true)
      transportUpdateEvery = try l.int(
        "update_every", default: 1, valid: { $0 >= 1 }, expected: "an integer ≥ 1 (steps)")
      try l.finish()
      for r in 0..<regionCount {
        for (s, sig, ell) in [("up", sUp, lUp), ("down", sDown, lDown)] where sig[r] > 0 && !ell[r].isFinite {
          throw ConfigError(
            key: "longitudinal.ell_s_\(s)",
            message:
              "is infinite in region \(r) where sigma_\(s) > 0; the spin potential needs a finite spin length there")
        }
      }
      guard rhoPerp.contains(where: { $0 > 0 }) else {
        throw ConfigError(
          key: "longitudinal.rho_perp",
          message: "is 0 in every region; give the resistivity (Ω·m) of the conducting regions")
      }
      transport = (0..<regionCount).map { r in
        var t = TransportMaterial()
        t.rhoPerpendicular = rhoPerp[r]
        t.rhoParallel = rhoPar[r]
        t.sigmaUp = sUp[r]
        t.sigmaDown = sDown[r]
        t.spinLengthUp = lUp[r]
        t.spinLengthDown = lDown[r]
        t.gammaTau = gt[r]
        t.deltaGammaTau = dgt[r]
        t.tauParallel = tau[r]
        return t
      }
    } else {
      transport = nil
    }

    // [current]
    if let c = try top.table("current") {
      let given = ["u", "j", "voltage"].filter { c.has($0) }
      guard given.count == 1 else {
        throw ConfigError(
          key: "current",
          message:
            "needs exactly one of u (spin-drift velocity, m/s), j (current density, A/m², with material.P) or voltage (V, electrodes on the x edges); it has \(given.isEmpty ? "none" : given.joined(separator: ", "))"
        )
      }
      switch given[0] {
      case "u":
        current = .velocity(try c.vector("u", unit: "m/s"))
      case "voltage":
        let v = try c.double("voltage", unit: "V")
        guard transport != nil else {
          throw ConfigError(
            key: "current.voltage", message: "needs [longitudinal] with rho_perp (Ω·m) to solve for the current")
        }
        guard !g.periodicX else {
          throw ConfigError(
            key: "current.voltage", message: "needs open x edges for the electrodes; set mesh.periodic_x = false")
        }
        current = .electrodes(voltage: v)
      default:
        let j = try c.vector("j", unit: "A/m²")
        switch try c.string("profile", default: "uniform", choices: ["uniform", "step", "file"]) {
        case "step":
          current = .step(
            j, x0: try c.double("x0", unit: "m"),
            ratio: try c.double("ratio", expected: "a finite number (j beyond x0 is ratio · j)"))
        case "file":
          _ = j
          current = .file(path: try c.string("path"), dataset: try c.string("dataset", default: "/j"))
        default:
          current = .density(j)
        }
      }
      try c.finish()
      if case .velocity = current, transport != nil {
        throw ConfigError(
          key: "current.u",
          message: "gives no current density for the longitudinal terms; give current.j (A/m²) or current.voltage (V)")
      }
      if current!.hasCurrentDensity, !pol.contains(where: { $0 != 0 }), transport == nil {
        throw ConfigError(
          key: "material.P",
          message: "is 0 everywhere, so the current drives nothing; set P (e.g. 0.7) or give current.u")
      }
    } else {
      current = nil
    }

    // [initial]
    var wallKind: WallKind? = nil
    if let i = try top.table("initial") {
      let type = try i.string("type", default: "uniform", choices: ["uniform", "random", "file", "wall", "vortex"])
      switch type {
      case "vortex":
        let c = try i.numbers(
          "center", count: 2, default: [Double(g.nx) * g.dx / 2, Double(g.ny) * g.dy / 2], unit: "m")
        let pm1: (Double) -> Bool = { $0 == 1 || $0 == -1 }
        initial = .vortex(
          center: SIMD2(c[0], c[1]),
          coreRadius: try i.double(
            "core_radius", default: 10e-9, unit: "m", valid: positive, expected: "a positive number"),
          chirality: try i.double("chirality", default: 1, valid: pm1, expected: "+1 (counter-clockwise) or −1"),
          polarity: try i.double("polarity", default: 1, valid: pm1, expected: "+1 (core along +z) or −1"))
      case "wall":
        let kind = WallKind(rawValue: try i.string("wall", choices: WallKind.allCases.map(\.rawValue)))!
        wallKind = kind
        let easy = kind.wall.easyAxis
        // Default width √(A/K) with K the easy-axis anisotropy along the wall's axis.
        let kEasy = anisotropies.filter {
          abs(abs(dot($0.axis / ($0.axis * $0.axis).sum().squareRoot(), easy)) - 1) < 1e-9
        }
        .map { $0.constants[0] }.filter { $0 > 0 }.reduce(0, +)
        let defaultWidth = kEasy > 0 ? (a[0] / kEasy).squareRoot() : 10 * g.dx
        initial = .wall(
          kind: kind,
          position: try i.double("position", default: Double(g.nx) * g.dx / 2, unit: "m"),
          width: try i.double(
            "width", default: defaultWidth, unit: "m", valid: positive, expected: "a positive number"),
          tilt: try i.double("tilt", default: kind.defaultTilt, unit: "rad"))
      case "random":
        initial = .random(seed: UInt64(try i.int("seed", default: 1, valid: { $0 >= 0 }, expected: "an integer ≥ 0")))
      case "file":
        initial = .file(path: try i.string("path"), frame: try i.int("frame", default: -1))
      default:
        let d = try i.vector("direction", default: SIMD3(1, 0, 0))
        guard (d * d).sum() > 0 else {
          throw ConfigError(key: i.key("direction"), message: "is [0, 0, 0]; give a nonzero direction")
        }
        initial = .uniform(d / (d * d).sum().squareRoot())
      }
      try i.finish()
    } else {
      initial = .uniform(SIMD3(1, 0, 0))
    }

    // [wall]
    let wt = try top.table("wall")
    if wt != nil || wallKind != nil {
      let w = wt ?? ConfigTable([:], path: "wall")
      let kindName = try w.string("type", default: wallKind?.rawValue, choices: WallKind.allCases.map(\.rawValue))
      let moving = try w.bool("moving_frame", default: !g.periodicX)
      if moving && g.periodicX {
        throw ConfigError(
          key: "wall.moving_frame",
          message: "is true on a grid with periodic_x; a periodic wire needs no moving frame (set it false)")
      }
      if moving {
        for iy in 0..<g.ny where (0..<g.nx).contains(where: { map[g.index($0, iy)] != map[g.index(0, iy)] }) {
          throw ConfigError(
            key: "wall.moving_frame",
            message:
              "is true but the regions vary along x (row \(iy)); shifting m would move it across them: set it false")
        }
      }
      wallSettingsPending = (
        WallKind(rawValue: kindName)!, moving,
        try w.optionalDouble("transient", unit: "s", valid: nonNegative, expected: "a number ≥ 0")
      )
      try w.finish()
    }

    // [solver]
    let s = try top.table("solver") ?? ConfigTable([:], path: "solver")
    let method = try s.string("method", default: "rk45", choices: ["rk45", "rk4", "heun"])
    solver = SolverSettings(
      method: method,
      tolerance: try s.double(
        "tolerance", default: 1e-5, valid: positive, expected: "a positive number (max |Δm| per step)"),
      timeStep: try s.double(
        "dt", default: method == "rk45" ? 1e-14 : 1e-14, unit: "s", valid: positive, expected: "a positive number"),
      maximumStep: try s.double("max_dt", default: 1e-11, unit: "s", valid: positive, expected: "a positive number"))
    try s.finish()

    // [run]
    let r = try top.table("run") ?? ConfigTable([:], path: "run")
    let duration = try r.double("duration", default: 0, unit: "s", valid: nonNegative, expected: "a number ≥ 0")
    wall = wallSettingsPending.map { WallSettings(kind: $0.0, movingFrame: $0.1, transient: $0.2 ?? duration / 2) }
    run = RunSettings(
      duration: duration,
      sampleInterval: try r.double(
        "sample_interval", default: duration > 0 ? duration / 100 : 1e-12, unit: "s", valid: positive,
        expected: "a positive number"),
      fieldEvery: try r.int("field_every", default: 1, valid: { $0 >= 1 }, expected: "an integer ≥ 1"),
      relaxFirst: try r.bool("relax_first", default: false))
    try r.finish()

    // [relax]
    let rx = try top.table("relax") ?? ConfigTable([:], path: "relax")
    relax = RelaxSettings(
      torqueTolerance: try rx.double(
        "torque_tolerance", default: 1e-5, unit: "T", valid: positive, expected: "a positive number"),
      maximumIterations: try rx.int("max_iterations", default: 200_000, valid: { $0 >= 1 }, expected: "an integer ≥ 1"))
    try rx.finish()

    // [output]
    let o = try top.table("output") ?? ConfigTable([:], path: "output")
    output = OutputSettings(
      fields: try o.strings("fields", default: ["m"]), compress: try o.bool("compress", default: false))
    try o.finish()

    try top.finish()
  }

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
