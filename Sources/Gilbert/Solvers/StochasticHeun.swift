import RealModule

/// The thermal field of Brown's stochastic LLG: white noise added to B_eff,
///
///     ⟨B_th,a(t) B_th,b(t′)⟩ = σ² δ_ab δ(t − t′),   σ² = 2 α k_B T / (γ_LL Ms V),
///
/// per cell (V the cell volume, α, Ms and T of its region). Over a step Δt
/// the field is held constant at σ ξ / √Δt with ξ three standard normal
/// numbers per cell.
///
/// The numbers are a function of (seed, step, cell) alone: a counter-based
/// generator (the SplitMix64 finaliser applied to the seed, the step index
/// and the cell's counter), turned into normals by Box–Muller. So a run is
/// the same to the last bit whatever the thread count or the process it
/// runs in, and a resumed run needs only the step index to continue the
/// same sequence.
public struct ThermalNoise: Sendable {
  /// The generator's seed.
  public let seed: UInt64
  /// σ of every cell, T·s^½ (0 in empty cells and where T = 0).
  public let strength: [Double]
  /// T(t) = T · max(0, s(t)).
  public let profile: TimeProfile

  /// The noise for `magnet` with the temperature `temperature` of every cell (K).
  public init(magnet: Magnet, temperature: [Double], seed: UInt64, profile: TimeProfile = .constant) {
    precondition(temperature.count == magnet.grid.cellCount, "one temperature per cell")
    let v = magnet.grid.cellVolume
    strength = (0..<temperature.count).map { i in
      let ms = magnet.saturationMagnetization[i]
      guard ms > 0, temperature[i] > 0 else { return 0 }
      return (2 * magnet.damping[i] * PhysicalConstants.boltzmann * temperature[i] / (PhysicalConstants.gammaLL * ms * v))
        .squareRoot()
    }
    self.seed = seed
    self.profile = profile
  }

  /// Whether any cell is at T > 0.
  public var isActive: Bool { strength.contains { $0 > 0 } }

  /// The field of step `step` (its index), which starts at `time` and lasts `dt`, into `b` (T).
  public func fill(_ b: inout VectorField, step: Int, time: Double, dt: Double) {
    let scale = (max(0, profile.value(at: time)) / dt).squareRoot()
    let key = Self.mix(seed ^ Self.mix(UInt64(truncatingIfNeeded: step)))
    let n = b.count
    strength.withUnsafeBufferPointer { sigma in
      b.withMutablePlanes { bx, by, bz in
        Parallel.forEachChunk(n) { range in
          for i in range {
            let s = sigma[i] * scale
            guard s > 0 else {
              bx[i] = 0
              by[i] = 0
              bz[i] = 0
              continue
            }
            let c = 4 * UInt64(i)
            let (n0, n1) = Self.normals(key, c)
            let (n2, _) = Self.normals(key, c + 2)
            bx[i] = s * n0
            by[i] = s * n1
            bz[i] = s * n2
          }
        }
      }
    }
  }

  /// Two standard normal numbers from the counters c and c + 1 (Box–Muller).
  @inline(__always)
  static func normals(_ key: UInt64, _ c: UInt64) -> (Double, Double) {
    // Uniforms in (0, 1]: log never sees 0.
    let u1 = Double((mix(key &+ c) >> 11) + 1) * 0x1.0p-53
    let u2 = Double(mix(key &+ c &+ 1) >> 11) * 0x1.0p-53
    let r = (-2 * Double.log(u1)).squareRoot()
    let a = 2 * Double.pi * u2
    return (r * Double.cos(a), r * Double.sin(a))
  }

  /// The SplitMix64 finaliser of z + the golden-ratio increment.
  @inline(__always)
  static func mix(_ x: UInt64) -> UInt64 {
    var z = x &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// An equation with a thermal field that a stochastic stepper sets before
/// each step (held constant through the step's stages).
public protocol ThermalEquation: DynamicEquation {
  /// The field added to B_eff, T; nil when there is none.
  var thermalField: VectorField? { get set }
}

/// Stochastic Heun at a fixed step: the Stratonovich scheme for the LLG with
/// Brown's thermal field (García-Palacios and Lázaro, PRB 58, 14937 (1998)).
/// One noise field per step, the same in both stages:
///
///     k1 = f(m, t; B_th),   m̃ = m + Δt k1,
///     k2 = f(m̃, t + Δt; B_th),   m ← normalise(m + Δt (k1 + k2)/2).
///
/// Its noise is indexed by the accepted-step count, which a checkpoint
/// saves: a resumed run draws the same numbers. At T = 0 it is Heun's method.
public struct StochasticHeun<Equation: ThermalEquation>: TimeStepper {
  public var timeStep: Double
  /// Unused (the step is fixed); kept for the protocol.
  public var minimumStep: Double = 0, maximumStep: Double = .infinity
  public private(set) var acceptedSteps = 0
  public var rejectedSteps: Int { 0 }
  /// Largest allowed change of |m| within one step before renormalisation.
  public var normDriftLimit = 1e-2
  /// The thermal noise (nil: no temperature).
  public let noise: ThermalNoise?
  var k1: VectorField, k2: VectorField, trial: VectorField

  /// A stepper for `cellCount` cells with the fixed step `timeStep` (s).
  public init(cellCount n: Int, timeStep: Double, noise: ThermalNoise?) {
    self.timeStep = timeStep
    self.noise = noise
    k1 = VectorField(count: n)
    k2 = VectorField(count: n)
    trial = VectorField(count: n)
  }

  public var state: StepperState {
    StepperState(timeStep: timeStep, acceptedSteps: acceptedSteps, rejectedSteps: 0, firstStage: nil)
  }

  public mutating func restore(_ s: StepperState) {
    timeStep = s.timeStep
    acceptedSteps = s.acceptedSteps
  }

  /// Nothing is cached between steps.
  public mutating func invalidate() {}

  public mutating func step(
    _ equation: inout Equation, m: inout VectorField, time t: inout Double, limit: Double
  ) throws(IntegrationError) {
    precondition(limit > t, "step limit must lie ahead")
    let (h, clamped) = clampedStep(timeStep, from: t, to: limit)
    if let noise {
      if equation.thermalField == nil { equation.thermalField = VectorField(count: m.count) }
      noise.fill(&equation.thermalField!, step: acceptedSteps, time: t, dt: h)
    }
    equation.derivative(m: m, time: t, into: &k1)
    let r1 = equation.auxiliaryRate
    RungeKutta<Equation>.combine(into: &trial, base: m, stages: [k1], weights: [1], step: h)
    equation.derivative(m: trial, time: t + h, into: &k2)
    let r2 = equation.auxiliaryRate
    Self.average(into: &trial, base: m, k1, k2, step: h)
    let drift = trial.normalizeReportingWorst()
    try checkRenormalisation(drift, limit: normDriftLimit, time: t + h, adaptive: false)
    swap(&m, &trial)
    equation.accumulateAuxiliary(h * (r1 + r2) / 2)
    t = clamped ? limit : t + h
    acceptedSteps += 1
  }

  /// out = base + h (a + b)/2.
  static func average(into out: inout VectorField, base: VectorField, _ a: VectorField, _ b: VectorField, step h: Double) {
    let w = h / 2
    base.storage.withUnsafeBufferPointer { y in
      a.storage.withUnsafeBufferPointer { pa in
        b.storage.withUnsafeBufferPointer { pb in
          out.storage.withUnsafeMutableBufferPointer { o in
            for i in 0..<o.count { o[i] = y[i] + w * (pa[i] + pb[i]) }
          }
        }
      }
    }
  }
}
