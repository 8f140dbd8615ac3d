import ArgumentParser
import Foundation
import Gilbert
import GilbertIO

/// `gilbert sweep`: runs a wall configuration over β, δβ, u (or any key) and
/// writes the wall-velocity curve, with the (q, φ) model's, to one HDF5 file.
struct SweepCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sweep",
    abstract: "Run a wall configuration over swept parameters and write wall velocity versus β, δβ or u.",
    discussion: """
      --vary NAME=v1,v2,... or NAME=start:stop:count, repeatable (every combination
      is run). NAME is beta, delta_beta, alpha, P, u, j (u and j set the x component)
      or any dotted config key. The output has a /sweep group: one dataset per swept
      name, wall_velocity, model_velocity, model_walker_velocity, wall_regime, status.
      """)

  @OptionGroup var options: RunOptions

  @Option(name: .customLong("vary"), help: ArgumentHelp("A swept parameter (repeatable).", valueName: "NAME=VALUES"))
  var vary: [String] = []

  @Option(help: "Keep each point's trajectory in this directory.")
  var keep: String?

  func run() throws {
    guard !vary.isEmpty else { fail("sweep needs at least one --vary NAME=VALUES (e.g. --vary beta=0,0.01,0.02)") }
    _ = try options.loadConfig()  // checks the file and the --set overrides
    let text = try String(contentsOfFile: options.config, encoding: .utf8)
    var overrides: [(key: String, value: String)] = []
    for o in options.overrides {
      let eq = o.firstIndex(of: "=")!
      overrides.append((String(o[..<eq]), String(o[o.index(after: eq)...])))
    }
    let axes: [SweepAxis]
    do { axes = try vary.map { try SweepAxis(parsing: $0) } } catch { fail("\(error)") }
    installSignalHandlers()
    let path = options.outputPath
    do {
      let points = try Sweep.run(
        text: text, overrides: overrides, axes: axes, outputPath: path, overwrite: options.force, keepDirectory: keep,
        baseDirectory: options.configDirectory,
        report: { k, n, p in
          let values = zip(axes, p.values).map { "\($0.name)=\($1)" }.joined(separator: " ")
          print(
            String(
              format: "[%d/%d] %@: v = %.6g m/s (%@), model %.6g m/s %@", k, n, values, p.wallVelocity, p.regime,
              p.modelVelocity, p.status == "ok" ? "" : p.status))
        },
        shouldStop: stopRequested)
      print("wrote \(path): \(points.count) points")
    } catch let error as ConfigError {
      fail("\(options.config): \(error)")
    } catch let error as HDF5Error {
      fail(error.message)
    }
  }
}
