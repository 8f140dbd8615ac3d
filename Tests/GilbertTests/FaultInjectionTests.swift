import Foundation
import GilbertIO
import Testing

/// Fault injection, as storage engines test themselves (issue 27): the
/// write driver of the files a run writes makes the Nth write (or truncate,
/// or block reservation) of the process fail with ENOSPC, EIO or EFBIG
/// (`GILBERT_FAULT_INJECT=OP:N:ERR`, or `OP:N+:ERR` for the Nth and every
/// later one: a disk that stays full). For N over the whole of a short run,
/// with and without SWMR, every case must exit 1 without a signal, name the
/// file and the cause, leave no temporary file, and leave a file that gives
/// back (after `gilbert repair` at most) every counted frame equal to the
/// uninterrupted run's, in gilbert's reader and in h5py.
///
/// CI runs every N up to 12 (the file's creation), then every `stride`-th;
/// `GILBERT_FAULT_SWEEP=full` runs every N (tools/fault_sweep.sh, whose
/// result is recorded in Documentation/Reliability.md).
@Suite(.serialized) struct FaultInjectionTests {
  /// The reliability run cut to 31 frames (about a thousand writes).
  static let config = reliabilityConfig.replacingOccurrences(of: "duration = 8e-9", with: "duration = 3e-11")
  static let full = ProcessInfo.processInfo.environment["GILBERT_FAULT_SWEEP"] == "full"

  static func run(_ arguments: [String], fault: String?) throws -> GilbertOutcome {
    try runGilbertOutcome(arguments, environment: ["GILBERT_FAULT_INJECT": fault])
  }

  /// The counted frames of `path`, each checked against `reference` (value
  /// and time, to the bit); the extents must cover the counts.
  static func countedFramesEqual(_ path: String, _ reference: String) throws -> Int {
    let f = try HDF5File(reading: path)
    defer { f.close() }
    let r = try HDF5File(reading: reference)
    defer { r.close() }
    guard f.exists("/fields/m/value") && f.exists("/fields/m/time") else {
      // A fault before the first frame's dataset was made (seen once in a
      // full parallel run, SWMR, write 304+): then no frame may be counted.
      // The writer's own count (not clamped to the extent, as countedFrames is).
      let stored = Int((try? f.doubleAttribute("frames_complete", on: "/fields").first) ?? 0)
      #expect(stored <= 0, "\(path): /fields@frames_complete = \(stored) without a frame dataset")
      return 0
    }
    let extent = min(try f.shape("/fields/m/value")[0], try f.shape("/fields/m/time")[0])
    let counted = try TrajectoryWriter.countedFrames(f)
    #expect(counted <= extent, "\(path): counted \(counted), extent \(extent)")
    let times = try f.readDoubles("/fields/m/time").values, referenceTimes = try r.readDoubles("/fields/m/time").values
    for row in 0..<min(counted, extent) {
      #expect(times[row] == referenceTimes[row], "\(path): time of frame \(row) of \(counted)")
      #expect(
        try f.readRow("/fields/m/value", row: row) == r.readRow("/fields/m/value", row: row),
        "\(path): frame \(row) of \(counted)")
    }
    let rows = try TrajectoryWriter.countedRows(f, columns: try f.members(of: "/table"))
    do {
      let t = try f.readDoubles("/table/t").values, rt = try r.readDoubles("/table/t").values
      #expect(rows <= t.count && Array(t.prefix(rows)) == Array(rt.prefix(rows)), "\(path): table rows \(rows)")
    }
    return counted
  }

  /// How many writes, truncates and reservations the run makes.
  static func operations(_ arguments: [String]) throws -> [String: Int] {
    let o = try run(arguments, fault: "count")
    #expect(o.status == 0, "\(o.stderr)")
    guard let line = o.stderr.split(separator: "\n").first(where: { $0.hasPrefix("gilbert fault injection:") }) else {
      Issue.record("no count line: \(o.stderr)")
      return [:]
    }
    var counts: [String: Int] = [:]
    for part in line.dropFirst("gilbert fault injection:".count).split(separator: ",") {
      let words = part.split(separator: " ")
      if words.count == 2, let n = Int(words[0]) { counts[String(words[1])] = n }
    }
    return counts
  }

  /// The Ns of a sweep over `total` operations: all at the start (the
  /// file's creation), then every `stride`-th, and the last.
  static func sweep(_ total: Int, stride: Int) -> [Int] {
    guard total > 0 else { return [] }
    if full { return Array(1...total) }
    return Array(Set(Array(1...min(12, total)) + Swift.stride(from: 13, through: total, by: stride) + [total])).sorted()
  }

  @Test(arguments: [false, true]) func everyInjectedWriteFaultIsACleanStop(swmr: Bool) throws {
    let text = swmr ? Self.config.replacingOccurrences(of: "[run]", with: "[output]\nswmr = true\n\n[run]") : Self.config
    let name = swmr ? "faults-swmr" : "faults"
    let config = try writeConfig("\(name).toml", text)
    let directory = temporaryPath(name)
    try? FileManager.default.removeItem(atPath: directory)
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let reference = directory + "/reference.h5"
    let r = try Self.run(["run", config, "--output", reference], fault: nil)
    try #require(r.status == 0, "\(r.stderr)")
    let counts = try Self.operations(["run", config, "--output", directory + "/count.h5"])
    let writes = try #require(counts["writes"]), reserves = counts["reserves"] ?? 0, truncates = counts["truncates"] ?? 0
    #expect(writes > 300, "a run of 31 frames writes hundreds of times: \(counts)")

    var cases: [(fault: String, errno: String)] = []
    for e in ["ENOSPC", "EIO", "EFBIG"] {
      for n in Self.sweep(writes, stride: 37) { cases.append(("write:\(n):\(e)", e)) }
    }
    // A disk that stays full: the recording of the failure fails too.
    for n in Self.sweep(writes, stride: 97) { cases.append(("write:\(n)+:ENOSPC", "ENOSPC")) }
    for n in Self.sweep(reserves, stride: 7) { cases.append(("reserve:\(n):EDQUOT", "EDQUOT")) }
    for n in Self.sweep(truncates, stride: 3) { cases.append(("truncate:\(n):EIO", "EIO")) }

    var kept: [String] = []
    var recorded = 0, repaired = 0, refusedCreates = 0, summaryLost = 0
    for (k, c) in cases.enumerated() {
      let out = directory + "/run-\(k).h5"
      let o = try Self.run(["run", config, "--output", out], fault: c.fault)
      #expect(!o.signalled, "\(c.fault): killed by signal \(o.status): \(o.stderr)")
      guard o.stderr.contains("gilbert fault injection:") else {
        // N past this run's last write (their number varies by a few with SWMR).
        #expect(o.status == 0, "\(c.fault) never fired, yet exit \(o.status): \(o.stderr)")
        #expect(c.fault.hasPrefix("write:") ? Int(c.fault.split(separator: ":")[1].prefix(while: \.isNumber))! > writes - 20 : true, "\(c.fault) never fired")
        continue
      }
      #expect(o.status == 1, "\(c.fault): exit \(o.status): \(o.stderr)")
      #expect(o.stderr.contains(out) && o.stderr.contains(c.errno), "\(c.fault): \(o.stderr)")
      let leftovers = (try FileManager.default.contentsOfDirectory(atPath: directory)).filter { $0.contains(".partial-") }
      #expect(leftovers.isEmpty, "\(c.fault): temporary files left: \(leftovers)")
      guard FileManager.default.fileExists(atPath: out) else {
        // Only a failure while the file is created leaves no file.
        #expect(o.stderr.contains("cannot create") || o.stderr.contains("(creating it"), "\(c.fault): \(o.stderr)")
        refusedCreates += 1
        continue
      }
      if o.stderr.contains("gilbert repair") {
        // The run said the file needs it: the failure could not be recorded, or the close failed.
        let fix = try Self.run(["repair", out], fault: nil)
        #expect(fix.status == 0, "\(c.fault): repair: \(fix.stderr)")
        repaired += 1
      }
      let f = try? HDF5File(reading: out)
      let status = try? f?.stringAttribute("status", on: "/summary")
      f?.close()
      if o.stderr.contains("while closing the file") {
        // The close's own writes failed: the summary was flushed before them.
        #expect(status == "completed", "\(c.fault): /summary@status \(status ?? "missing")")
      } else if !o.stderr.contains("could not be recorded") && !o.stderr.contains("the summary could not be written") {
        #expect(
          status?.hasPrefix("failed: cannot write '\(out)'") == true, "\(c.fault): /summary@status \(status ?? "missing")")
        recorded += 1
      } else if o.stderr.contains("the summary could not be written") {
        summaryLost += 1
      }
      do {
        _ = try Self.countedFramesEqual(out, reference)
      } catch {
        Issue.record("\(c.fault): \(error)")
      }
      kept.append(out)
    }
    #expect(recorded > 0 && refusedCreates > 0 && repaired > 0, "recorded \(recorded), created none \(refusedCreates), repaired \(repaired)")

    // h5py, as a user opens them: every counted frame equal to the reference's.
    let check = """
      import sys, h5py, numpy as np
      ref = h5py.File(sys.argv[1], "r")
      bad = 0
      for path in sys.argv[2:]:
          with h5py.File(path, "r") as f:
              stored = int(f["fields"].attrs["frames_complete"])
              v, t = f["fields/m/value"], f["fields/m/time"]
              if stored < 0:
                  stored = int(f["counts"][0])
              n = min(stored, v.shape[0], t.shape[0])
              ok = n <= v.shape[0] and np.array_equal(v[:n], ref["fields/m/value"][:n]) and np.array_equal(t[:n], ref["fields/m/time"][:n])
              if not ok:
                  bad += 1
                  print(path, n, v.shape, file=sys.stderr)
      print(bad)
      """
    let python = "/usr/bin/python3"
    let p = Process()
    p.executableURL = URL(fileURLWithPath: python)
    p.arguments = ["-c", check, reference] + kept
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let said = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let complaint = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    try #require(p.terminationStatus == 0, "h5py (python3-h5py) must be installed: \(complaint)")
    #expect(said.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "h5py found files that disagree: \(complaint)")
    print(
      "fault injection (swmr \(swmr)): \(cases.count) cases over \(writes) writes, \(reserves) reserves, \(truncates) truncates: \(recorded) recorded the failure, \(repaired) needed gilbert repair, \(refusedCreates) failed creating the file, \(summaryLost) lost the summary (not the frames)"
    )
    try? FileManager.default.removeItem(atPath: directory)
  }
}
