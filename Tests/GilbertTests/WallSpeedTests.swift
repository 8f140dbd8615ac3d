import Foundation
import Gilbert
import GilbertIO
import Testing

/// The two wall geometries of the "wall speed versus β" curves. Both are 1D
/// wires along x with u along x. The in-plane wire stands for a thin strip:
/// its shape anisotropy is a local hard axis (K1 < 0 along z), not demag.
enum WallGeometry: String, CaseIterable, Sendable {
  case inPlaneHeadToHead, perpendicularNeel

  /// Δ0 = √(A/K) = 25.5 nm, K⊥ = 4K, α = 0.1.
  func config(beta: Double, deltaBeta: Double, u: Double, dx: Double, duration: Double, tilt: Double, width: Double)
    -> String
  {
    let (easy, hard, wall) =
      self == .inPlaneHeadToHead ? ("[1, 0, 0]", "[0, 0, 1]", "head-to-head") : ("[0, 0, 1]", "[0, 1, 0]", "neel")
    let n = Int((640e-9 / dx).rounded())
    return """
      [mesh]
      n = [\(n), 1, 1]
      cellsize = [\(dx), \(dx), \(dx)]
      [material]
      Ms = 8e5
      A = 1.3e-11
      alpha = 0.1
      beta = \(beta)
      delta_beta = \(deltaBeta)
      [[anisotropy]]
      K1 = 2e4
      axis = \(easy)
      [[anisotropy]]
      K1 = -8e4
      axis = \(hard)
      [current]
      u = [\(u), 0, 0]
      [initial]
      type = "wall"
      wall = "\(wall)"
      tilt = \(tilt)
      width = \(width)
      [run]
      duration = \(duration)
      sample_interval = 1e-11
      [solver]
      tolerance = 1e-7
      [wall]
      transient = \(duration / 3)
      """
  }
}

struct WallRun {
  var measured: WallVelocity
  var model: WallModel.Motion
  var walker: Double
}

/// Runs one 1D wall through the whole pipeline (config → engine → HDF5 →
/// velocity estimate), starting from the model's steady tilt and width so the
/// transient is short (the steady state itself is set by the dynamics).
func runWall(
  _ geometry: WallGeometry, beta: Double, deltaBeta: Double, u: Double, dx: Double = 2.5e-9, duration: Double = 1.5e-9,
  edit: (String) -> String = { $0 }
) throws -> WallRun {
  // The model at these parameters (its config is the same apart from the start).
  let probe = try Simulation(
    config: SimulationConfig(
      toml: geometry.config(beta: beta, deltaBeta: deltaBeta, u: u, dx: dx, duration: duration, tilt: 0, width: 2.5e-8))
  )
  let model = try #require(probe.wallModel)
  let start = geometry == .inPlaneHeadToHead ? 0.0 : WallKind.neel.defaultTilt
  let motion = model.motion(u: u, from: start)
  var tilt = start, width = model.width(start)
  if case .steady(let phi, _) = motion {
    tilt = phi
    width = model.width(phi)
  }
  let text = edit(
    geometry.config(beta: beta, deltaBeta: deltaBeta, u: u, dx: dx, duration: duration, tilt: tilt, width: width))
  // A fresh name per call: two tests may run the same case at the same time.
  let path = temporaryPath("wall-\(geometry.rawValue)-\(UUID().uuidString).h5")
  let report = try Runner.run(config: SimulationConfig(toml: text), outputPath: path, overwrite: true)
  try? FileManager.default.removeItem(atPath: path)
  let measured = try #require(report.wallVelocity)
  return WallRun(measured: measured, model: motion, walker: model.walkerVelocity(sign: u >= 0 ? 1 : -1, from: start))
}

/// The model's Walker velocity for a geometry and parameters.
func walkerVelocity(_ geometry: WallGeometry, beta: Double, deltaBeta: Double) throws -> Double {
  let sim = try Simulation(
    config: SimulationConfig(
      toml: geometry.config(beta: beta, deltaBeta: deltaBeta, u: 1, dx: 5e-9, duration: 1e-9, tilt: 0, width: 2.5e-8)))
  return try #require(sim.wallModel).walkerVelocity(from: 0)
}

extension Validation {
  @Suite struct WallSpeedTests {
    static let alpha = 0.1
    static let betas = [0.0, 0.05, 0.1, 0.2]  // β = 0, β < α, β = α, β > α

    /// δβ = −β/5 (the paper), 0, and a positive value.
    static func deltaBetas(_ beta: Double) -> [Double] { [-beta / 5, 0, 0.05] }

    @Test(arguments: WallGeometry.allCases)
    func belowWalkerTheWallMovesAtBetaEffUOverAlpha(_ geometry: WallGeometry) throws {
      for beta in Self.betas {
        for dB in Set(Self.deltaBetas(beta)).sorted() {
          let uW = try walkerVelocity(geometry, beta: beta, deltaBeta: dB)
          let u = min(0.5 * uW, 200)
          let r = try runWall(geometry, beta: beta, deltaBeta: dB, u: u)
          guard case .steady = r.model else {
            Issue.record("model not steady at u = \(u) < u_W = \(uW)")
            continue
          }
          #expect(r.measured.regime == .steady)
          if abs(r.model.velocity) > 1e-9 {
            // 1 %, the issue's tolerance. Measured error at dx = Δ0/10: ≤ 0.2 %,
            // the O(dx²) error of the central-difference ∂x m in the torques.
            #expect(
              abs(r.measured.velocity / r.model.velocity - 1) < 0.01,
              "\(geometry) β = \(beta) δβ = \(dB) u = \(u): v = \(r.measured.velocity), model \(r.model.velocity)")
          } else {
            // β_eff = 0: the wall stops once the tilt is reached; allow 0.1 % of u of residual transient.
            #expect(abs(r.measured.velocity) < 1e-3 * u, "\(geometry) β = 0: v = \(r.measured.velocity)")
          }
        }
      }
    }

    @Test(arguments: WallGeometry.allCases)
    func aboveWalkerTheMeanVelocityFollowsTheModel(_ geometry: WallGeometry) throws {
      for (beta, dB) in [(0.0, 0.0), (0.0, 0.05), (0.05, -0.01), (0.2, 0.05)] {
        let uW = try walkerVelocity(geometry, beta: beta, deltaBeta: dB)
        guard uW.isFinite else { continue }
        let u = 2 * uW
        let r = try runWall(geometry, beta: beta, deltaBeta: dB, u: u, duration: 4e-9)
        guard case .precessing = r.model else {
          Issue.record("model not precessing at u = 2 u_W")
          continue
        }
        #expect(r.measured.regime == .precessing)
        // 3 %, the issue's tolerance. Measured: 0.2–2 %; the model's adiabatic
        // width misses the breathing of Δ during precession (the error does not
        // change when dx halves or the run doubles).
        #expect(
          abs(r.measured.velocity / r.model.velocity - 1) < 0.03,
          "\(geometry) β = \(beta) δβ = \(dB) u = \(u): ⟨v⟩ = \(r.measured.velocity), model \(r.model.velocity)")
      }
    }

    @Test func betaEqualToAlphaIsPureAdvectionAndConvergesInDx() throws {
      for geometry in WallGeometry.allCases {
        let u = 150.0
        let coarse = try runWall(geometry, beta: Self.alpha, deltaBeta: 0, u: u, dx: 5e-9).measured.velocity
        let fine = try runWall(geometry, beta: Self.alpha, deltaBeta: 0, u: u, dx: 2.5e-9).measured.velocity
        // v = u in the continuum; the lattice error is second order in dx:
        // measured 0.6 % at Δ0/5 and 0.15 % at Δ0/10.
        #expect(abs(fine / u - 1) < 0.003, "\(geometry): v = \(fine)")
        #expect(abs(fine / u - 1) * 3 < abs(coarse / u - 1), "\(geometry): error \(coarse / u - 1) → \(fine / u - 1)")
      }
    }

    @Test(arguments: WallGeometry.allCases)
    func halvingDxChangesTheVelocityByLessThanTheTolerance(_ geometry: WallGeometry) throws {
      // One steady case with δβ (the paper's −β/5) and one precessing case.
      let beta = 0.05, dB = -0.01
      let uW = try walkerVelocity(geometry, beta: beta, deltaBeta: dB)
      let steady = try [2.5e-9, 1.25e-9].map { try runWall(geometry, beta: beta, deltaBeta: dB, u: 0.5 * uW, dx: $0) }
      #expect(abs(steady[1].measured.velocity / steady[0].measured.velocity - 1) < 0.01)
      let moving = try [2.5e-9, 1.25e-9].map {
        try runWall(geometry, beta: beta, deltaBeta: dB, u: 2 * uW, dx: $0, duration: 4e-9)
      }
      #expect(abs(moving[1].measured.velocity / moving[0].measured.velocity - 1) < 0.03)
    }

    @Test func noCurrentNoMotion() throws {
      for geometry in WallGeometry.allCases {
        let r = try runWall(geometry, beta: 0.05, deltaBeta: 0.05, u: 0)
        // A static Walker profile only relaxes in shape, symmetrically.
        #expect(abs(r.measured.velocity) < 1e-6, "\(geometry): v = \(r.measured.velocity)")
      }
    }

    @Test func movingFrameGivesTheSameVelocityAsALongGrid() throws {
      // A wall crossing 600 nm in 3 ns: a 1.28 µm grid without the frame, and the 640 nm
      // moving-frame grid, must agree (the frame shifts whole cells and fills the far domain).
      let u = 200.0, beta = 0.05, dB = 0.0
      let framed = try runWall(.inPlaneHeadToHead, beta: beta, deltaBeta: dB, u: u, duration: 3e-9).measured.velocity
      let long = try runWall(.inPlaneHeadToHead, beta: beta, deltaBeta: dB, u: u, duration: 3e-9) { text in
        text.replacingOccurrences(of: "n = [256, 1, 1]", with: "n = [512, 1, 1]")
          .replacingOccurrences(of: "wall = \"head-to-head\"", with: "wall = \"head-to-head\"\nposition = 2e-7")
          + "\nmoving_frame = false\n"
      }.measured.velocity
      // Same dynamics, different bookkeeping: agree to 1e-3.
      #expect(abs(framed / long - 1) < 1e-3, "framed \(framed), long grid \(long)")
      #expect(abs(long / (beta / Self.alpha * u) - 1) < 0.01)
    }
  }
}
