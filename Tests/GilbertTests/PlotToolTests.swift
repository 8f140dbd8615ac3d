import Foundation
import GilbertIO
import Testing

/// Runs a tools/ script with Debian's python3 (python3-h5py and
/// python3-matplotlib, installed by the README's first command and by CI).
func runPython(_ script: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
  let tools = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("tools")
  let p = Process()
  p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
  p.arguments = [tools.appendingPathComponent(script).path] + arguments
  let pipe = Pipe()
  p.standardOutput = pipe
  p.standardError = pipe
  try p.run()
  let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
  p.waitUntilExit()
  return (p.terminationStatus, text)
}

@Suite struct PlotToolTests {
  @Test func eachPlotCommandWritesItsPNGAndPDF() throws {
    // Small inputs: a short current-driven wall run and a 2 × 2 sweep.
    let run = temporaryPath("plot-run.h5"), sweep = temporaryPath("plot-sweep.h5")
    let example = URL(fileURLWithPath: inplaneSweepConfig()).deletingLastPathComponent()
      .appendingPathComponent("inplane_wall_current.toml").path
    #expect(try runGilbert(["run", example, "--set", "run.duration=2e-9", "--output", run, "--force"]).status == 0)
    #expect(
      try runGilbertCapturing([
        "sweep", inplaneSweepConfig(), "--vary", "beta=0.05,0.1", "--vary", "u=100,200", "--set", "run.duration=2e-9",
        "--output", sweep, "--force",
      ]).status == 0)
    let cases: [(String, [String], String)] = [
      ("plot_sweep.py", [sweep, "--x", "u"], "curves"),
      ("plot_sweep.py", [sweep, "--map", "u", "beta"], "map"),
      ("plot_table.py", [run], "table"),
      ("plot_frame.py", [run, "--frame", "-1"], "frame"),
    ]
    for (script, arguments, name) in cases {
      let out = temporaryPath("plot-\(name)")
      let r = try runPython(script, arguments + ["--out", out])
      #expect(r.status == 0, "\(script) \(arguments): \(r.output)")
      if name == "curves" {
        // The model as a dense curve over the swept range (issue 28: it was a
        // line through the points, and the Walker kink fell between them).
        #expect(r.output.contains("the model as a dense curve (200 points)"), "\(r.output)")
      }
      for ext in ["png", "pdf"] {
        let size = (try? FileManager.default.attributesOfItem(atPath: "\(out).\(ext)")[.size] as? Int) ?? 0
        #expect(size > 1000, "\(script) wrote no \(out).\(ext)")
      }
    }
    // A parameter that was not swept is refused with the reason, not a traceback.
    let bad = try runPython("plot_sweep.py", [sweep, "--x", "delta_beta", "--out", temporaryPath("plot-bad")])
    #expect(bad.status != 0 && bad.output.contains("not swept") && !bad.output.contains("Traceback"))
  }
}
