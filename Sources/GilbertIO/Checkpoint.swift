import Foundation
import Gilbert

/// The whole state of a run after a sample, so `gilbert run --resume` can
/// continue it bit for bit: m and t, the stepper's next step and cached first
/// stage, the counts, the wall tracker's memory, the after-step counters, the
/// transport state, and how many samples, frames and rows the file held.
///
/// Stored in `/checkpoint/slot0` and `/checkpoint/slot1` in turn, as
/// datasets of fixed size made when the file is created (``Layout``), so a
/// SWMR file can take checkpoints too; the slot is written and flushed before
/// `/checkpoint/slot` names it, so a kill during a checkpoint leaves the
/// previous one valid.
struct Checkpoint {
  var sample: Int
  var frames: Int
  var rows: Int
  var time: Double
  var m: [Double]
  var stepper: StepperState
  var evaluations: Int
  var tracker: [Double]?
  var afterSteps: [[Double]]
  /// The transport model's state by name (``Simulation/transportState``).
  var transport: [String: [Double]] = [:]

  /// The sizes of a run's checkpoints, known when its file is created.
  struct Layout {
    var cells: Int
    var afterSteps: [Int]
    var transport: [String: Int]

    /// Makes both slots and the pointer, zero-filled.
    func create(in file: HDF5File) throws {
      for k in 0..<2 {
        let slot = "/checkpoint/slot\(k)"
        try file.createGroup(slot)
        try file.writeDataset("\(slot)/scalars", doubles: [Double](repeating: 0, count: 12), shape: [12])
        try file.writeDataset("\(slot)/m", doubles: [Double](repeating: 0, count: 3 * cells), shape: [3 * cells])
        try file.writeDataset(
          "\(slot)/first_stage", doubles: [Double](repeating: 0, count: 3 * cells), shape: [3 * cells])
        try file.writeDataset("\(slot)/tracker", doubles: [0, 0, 0, 0], shape: [4])
        let steps = afterSteps.reduce(0, +)
        try file.writeDataset(
          "\(slot)/after_steps", doubles: [Double](repeating: 0, count: max(1, steps)), shape: [max(1, steps)])
        for (name, count) in transport {
          try file.writeDataset(
            "\(slot)/transport_\(name)", doubles: [Double](repeating: 0, count: count), shape: [count])
        }
        try file.setAttribute(
          "after_step_sizes", on: slot, doubles: [Double(afterSteps.count)] + afterSteps.map(Double.init))
        try file.setAttribute("transport", on: slot, string: transport.keys.sorted().joined(separator: ","))
      }
      try file.writeDataset("/checkpoint/slot", doubles: [-1], shape: [1])
    }
  }

  /// Writes the checkpoint into the slot after the current one, then names it.
  func write(to file: HDF5File) throws {
    let current = Int(try file.readDoubles("/checkpoint/slot").values[0])
    let next = current == 0 ? 1 : 0
    let slot = "/checkpoint/slot\(next)"
    let scalars: [Double] = [
      Double(sample), Double(frames), Double(rows), time, stepper.timeStep, Double(stepper.acceptedSteps),
      Double(stepper.rejectedSteps), Double(evaluations), stepper.firstStage == nil ? 0 : 1, stepper.firstStageRate,
      stepper.stepCap, stepper.previousError,
    ]
    try file.overwrite("\(slot)/scalars", doubles: scalars)
    try file.overwrite("\(slot)/m", doubles: m)
    if let stage = stepper.firstStage { try file.overwrite("\(slot)/first_stage", doubles: stage) }
    try file.overwrite("\(slot)/tracker", doubles: tracker.map { [1] + $0 } ?? [0, 0, 0, 0])
    let steps = afterSteps.flatMap { $0 }
    try file.overwrite("\(slot)/after_steps", doubles: steps.isEmpty ? [0] : steps)
    for (name, values) in transport { try file.overwrite("\(slot)/transport_\(name)", doubles: values) }
    try file.flush()
    try file.overwrite("/checkpoint/slot", doubles: [Double(next)])
    try file.flush()
  }

  /// The last complete checkpoint of a file, or nil when it has none.
  static func read(from file: HDF5File) throws -> Checkpoint? {
    guard file.exists("/checkpoint/slot"), let k = try? file.readDoubles("/checkpoint/slot").values[0], k >= 0 else {
      return nil
    }
    let slot = "/checkpoint/slot\(Int(k))"
    let s = try file.readDoubles("\(slot)/scalars").values
    let sizes = try file.doubleAttribute("after_step_sizes", on: slot).map { Int($0) }
    var flat = try file.readDoubles("\(slot)/after_steps").values[...]
    var afterSteps: [[Double]] = []
    for n in sizes.dropFirst().prefix(sizes[0]) {
      afterSteps.append(Array(flat.prefix(n)))
      flat = flat.dropFirst(n)
    }
    let tracker = try file.readDoubles("\(slot)/tracker").values
    var transport: [String: [Double]] = [:]
    for name in try file.stringAttribute("transport", on: slot).split(separator: ",") {
      transport[String(name)] = try file.readDoubles("\(slot)/transport_\(name)").values
    }
    return Checkpoint(
      sample: Int(s[0]), frames: Int(s[1]), rows: Int(s[2]), time: s[3], m: try file.readDoubles("\(slot)/m").values,
      stepper: StepperState(
        timeStep: s[4], acceptedSteps: Int(s[5]), rejectedSteps: Int(s[6]),
        firstStage: s[8] == 1 ? try file.readDoubles("\(slot)/first_stage").values : nil,
        firstStageRate: s.count > 9 ? s[9] : 0, stepCap: s.count > 10 ? s[10] : .infinity,
        previousError: s.count > 11 ? s[11] : 1e-4),
      evaluations: Int(s[7]), tracker: tracker[0] == 1 ? Array(tracker.dropFirst()) : nil, afterSteps: afterSteps,
      transport: transport)
  }
}
