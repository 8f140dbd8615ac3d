import ArgumentParser
import Foundation
import Gilbert
import GilbertIO

/// `gilbert model`: the (q, φ) collective-coordinate solver for the wall of a
/// configuration, swept over u, β or δβ; prints a table and writes CSV or HDF5.
struct ModelCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "model",
    abstract: "Wall velocity from the (q, φ) collective-coordinate model, over u, β, δβ or the current.",
    discussion: """
      Reads the wall type ([initial] wall or [wall] type), A, Ms, α, β, δβ and the
      anisotropies (easy axis along the wall's axis, one hard axis K1 < 0), the DMI
      and the spin-orbit torques of region 0, and u_x from [current]. Prints one
      row per point: u (m/s), β, δβ, regime, steady tilt φ (rad) and width Δ(φ)
      (m), velocity (m/s), Walker velocity u_W (m/s; with SOT, λ_W u: the
      breakdown of the whole current), precession period (s) and the factor λ
      on the config's current (u and the SOT together; --vary current sweeps it).
      """)

  @OptionGroup var options: RunOptions

  @Option(help: "The swept quantity: u, beta, delta_beta or current (a factor on the config's whole current).")
  var vary: String = "u"

  @Option(help: "First value of the sweep.")
  var from: Double?

  @Option(help: "Last value of the sweep.")
  var to: Double?

  @Option(help: "Number of points (≥ 1).")
  var points: Int = 11

  @Flag(help: "Use the rigid width Δ0 = √(A/K) instead of Δ(φ).")
  var rigid = false

  func run() throws {
    guard ["u", "beta", "delta_beta", "current"].contains(vary) else {
      fail("--vary is '\(vary)'; expected u, beta, delta_beta or current")
    }
    guard points >= 1 else { fail("--points is \(points); expected an integer ≥ 1") }
    let config = try options.loadConfig()
    let sim: Simulation
    do { sim = try Simulation(config: config) } catch { fail("\(options.config): \(error)") }
    let (found, reason) = sim.wallModelOrReason
    guard var model = found, let kind = config.wall?.kind else {
      fail(
        "\(options.config): no (q, φ) model for this config: \(reason ?? "unknown"). The model needs a wall ([initial] type = \"wall\" or [wall] type), an easy-axis anisotropy along the wall's axis, at most one hard axis (K1 < 0) perpendicular to it, u along x, and no term it does not cover (demag, applied field, cubic anisotropy, ...)"
      )
    }
    model.rigidWidth = rigid
    let u0 = sim.modelDriftVelocity
    let base: Double = vary == "u" ? u0 : (vary == "beta" ? model.beta : vary == "current" ? 1 : model.deltaBeta)
    let first = from ?? (vary == "u" || vary == "current" ? 0 : base)
    let last = to ?? (vary == "u" ? 2 * u0 : vary == "current" ? 2 : base)
    var rows: [[Double]] = []
    var regimes: [String] = []
    for k in 0..<points {
      let value = points == 1 ? first : first + (last - first) * Double(k) / Double(points - 1)
      var m = model
      var u = u0
      var scale = 1.0
      switch vary {
      case "u": u = value
      case "beta": m.beta = value
      case "current":
        scale = value
        u = value * u0
        m = model.scaled(by: value)
      default: m.deltaBeta = value
      }
      let rest = m.restTilt(kind.defaultTilt)
      let motion = m.motion(u: u, from: rest)
      // With SOT the breakdown is the factor on the whole current, times u; u_W of Zhang–Li alone otherwise.
      let uW = m.hasSpinOrbit ? m.walkerScale(u: u, from: rest) * u : m.walkerVelocity(sign: u >= 0 ? 1 : -1, from: rest)
      switch motion {
      case .steady(let phi, let v):
        rows.append([u, m.beta, m.deltaBeta, phi, m.width(phi), v, uW, .nan, scale])
        regimes.append("steady")
      case .precessing(let v, let period):
        rows.append([u, m.beta, m.deltaBeta, .nan, .nan, v, uW, period, scale])
        regimes.append("precessing")
      }
    }
    let names = [
      "u", "beta", "delta_beta", "tilt", "width", "model_velocity", "walker_velocity", "period", "current_scale",
    ]
    print(names.prefix(3).joined(separator: "\t") + "\tregime\t" + names.dropFirst(3).joined(separator: "\t"))
    for (r, regime) in zip(rows, regimes) {
      let cells = r.map { String(format: "%.9g", $0) }
      print(cells.prefix(3).joined(separator: "\t") + "\t\(regime)\t" + cells.dropFirst(3).joined(separator: "\t"))
    }
    guard let out = options.output else { return }
    if !options.force && FileManager.default.fileExists(atPath: out) {
      fail("output file '\(out)' exists; pass --force to replace it")
    }
    if out.hasSuffix(".csv") {
      var text = names.prefix(3).joined(separator: ",") + ",regime," + names.dropFirst(3).joined(separator: ",") + "\n"
      for (r, regime) in zip(rows, regimes) {
        let cells = r.map { String(format: "%.12g", $0) }
        text += cells.prefix(3).joined(separator: ",") + ",\(regime)," + cells.dropFirst(3).joined(separator: ",") + "\n"
      }
      try AtomicText.write(text, to: out)
    } else {
      do {
        try ModelTableWriter.write(
          path: out, overwrite: options.force, configText: config.text, names: names, rows: rows, regimes: regimes)
      } catch let error as HDF5Error { fail(error.message) }
    }
    print("wrote \(out)")
  }
}
