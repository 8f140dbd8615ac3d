/// The steady current between two electrodes: ∇·(σ(m)∇V) = 0 on the
/// conducting cells, V = `voltage` on the x = 0 edge and 0 on the x = L edge,
/// no current through every other edge or into cells that do not conduct
/// (notches, vacuum).
///
/// Finite volumes on the cell centres: the current through the face between
/// cells i and j along the unit normal n̂ is I = (V_i − V_j)/R with the
/// series resistance of the two half cells, R = (ρ_i + ρ_j)(d/2)/A_face,
/// where ρ = ρ⊥ + (ρ∥ − ρ⊥)(m·n̂)² is the AMR resistivity along the face
/// normal (exact in a 1D wire; in 2D the planar-Hall, off-diagonal part of
/// the resistivity tensor is left out). Electrode faces are half a cell from
/// the centre. The symmetric positive-definite system is solved by
/// Jacobi-preconditioned conjugate gradients to a relative residual of
/// 1e-14, warm-started from the last solution, so the current through
/// every cross-section is the same to round-off.
public final class ElectrodeSolver: @unchecked Sendable {
  let grid: Grid
  let conducts: [Bool]
  let rhoPerp: [Double], rhoPar: [Double]
  /// The potential difference between the x = 0 and x = L edges, V.
  public let voltage: Double
  /// The potential of every cell, V (kept to warm-start the next solve).
  public private(set) var potential: [Double]
  /// CG iterations of the last solve.
  public private(set) var iterations = 0

  /// A solver for the given conducting cells and resistivities (Ω·m).
  public init(grid: Grid, conducts: [Bool], rhoPerp: [Double], rhoPar: [Double], voltage: Double) {
    precondition(!grid.periodicX, "electrodes need open x edges")
    self.grid = grid
    self.conducts = conducts
    self.rhoPerp = rhoPerp
    self.rhoPar = rhoPar
    self.voltage = voltage
    potential = (0..<grid.cellCount).map { i in voltage * (1 - (Double(i % grid.nx) + 0.5) / Double(grid.nx)) }
  }

  /// Face conductances (S): toward +x of each cell, toward +y, and to the electrodes.
  func conductances(_ m: VectorField) -> (x: [Double], y: [Double], left: [Double], right: [Double]) {
    let g = grid
    let n = g.cellCount
    var gx = [Double](repeating: 0, count: n), gy = gx, gl = gx, gr = gx
    func rho(_ i: Int, _ c: Int) -> Double {
      let mi = m[i]
      let mn = c == 0 ? mi.x : mi.y
      return rhoPerp[i] + (rhoPar[i] - rhoPerp[i]) * mn * mn
    }
    let ax = g.dy * g.dz, ay = g.dx * g.dz
    for iy in 0..<g.ny {
      for ix in 0..<g.nx {
        let i = g.index(ix, iy)
        guard conducts[i] else { continue }
        if ix + 1 < g.nx, conducts[i + 1] { gx[i] = ax / ((rho(i, 0) + rho(i + 1, 0)) * g.dx / 2) }
        if iy + 1 < g.ny, conducts[i + g.nx] { gy[i] = ay / ((rho(i, 1) + rho(i + g.nx, 1)) * g.dy / 2) }
        if ix == 0 { gl[i] = ax / (rho(i, 0) * g.dx / 2) }
        if ix == g.nx - 1 { gr[i] = ax / (rho(i, 0) * g.dx / 2) }
      }
    }
    return (gx, gy, gl, gr)
  }

  /// Sets the potential the next solve starts from (a resumed run).
  public func restorePotential(_ values: [Double]) {
    precondition(values.count == potential.count, "one potential per cell")
    potential = values
  }

  /// Solves for the potential with m's AMR, returning j (A/m², cell centres)
  /// and the total current I (A) entering at the x = 0 electrode.
  @discardableResult
  public func solve(m: VectorField) -> (current: VectorField, total: Double) {
    let g = grid
    let n = g.cellCount
    let (gx, gy, gl, gr) = conductances(m)
    func apply(_ v: [Double]) -> [Double] {
      var out = [Double](repeating: 0, count: n)
      for i in 0..<n where conducts[i] {
        var s = (gl[i] + gr[i]) * v[i]
        if gx[i] > 0 { s += gx[i] * (v[i] - v[i + 1]) }
        if i % g.nx > 0, gx[i - 1] > 0 { s += gx[i - 1] * (v[i] - v[i - 1]) }
        if gy[i] > 0 { s += gy[i] * (v[i] - v[i + g.nx]) }
        if i >= g.nx, gy[i - g.nx] > 0 { s += gy[i - g.nx] * (v[i] - v[i - g.nx]) }
        out[i] = s
      }
      return out
    }
    var diag = [Double](repeating: 1, count: n)
    for i in 0..<n where conducts[i] {
      var d = gl[i] + gr[i] + gx[i] + gy[i]
      if i % g.nx > 0 { d += gx[i - 1] }
      if i >= g.nx { d += gy[i - g.nx] }
      diag[i] = d > 0 ? d : 1
    }
    let b = (0..<n).map { conducts[$0] ? gl[$0] * voltage : 0 }
    var x = (0..<n).map { conducts[$0] ? potential[$0] : 0 }
    iterations = ConjugateGradient.solve(apply, b: b, diagonal: diag, x: &x, tolerance: 1e-14)
    potential = x
    // Face currents → cell-centred current density.
    var j = VectorField(count: n)
    var total = 0.0
    let ax2 = g.dy * g.dz, ay2 = g.dx * g.dz
    for i in 0..<n where conducts[i] {
      let ix = i % g.nx
      let west = ix == 0 ? gl[i] * (voltage - x[i]) : (gx[i - 1] > 0 ? gx[i - 1] * (x[i - 1] - x[i]) : 0)
      let east = ix == g.nx - 1 ? gr[i] * x[i] : (gx[i] > 0 ? gx[i] * (x[i] - x[i + 1]) : 0)
      let south = i >= g.nx && gy[i - g.nx] > 0 ? gy[i - g.nx] * (x[i - g.nx] - x[i]) : 0
      let north = gy[i] > 0 ? gy[i] * (x[i] - x[i + g.nx]) : 0
      j[i] = SIMD3((west + east) / (2 * ax2), (south + north) / (2 * ay2), 0)
      if ix == 0 { total += west }
    }
    return (j, total)
  }

  /// The current (A) through each cross-section x = k dx, k = 0...Nx (the
  /// electrodes at k = 0 and Nx), from the last solution: all equal for a
  /// converged solve (charge conservation).
  public func crossSectionCurrents(m: VectorField) -> [Double] {
    let g = grid
    let (gx, _, gl, gr) = conductances(m)
    let v = potential
    var out = [Double](repeating: 0, count: g.nx + 1)
    for iy in 0..<g.ny {
      for ix in 0..<g.nx {
        let i = g.index(ix, iy)
        guard conducts[i] else { continue }
        if ix == 0 { out[0] += gl[i] * (voltage - v[i]) }
        if ix == g.nx - 1 { out[g.nx] += gr[i] * v[i] } else if gx[i] > 0 { out[ix + 1] += gx[i] * (v[i] - v[i + 1]) }
      }
    }
    return out
  }
}
