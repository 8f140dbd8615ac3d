import Foundation
import Gilbert
import GilbertIO
import Testing

/// The `gilbert` executable beside the test bundle (the test target depends
/// on it, so it is always built with the tests).
func gilbertExecutable() throws -> URL {
  let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
  let url = dir.appendingPathComponent("gilbert")
  try #require(FileManager.default.isExecutableFile(atPath: url.path), "no gilbert binary at \(url.path)")
  return url
}

struct ProcessResult {
  var status: Int32
  var stderr: String
}

func runGilbert(_ arguments: [String], environment: [String: String] = [:]) throws -> ProcessResult {
  let p = Process()
  p.executableURL = try gilbertExecutable()
  p.arguments = arguments
  if !environment.isEmpty { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
  let err = Pipe()
  p.standardError = err
  p.standardOutput = Pipe()
  try p.run()
  p.waitUntilExit()
  let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
  return ProcessResult(status: p.terminationStatus, stderr: text)
}

func writeConfig(_ name: String, _ text: String) throws -> String {
  let path = temporaryPath(name)
  try text.write(toFile: path, atomically: true, encoding: .utf8)
  return path
}

@Suite struct CLITests {
  @Test func exportWritesScalarFieldsWithTheirTimeAndUnit() throws {
    // δm (a scalar) and E (a vector in V/m) of the AMR example's last frame:
    // valuedim, labels, units and the frame's time in the header, one value per
    // cell and component after the check value; a frame out of range is refused by --frame.
    let example = URL(fileURLWithPath: inplaneSweepConfig()).deletingLastPathComponent()
      .appendingPathComponent("wall_amr_current.toml").path
    let h5 = temporaryPath("export-amr.h5")
    #expect(try runGilbert(["run", example, "--set", "run.duration=2e-11", "--output", h5, "--force"]).status == 0)
    for (field, dim, labels, unit) in [("delta_m", 1, "delta_m", "1"), ("E", 3, "E_x E_y E_z", "V/m V/m V/m")] {
      let ovf = temporaryPath("export-\(field).ovf")
      let r = try runGilbert(["export", h5, "--field", field, "--frame", "-1", "--output", ovf, "--force"])
      #expect(r.status == 0, "\(r.stderr)")
      let data = try Data(contentsOf: URL(fileURLWithPath: ovf))
      let header = String(decoding: data.prefix(1200), as: UTF8.self)
      #expect(header.contains("# valuedim: \(dim)") && header.contains("# valuelabels: \(labels)"))
      #expect(header.contains("# valueunits: \(unit)") && header.contains("Total simulation time: 2e-11 s"))
      let cells = 256  // the example's mesh
      let start = try #require(data.range(of: Data("# Begin: Data Binary 8\n".utf8))).upperBound
      let end = try #require(data.range(of: Data("\n# End: Data Binary 8".utf8))).lowerBound
      #expect(end - start == 8 * (1 + dim * cells))
    }
    let bad = try runGilbert(["export", h5, "--frame", "99", "--output", temporaryPath("x.ovf"), "--force"])
    #expect(bad.status == 2 && bad.stderr.contains("--frame is 99"))
    // A damaged /mesh@n (a count past Int, NaN) is a clear exit 2, not a crash in the conversion.
    for damage in [[1e300, 1, 1], [.nan, 1, 1], [256, 1]] {
      let f = try HDF5File(reading: h5)
      try f.reopenForWriting()
      try f.setAttribute("n", on: "/mesh", doubles: damage)
      f.close()
      let r = try runGilbert(["export", h5, "--output", temporaryPath("damaged.ovf"), "--force"])
      #expect(r.status == 2 && r.stderr.contains("/mesh@n"), "\(damage): \(r.status) \(r.stderr)")
    }
  }

  @Test func badStartingOVFIsARefusedRequestNamingTheProblem() throws {
    // A missing, garbled or scalar (valuedim 1) OVF as initial.path is bad
    // input: exit 2, as a missing HDF5 file is (it was exit 1, and any
    // valuedim was taken).
    let grid = Grid(nx: 16, ny: 1, dx: 2e-9, dy: 2e-9, dz: 2e-9)
    let scalar = temporaryPath("scalar.ovf"), garbled = temporaryPath("garbled.ovf")
    try OVF.write(path: scalar, grid: grid, planes: [Double](repeating: 1, count: 16), title: "T", labels: ["T"])
    try "# OOMMF OVF 2.0\nnot a field\n".write(toFile: garbled, atomically: true, encoding: .utf8)
    for (path, says) in [(temporaryPath("missing.ovf"), "cannot read OVF"), (garbled, "Data Binary 8"), (scalar, "valuedim is 1")] {
      let config = try writeConfig("ovf-start.toml", baseConfig + "\n[initial]\ntype = \"file\"\npath = \"\(path)\"\n")
      let r = try runGilbert(["run", config, "--output", temporaryPath("ovf-start.h5"), "--force"])
      #expect(r.status == 2 && r.stderr.contains(says), "\(path): \(r.status) \(r.stderr)")
    }
    // Vectors in messages read as the config writes them.
    let axis = configError(baseConfig.replacingOccurrences(of: "axis = [1, 0, 0]", with: "axis = [0, 0, 0]"))
    #expect(axis?.description.contains("is [0, 0, 0];") == true, "\(String(describing: axis))")
  }

  @Test func progressShowsOnATerminalAndStaysQuietOtherwise() throws {
    // On a terminal (util-linux `script` gives the run a pseudo-terminal):
    // simulated time, percent, steps per second, time left, the wall's
    // position and velocity, each redraw clearing the line. Off one: none of it.
    let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Examples/inplane_wall_current.toml").path
    let out = temporaryPath("progress.h5")
    let gilbert = try gilbertExecutable().path
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/script")
    p.arguments = ["-qc", "\(gilbert) run \(example) --output \(out) --force", "/dev/null"]
    let pipe = Pipe()
    p.standardOutput = pipe
    try p.run()
    let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    #expect(p.terminationStatus == 0)
    #expect(text.contains("%)") && text.contains("steps/s") && text.contains("s left"))
    #expect(text.contains("wall at") && text.contains("m/s"))
    #expect(text.contains("\u{1B}[K"), "each redraw clears the line")
    let quiet = try runGilbert(["run", example, "--output", out, "--force"])
    #expect(quiet.status == 0)
    #expect(!quiet.stderr.contains("steps/s") && !quiet.stderr.contains("\r"))
  }

  @Test func tableWritesTheRunsTableAsCSV() throws {
    // A short run, then its table as CSV: t first with its unit, one line per
    // row the file holds, values that read back exactly.
    let config = try writeConfig("cli-table.toml", baseConfig)
    let h5 = temporaryPath("cli-table.h5"), csv = temporaryPath("cli-table.csv")
    #expect(try runGilbert(["run", config, "--output", h5, "--force"]).status == 0)
    let r = try runGilbert(["table", h5, "--output", csv, "--force"])
    #expect(r.status == 0)
    let lines = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n")
    #expect(lines.first?.hasPrefix("t [s],") == true)
    let f = try HDF5File(reading: h5)
    defer { f.close() }
    let t = try f.readDoubles("/table/t").values
    #expect(lines.count == 1 + t.count)
    #expect(lines.dropFirst().map { Double($0.split(separator: ",")[0])! } == t)
    // Refuses to replace a file without --force, naming the flag.
    let again = try runGilbert(["table", h5, "--output", csv])
    #expect(again.status == 2 && again.stderr.contains("--force"))
  }

  @Test func badInputExitsWithStatus2AndNamesTheKey() throws {
    let config = try writeConfig("cli-bad.toml", baseConfig.replacingOccurrences(of: "Ms = 800000", with: "Ms = -1"))
    let r = try runGilbert(["run", config, "--output", temporaryPath("cli-bad.h5"), "--force"])
    #expect(r.status == 2)
    #expect(r.stderr.contains("material.Ms") && r.stderr.contains("-1"))
    let missing = try runGilbert(["run", temporaryPath("no-such-file.toml")])
    #expect(missing.status == 2 && missing.stderr.contains("does not exist"))
    let good = try writeConfig("cli-good.toml", baseConfig)
    let badSet = try runGilbert([
      "run", good, "--set", "material.alpha=-3", "--output", temporaryPath("x.h5"), "--force",
    ])
    #expect(badSet.status == 2 && badSet.stderr.contains("material.alpha"))
  }

  @Test func existingOutputIsKeptAndTheRunRefused() throws {
    let config = try writeConfig("cli-keep.toml", baseConfig)
    let out = temporaryPath("cli-keep.h5")
    _ = FileManager.default.createFile(atPath: out, contents: Data("precious".utf8))
    let r = try runGilbert(["run", config, "--output", out])
    #expect(r.status == 2 && r.stderr.contains("--force"))
    #expect(FileManager.default.contents(atPath: out) == Data("precious".utf8))
  }

  @Test func killedRunLeavesAReadableFileWithEveryFlushedFrame() throws {
    let config = try writeConfig(
      "cli-kill.toml",
      baseConfig.replacingOccurrences(of: "duration = 1e-11", with: "duration = 1e-6")
        .replacingOccurrences(of: "sample_interval = 2.5e-12", with: "sample_interval = 1e-13")
        + "\n[initial]\ndirection = [0, 1, 1]\n")
    let out = temporaryPath("cli-kill.h5")
    let p = Process()
    p.executableURL = try gilbertExecutable()
    p.arguments = ["run", config, "--output", out, "--force"]
    p.standardOutput = Pipe()
    p.standardError = Pipe()
    try p.run()
    // Wait until some frames are on disk, then kill without warning.
    let deadline = Date().addingTimeInterval(20)
    while Date() < deadline {
      Thread.sleep(forTimeInterval: 0.2)
      if let size = try? FileManager.default.attributesOfItem(atPath: out)[.size] as? Int, size > 200_000 { break }
    }
    kill(p.processIdentifier, SIGKILL)
    p.waitUntilExit()
    #expect(p.terminationReason == .uncaughtSignal)
    let f = try HDF5File(reading: out)
    let frames = try f.shape("/fields/m/value")[0]
    let times = try f.readDoubles("/fields/m/time").values
    // Every frame flushed before the kill is whole: /fields@frames_complete
    // counts them (a frame in flight past it may be partial).
    let complete = Int(try f.doubleAttribute("frames_complete", on: "/fields")[0])
    #expect(complete > 1 && complete <= frames && complete <= times.count)
    for row in [0, complete / 2, complete - 1] {
      let m = try f.readRow("/fields/m/value", row: row)
      for c in 0..<(m.count / 3) {
        let v = SIMD3<Double>(m[3 * c], m[3 * c + 1], m[3 * c + 2])
        let norm: Double = (v * v).sum()
        #expect(abs(norm - 1) < 1e-9)
      }
    }
    #expect(zip(times.prefix(complete), times.prefix(complete).dropFirst()).allSatisfy { $0 < $1 })
  }
}

@Suite struct CLICommandTests {
  @Test func modelCommandWritesItsTableAsCSV() throws {
    let text = WallGeometry.inPlaneHeadToHead.config(
      beta: 0.05, deltaBeta: -0.01, u: 100, dx: 5e-9, duration: 1e-9, tilt: 0, width: 2.5e-8)
    let config = try writeConfig("cli-model.toml", text)
    let csv = temporaryPath("cli-model.csv")
    let r = try runGilbert([
      "model", config, "--vary", "u", "--from", "0", "--to", "600", "--points", "7", "--output", csv, "--force",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    let lines = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n")
    #expect(lines.count == 8)
    #expect(lines[0] == "u,beta,delta_beta,regime,tilt,width,model_velocity,walker_velocity,period,current_scale")
    // u = 100 m/s is below Walker: v = β_eff u/α = (0.05 − 0.01/3)·100/0.1.
    let row = lines[2].split(separator: ",")
    #expect(row[3] == "steady" && abs(Double(row[6])! - (0.05 - 0.01 / 3) * 1000) < 1e-6)
    #expect(lines.last!.contains("precessing"))
  }

  @Test func coefficientsCommandRejectsBadFlagsWithStatus2() throws {
    let r = try runGilbert([
      "coefficients", "--kf-up", "1e10", "--kf-down=-1", "--impurity", "4e-68", "--spin-orbit", "1e-109",
    ])
    #expect(r.status == 2 && r.stderr.contains("--kf-down"))
    let ok = try runGilbert([
      "coefficients", "--kf-up", "1.1e10", "--kf-down", "0.9e10", "--impurity", "4e-68", "--spin-orbit", "1.2e-109",
    ])
    #expect(ok.status == 0)
  }
}
