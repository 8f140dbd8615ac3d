import Foundation
import Gilbert
import GilbertIO
import Testing

func temporaryPath(_ name: String) -> String {
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gilbert-tests-\(getpid())")
  try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  return dir.appendingPathComponent(name).path
}

/// The error a config text is refused with, or nil when it is accepted.
func configError(_ text: String, overrides: [(key: String, value: String)] = []) -> ConfigError? {
  do {
    _ = try SimulationConfig(toml: text, overrides: overrides)
    return nil
  } catch { return error }
}

@Suite struct TrajectoryTests {
  @Test func runWritesAFileThatReadsBack() throws {
    let path = temporaryPath("roundtrip.h5")
    try? FileManager.default.removeItem(atPath: path)
    let text = baseConfig + "\n[initial]\ndirection = [1, 1, 0]\n[output]\nfields = [\"m\", \"B_exchange\"]\n"
    let config = try SimulationConfig(toml: text)
    let report = try Runner.run(config: config, outputPath: path, overwrite: false)
    #expect(report.outcome == .completed)

    let f = try HDF5File(reading: path)
    defer { f.close() }
    #expect(try f.stringAttribute("format") == "gilbert")
    #expect(try f.stringAttribute("config_toml") == text)
    #expect(try f.doubleAttribute("n", on: "/mesh") == [16, 1, 1])
    #expect(try f.doubleAttribute("cellsize", on: "/mesh") == [2e-9, 2e-9, 2e-9])
    #expect(try f.stringAttribute("storage_order", on: "/mesh") == "t z y x c")
    // Five frames: t = 0 and four samples 2.5 ps apart, each time hit exactly.
    let (value, shape) = try f.readDoubles("/fields/m/value")
    #expect(shape == [5, 1, 1, 16, 3])
    let times = try f.readDoubles("/fields/m/time").values
    #expect(times == [0, 2.5e-12, 5e-12, 7.5e-12, 1e-11])
    #expect(try f.readDoubles("/table/t").values == times)
    #expect(try f.stringAttribute("unit", on: "/table/E_total") == "J")
    #expect(try f.stringAttribute("unit", on: "/fields/B_exchange/value") == "T")
    #expect(try f.readDoubles("/parameters/Ms").values == [8e5])
    #expect(try f.stringAttribute("unit", on: "/parameters/Ms") == "A/m")
    // The first frame is the initial state, components interleaved last.
    let s = 1 / 2.0.squareRoot()
    #expect(abs(value[0] - s) < 1e-15 && abs(value[1] - s) < 1e-15 && value[2] == 0)
    // Every stored m is a unit vector, and the last frame is the final state.
    for c in 0..<(value.count / 3) {
      let n = (value[3 * c] * value[3 * c] + value[3 * c + 1] * value[3 * c + 1] + value[3 * c + 2] * value[3 * c + 2])
      #expect(abs(n - 1) < 1e-12)
    }
    let mx = try f.readDoubles("/table/mx").values
    #expect(abs(mx.last! - report.averageMagnetization.x) < 1e-15)
    #expect(try f.stringAttribute("status", on: "/summary") == "completed")
    #expect(try f.members(of: "/table").contains("E_anisotropy"))

    // The VTKHDF view (checked by hand with VTK 9.7's vtkHDFReader): links, not copies.
    #expect(try f.readDoubles("/VTKHDF/CellData/m").values == value)
    #expect(try f.readDoubles("/VTKHDF/Steps/Values").values == times)
    #expect(try f.doubleAttribute("NSteps", on: "/VTKHDF/Steps") == [5])
    #expect(try f.doubleAttribute("WholeExtent", on: "/VTKHDF") == [0, 16, 0, 1, 0, 1])
    #expect(try f.readDoubles("/VTKHDF/Steps/CellDataOffsets/B_exchange").values == [0, 1, 2, 3, 4])

    // The XDMF index beside the file: one grid per frame, hyperslabs of the fields.
    let xdmf = try String(contentsOfFile: XDMF.path(for: path), encoding: .utf8)
    #expect(xdmf.components(separatedBy: "<Grid Name=\"frame").count - 1 == 5)
    #expect(xdmf.contains("roundtrip.h5:/fields/m/value") && xdmf.contains("roundtrip.h5:/fields/B_exchange/value"))
    #expect(xdmf.contains("<Time Value=\"1e-11\"/>"))
    // The same index as .xdmf2, the extension ParaView opens with its XDMF reader
    // (its Xdmf3 reader, the default for .xdmf, reads no hyperslab arrays).
    #expect(try String(contentsOfFile: XDMF.paraViewPath(for: path), encoding: .utf8) == xdmf)

    // The written state restarts a run.
    let restart = try SimulationConfig(toml: baseConfig + "\n[initial]\ntype = \"file\"\npath = \"\(path)\"\n")
    let sim = try Simulation(config: restart)
    #expect(abs(sim.magnet.average(sim.m).x - report.averageMagnetization.x) < 1e-15)
  }

  @Test func existingOutputIsNotOverwrittenWithoutForce() throws {
    let path = temporaryPath("exists.h5")
    _ = FileManager.default.createFile(atPath: path, contents: Data("keep me".utf8))
    let config = try SimulationConfig(toml: baseConfig)
    #expect(throws: HDF5Error.self) { try Runner.run(config: config, outputPath: path, overwrite: false) }
    #expect(FileManager.default.contents(atPath: path) == Data("keep me".utf8))
    _ = try Runner.run(config: config, outputPath: path, overwrite: true)
    #expect(try HDF5File(reading: path).stringAttribute("format") == "gilbert")
  }

  @Test func interruptedRunKeepsEveryFrameWritten() throws {
    let path = temporaryPath("interrupted.h5")
    try? FileManager.default.removeItem(atPath: path)
    let config = try SimulationConfig(
      toml: baseConfig + "\n[initial]\ndirection = [0, 1, 0]\n", overrides: [("run.duration", "1e-9")])
    var polls = 0
    let report = try Runner.run(
      config: config, outputPath: path, overwrite: false,
      shouldStop: {
        polls += 1
        return polls > 40
      })
    #expect(report.outcome == .interrupted)
    let f = try HDF5File(reading: path)
    #expect(try f.shape("/fields/m/value")[0] == report.frames)
    #expect(try f.stringAttribute("status", on: "/summary") == "interrupted")
    #expect(try f.readDoubles("/fields/m/time").values.last == report.finalTime)
  }
}

@Suite struct OVFTests {
  @Test func ovfRoundTripKeepsEveryValue() throws {
    let g = Grid(nx: 5, ny: 3, dx: 2e-9, dy: 3e-9, dz: 1e-9)
    var m = VectorField(count: g.cellCount)
    for i in 0..<g.cellCount { m[i] = SIMD3(sin(Double(i)), cos(Double(i)), 0.1 * Double(i)) }
    let path = temporaryPath("roundtrip.ovf")
    try OVF.write(path: path, grid: g, planes: m.storage, title: "test")
    let f = try OVF.read(path: path)
    #expect(f.nx == 5 && f.ny == 3 && f.nz == 1 && f.cellSize == SIMD3(2e-9, 3e-9, 1e-9))
    for i in 0..<g.cellCount {
      #expect(SIMD3(f.values[3 * i], f.values[3 * i + 1], f.values[3 * i + 2]) == m[i])
    }
  }
}

extension TrajectoryTests {
  @Test func torquesAndDmdtAreFieldOutputs() throws {
    // torque_<name> for each torque term and dmdt, in rad/s: at t = 0 dmdt
    // is the equation's own right-hand side, and the Zhang–Li torque of a
    // head-to-head wall is along the wall's rotation.
    let path = temporaryPath("torques.h5")
    try? FileManager.default.removeItem(atPath: path)
    let text = baseConfig.replacingOccurrences(of: "n = [16, 1, 1]", with: "n = [64, 1, 1]")
      + "\n[initial]\ntype = \"wall\"\nwall = \"head-to-head\"\n[current]\nu = [100, 0, 0]\n"
      + "[output]\nfields = [\"m\", \"dmdt\", \"torque_zhang_li\"]\n"
    let config = try SimulationConfig(toml: text)
    var sim = try Simulation(config: config)
    var expected = VectorField(count: sim.m.count)
    sim.equation.derivative(m: sim.m, time: 0, into: &expected)
    _ = try Runner.run(config: config, outputPath: path, overwrite: false)
    let f = try HDF5File(reading: path)
    defer { f.close() }
    for name in ["dmdt", "torque_zhang_li"] {
      #expect(try f.stringAttribute("unit", on: "/fields/\(name)/value") == "rad/s")
    }
    let (rate, shape) = try f.readDoubles("/fields/dmdt/value")
    #expect(shape == [5, 1, 1, 64, 3])
    // The first frame, interleaved components, against the equation's planes.
    let n = sim.m.count
    let first = (0..<n).flatMap { i in [expected.storage[i], expected.storage[n + i], expected.storage[2 * n + i]] }
    let same = Array(rate[0..<(3 * n)]) == first
    #expect(same)
    let torque = try f.readDoubles("/fields/torque_zhang_li/value").values
    let largest = torque[0..<(3 * n)].map(abs).max() ?? 0
    #expect(largest > 1e8, "u = 100 m/s across a wall of tens of nm turns m at ~1e9 rad/s; got \(largest)")
  }
}
