import ArgumentParser
import Foundation
import Gilbert
import GilbertIO

/// `gilbert bench`: cell-updates per second of the LLG right-hand side and of
/// whole rk43 steps (per evaluation), over grid sizes, so cost versus grid size is measured,
/// not assumed. Build in release (`swift build -c release`).
struct BenchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench",
    abstract: "Measure right-hand-side and step throughput (cell-updates/s) over grid sizes.",
    discussion: "Set GILBERT_THREADS=1 to measure the serial kernels. Report numbers from a release build.")

  @Option(help: "Seconds to spend timing each grid.")
  var seconds = 1.0

  @Option(help: "Grids as NXxNY, comma separated.")
  var grids = BenchCommand.defaultGridList

  @Flag(help: "Standard problem 4's terms: exchange, Zeeman (field 1) and the FFT demag, cells 2.5 × 2.5 × 3 nm.")
  var demag = false

  @Flag(
    help:
      "Time the 1D wire instead: exchange, an easy and a hard anisotropy, Zhang–Li and δβ (u = 200 m/s), on NX×1 grids; the fused pass and the per-term evaluation side by side."
  )
  var wire = false

  @Flag(
    help:
      "Add the interfacial DMI (D = 1 mJ/m²): to the wire's terms with --wire; on a film, with the Zhang–Li torque (u = 100 m/s, β = 0.04), a chiral racetrack's local terms."
  )
  var dmi = false

  @Flag(help: "Print one JSON object per grid (for tools/bench) instead of the table.")
  var json = false

  @Flag(
    help:
      "Time the wall-velocity points P1–P4 (Examples/velocity) instead: whole runs until the velocity converges, with their error against the reference velocities."
  )
  var walls = false

  /// The CPU the Swift code was compiled for (Package.swift's `targetCPU`).
  static var code: String {
    #if GILBERT_CPU_HASWELL
      "haswell (AVX2)"
    #elseif GILBERT_CPU_X86_64
      "portable x86-64 (SSE2)"
    #elseif GILBERT_CPU_OTHER
      "the CPU named by GILBERT_TARGET_CPU"
    #else
      "the compiler's default target"
    #endif
  }

  @Option(help: "The directory of the P1–P4 configs (with --walls).")
  var wallsDirectory = "Examples/velocity"

  @Flag(
    help:
      "With --walls: run the configs as shipped (their frame, solver, tolerances and sampling) rather than with only their physics and run.until = \"velocity_converged\" (the defaults then choose).")
  var asShipped = false

  /// The reference velocities of issue 10's points (the converged continuum limit), m/s.
  static let wallPoints: [(name: String, file: String, reference: Double)] = [
    ("P1 steady", "p1_steady_head_to_head.toml", 66.6669),
    ("P2 precessing", "p2_precessing_head_to_head.toml", 587.980),
    ("P3 steady", "p3_steady_bloch.toml", 15.7961),
    ("P4 precessing", "p4_precessing_bloch.toml", 98.7095),
  ]

  /// Runs each point in this process, with only its physics (the
  /// defaults for a velocity choose the rest; `--as-shipped`: the configs'
  /// own solver and stopping rule), and prints the velocity, its error and the cost.
  func runWalls() throws {
    print(
      "threads: \(Parallel.workers)  code: \(Self.code)  (whole runs: build, integrate until converged, write the table; "
        + (asShipped ? "the configs as shipped)" : "only the physics, until = \"velocity_converged\", duration = 1e-6 s as the bound)")
    )
    print("point           cells   v (m/s)     reference   rel. error  regime      steps    rhs   seconds")
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("gilbert-bench-\(getpid()).h5").path
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    for point in Self.wallPoints {
      let path = (wallsDirectory as NSString).appendingPathComponent(point.file)
      guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        fail("--walls-directory: cannot read '\(path)'; run from the repository root or pass --walls-directory")
      }
      let config = try SimulationConfig(
        toml: asShipped ? text : SimulationConfig.physicsOnly(text), overrides: [], baseDirectory: wallsDirectory)
      let r = try Runner.run(config: config, outputPath: scratch, overwrite: true)
      let v = r.wallVelocity?.velocity ?? .nan
      print(
        String(
          format: "%@ %6d %11.4f %11.4f %11.2e  %@ %7d %7d %8.3f",
          point.name.padding(toLength: 14, withPad: " ", startingAt: 0), config.grid.cellCount, v, point.reference,
          (v - point.reference) / point.reference,
          (r.wallVelocity?.regime.rawValue ?? "none").padding(toLength: 10, withPad: " ", startingAt: 0), r.steps,
          r.rhsEvaluations, r.wallClockSeconds))
    }
  }

  func run() throws {
    if walls { return try runWalls() }
    let defaultGrids = wire ? "512x1,2048x1,4096x1,16384x1,65536x1" : grids
    let spec = grids == Self.defaultGridList ? defaultGrids : grids
    let sizes: [(Int, Int)] = spec.split(separator: ",").map { s in
      let p = s.split(separator: "x").compactMap { Int($0) }
      guard p.count == 2, p[0] > 0, p[1] > 0 else {
        fail("--grids entry '\(s)' is not NXxNY with positive integers (e.g. 256x256)")
      }
      return (p[0], p[1])
    }
    if wire && sizes.contains(where: { $0.1 != 1 }) { fail("--wire needs 1D grids NXx1 (got '\(spec)')") }
    let problem = (wire ? "wire" : demag ? "demag" : "local") + (dmi ? "+dmi" : "")
    if !json {
      print(
        "threads: \(Parallel.workers)  code: \(Self.code)  terms: "
          + (wire
            ? "exchange + easy and hard anisotropy + Zhang–Li + δβ (the fused pass; each term's own loop beside it)"
            : demag
              ? "exchange + Zeeman + demag (FFT), standard problem 4's terms"
              : "exchange + uniaxial anisotropy + Zeeman") + (dmi ? (wire ? " + DMI" : " + DMI + Zhang–Li") : ""))
      print(
        "grid".padding(toLength: 12, withPad: " ", startingAt: 0)
          + "      cells       rhs (µs)      rhs cells/s  in steps (µs)" + (wire || dmi ? "  per-term rhs (µs)" : "")
          + (demag ? "  6 FFTs (µs)" : ""))
    }
    for (nx, ny) in sizes {
      var llg =
        wire ? Self.wireEquation(nx: nx, dmi: dmi) : Self.filmEquation(nx: nx, ny: ny, demag: demag, dmi: dmi)
      let cells = nx * ny
      var m = VectorField(count: cells)
      for i in 0..<cells { m[i] = SIMD3(cos(Double(i) * 0.01), sin(Double(i) * 0.01), 0.1) }
      m.normalize()
      let rhs = timeRHS(&llg, m: m)
      var general: Double? = nil
      let floor: Double? = demag ? fftFloor(nx: nx, ny: ny) : nil
      if wire || dmi {
        var g = llg
        g.fusesLocalTerms = false
        general = timeRHS(&g, m: m)
      }
      // Whole adaptive steps of the default explicit method, per evaluation:
      // the right-hand side with the integrator's own vector work (stage
      // sums, error norm, renormalisation) and the step control around it.
      var stepper = RungeKutta(for: llg, tableau: .rk43, timeStep: 1e-13, tolerance: 1e-5)
      var t = 0.0
      var steps = 0
      let evaluationsBefore = llg.evaluations
      let s2 = ContinuousClock.now
      while (ContinuousClock.now - s2) < .seconds(seconds) || steps < 3 {
        try stepper.step(&llg, m: &m, time: &t, limit: 1)
        steps += 1
      }
      let step = (ContinuousClock.now - s2) / .seconds(1) / Double(llg.evaluations - evaluationsBefore)
      if json {
        var fields = [
          "\"problem\": \"\(problem)\"", "\"grid\": \"\(nx)x\(ny)\"", "\"cells\": \(cells)",
          "\"threads\": \(Parallel.workers)", "\"code\": \"\(Self.code)\"", "\"rhs_seconds\": \(rhs)",
          "\"cell_updates_per_second\": \(Double(cells) / rhs)", "\"rhs_in_steps_seconds\": \(step)",
        ]
        if let general { fields.append("\"per_term_rhs_seconds\": \(general)") }
        if let floor { fields.append("\"fft_floor_seconds\": \(floor)") }
        print("{" + fields.joined(separator: ", ") + "}")
      } else {
        print(
          String(
            format: "%@ %10d %14.2f %16.3e %15.2f", "\(nx)x\(ny)".padding(toLength: 12, withPad: " ", startingAt: 0),
            cells, rhs * 1e6, Double(cells) / rhs, step * 1e6)
            + (general.map { String(format: " %17.2f", $0 * 1e6) } ?? "")
            + (floor.map { String(format: " %12.2f", $0 * 1e6) } ?? ""))
      }
    }
  }

  /// The FFT floor of demag on an nx × ny grid: the time of its six
  /// transforms alone (three forward of m, three backward of B, padding
  /// skipped), done as Demag does them on this grid (``Demag/defaultLayout(nx:ny:)``):
  /// the row-major two passes, the column-major ones, or the column blocks
  /// (their column transforms with no product between).
  func fftFloor(nx: Int, ny: Int) -> Double {
    let py = ny == 1 ? 1 : 2 * ny, px = 2 * nx
    let threads = px * py >= 262_144 ? Parallel.workers : 1
    var calls = 0
    let start: ContinuousClock.Instant
    let layout = Demag.defaultLayout(nx: nx, ny: ny)
    if layout == .blocks {
      let blocked = BlockedConvolution2D(rows: py, columns: px, occupiedRows: ny, threads: threads)
      let real = RealFFT2D.allocate(px * py)
      let spectra = (0..<3).map { _ in RealFFT2D.allocate(blocked.compactCount) }
      defer {
        RealFFT2D.free(real)
        for s in spectra { RealFFT2D.free(s) }
      }
      start = ContinuousClock.now
      while (ContinuousClock.now - start) < .seconds(seconds) || calls < 3 {
        for s in spectra { blocked.forwardRows(real, s) }
        blocked.convolveColumns(spectra) { _, _, _ in }
        for s in spectra { blocked.backwardRows(s, real) }
        calls += 1
      }
    } else if layout == .columns {
      let fft = ColumnMajorFFT2D(rows: py, columns: px, occupiedRows: ny, threads: threads)
      let spectrum = RealFFT2D.allocate(fft.spectrumDoubles)
      defer { RealFFT2D.free(spectrum) }
      start = ContinuousClock.now
      while (ContinuousClock.now - start) < .seconds(seconds) || calls < 3 {
        for _ in 0..<3 {
          fft.forward(into: spectrum)
          fft.backward(spectrum)
        }
        calls += 1
      }
    } else {
      let fft = RealFFT2D(rows: py, columns: px, occupiedRows: ny, threads: threads, measure: true)
      let real = RealFFT2D.allocate(px * py), spectrum = RealFFT2D.allocate(2 * fft.spectrumCount)
      defer {
        RealFFT2D.free(real)
        RealFFT2D.free(spectrum)
      }
      start = ContinuousClock.now
      while (ContinuousClock.now - start) < .seconds(seconds) || calls < 3 {
        for _ in 0..<3 {
          fft.forward(real, spectrum)
          fft.backward(spectrum, real)
        }
        calls += 1
      }
    }
    return (ContinuousClock.now - start) / .seconds(1) / Double(calls)
  }

  static let defaultGridList = "256x1,4096x1,64x64,128x128,256x256,512x512,1024x1024"

  /// Seconds per right-hand side, timed for ``seconds`` (at least 3 calls).
  func timeRHS(_ llg: inout LLG, m: VectorField) -> Double {
    var dmdt = VectorField(count: m.count)
    llg.derivative(m: m, time: 0, into: &dmdt)  // warm-up: first touches of the buffers
    var evals = 0
    let start = ContinuousClock.now
    while (ContinuousClock.now - start) < .seconds(seconds) || evals < 3 {
      llg.derivative(m: m, time: 0, into: &dmdt)
      evals += 1
    }
    return (ContinuousClock.now - start) / .seconds(1) / Double(evals)
  }

  /// Exchange, an anisotropy and a Zeeman field (and demag) on a film.
  static func filmEquation(nx: Int, ny: Int, demag: Bool, dmi: Bool = false) -> LLG {
    let grid =
      demag
      ? Grid(nx: nx, ny: ny, dx: 2.5e-9, dy: 2.5e-9, dz: 3e-9) : Grid(nx: nx, ny: ny, dx: 2e-9, dy: 2e-9, dz: 2e-9)
    let magnet = Magnet(
      grid: grid, material: Material(saturationMagnetization: 8e5, exchangeStiffness: 1.3e-11, damping: 0.02))
    // With demag, standard problem 4's terms (field 1); without, the local
    // terms of a film with an anisotropy.
    let terms: [any FieldTerm] =
      demag
      ? [
        Exchange(magnet: magnet), Zeeman(magnet: magnet, amplitude: SIMD3(-24.6e-3, 4.3e-3, 0)),
        Demag(magnet: magnet),
      ]
      : [
        Exchange(magnet: magnet), UniaxialAnisotropy(magnet: magnet, constants: [5e5], axis: SIMD3(1, 0, 0)),
        Zeeman(magnet: magnet, amplitude: SIMD3(0, 0.01, 0)),
      ]
    guard dmi else { return LLG(magnet: magnet, fieldTerms: terms) }
    // A chiral racetrack's local terms: the DMI and the Zhang–Li torque beside them.
    let chiral = Magnet(
      grid: grid,
      material: Material(
        saturationMagnetization: 8e5, exchangeStiffness: 1.3e-11, damping: 0.02, nonAdiabaticity: 0.04))
    return LLG(
      magnet: chiral,
      fieldTerms: [
        Exchange(magnet: chiral), UniaxialAnisotropy(magnet: chiral, constants: [5e5], axis: SIMD3(0, 0, 1)),
        Zeeman(magnet: chiral, amplitude: SIMD3(0, 0.01, 0)),
        InterfacialDMI(magnet: chiral, strength: RegionParameter("D", [1e-3], unit: "J/m^2")),
      ],
      torqueTerms: [ZhangLiTorque(magnet: chiral)],
      drive: Drive(magnet: chiral, uniformVelocity: SIMD3(100, 0, 0)))
  }

  /// The wire of the velocity maps: permalloy-like, dx = 1 nm, easy x, hard z, u = 200 m/s, β = 0.04, δβ = −0.02.
  static func wireEquation(nx: Int, dmi: Bool = false) -> LLG {
    let grid = Grid(nx: nx, ny: 1, dx: 1e-9, dy: 1e-9, dz: 1e-9)
    let magnet = Magnet(
      grid: grid,
      material: Material(
        saturationMagnetization: 8e5, exchangeStiffness: 1.3e-11, damping: 0.02, nonAdiabaticity: 0.04,
        anisotropicNonAdiabaticity: -0.02))
    return LLG(
      magnet: magnet,
      fieldTerms: [
        Exchange(magnet: magnet),
        UniaxialAnisotropy(magnet: magnet, constants: [5e4], axis: SIMD3(1, 0, 0)),
        UniaxialAnisotropy(magnet: magnet, constants: [-2e5], axis: SIMD3(0, 0, 1), name: "hard_axis"),
      ] + (dmi ? [InterfacialDMI(magnet: magnet, strength: RegionParameter("D", [1e-3], unit: "J/m^2"))] : []),
      torqueTerms: [ZhangLiTorque(magnet: magnet), AnisotropicBetaTorque(magnet: magnet)],
      drive: Drive(magnet: magnet, uniformVelocity: SIMD3(200, 0, 0)))
  }
}
