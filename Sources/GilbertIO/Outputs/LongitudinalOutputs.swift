import Gilbert

/// The longitudinal model of Eq. (47): its fields and their integrals over the grid.
enum LongitudinalOutputs: OutputProducer {
  /// A scalar field of the last transport update (zero before the first).
  static func scalar(_ name: String, _ unit: String, _ value: @escaping (LongitudinalFields) -> [Double])
    -> FieldOutput
  {
    FieldOutput(name: name, unit: unit, components: 1) { sim in
      sim.longitudinalFields.map(value) ?? [Double](repeating: 0, count: sim.m.count)
    }
  }

  static func fields(of sim: Simulation) -> [FieldOutput] {
    guard sim.longitudinal != nil else { return [] }
    return [
      FieldOutput(name: "E", unit: "V/m", components: 3) { sim in
        (sim.longitudinalFields?.electricField ?? VectorField(count: sim.m.count)).storage
      },
      scalar("div_E", "V/m^2") { $0.divergenceE },
      scalar("mu_up", "A/m") { $0.mu[0] },
      scalar("mu_down", "A/m") { $0.mu[1] },
      scalar("s_parallel_rate", "1/(m^3*s)") { $0.spinRate },
      FieldOutput(name: "delta_m", unit: "", components: 1) { sim in sim.longitudinal!.deltaM },
    ]
  }

  static func columns(of sim: Simulation) -> [TableOutput] {
    guard sim.longitudinal != nil else { return [] }
    let names = [
      ("int_delta_m", "m^3"), ("int_s_parallel_rate", "1/s"), ("int_div_E", "V*m"), ("int_mu_up", "A*m^2"),
      ("int_mu_down", "A*m^2"),
    ]
    return [
      TableOutput(columns: names) { sim, _ in
        guard let f = sim.longitudinalFields, let model = sim.longitudinal else { return [0, 0, 0, 0, 0] }
        let v = sim.magnet.grid.cellVolume
        return [
          model.deltaM.reduce(0, +) * v, f.spinRate.reduce(0, +) * v, f.divergenceE.reduce(0, +) * v,
          f.mu[0].reduce(0, +) * v, f.mu[1].reduce(0, +) * v,
        ]
      }
    ]
  }
}
