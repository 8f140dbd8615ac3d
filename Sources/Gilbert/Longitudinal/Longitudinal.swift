import RealModule

/// The longitudinal fields of the paper's Eq. (47) for one magnetization and
/// current: everything the spin-density rate along m is made of.
public struct LongitudinalFields: Sendable {
  /// E = ρ⊥ j + (ρ∥ − ρ⊥)(m·j) m, V/m.
  public var electricField: VectorField
  /// ∇·E, V/m².
  public var divergenceE: [Double]
  /// ∇·j, A/m³.
  public var divergenceJ: [Double]
  /// ∂∥E∥ = (m·∇)(m·E), V/m².
  public var parallelDerivative: [Double]
  /// μ+ and μ−, A/m (the paper's potentials with conductivities in S/m).
  public var mu: [[Double]]
  /// ṡ∥, m⁻³ s⁻¹.
  public var spinRate: [Double]

  /// The fields as named arrays (for checkpoints), and back.
  public var named: [String: [Double]] {
    [
      "E": electricField.storage, "div_E": divergenceE, "div_J": divergenceJ,
      "parallel_derivative": parallelDerivative, "mu_up": mu[0], "mu_down": mu[1], "s_parallel_rate": spinRate,
    ]
  }

  /// Fields from ``named`` arrays; nil when one is missing.
  public init?(named a: [String: [Double]]) {
    guard let e = a["E"], let de = a["div_E"], let dj = a["div_J"], let pd = a["parallel_derivative"],
      let up = a["mu_up"], let down = a["mu_down"], let rate = a["s_parallel_rate"]
    else { return nil }
    var field = VectorField(count: e.count / 3)
    field.storage = e
    (electricField, divergenceE, divergenceJ, parallelDerivative, mu, spinRate) = (field, de, dj, pd, [up, down], rate)
  }

  init(
    electricField: VectorField, divergenceE: [Double], divergenceJ: [Double], parallelDerivative: [Double],
    mu: [[Double]], spinRate: [Double]
  ) {
    (self.electricField, self.divergenceE, self.divergenceJ) = (electricField, divergenceE, divergenceJ)
    (self.parallelDerivative, self.mu, self.spinRate) = (parallelDerivative, mu, spinRate)
  }
}

/// The longitudinal model of Documentation/Longitudinal.md: from m and the current density j,
///
///     E = ρ⊥ j + (ρ∥ − ρ⊥)(m·j) m
///     (−∇² + ℓ_σ⁻²) μ_σ = −σ_σ ∇·E                       (σ = +, −)
///     ṡ∥ = −(P/2e) ∇·j + (1/e)[γ_τ ∇·E + δγ_τ ∂∥E∥ + μ+/ℓ+² − μ−/ℓ−²]
///     ∂δm/∂t = (g μB/(2 Ms)) ṡ∥ − δm/τ∥
///
/// Divergences and derivatives are central differences on the conducting
/// cells with the ghost = self rule at edges and next to cells that do not
/// conduct, so ∫∇·E dx telescopes to E(right end) − E(left end). ṡ∥ and δm
/// live on the magnetic, conducting cells; μ± on every conducting cell
/// (normal metals too). δm is a diagnostic: it does not act back on m.
public final class LongitudinalModel: @unchecked Sendable {
  /// The magnet.
  public let magnet: Magnet
  /// Per-cell transport parameters.
  public let cells: TransportCells
  let stencil: NeighborStencil
  let solvers: [SpinPotentialSolver]
  let polarization: [Double]
  /// δm = |M|/Ms − 1 of every cell.
  public private(set) var deltaM: [Double]

  /// The model for `magnet` with one transport material per region.
  public init(magnet: Magnet, transport: [TransportMaterial]) {
    self.magnet = magnet
    let c = TransportCells(magnet: magnet, materials: transport)
    cells = c
    stencil = NeighborStencil(grid: magnet.grid, isActive: { c.conducts[$0] })
    solvers = (0..<2).map {
      SpinPotentialSolver(grid: magnet.grid, conducts: c.conducts, inverseLengthSquared: c.inverseLengthSquared[$0])
    }
    polarization = magnet.perCell { $0.polarization }
    deltaM = [Double](repeating: 0, count: magnet.grid.cellCount)
    magnitudeFactor = magnet.saturationMagnetization.map {
      $0 > 0 ? PhysicalConstants.gFactor * PhysicalConstants.bohrMagneton / (2 * $0) : 0
    }
  }

  /// E = ρ⊥ j + (ρ∥ − ρ⊥)(m·j) m on the conducting cells.
  public func electricField(m: VectorField, current j: VectorField) -> VectorField {
    var e = VectorField(count: j.count)
    for i in 0..<j.count where cells.conducts[i] {
      let mi = m[i], ji = j[i]
      e[i] = cells.rhoPerp[i] * ji + ((cells.rhoPar[i] - cells.rhoPerp[i]) * dot(mi, ji)) * mi
    }
    return e
  }

  /// ∇·F by central differences (ghost = self), on the conducting cells.
  public func divergence(_ f: VectorField) -> [Double] {
    var out = [Double](repeating: 0, count: f.count)
    stencil.forEachGradient(f, in: 0..<f.count) { i, gx, gy in
      if cells.conducts[i] { out[i] = gx.x + (magnet.grid.ny > 1 ? gy.y : 0) }
    }
    return out
  }

  /// (m·∇)(m·E) by central differences of m·E (ghost = self).
  public func parallelDerivative(m: VectorField, field e: VectorField) -> [Double] {
    let n = m.count
    var f = VectorField(count: n)
    for i in 0..<n { f[i] = SIMD3(dot(m[i], e[i]), 0, 0) }
    var out = [Double](repeating: 0, count: n)
    stencil.forEachGradient(f, in: 0..<n) { i, gx, gy in
      if cells.conducts[i] { out[i] = m[i].x * gx.x + (magnet.grid.ny > 1 ? m[i].y * gy.x : 0) }
    }
    return out
  }

  /// Every longitudinal field for magnetization `m` and current density `j` (A/m²).
  public func fields(m: VectorField, current j: VectorField, previous: LongitudinalFields? = nil) -> LongitudinalFields
  {
    let n = m.count
    let e = electricField(m: m, current: j)
    let divE = divergence(e)
    let divJ = divergence(j)
    let dpar = parallelDerivative(m: m, field: e)
    var mu: [[Double]] = []
    for s in 0..<2 {
      let source = (0..<n).map { -cells.sigma[s][$0] * divE[$0] }
      mu.append(
        source.allSatisfy { $0 == 0 }
          ? [Double](repeating: 0, count: n) : solvers[s].solve(source, initialGuess: previous?.mu[s]))
    }
    let e0 = PhysicalConstants.elementaryCharge
    var rate = [Double](repeating: 0, count: n)
    for i in 0..<n where cells.conducts[i] && magnet.isMagnetic(i) {
      let relax = mu[0][i] * cells.inverseLengthSquared[0][i] - mu[1][i] * cells.inverseLengthSquared[1][i]
      rate[i] =
        -polarization[i] / (2 * e0) * divJ[i]
        + (cells.gammaTau[i] * divE[i] + cells.deltaGammaTau[i] * dpar[i] + relax) / e0
    }
    return LongitudinalFields(
      electricField: e, divergenceE: divE, divergenceJ: divJ, parallelDerivative: dpar, mu: mu, spinRate: rate)
  }

  /// The factor g μB/(2 Ms) (m³) turning ṡ∥ into a rate of δm, per cell (0 off the magnet).
  public let magnitudeFactor: [Double]

  /// Sets δm (a resumed run continues from its checkpoint).
  public func restoreMagnitude(_ values: [Double]) {
    precondition(values.count == deltaM.count, "one δm per cell")
    deltaM = values
  }

  /// Advances δm by `dt` (s) with the rate ṡ∥ held fixed over the step: exact
  /// for a static source, δm → τ∥ (g μB/2Ms) ṡ∥.
  public func advanceMagnitude(rate: [Double], dt: Double) {
    let c = magnitudeFactor
    for i in 0..<deltaM.count where c[i] > 0 {
      let tau = cells.tauParallel[i]
      let drive = c[i] * rate[i]
      if tau.isFinite {
        let decay = Double.exp(-dt / tau)
        deltaM[i] = deltaM[i] * decay + tau * drive * (1 - decay)
      } else {
        deltaM[i] += drive * dt
      }
    }
  }
}
