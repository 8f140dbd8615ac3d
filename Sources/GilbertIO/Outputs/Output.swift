import Gilbert

/// A field a frame can hold: its name, unit and component count (3 for
/// vectors, 1 for scalars), declared beside the code that produces it.
public struct FieldOutput {
  /// The name under `/fields/<name>`.
  public let name: String
  /// The unit, ASCII.
  public let unit: String
  /// 3 for a vector field, 1 for a scalar.
  public let components: Int
  /// The field now, as planes (component-major).
  let evaluate: (inout Simulation) -> [Double]
}

/// Where a table row is taken: the runner's step count and last step.
public struct TableSample {
  /// Accepted steps so far.
  public let step: Int
  /// The last step, s.
  public let dt: Double
}

/// Table columns that are computed together (an observation gives three).
public struct TableOutput {
  /// Names and units, in column order.
  public let columns: [(name: String, unit: String)]
  /// One value per column.
  let evaluate: (inout Simulation, TableSample) -> [Double]
}

/// Something that contributes outputs to a run: it declares, for a built
/// simulation, the fields and the table columns it produces.
public protocol OutputProducer {
  /// The fields it can write each frame.
  static func fields(of sim: Simulation) -> [FieldOutput]
  /// Its table columns.
  static func columns(of sim: Simulation) -> [TableOutput]
}

extension OutputProducer {
  public static func fields(of sim: Simulation) -> [FieldOutput] { [] }
  public static func columns(of sim: Simulation) -> [TableOutput] { [] }
}

/// Every producer, in table-column order. The writer and the table walk the
/// lists these give; no output name or unit is kept anywhere else.
public enum OutputRegistry {
  public static var producers: [any OutputProducer.Type] {
    [
      StateOutputs.self, TermOutputs.self, AppliedFieldOutputs.self, WallOutputs.self, LongitudinalOutputs.self,
      CurrentOutputs.self, ThermalOutputs.self,
    ]
  }
}

/// m, and the table's time, step, last step and ⟨m⟩.
enum StateOutputs: OutputProducer {
  static func fields(of sim: Simulation) -> [FieldOutput] {
    [FieldOutput(name: "m", unit: "", components: 3) { $0.m.storage }]
  }

  static func columns(of sim: Simulation) -> [TableOutput] {
    [
      TableOutput(columns: [("t", "s"), ("step", ""), ("dt", "s"), ("mx", ""), ("my", ""), ("mz", "")]) { sim, s in
        let avg = sim.magnet.average(sim.m)
        return [sim.time, Double(s.step), s.dt, avg.x, avg.y, avg.z]
      }
    ]
  }
}

/// The terms: B_eff, and for each field term `B_<name>` (T) and
/// `Edens_<name>` (J/m³); for each torque term `torque_<name>` (rad/s, under
/// the current at the sample's time); `dmdt` (rad/s, the whole right-hand
/// side without the thermal field; in the continuous frame, the frame's
/// dm/dt); the table's `E_total` and `E_<name>` (J).
enum TermOutputs: OutputProducer {
  static func fields(of sim: Simulation) -> [FieldOutput] {
    let terms = sim.equation.fieldTerms
    let effective = FieldOutput(name: "B_eff", unit: "T", components: 3) { sim in
      sim.equation.updateEffectiveField(m: sim.m, time: sim.time)
      return sim.equation.effectiveField.storage
    }
    let fields = terms.map { term in
      FieldOutput(name: "B_\(term.name)", unit: "T", components: 3) { sim in
        var b = VectorField(count: sim.m.count)
        term.addField(to: &b, m: sim.m, time: sim.time)
        return b.storage
      }
    }
    let densities = terms.map { term in
      FieldOutput(name: "Edens_\(term.name)", unit: "J/m^3", components: 1) { sim in
        term.energyDensity(m: sim.m, time: sim.time)
      }
    }
    let torques = sim.equation.torqueTerms.map { term in
      FieldOutput(name: "torque_\(term.name)", unit: "rad/s", components: 3) { sim in
        var t = VectorField(count: sim.m.count)
        term.addTorque(to: &t, m: sim.m, time: sim.time, drive: sim.equation.drive)
        return t.storage
      }
    }
    let rate = FieldOutput(name: "dmdt", unit: "rad/s", components: 3) { sim in
      // A copy of the equation: the run's evaluation count and frame velocity stay as they are.
      var equation = sim.equation
      equation.thermalField = nil
      var d = VectorField(count: sim.m.count)
      equation.derivative(m: sim.m, time: sim.time, into: &d)
      return d.storage
    }
    return [effective] + fields + densities + torques + [rate]
  }

  static func columns(of sim: Simulation) -> [TableOutput] {
    let names = [("E_total", "J")] + sim.equation.fieldTerms.map { ("E_\($0.name)", "J") }
    return [
      TableOutput(columns: names) { sim, _ in
        let energies = sim.equation.energies(m: sim.m, time: sim.time).map(\.value)
        return [energies.reduce(0, +)] + energies
      }
    ]
  }
}

/// Each applied field that changes in time: the table's `Bx_<name>`,
/// `By_<name>`, `Bz_<name>` (T), the field in the first magnetic cell at
/// the sample (`<name>` the term's: `zeeman`, `zeeman_<name>`).
enum AppliedFieldOutputs: OutputProducer {
  static func columns(of sim: Simulation) -> [TableOutput] {
    guard let section = sim.config.section(ZeemanSection.self),
      let i = (0..<sim.m.count).first(where: { sim.magnet.isMagnetic($0) })
    else { return [] }
    let varying = Set(section.entries.filter(\.varies).map(\.name))
    return sim.equation.fieldTerms.compactMap { $0 as? Zeeman }.filter { varying.contains($0.name) }.map { z in
      TableOutput(columns: ["x", "y", "z"].map { ("B\($0)_\(z.name)", "T") }) { sim, _ in
        let b = z.field(at: sim.time, cell: i)
        return [b.x, b.y, b.z]
      }
    }
  }
}

/// The tracked wall: `wall_position` (m, absolute), `wall_tilt` (rad,
/// unwrapped), `wall_width` (m); in a strip (ny > 1) with an in-plane wall,
/// its core: `wall_core_x` (m, absolute), `wall_core_y` (m), NaN without a
/// core, `wall_core_polarity` (±1, 0 without a core) and `wall_type`
/// (``WallStructure``: 0 transverse, 1 vortex, −1 antivortex, 2 core at an edge).
enum WallOutputs: OutputProducer {
  static func columns(of sim: Simulation) -> [TableOutput] {
    guard let tracker = sim.tracker else { return [] }
    var outputs = [
      TableOutput(columns: [("wall_position", "m"), ("wall_tilt", "rad"), ("wall_width", "m")]) { sim, _ in
        let o = sim.tracker!.observe(sim.m, magnet: sim.magnet)
        return [o.position, o.tilt, o.width]
      }
    ]
    if sim.magnet.grid.ny > 1 && abs(tracker.wall.easyAxis.x) == 1 {
      outputs.append(
        TableOutput(columns: [
          ("wall_core_x", "m"), ("wall_core_y", "m"), ("wall_core_polarity", ""), ("wall_type", ""),
        ]) { sim, _ in
          let core = WallCore.find(in: sim.m, grid: sim.magnet.grid, mask: { sim.magnet.isMagnetic($0) })
          return [core.x + sim.tracker!.offset, core.y, core.polarity, Double(core.structure.rawValue)]
        })
    }
    return outputs
  }
}

/// The current: `j` (A/m²) where a current density is known; with
/// electrodes the table's `current` (A). A current with a time profile
/// adds the table's `current_profile` (s(t)), `ux`, `uy`, `uz` (m/s, u of the
/// first magnetic cell at the sample) and, where j is known, `jx`, `jy`,
/// `jz` (A/m²).
enum CurrentOutputs: OutputProducer {
  static func fields(of sim: Simulation) -> [FieldOutput] {
    guard sim.currentDensity != nil || sim.electrodes != nil else { return [] }
    return [
      FieldOutput(name: "j", unit: "A/m^2", components: 3) { sim in
        let s = sim.equation.drive.scale(at: sim.time)
        return (sim.currentDensity ?? VectorField(count: sim.m.count)).storage.map { s * $0 }
      }
    ]
  }

  static func columns(of sim: Simulation) -> [TableOutput] {
    if sim.electrodes != nil { return [TableOutput(columns: [("current", "A")]) { sim, _ in [sim.totalCurrent ?? 0] }] }
    guard !sim.equation.drive.profile.isConstant, let u = sim.driftVelocity,
      let i = (0..<u.count).first(where: { sim.magnet.isMagnetic($0) })
    else { return [] }
    var columns = [("current_profile", ""), ("ux", "m/s"), ("uy", "m/s"), ("uz", "m/s")]
    if sim.currentDensity != nil { columns += [("jx", "A/m^2"), ("jy", "A/m^2"), ("jz", "A/m^2")] }
    return [
      TableOutput(columns: columns) { sim, _ in
        let s = sim.equation.drive.scale(at: sim.time)
        let u = s * sim.driftVelocity![i]
        guard let j = sim.currentDensity?[i] else { return [s, u.x, u.y, u.z] }
        return [s, u.x, u.y, u.z, s * j.x, s * j.y, s * j.z]
      }
    ]
  }
}

/// With a temperature: the table's `T` (K), the temperature of the first
/// magnetic cell at the sample (its region's T times the profile).
enum ThermalOutputs: OutputProducer {
  static func columns(of sim: Simulation) -> [TableOutput] {
    guard let noise = sim.thermalNoise, let t = sim.config.section(TemperatureSection.self),
      let i = (0..<sim.m.count).first(where: { sim.magnet.isMagnetic($0) })
    else { return [] }
    let base = t.temperature.values[sim.magnet.regions[i]]
    return [TableOutput(columns: [("T", "K")]) { sim, _ in [base * max(0, noise.profile.value(at: sim.time))] }]
  }
}
