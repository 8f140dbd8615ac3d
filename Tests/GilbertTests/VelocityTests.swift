import Foundation
import Gilbert
import GilbertIO
import Testing

/// A shipped example's config text.
func exampleText(_ name: String) throws -> String {
  let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
  return try String(contentsOf: root.appendingPathComponent("Examples/\(name)"), encoding: .utf8)
}

/// Runs a config (with overrides) and returns its report.
func runExample(_ text: String, _ overrides: [(key: String, value: String)] = [], name: String) throws -> RunReport {
  let config = try SimulationConfig(toml: text, overrides: overrides)
  return try Runner.run(config: config, outputPath: temporaryPath(name), overwrite: true)
}

extension Validation {
  /// The stiff solver in the co-moving frame (issue 10's points) and its
  /// agreement with RK45 on the shipped wall examples.
  @Suite struct StiffVelocityTests {
    @Test(arguments: [
      ("velocity/p1_steady_head_to_head.toml", 66.6669), ("velocity/p3_steady_bloch.toml", 15.7961),
    ])
    func steadyPointsMatchTheReferenceVelocity(_ example: String, _ reference: Double) throws {
      let r = try runExample(try exampleText(example), name: "stiff-\(reference).h5")
      #expect(r.outcome == .completed)
      let v = try #require(r.wallVelocity)
      #expect(v.regime == .steady)
      // The issue's bound: within 1e-3 of the converged continuum limit. The
      // rest is the 2nd-order stencil at dx = Δ/16 (P1) and Δ/9 (P3), about
      // 3e-4 and 1e-4 (Documentation/Performance.md).
      #expect(abs(v.velocity / reference - 1) < 1e-3, "v = \(v.velocity) m/s, reference \(reference)")
      // It stopped because the velocity converged, well before the bound.
      #expect(r.finalTime < 0.9 * 5e-8, "ran to t = \(r.finalTime) s")
      // The examples look for the stationary state first: found, with the
      // frame velocity there within the same bound.
      let steady = try #require(r.steadySolve)
      #expect(steady.converged, "steady solve: \(steady.reason ?? "")")
      #expect(abs(steady.velocity / reference - 1) < 1e-3, "v_f = \(steady.velocity) m/s")
      // Integrating in time from the initial wall instead (no steady solve)
      // reaches the same velocity: both stop when successive estimates agree
      // to 3e-4 (the examples' velocity_tolerance), so they differ by less
      // than twice that.
      let timed = try runExample(
        try exampleText(example), [("wall.steady_solve", "false")], name: "stiff-timed-\(reference).h5")
      let w = try #require(timed.wallVelocity)
      #expect(timed.steadySolve == nil)
      #expect(abs(w.velocity / v.velocity - 1) < 6e-4, "time-integrated \(w.velocity), steady \(v.velocity) m/s")
    }

    @Test(arguments: [2.0, 5.0]) func samplesFurtherApartThanATurnDoNotAliasThePeriod(_ turnsPerSample: Double) throws {
      // P2 precesses with a period of 3.96 ns (v = 587.980 m/s, the
      // continuum limit). Sampled every 2 and 5 periods, φ at the samples
      // alone gave a period 4.8× too long (issue 28); its turns are now
      // followed at every step.
      let period = 3.9627e-9  // the shipped P2's own (sampled every 0.13 turn)
      let r = try runExample(
        try exampleText("velocity/p2_precessing_head_to_head.toml"),
        [("run.sample_interval", "\(turnsPerSample * period)"), ("run.duration", "5e-7")],
        name: "p2-every-\(turnsPerSample).h5")
      let v = try #require(r.wallVelocity)
      #expect(r.velocityConverged == true && v.regime == .precessing)
      // The period within 1 % (the issue's bound; the turns differ by 2e-4).
      #expect(abs(try #require(v.period) / period - 1) < 0.01, "period \(v.period ?? 0) s")
      // The velocity within 1e-3 of the reference: the example's turn-to-turn
      // tolerance 3e-4 and dx = Δ/16's discretisation (about 1e-4).
      #expect(abs(v.velocity / 587.980 - 1) < 1e-3, "v = \(v.velocity) m/s")
    }

    /// A shipped velocity example with only its physics (``SimulationConfig/physicsOnly``).
    static func physicsOnly(_ example: String) throws -> String {
      SimulationConfig.physicsOnly(try exampleText(example))
    }

    @Test(arguments: [
      ("velocity/p1_steady_head_to_head.toml", 66.6669), ("velocity/p2_precessing_head_to_head.toml", 587.980),
      ("velocity/p3_steady_bloch.toml", 15.7961), ("velocity/p4_precessing_bloch.toml", 98.7095),
    ])
    func aVelocityNeedsOnlyItsPhysics(_ example: String, _ reference: Double) throws {
      // Issue 28: written with only the physics, P1 took 40 s, P2 was 6.8e-3
      // off with an aliased period, P3 and P4 stopped at their first steps.
      // The defaults now follow the question: the continuous frame, the
      // steady solve, the implicit solver at its own tolerance, samples at
      // the wall's relaxation time. Speed: `gilbert bench --walls`.
      let text = try Self.physicsOnly(example)
      let config = try SimulationConfig(toml: text)
      #expect(config.wall?.frame == .continuous && config.wall?.steadySolve == true)
      #expect(config.solver.scheme == .implicit && config.solver.tolerance == 1e-3)
      #expect(config.chosenDefaults.count == 5, "\(config.chosenDefaults)")
      let r = try runExample(text, name: "physics-only-\(reference).h5")
      let v = try #require(r.wallVelocity)
      #expect(r.velocityConverged == true)
      // Within 1e-3 of the continuum limit (the issue's bound): the default
      // velocity_tolerance 1e-3 between windows or turns, plus the examples'
      // discretisation (dx = Δ/16 or Δ/9: 1e-4 to 3e-4), measured 2e-5 to 4e-4.
      #expect(abs(v.velocity / reference - 1) < 1e-3, "v = \(v.velocity) m/s, reference \(reference)")
      #expect(r.finalTime < 1e-7, "ran to t = \(r.finalTime) s of the 1e-6 s bound")
      // Keys the user sets win, and nothing is chosen for a fixed-duration run.
      let explicit = try SimulationConfig(
        toml: text, overrides: [("solver.method", "\"rk45\""), ("wall.moving_frame", "true")])
      #expect(explicit.solver.scheme == .rk45 && explicit.wall?.frame == .shift && explicit.wall?.steadySolve == false)
      let fixed = try SimulationConfig(toml: text, overrides: [("run.until", "\"duration\"")])
      #expect(fixed.chosenDefaults.isEmpty && fixed.solver.scheme == .rk43)
    }

    /// The shipped examples that track a wall and ask for its velocity, each
    /// with the relative difference from the (q, φ) model its comments state
    /// beyond its uncertainty (nil: no model applies).
    static let wallExamples: [(file: String, stated: Double?)] = [
      ("inplane_sweep.toml", 0),  // within its uncertainty
      ("inplane_wall_current.toml", 4.5e-4),  // the rigid-profile ansatz (dx = 1 nm moves it by 1e-4)
      ("perpendicular_wall_current.toml", 1e-4),  // 2e-5 measured
      ("neel_wall_dmi.toml", 1e-4),  // DMI in the model; the stencil at dx = Δ/7.7: measured 1.8e-5
      ("wall_amr_current.toml", 3e-3),  // the stencil at dx = Δ/8: 0.26 m/s (Richardson from 2, 1, 0.5 nm)
      ("study_beta_deltabeta.toml", 0),
      ("strip_transverse_wall.toml", nil),  // 2D with demag: the model has no demag
    ]

    @Test(arguments: wallExamples.map(\.file))
    func everyShippedWallExampleConverges(_ file: String) throws {
      // Issue 28: wall_amr_current ended at 90.95 ± 2.56 m/s, unconverged,
      // against the model's 94.54, and the terminal did not say so; three
      // more ended unconverged. (strip_vortex_wall and notch_depinning_pulse,
      // 2D with demag, are not yet on the fast path: issue 28 item 6.)
      let stated = Self.wallExamples.first { $0.file == file }!.stated
      let r = try runExample(try exampleText(file), name: "example-\(file).h5")
      #expect(r.outcome == .completed)
      #expect(r.velocityConverged == true, "\(file): not converged at t = \(r.finalTime) s")
      let v = try #require(r.wallVelocity).velocity
      if let stated, let model = r.modelMotion?.velocity {
        let allowed = (r.velocityUncertainty ?? 0) + stated * abs(model)
        #expect(abs(v - model) <= allowed, "\(file): \(v) m/s, model \(model), allowed \(allowed)")
      } else {
        #expect(stated == nil && r.modelMotion == nil, "\(file): the model applies or its tolerance is missing")
      }
    }

    @Test func theNearWalkerPointOfTheStudyConverges() throws {
      // β = 0.06, δβ = 0.02 in the Guide's study: just above the Walker
      // breakdown, φ turns once in 21 ns, so the 50 ns bound held only two
      // crossings and the point ended unconverged at ± 710 m/s (issue 28). The
      // bound now grows in turns (up to run.duration_cap, 10 × duration).
      let r = try runExample(
        try exampleText("study_beta_deltabeta.toml"), [("material.beta", "0.06"), ("material.delta_beta", "0.02")],
        name: "near-walker.h5")
      let v = try #require(r.wallVelocity)
      #expect(r.velocityConverged == true && v.regime == .precessing)
      #expect(r.finalTime > 5e-8 && r.finalTime < 5e-7, "ended at t = \(r.finalTime) s")
      // Successive turns agree to the example's 3e-4; the model (a rigid wall)
      // differs by 8e-4 here, where the tilt swings widest over a turn.
      #expect((r.velocityUncertainty ?? .infinity) <= 3e-4 * abs(v.velocity), "± \(r.velocityUncertainty ?? .nan)")
      let model = try #require(r.modelMotion).velocity
      #expect(abs(v.velocity / model - 1) < 2e-3, "v = \(v.velocity), model \(model) m/s")
    }

    @Test func aStripWithDemagIsOnTheFastPathWithOnlyItsPhysics() throws {
      // Examples/strip_transverse_wall.toml (128 × 24 cells, FFT demag,
      // β = 2α, u = 200 m/s) with only its physics: the continuous frame, the
      // steady solve and the implicit solver with the full field (demag in
      // the Krylov products). A transverse wall has no gyrovector, so Thiele's
      // equation gives steady motion at exactly v = β u/α = 400 m/s. The
      // shipped config (whole-cell shifts, rk45, 2e-11 s samples) gave
      // 397.5 ± 0.8 m/s in 3 s; speed is in Performance.md.
      let text = SimulationConfig.physicsOnly(try exampleText("strip_transverse_wall.toml"))
      let r = try runExample(text, name: "strip-minimal.h5")
      let v = try #require(r.wallVelocity)
      #expect(r.velocityConverged == true && v.regime == .steady)
      #expect(try #require(r.steadySolve).converged)
      // 1e-3: the issue's bound; measured 2.5e-6 (the grid's own error vanishes
      // for a rigid translation in the co-moving frame).
      #expect(abs(v.velocity / 400 - 1) < 1e-3, "v = \(v.velocity) m/s")

      // Against RK45 run to convergence (issue 28 item 6): the wall relaxed
      // first, the co-moving frame, no steady solve, successive windows
      // within 1e-4. Measured 399.993 ± 0.024 m/s (5 s), 1.5e-5 from the
      // fast path; 1e-3 is the issue's bound.
      let rk45 = try runExample(
        text,
        [
          ("solver.method", "\"rk45\""), ("wall.steady_solve", "false"), ("run.relax_first", "true"),
          ("wall.velocity_tolerance", "1e-4"),
        ], name: "strip-rk45.h5")
      let reference = try #require(rk45.wallVelocity)
      #expect(rk45.velocityConverged == true)
      #expect(
        abs(v.velocity / reference.velocity - 1) < 1e-3, "fast path \(v.velocity), rk45 \(reference.velocity) m/s")
    }

    @Test func aVortexWallRelaxesWithRK45InsideItsStabilityLimit() throws {
      // Examples/strip_vortex_wall.toml without current, α = 0.5, rk45 at
      // its default tolerance for 2 ns (issue 28 item 6): near equilibrium
      // the error estimate lets the step grow to the edge of stability,
      // where it is rejected again and again. Held at the grid's limit it
      // is never rejected: measured 1,108 steps, 0 rejected; with max_dt =
      // 1e-11 given (no limit) 1,006 accepted and 229 rejected (7,411
      // evaluations against 6,649).
      let r = try runExample(
        try exampleText("strip_vortex_wall.toml"),
        [
          ("current.u", "[0, 0, 0]"), ("material.alpha", "0.5"), ("solver.method", "\"rk45\""),
          ("run.duration", "2e-9"),
        ], name: "vortex-rk45.h5")
      #expect(r.outcome == .completed, "\(r.outcome)")
      #expect(r.rejectedSteps <= 5, "\(r.rejectedSteps) rejected of \(r.steps)")
    }

    @Test func anExplicitRunStartsAndStaysInsideItsGridsStabilityLimit() throws {
      // P3's grid (dx = 0.5 nm, exchange 465 T at the shortest wave) with
      // rk45 at its defaults: the controller grew the step past the limit
      // within 3 steps and the |m| guard stopped the run at t = 7e-13 s.
      let text = try Self.physicsOnly("velocity/p3_steady_bloch.toml")
      let r = try runExample(
        text, [("run.until", "\"duration\""), ("run.duration", "2e-11"), ("wall.moving_frame", "false")],
        name: "p3-rk45-stable.h5")
      #expect(r.outcome == .completed, "\(r.outcome)")
      #expect(r.finalTime == 2e-11)
    }

    @Test func aPrecessingWallHasNoSteadyStateAndIsIntegratedInTime() throws {
      // P4 precesses (above the Walker limit of its δβ): the steady solve
      // finds no stationary state, says so, and leaves m alone; the run then
      // integrates from the initial wall and meets the reference as before.
      let r = try runExample(
        try exampleText("velocity/p4_precessing_bloch.toml"), [("wall.steady_solve", "true")], name: "p4-steady.h5")
      let steady = try #require(r.steadySolve)
      #expect(!steady.converged)
      #expect(steady.reason != nil)
      let v = try #require(r.wallVelocity)
      #expect(v.regime == .precessing)
      // Within the issue's 1e-3 of the reference 98.7095 m/s (measured −1.1e-4).
      #expect(abs(v.velocity / 98.7095 - 1) < 1e-3, "v = \(v.velocity) m/s")
    }

    @Test func theSteadySolveNeedsTheContinuousFrame() throws {
      do {
        _ = try SimulationConfig(
          toml: try exampleText("velocity/p1_steady_head_to_head.toml"),
          overrides: [("wall.moving_frame", "\"shift\"")])
        Issue.record("steady_solve with whole-cell shifts was accepted")
      } catch let e as ConfigError {
        #expect(e.key == "wall.steady_solve")
        #expect(e.description.contains("continuous"))
      }
    }

    @Test(arguments: ["perpendicular_wall_current.toml", "inplane_wall_current.toml", "neel_wall_dmi.toml"])
    func implicitGivesRK45sVelocityOnTheShippedWallExamples(_ example: String) throws {
      let text = try exampleText(example)
      let explicit = try runExample(text, [("solver.method", "\"rk45\"")], name: "rk45-\(example).h5")
      let implicit = try runExample(text, [("solver.method", "\"implicit\"")], name: "implicit-\(example).h5")
      let a = try #require(explicit.wallVelocity), b = try #require(implicit.wallVelocity)
      #expect(a.regime == b.regime)
      // Same grid, same tolerance per step (1e-5 or 1e-6): the two integrators'
      // velocities differ by their time-stepping errors, measured below 1e-4.
      #expect(abs(b.velocity / a.velocity - 1) < 3e-4, "rk45 \(a.velocity), implicit \(b.velocity) m/s")
    }
  }
}

@Suite struct VelocityConvergenceTests {
  @Test func steadyApproachConvergesToTheLimit() throws {
    // q(t) = v t + A τ (1 − e^{−t/τ}): v(t) → v with time constant τ.
    let v = 50.0, a = 20.0, tau = 1e-9
    var test = VelocityConvergence(tolerance: 1e-4)
    var t = 0.0
    while !test.add(time: t, position: v * t + a * tau * (1 - exp(-t / tau)), tilt: 0.1) && t < 1e-7 { t += 1e-10 }
    let e = try #require(test.converged)
    #expect(e.regime == .steady)
    // Two adjacent windows agree to 1e-4, and the windows' remaining transient is below that.
    #expect(abs(e.velocity / v - 1) < 2e-4, "v = \(e.velocity)")
    #expect(t < 5e-8, "took until \(t)")
  }

  @Test func precessingWallIsAveragedOverWholeTurns() throws {
    // φ = ω t, q = v t + b sin(ω t): the mean velocity over a turn is v exactly.
    let v = 100.0, b = 5e-9, omega = 2 * Double.pi / 1e-9
    var test = VelocityConvergence(tolerance: 1e-6)
    var t = 0.0
    while !test.add(time: t, position: v * t + b * sin(omega * t), tilt: omega * t) && t < 1e-8 { t += 1e-11 }
    let e = try #require(test.converged)
    #expect(e.regime == .precessing)
    // Crossing times are interpolated linearly between samples 1/100 of a
    // turn apart, so the turn's mean velocity is exact to about 1e-6.
    #expect(abs(e.velocity / v - 1) < 1e-5, "v = \(e.velocity)")
    #expect(abs(e.period! / 1e-9 - 1) < 1e-4)
  }

  @Test func aWallThatKeepsAcceleratingNeverConverges() {
    var test = VelocityConvergence(tolerance: 1e-3)
    for k in 0..<200 {
      let t = Double(k) * 1e-10
      let done = test.add(time: t, position: 1e9 * t * t, tilt: 0)
      #expect(!done, "converged at t = \(t) s")
    }
  }
}
