import Foundation
import Gilbert

/// The whole state of a run after a sample, so `gilbert run --resume` can
/// continue it bit for bit: m and t, the stepper's next step and cached first
/// stage, the counts, the wall tracker's memory, the after-step counters, and
/// how many samples, frames and rows the file held.
///
/// Stored in `/checkpoint/slot0` and `/checkpoint/slot1` in turn; the slot
/// is written and flushed before `/checkpoint@slot` names it, so a kill
/// during a checkpoint leaves the previous one valid.
struct Checkpoint {
  var sample: Int
  var frames: Int
  var rows: Int
  var time: Double
  var m: [Double]
  var stepper: RungeKutta<LLG>.State
  var evaluations: Int
  var tracker: [Double]?
  var afterSteps: [[Double]]
  /// The transport model's state by name (``Simulation/transportState``).
  var transport: [String: [Double]] = [:]

  /// Writes the checkpoint into the slot after the current one, then names it.
  func write(to file: HDF5File) throws {
    let current = file.exists("/checkpoint") ? Int((try? file.doubleAttribute("slot", on: "/checkpoint"))?[0] ?? 1) : 1
    let slot = "/checkpoint/slot\(1 - current)"
    try file.createGroup(slot)
    try file.overwrite("\(slot)/m", doubles: m)
    if let stage = stepper.firstStage { try file.overwrite("\(slot)/first_stage", doubles: stage) }
    try file.setAttribute("has_first_stage", on: slot, int: stepper.firstStage == nil ? 0 : 1)
    try file.setAttribute("sample", on: slot, int: sample)
    try file.setAttribute("frames", on: slot, int: frames)
    try file.setAttribute("rows", on: slot, int: rows)
    try file.setAttribute("time", on: slot, double: time)
    try file.setAttribute("time_step", on: slot, double: stepper.timeStep)
    try file.setAttribute("accepted_steps", on: slot, int: stepper.acceptedSteps)
    try file.setAttribute("rejected_steps", on: slot, int: stepper.rejectedSteps)
    try file.setAttribute("rhs_evaluations", on: slot, int: evaluations)
    // Arrays lead with their count, so none is ever empty.
    try file.setAttribute("tracker", on: slot, doubles: tracker.map { [1] + $0 } ?? [0])
    try file.setAttribute(
      "after_steps", on: slot, doubles: [Double(afterSteps.count)] + afterSteps.flatMap { [Double($0.count)] + $0 })
    try file.setAttribute("transport", on: slot, string: transport.keys.sorted().joined(separator: ","))
    for (name, values) in transport { try file.overwrite("\(slot)/transport_\(name)", doubles: values) }
    try file.flush()
    try file.setAttribute("slot", on: "/checkpoint", int: 1 - current)
    try file.flush()
  }

  /// The last complete checkpoint of a file, or nil when it has none.
  static func read(from file: HDF5File) throws -> Checkpoint? {
    guard file.exists("/checkpoint"), let s = try? file.doubleAttribute("slot", on: "/checkpoint") else { return nil }
    let slot = "/checkpoint/slot\(Int(s[0]))"
    func number(_ name: String) throws -> Double { try file.doubleAttribute(name, on: slot)[0] }
    let hasStage = try number("has_first_stage") == 1
    var flat = try file.doubleAttribute("after_steps", on: slot)[...]
    var afterSteps: [[Double]] = []
    for _ in 0..<Int(flat.removeFirst()) {
      let n = Int(flat.removeFirst())
      afterSteps.append(Array(flat.prefix(n)))
      flat = flat.dropFirst(n)
    }
    let trackerFlat = try file.doubleAttribute("tracker", on: slot)
    var transport: [String: [Double]] = [:]
    for name in try file.stringAttribute("transport", on: slot).split(separator: ",") {
      transport[String(name)] = try file.readDoubles("\(slot)/transport_\(name)").values
    }
    return Checkpoint(
      sample: Int(try number("sample")), frames: Int(try number("frames")), rows: Int(try number("rows")),
      time: try number("time"), m: try file.readDoubles("\(slot)/m").values,
      stepper: RungeKutta<LLG>.State(
        timeStep: try number("time_step"), acceptedSteps: Int(try number("accepted_steps")),
        rejectedSteps: Int(try number("rejected_steps")),
        firstStage: hasStage ? try file.readDoubles("\(slot)/first_stage").values : nil),
      evaluations: Int(try number("rhs_evaluations")),
      tracker: trackerFlat[0] == 1 ? Array(trackerFlat.dropFirst()) : nil,
      afterSteps: afterSteps, transport: transport)
  }
}
