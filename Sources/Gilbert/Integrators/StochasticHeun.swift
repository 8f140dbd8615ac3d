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
