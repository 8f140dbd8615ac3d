/// A first-order system dm/dt = f(m, t) on unit vectors, for the steppers.
public protocol DynamicEquation {
  /// Number of cells of the state.
  var cellCount: Int { get }
  /// Writes dm/dt (rad/s) for the state `m` at time `time` into `dmdt`.
  mutating func derivative(m: VectorField, time: Double, into dmdt: inout VectorField)
  /// dm/dt without its nonlocal parts, for the stiff solver's preconditioner:
  /// cell i's rate may depend only on cell i and its grid neighbours.
  /// Defaults to ``derivative(m:time:into:)``.
  mutating func localDerivative(m: VectorField, time: Double, into dmdt: inout VectorField)
  /// A scalar rate the last ``derivative(m:time:into:)`` computed beside
  /// dm/dt (the co-moving frame's velocity), which the stepper integrates
  /// with the same stage weights as m; 0 by default.
  var auxiliaryRate: Double { get }
  /// Adds the step's integral of ``auxiliaryRate`` (called once per accepted step).
  mutating func accumulateAuxiliary(_ increment: Double)
  /// A global rank-one part of the equation, as of the last evaluation:
  /// f(m) = f_v(m) + v(m) g(m) with v = −Σ_i e·f_v,i(m) / S held fixed in
  /// ``localDerivative(m:time:into:)`` (the co-moving frame; f_v includes
  /// v g with v frozen, so ∇v = −eᵀ J_local / S). The stiff solver's
  /// preconditioner adds it by Sherman–Morrison. Nil by default.
  var rankOneCoupling: RankOneCoupling? { get }
}

/// See ``DynamicEquation/rankOneCoupling``: the direction field g, the axis e and the normalisation S.
public struct RankOneCoupling {
  public var direction: VectorField
  public var axis: SIMD3<Double>
  public var normalization: Double
  public init(direction: VectorField, axis: SIMD3<Double>, normalization: Double) {
    self.direction = direction
    self.axis = axis
    self.normalization = normalization
  }
}

extension DynamicEquation {
  public mutating func localDerivative(m: VectorField, time: Double, into dmdt: inout VectorField) {
    derivative(m: m, time: time, into: &dmdt)
  }
  public var auxiliaryRate: Double { 0 }
  public mutating func accumulateAuxiliary(_ increment: Double) {}
  public var rankOneCoupling: RankOneCoupling? { nil }
}

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
public struct LLG: ThermalEquation {
  /// The body: grid, regions and materials.
  public let magnet: Magnet
  /// Contributions to the effective field.
  public var fieldTerms: [any FieldTerm] { didSet { updateWireKernel() } }
  /// Torques that are not fields.
  public var torqueTerms: [any TorqueTerm] { didSet { updateWireKernel() } }
  /// The current that drives the torque terms (none by default).
  public var drive: Drive { didSet { updateWireKernel() } }
  /// The one-pass kernel of a uniform 1D wire, when the terms allow it (same results, faster).
  var wire: WireKernel?
  /// Whether ``derivative(m:time:into:)`` uses the one-pass wire kernel.
  public var usesWireKernel: Bool { wire != nil && precession }
  /// False makes every evaluation take the general path (for comparisons).
  public var allowsWireKernel = true { didSet { updateWireKernel() } }
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
  /// α when every cell is magnetic with the same damping (the branch-free loop), else nil.
  let uniformDamping: Double?
  /// The effective field of the last evaluation, T (owned scratch).
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
    let a0 = magnet.damping.first
    uniformDamping =
      magnet.allMagnetic && magnet.damping.allSatisfy { $0 == a0 } ? a0 : nil
    updateWireKernel()
  }

  mutating func updateWireKernel() {
    wire =
      allowsWireKernel
      ? WireKernel(magnet: magnet, fieldTerms: fieldTerms, torqueTerms: torqueTerms, drive: drive) : nil
  }

  public var cellCount: Int { magnet.grid.cellCount }

  /// Sets the evaluation count (a resumed run continues its count).
  public mutating func restoreEvaluations(_ n: Int) { evaluations = n }

  /// Recomputes ``effectiveField`` for `m` at `time`.
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
    if precession, thermalField == nil, let wire {
      wire.evaluate(m: m, time: time, into: &dmdt, frame: &frame)
      return
    }
    updateEffectiveField(m: m, time: time)
    if let thermal = thermalField, !localOnly { effectiveField.add(thermal) }
    let n = cellCount
    let gamma = PhysicalConstants.gammaLL
    let precess = precession
    if precess, torqueTerms.isEmpty, let a = uniformDamping {
      // No torque terms, every cell magnetic, one α: the two passes below
      // in one (the same operations in the same order, so the same bits).
      let s = 1 / (1 + a * a)
      m.withPlanes { mx, my, mz in
        effectiveField.withPlanes { bx, by, bz in
          dmdt.withMutablePlanes { tx, ty, tz in
            Parallel.forEachChunk(n) { range in
              for i in range {
                let x = -gamma * (my[i] * bz[i] - mz[i] * by[i])
                let y = -gamma * (mz[i] * bx[i] - mx[i] * bz[i])
                let z = -gamma * (mx[i] * by[i] - my[i] * bx[i])
                let cx = my[i] * z - mz[i] * y
                let cy = mz[i] * x - mx[i] * z
                let cz = mx[i] * y - my[i] * x
                tx[i] = s * (x + a * cx)
                ty[i] = s * (y + a * cy)
                tz[i] = s * (z + a * cz)
              }
            }
          }
        }
      }
      if frame != nil { frame!.apply(m: m, dmdt: &dmdt) }
      return
    }
    // T = −γ m × B
    m.withPlanes { mx, my, mz in
      effectiveField.withPlanes { bx, by, bz in
        dmdt.withMutablePlanes { tx, ty, tz in
          Parallel.forEachChunk(n) { range in
            for i in range {
              tx[i] = -gamma * (my[i] * bz[i] - mz[i] * by[i])
              ty[i] = -gamma * (mz[i] * bx[i] - mx[i] * bz[i])
              tz[i] = -gamma * (mx[i] * by[i] - my[i] * bx[i])
            }
          }
        }
      }
    }
    for term in torqueTerms { term.addTorque(to: &dmdt, m: m, time: time, drive: drive) }
    // dm/dt = (T + α m × T)/(1 + α²), or −α m × (m × T)/(1 + α²)·... without precession.
    m.withPlanes { mx, my, mz in
      dmdt.withMutablePlanes { tx, ty, tz in
        magnet.damping.withUnsafeBufferPointer { alpha in
          magnet.saturationMagnetization.withUnsafeBufferPointer { ms in
            Parallel.forEachChunk(n) { range in
              if precess, let a = uniformDamping {
                // Every cell magnetic, one α: the loop below without its branches.
                let s = 1 / (1 + a * a)
                for i in range {
                  let x = tx[i], y = ty[i], z = tz[i]
                  let cx = my[i] * z - mz[i] * y
                  let cy = mz[i] * x - mx[i] * z
                  let cz = mx[i] * y - my[i] * x
                  tx[i] = s * (x + a * cx)
                  ty[i] = s * (y + a * cy)
                  tz[i] = s * (z + a * cz)
                }
                return
              }
              for i in range {
                if ms[i] == 0 {
                  tx[i] = 0
                  ty[i] = 0
                  tz[i] = 0
                  continue
                }
                let a = alpha[i]
                let s = 1 / (1 + a * a)
                let x = tx[i], y = ty[i], z = tz[i]
                // c = m × T
                let cx = my[i] * z - mz[i] * y
                let cy = mz[i] * x - mx[i] * z
                let cz = mx[i] * y - my[i] * x
                if precess {
                  tx[i] = s * (x + a * cx)
                  ty[i] = s * (y + a * cy)
                  tz[i] = s * (z + a * cz)
                } else {
                  // α m × T with T ⟂ m is the damping part alone.
                  tx[i] = s * a * cx
                  ty[i] = s * a * cy
                  tz[i] = s * a * cz
                }
              }
            }
          }
        }
      }
    }
    if frame != nil { frame!.apply(m: m, dmdt: &dmdt) }
  }

  /// The total energy and each field term's energy (J) for `m` at `time`.
  public func energies(m: VectorField, time: Double) -> [(name: String, value: Double)] {
    fieldTerms.map { ($0.name, $0.energy(m: m, time: time)) }
  }

  /// max over cells of |m × B_eff|, T: the torque a relaxed state drives to zero.
  public mutating func maxTorque(m: VectorField, time: Double) -> Double {
    updateEffectiveField(m: m, time: time)
    var worst = 0.0
    for i in 0..<cellCount where magnet.isMagnetic(i) {
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
