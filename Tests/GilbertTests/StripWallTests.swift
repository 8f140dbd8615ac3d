import Foundation
import Gilbert
import GilbertIO
import Testing

/// The wall's table columns of a finished run: t, wall_position, wall_tilt.
func wallTrajectory(_ path: String) throws -> (t: [Double], q: [Double], phi: [Double]) {
  let f = try HDF5File(reading: path)
  defer { f.close() }
  return (
    try f.readDoubles("/table/t").values, try f.readDoubles("/table/wall_position").values,
    try f.readDoubles("/table/wall_tilt").values
  )
}

/// Walls in strips with demag (issue 12): against magnum.np on the same grid,
/// the moving frame against a longer strip, 2D tracking and vortex cores.
@Suite struct StripWallTests {
  /// A transverse head-to-head wall in a 512 × 32 × 4 nm permalloy strip
  /// (Tests/Fixtures/refdata/strip/strip_transverse.toml: α = 0.05, β = 2α,
  /// δβ = 0, demag, end charges cancelled, whole-cell moving frame), below
  /// (u = 300 m/s, steady at v ≈ βu/α) and above Walker breakdown (u = 1600
  /// m/s, the wall's core turning with period ≈ 0.9 ns), against magnum.np
  /// 2.2 run from the same relaxed state on the same grid by
  /// tools/bench/strip_magnumnp.py (provenance in PROVENANCE.md). Both
  /// trajectories go through the same estimator over the second half
  /// (2–4 ns): the slope of q(t) when steady, Δq/Δt over whole half-turns
  /// of φ when precessing. The issue asks for 2 %; what separates the codes is
  /// their integrators' error (tolerances 1e-6 and 1e-7) and magnum.np's
  /// one-sided ∂x m at the strip's ends, so a failure beyond 2 % is a physics
  /// difference, not noise.
  @Test(arguments: [(300.0, WallVelocity.Regime.steady), (1600.0, .precessing)])
  func aTransverseWallInAStripMovesAsInMagnumNP(_ u: Double, _ regime: WallVelocity.Regime) throws {
    let config = try refdata("strip/strip_transverse.toml")
    let out = temporaryPath("strip-u\(Int(u)).h5")
    let r = try runGilbert(["run", config, "--output", out, "--force", "--set", "current.u=[\(u),0,0]"])
    try #require(r.status == 0, "\(r.stderr)")
    let g = try wallTrajectory(out)
    let ref = try columns(try refdata("strip/magnumnp_strip_u\(Int(u)).txt"), [0, 1, 2])
    try #require(abs(ref[0].last! - g.t.last!) < 1e-15, "the reference covers the same run")
    let start = g.t.last! / 2
    let ours = try #require(WallVelocity.estimate(times: g.t, positions: g.q, tilts: g.phi, from: start))
    let theirs = try #require(WallVelocity.estimate(times: ref[0], positions: ref[1], tilts: ref[2], from: start))
    #expect(ours.regime == regime && theirs.regime == regime, "\(ours.regime) / \(theirs.regime)")
    #expect(
      abs(ours.velocity / theirs.velocity - 1) < 0.02, "Gilbert \(ours.velocity) m/s, magnum.np \(theirs.velocity) m/s")
    if regime == .steady {
      // Below Walker a steady wall moves at βu/α whatever its structure
      // (Thiaville et al. 2005); the 2D wall's slow transient leaves 1 %.
      #expect(abs(ours.velocity / (2 * u) - 1) < 0.01, "v = \(ours.velocity) m/s against βu/α = \(2 * u)")
    }
  }

  /// The moving frame with demag and cancelled end charges against a strip
  /// twice as long that stays put: the same wall (u = 100 m/s, v = βu/α =
  /// 200 m/s), the same velocity over 1–2 ns to 1e-3. The frame moves m by
  /// whole cells and fills the new edge with the domain; with the end charges
  /// cancelled the strip is translation invariant, so what is left is the
  /// difference of the stray fields of two finite lengths of domain.
  @Test func theMovingFrameEqualsAStripTwiceAsLong() throws {
    let config = try refdata("strip/strip_transverse.toml")
    let common = ["--force", "--set", "current.u=[100,0,0]", "--set", "run.duration=2e-9"]
    let framed = temporaryPath("strip-framed.h5"), long = temporaryPath("strip-long.h5")
    var r = try runGilbert(["run", config, "--output", framed] + common)
    try #require(r.status == 0, "\(r.stderr)")
    r = try runGilbert(
      ["run", config, "--output", long] + common + [
        "--set", "mesh.n=[256,8,1]", "--set", "wall.moving_frame=false", "--set", "initial.position=2.56e-7",
      ])
    try #require(r.status == 0, "\(r.stderr)")
    let a = try wallTrajectory(framed), b = try wallTrajectory(long)
    let va = try #require(WallVelocity.estimate(times: a.t, positions: a.q, tilts: a.phi, from: 1e-9))
    let vb = try #require(WallVelocity.estimate(times: b.t, positions: b.q, tilts: b.phi, from: 1e-9))
    #expect(b.q.last! < 7.5e-7, "the wall stayed away from the long strip's end")
    #expect(abs(va.velocity / vb.velocity - 1) < 1e-3, "moving frame \(va.velocity), long strip \(vb.velocity) m/s")
  }

  /// The demagnetising factor along side a of an infinitely long prism of
  /// cross-section a × b (Aharoni, Introduction to the Theory of
  /// Ferromagnetism, the 2D limit of the prism): 1/2 for a square.
  static func prismFactor(along a: Double, across b: Double) -> Double {
    (2 * Foundation.atan(b / a) + b / (2 * a) * Foundation.log(1 + a * a / (b * b)) - a / (2 * b)
      * Foundation.log(1 + b * b / (a * a))) / Double.pi
  }

  /// The narrow-strip limit: a transverse wall in a strip w × 2 nm with the
  /// full demag (end charges cancelled) against a wire with the strip's
  /// shape anisotropy, K = μ0Ms²N_y/2 along x and K⊥ = μ0Ms²(N_z − N_y)/2
  /// along z (N of the w × 2 nm prism), above the intrinsic pinning (β = 0,
  /// u = 1000 m/s, where the precessing velocity depends on K⊥ as
  /// √(u² − u_c²)). Measured: w = 16 nm, the strip 2.7 % below the wire
  /// (5.6 % below the (q, φ) model); w = 8 nm, 0.6 % (2.2 %). The strip must
  /// come within 1 % of the wire at 8 nm (and 3 % of the model, which also
  /// neglects the wall's deformation above Walker), and closer at 8 nm than
  /// at 16 nm by at least a factor of 2: it approaches the 1D description.
  @Test func theNarrowStripApproachesTheWireWithItsShapeAnisotropy() throws {
    let config = try refdata("strip/strip_transverse.toml")
    let mu0Ms2 = PhysicalConstants.mu0 * 8e5 * 8e5
    var gaps: [(wire: Double, model: Double)] = []
    for cellsAcross in [8, 4] {
      let w = Double(cellsAcross) * 2e-9
      let ny = Self.prismFactor(along: w, across: 2e-9), nz = Self.prismFactor(along: 2e-9, across: w)
      let common = [
        "--force", "--set", "mesh.cellsize=[2e-9,2e-9,2e-9]", "--set", "material.alpha=0.1", "--set", "material.beta=0",
        "--set", "current.u=[1000,0,0]",
      ]
      let strip = temporaryPath("narrow-\(cellsAcross).h5"), wire = temporaryPath("narrow-wire-\(cellsAcross).h5")
      var r = try runGilbert(["run", config, "--output", strip, "--set", "mesh.n=[256,\(cellsAcross),1]"] + common)
      try #require(r.status == 0, "\(r.stderr)")
      let wireConfig = try writeConfig(
        "narrow-wire-\(cellsAcross).toml",
        """
        [mesh]
        n = [256, 1, 1]
        cellsize = [2e-9, 2e-9, 2e-9]
        [material]
        Ms = 8e5
        A = 1.3e-11
        alpha = 0.1
        [[anisotropy]]
        K1 = \(mu0Ms2 * ny / 2)
        axis = [1, 0, 0]
        [[anisotropy]]
        K1 = \(-mu0Ms2 * (nz - ny) / 2)
        axis = [0, 0, 1]
        [current]
        u = [1000, 0, 0]
        [initial]
        type = "wall"
        wall = "head-to-head"
        [run]
        duration = 4e-9
        sample_interval = 1e-11
        [solver]
        tolerance = 1e-6
        """)
      r = try runGilbert(["run", wireConfig, "--output", wire, "--force"])
      try #require(r.status == 0, "\(r.stderr)")
      let a = try HDF5File(reading: strip), b = try HDF5File(reading: wire)
      defer {
        a.close()
        b.close()
      }
      let vStrip = try a.doubleAttribute("wall_velocity", on: "/summary")[0]
      let vWire = try b.doubleAttribute("wall_velocity", on: "/summary")[0]
      let vModel = try b.doubleAttribute("model_velocity", on: "/summary")[0]
      gaps.append((abs(vStrip / vWire - 1), abs(vStrip / vModel - 1)))
    }
    #expect(gaps[1].wire < 0.01 && gaps[1].model < 0.03, "8 nm: \(gaps[1])")
    #expect(gaps[1].wire * 2 < gaps[0].wire && gaps[1].model < gaps[0].model, "16 nm \(gaps[0]), 8 nm \(gaps[1])")
  }

  /// In a strip, q counts magnetization: for a straight wall it is the
  /// centre of the profile, to the profile's asymmetry at the grid's ends.
  @Test func theStripPositionOfAStraightWallIsItsCentre() {
    let g = Grid(nx: 200, ny: 6, dx: 2e-9, dy: 2e-9, dz: 2e-9)
    let wall = WallKind.headToHead.wall
    for q in [151e-9, 200e-9, 247.3e-9] {
      let m = wall.walkerProfile(grid: g, position: q, width: 10e-9, tilt: 0)
      // tanh tails reach the ends as e^(−2·150/10): far below 1e-9 of a cell.
      #expect(abs(wall.position(m, grid: g)! - q) < 1e-6 * g.dx, "q = \(q)")
    }
  }

  /// The vortex-wall start has a core of the asked polarity at the asked
  /// place, winding +1 whatever its chirality; a transverse wall has none,
  /// and an antivortex (m = (x, −y) about the core) winds −1.
  @Test(arguments: [(1.0, 1.0), (-1.0, 1.0), (1.0, -1.0), (-1.0, -1.0)])
  func coresAreFoundWithTheirPolarityAndWinding(_ chirality: Double, _ polarity: Double) {
    let g = Grid(nx: 120, ny: 40, dx: 4e-9, dy: 4e-9, dz: 4e-9)
    let wall = WallKind.headToHead.wall
    let m = wall.vortexProfile(grid: g, position: 250e-9, chirality: chirality, polarity: polarity, coreRadius: 10e-9)
    let core = WallCore.find(in: m, grid: g)
    #expect(core.structure == .vortex)
    #expect(core.polarity == polarity)
    // The core is centred on cell 62 along x (x = 250 nm) and between
    // cells 19 and 20 across (y = 80 nm, two equal maxima): the centroid
    // finds it to a tenth of a cell either way.
    #expect(abs(core.x - 250e-9) < 0.4e-9 && abs(core.y - 80e-9) < 0.4e-9, "core at (\(core.x), \(core.y))")
    let none = WallCore.find(in: wall.walkerProfile(grid: g, position: 250e-9, width: 20e-9, tilt: 0), grid: g)
    #expect(none.structure == .transverse && none.polarity == 0 && none.x.isNaN)
    var anti = VectorField(count: g.cellCount)
    for iy in 0..<g.ny {
      for ix in 0..<g.nx {
        let (x, y) = g.center(ix, iy)
        let dx = x - 250e-9, dy = y - 80e-9
        let r2 = dx * dx + dy * dy
        let core = Foundation.exp(-r2 / (10e-9 * 10e-9))
        let inPlane = SIMD3<Double>(dx, -dy, 0) / max(r2.squareRoot(), 1e-12)
        let v: SIMD3<Double> = (1 - core) * inPlane + SIMD3(0, 0, polarity * core)
        anti[g.index(ix, iy)] = v / (v * v).sum().squareRoot()
      }
    }
    #expect(WallCore.find(in: anti, grid: g).structure == .antivortex)
  }

  /// A vortex wall started in a 384 × 128 × 8 nm strip with demag and
  /// damped for 0.5 ns (α = 0.5) keeps its core (polarity as asked, near
  /// the middle of the width, and still: no current); the table records it;
  /// the (q, φ) model is reported as not applicable.
  @Test func aDampedVortexWallKeepsItsCoreAndTheModelSaysNotApplicable() throws {
    let config = try writeConfig(
      "vortex-wall.toml",
      """
      [mesh]
      n = [96, 32, 1]
      cellsize = [4e-9, 4e-9, 8e-9]
      [material]
      Ms = 8e5
      A = 1.3e-11
      alpha = 0.5
      [demag]
      method = "fft"
      remove_end_charges = [1, -1]
      [initial]
      type = "vortex_wall"
      polarity = -1
      chirality = 1
      [run]
      duration = 5e-10
      sample_interval = 1e-10
      """)
    let out = temporaryPath("vortex-wall.h5")
    let r = try runGilbertCapturing(["run", config, "--output", out, "--force"])
    try #require(r.status == 0)
    #expect(r.stdout.contains("not applicable to a vortex wall"), "\(r.stdout)")
    let f = try HDF5File(reading: out)
    defer { f.close() }
    let type = try f.readDoubles("/table/wall_type").values
    let polarity = try f.readDoubles("/table/wall_core_polarity").values
    let y = try f.readDoubles("/table/wall_core_y").values
    #expect(type.allSatisfy { $0 == 1 }, "wall_type \(type)")
    #expect(polarity.allSatisfy { $0 == -1 }, "polarity \(polarity)")
    let x = try f.readDoubles("/table/wall_core_x").values
    #expect(y.allSatisfy { abs($0 - 64e-9) < 8e-9 }, "core y \(y)")
    // Still: the core found at the same place, frame to frame, to a tenth of a cell.
    #expect(x.max()! - x.min()! < 0.4e-9, "core x \(x)")
  }

  /// Bad strip settings name their key.
  @Test func stripSettingsAreCheckedByName() throws {
    let base = """
      [mesh]
      n = [64, 3, 1]
      cellsize = [4e-9, 4e-9, 4e-9]
      [material]
      Ms = 8e5
      A = 1.3e-11
      alpha = 0.1
      """
    let cases: [(String, String)] = [
      ("[initial]\ntype = \"vortex_wall\"\n", "initial.type"),
      ("[demag]\nmethod = \"fft\"\nremove_end_charges = true\n", "demag.remove_end_charges"),
      ("[demag]\nmethod = \"fft\"\nremove_end_charges = [1, -2]\n", "demag.remove_end_charges"),
      ("[demag]\nmethod = \"local\"\nfactors = [0, 0, 1]\nremove_end_charges = [1, -1]\n", "demag.remove_end_charges"),
    ]
    for (k, (extra, key)) in cases.enumerated() {
      let config = try writeConfig("strip-bad-\(k).toml", base + "\n" + extra)
      let r = try runGilbert(["run", config, "--output", temporaryPath("strip-bad.h5"), "--force"])
      #expect(r.status == 2 && r.stderr.contains(key), "case \(k): \(r.status) \(r.stderr)")
    }
  }
}
