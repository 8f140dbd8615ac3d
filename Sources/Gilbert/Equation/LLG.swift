/// The Landau–Lifshitz–Gilbert equation in its explicit form (Documentation/Physics.md):
///
///     T = −γ_LL m × B_eff + Σ T_torque
///     dm/dt = (T + α m × T) / (1 + α²)
///
/// Every term's T is perpendicular to m (a torque term projects its own
/// discrete derivatives), so the flow keeps |m| constant.
/// B_eff (T) is the sum of the field terms, T_torque the torque terms
/// (spin-transfer) driven by the equation's ``drive``, α the per-cell damping. Empty cells have dm/dt = 0.
/// With `precession = false` the precessional part is dropped and only the
/// damping remains, dm/dt = −γ_LL α/(1 + α²) m × (m × B) (relaxation).
/// With a ``frame`` the equation is solved in a frame moving with the wall
/// (``ComovingFrame``).
///
/// Evaluation: the terms without a fused kernel (demag, end charges, the
/// thermal field) add their fields into a buffer first; then one
/// ``LocalPass`` over the grid does every local term, the torque, the
/// damping and the frame's gradient (``LLGFormula`` holds the equation's own
/// formulas). With ``fusesLocalTerms`` false every term runs its own loop
/// instead (the per-term evaluation the pass is tested against).
public struct LLG: ThermalEquation {
  /// The body: grid, regions and materials.
  public let magnet: Magnet
  /// Contributions to the effective field.
  public var fieldTerms: [any FieldTerm] { didSet { buildPass() } }
  /// Torques that are not fields.
  public var torqueTerms: [any TorqueTerm] { didSet { buildPass() } }
  /// The current that drives the torque terms (none by default).
  public var drive: Drive
  /// False makes every evaluation run each term's own loop (for comparisons).
  public var fusesLocalTerms = true
  /// Whether the precessional term is integrated.
  public var precession = true
  /// The continuously co-moving frame, if the run uses one.
  public var frame: ComovingFrame?
  /// Brown's thermal field of the current step, T, added to B_eff in
  /// ``derivative(m:time:into:)`` (set by ``StochasticHeun``; nil at T = 0).
  /// It is not part of ``effectiveField`` as outputs see it.
  public var thermalField: VectorField?
  /// True while ``localDerivative(m:time:into:)`` runs: nonlocal field terms are skipped and v_f is frozen.
  var localOnly = false
  /// α of every cell.
  let damping: CellCoefficient
  /// The fused pass over the terms that have kernels.
  private(set) var pass: LocalPass
  /// The field and torque terms without a kernel, by index.
  private var unfusedFields: [Int] = [], unfusedTorques: [Int] = []
  /// The fields (and torques) of the terms without a kernel (owned scratch).
  private var precomputedFields: [VectorField] = [], precomputedTorque: VectorField?
  /// The effective field of the last ``updateEffectiveField(m:time:)``, T (owned scratch).
  public private(set) var effectiveField: VectorField
  /// Number of right-hand-side evaluations so far.
  public private(set) var evaluations = 0

  /// The LLG equation for `magnet` with the given terms.
  public init(
    magnet: Magnet, fieldTerms: [any FieldTerm], torqueTerms: [any TorqueTerm] = [], drive: Drive = Drive()
  ) {
    self.magnet = magnet
    self.fieldTerms = fieldTerms
    self.torqueTerms = torqueTerms
    self.drive = drive
    effectiveField = VectorField(count: magnet.grid.cellCount)
    damping = magnet.dampingCoefficient
    pass = LocalPass(magnet: magnet, fields: [], torques: [])
    buildPass()
  }

  /// The pass's slots from the terms: each term's kernel in the terms'
  /// order; a term without one is computed before the pass into a field of
  /// its own, which the pass adds where the term stands (so the sum is the
  /// per-term evaluation's, in the same order, to the bit).
  mutating func buildPass() {
    var slots: [LocalPass.FieldSlot] = []
    unfusedFields = []
    for (k, term) in fieldTerms.enumerated() {
      if let kernel = term.fused {
        slots.append(.kernel(kernel))
      } else {
        slots.append(.precomputed(unfusedFields.count))
        unfusedFields.append(k)
      }
    }
    var torques: [FusedTorque] = []
    unfusedTorques = []
    for (k, term) in torqueTerms.enumerated() {
      if let kernel = term.fused { torques.append(kernel) } else { unfusedTorques.append(k) }
    }
    let n = cellCount
    precomputedFields = unfusedFields.map { _ in VectorField(count: n) }
    precomputedTorque = unfusedTorques.isEmpty ? nil : VectorField(count: n)
    pass = LocalPass(
      geometry: pass.geometry, fields: slots, torques: torques, damping: damping, gyro: magnet.gyroCoefficient,
      mobility: magnet.mobilityCoefficient)
  }

  public var cellCount: Int { magnet.grid.cellCount }

  /// Sets the evaluation count (a resumed run continues its count).
  public mutating func restoreEvaluations(_ n: Int) { evaluations = n }

  /// Recomputes ``effectiveField`` for `m` at `time`, term by term.
  public mutating func updateEffectiveField(m: VectorField, time: Double) {
    effectiveField.zero()
    for term in fieldTerms where !localOnly || term.isLocal {
      term.addField(to: &effectiveField, m: m, time: time)
    }
  }

  public mutating func localDerivative(m: VectorField, time: Double, into dmdt: inout VectorField) {
    localOnly = true
    frame?.frozen = true
    derivative(m: m, time: time, into: &dmdt)
    localOnly = false
    frame?.frozen = false
  }

  /// The co-moving frame's velocity v_f at the last evaluation, m/s (0 without a frame).
  public var auxiliaryRate: Double { frame?.velocity ?? 0 }

  /// The co-moving frame's coupling, when its velocity is defined (a wall is in the grid).
  public var rankOneCoupling: RankOneCoupling? {
    guard let f = frame, f.hasWall else { return nil }
    return RankOneCoupling(direction: f.gradient, axis: f.axis, normalization: f.slope)
  }

  /// Adds to the frame's displacement.
  public mutating func accumulateAuxiliary(_ increment: Double) { frame?.displacement += increment }

  public mutating func derivative(m: VectorField, time: Double, into dmdt: inout VectorField) {
    evaluations += 1
    guard fusesLocalTerms else { return perTermDerivative(m: m, time: time, into: &dmdt) }
    // The fields are zero here: the pass clears each cell once it has read it.
    for (slot, k) in unfusedFields.enumerated() where !localOnly || fieldTerms[k].isLocal {
      fieldTerms[k].addField(to: &precomputedFields[slot], m: m, time: time)
    }
    if precomputedTorque != nil {
      precomputedTorque!.zero()
      for k in unfusedTorques { torqueTerms[k].addTorque(to: &precomputedTorque!, m: m, time: time, drive: drive) }
    }
    // The frame's gradient is written by the pass: taken out so no second reference is alive.
    var gradient: VectorField? = nil
    if frame != nil {
      gradient = frame!.gradient
      frame!.gradient = VectorField(count: 0)
    }
    pass.run(
      .rate, m: m, time: time, drive: drive, precomputed: &precomputedFields,
      thermal: localOnly ? nil : thermalField, precomputedTorque: precomputedTorque, precession: precession,
      into: &dmdt, gradient: &gradient)
    if frame != nil {
      frame!.gradient = gradient!
      frame!.finish(dmdt: &dmdt)
    }
  }

  /// dm/dt with every term by its own loop: the field terms into
  /// ``effectiveField``, −γ m × B, each torque term, the damping, the frame.
  mutating func perTermDerivative(m: VectorField, time: Double, into dmdt: inout VectorField) {
    updateEffectiveField(m: m, time: time)
    if let thermal = thermalField, !localOnly { effectiveField.add(thermal) }
    for i in 0..<cellCount {
      let b = effectiveField[i] * (magnet.gyroCoefficient?[i] ?? 1), mi = m[i]
      let t = LLGFormula.precession(m: Vec3(mi.x, mi.y, mi.z), field: Vec3(b.x, b.y, b.z))
      dmdt[i] = SIMD3(t.x, t.y, t.z)
    }
    for term in torqueTerms { term.addTorque(to: &dmdt, m: m, time: time, drive: drive) }
    for i in 0..<cellCount {
      guard magnet.isMagnetic(i), !magnet.isFrozen(i) else {
        dmdt[i] = .zero
        continue
      }
      let t = dmdt[i], mi = m[i]
      let d = LLGFormula.damping(
        m: Vec3(mi.x, mi.y, mi.z), torque: Vec3(t.x, t.y, t.z), alpha: damping[i],
        scale: LLGFormula.scale(alpha: damping[i]), precession: precession)
      dmdt[i] = SIMD3(d.x, d.y, d.z)
    }
    if frame != nil { frame!.apply(m: m, dmdt: &dmdt) }
  }

  /// Every profile the equation follows in time: the current's and each
  /// field term's, and the thermal field's when a stepper sets one (see
  /// ``TimeDependent``); the run loop ends steps on their breakpoints.
  public func timeProfiles(thermal: ThermalNoise?) -> [TimeProfile] {
    drive.timeProfiles + fieldTerms.flatMap(\.timeProfiles) + (thermal?.timeProfiles ?? [])
  }

  /// The total energy and each field term's energy (J) for `m` at `time`.
  public func energies(m: VectorField, time: Double) -> [(name: String, value: Double)] {
    fieldTerms.map { ($0.name, $0.energy(m: m, time: time)) }
  }

  /// max over cells of |m × B_eff|, T: the torque a relaxed state drives to zero.
  public mutating func maxTorque(m: VectorField, time: Double) -> Double {
    updateEffectiveField(m: m, time: time)
    var worst = 0.0
    for i in 0..<cellCount where magnet.isMagnetic(i) && !magnet.isFrozen(i) {
      let c = cross(m[i], effectiveField[i])
      worst = max(worst, (c * c).sum())
    }
    return worst.squareRoot()
  }
}

/// a × b.
@inlinable public func cross(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
  let x: Double = a.y * b.z - a.z * b.y
  let y: Double = a.z * b.x - a.x * b.z
  let z: Double = a.x * b.y - a.y * b.x
  return SIMD3<Double>(x, y, z)
}

/// a · b.
@inlinable public func dot(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> Double {
  a.x * b.x + a.y * b.y + a.z * b.z
}
