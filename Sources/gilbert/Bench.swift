import ArgumentParser
import Foundation
import Gilbert
import GilbertIO

/// `gilbert bench`: cell-updates per second of the LLG right-hand side and of
/// whole RK45 steps, over grid sizes, so cost versus grid size is measured,
/// not assumed. Build in release (`swift build -c release`).
struct BenchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench",
    abstract: "Measure right-hand-side and step throughput (cell-updates/s) over grid sizes.",
    discussion: "Set GILBERT_THREADS=1 to measure the serial kernels. Report numbers from a release build.")

  @Option(help: "Seconds to spend timing each grid.")
  var seconds = 1.0

  @Option(help: "Grids as NXxNY, comma separated.")
  var grids = "256x1,4096x1,64x64,128x128,256x256,512x512,1024x1024"

  @Flag(help: "Include the FFT demag term (cells 2.5 × 2.5 × 3 nm, as standard problem 4).")
  var demag = false

  @Flag(
    help:
      "Time the wall-velocity points P1–P4 (Examples/velocity) instead: whole runs until the velocity converges, with their error against the reference velocities."
  )
  var walls = false

  @Option(help: "The directory of the P1–P4 configs (with --walls).")
  var wallsDirectory = "Examples/velocity"

  /// The reference velocities of issue 10's points (the converged continuum limit), m/s.
  static let wallPoints: [(name: String, file: String, reference: Double)] = [
    ("P1 steady", "p1_steady_head_to_head.toml", 66.6669),
    ("P2 precessing", "p2_precessing_head_to_head.toml", 587.980),
    ("P3 steady", "p3_steady_bloch.toml", 15.7961),
    ("P4 precessing", "p4_precessing_bloch.toml", 98.7095),
  ]

  /// Runs each point in this process (the configs' own solver and
  /// stopping rule) and prints the velocity, its error and the cost.
  func runWalls() throws {
    print("threads: \(Parallel.workers)  (whole runs: build, integrate until converged, write the table)")
    print("point           cells   v (m/s)     reference   rel. error  regime      steps    rhs   seconds")
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("gilbert-bench-\(getpid()).h5").path
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    for point in Self.wallPoints {
      let path = (wallsDirectory as NSString).appendingPathComponent(point.file)
      guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        fail("--walls-directory: cannot read '\(path)'; run from the repository root or pass --walls-directory")
      }
      let config = try SimulationConfig(toml: text, overrides: [], baseDirectory: wallsDirectory)
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
    let sizes: [(Int, Int)] = grids.split(separator: ",").map { s in
      let p = s.split(separator: "x").compactMap { Int($0) }
      guard p.count == 2, p[0] > 0, p[1] > 0 else {
        fail("--grids entry '\(s)' is not NXxNY with positive integers (e.g. 256x256)")
      }
      return (p[0], p[1])
    }
    print(
      "threads: \(Parallel.workers)  terms: exchange + uniaxial anisotropy + Zeeman" + (demag ? " + demag (FFT)" : ""))
    print(
      "grid".padding(toLength: 12, withPad: " ", startingAt: 0)
        + "      cells       rhs (µs)      rhs cells/s  rk45 step (µs)")
    for (nx, ny) in sizes {
      let grid =
        demag
        ? Grid(nx: nx, ny: ny, dx: 2.5e-9, dy: 2.5e-9, dz: 3e-9) : Grid(nx: nx, ny: ny, dx: 2e-9, dy: 2e-9, dz: 2e-9)
      let magnet = Magnet(
        grid: grid, material: Material(saturationMagnetization: 8e5, exchangeStiffness: 1.3e-11, damping: 0.02))
      var terms: [any FieldTerm] = [
        Exchange(magnet: magnet),
        UniaxialAnisotropy(magnet: magnet, constants: [5e5], axis: SIMD3(1, 0, 0)),
        Zeeman(magnet: magnet, amplitude: SIMD3(0, 0.01, 0)),
      ]
      if demag { terms.append(Demag(magnet: magnet)) }
      var llg = LLG(magnet: magnet, fieldTerms: terms)
      var m = VectorField(count: grid.cellCount)
      for i in 0..<grid.cellCount { m[i] = SIMD3(cos(Double(i) * 0.01), sin(Double(i) * 0.01), 0.1) }
      m.normalize()
      var dmdt = VectorField(count: grid.cellCount)
      // Right-hand side alone.
      var evals = 0
      let start = ContinuousClock.now
      while (ContinuousClock.now - start) < .seconds(seconds) || evals < 3 {
        llg.derivative(m: m, time: 0, into: &dmdt)
        evals += 1
      }
      let rhs = (ContinuousClock.now - start) / .seconds(1) / Double(evals)
      // Whole adaptive steps (six evaluations each, FSAL).
      var stepper = RungeKutta(for: llg, tableau: .dormandPrince, timeStep: 1e-13, tolerance: 1e-5)
      var t = 0.0
      var steps = 0
      let s2 = ContinuousClock.now
      while (ContinuousClock.now - s2) < .seconds(seconds) || steps < 3 {
        try stepper.step(&llg, m: &m, time: &t, limit: 1)
        steps += 1
      }
      let step = (ContinuousClock.now - s2) / .seconds(1) / Double(steps)
      print(
        String(
          format: "%@ %10d %14.2f %16.3e %15.2f", "\(nx)x\(ny)".padding(toLength: 12, withPad: " ", startingAt: 0),
          grid.cellCount, rhs * 1e6,
          Double(grid.cellCount) / rhs, step * 1e6))
    }
  }
}
