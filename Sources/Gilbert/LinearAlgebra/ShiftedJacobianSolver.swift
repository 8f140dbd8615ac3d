/// Solves (I − s J) δ = r, J = ∂f̃/∂m at a state z of a ``DynamicEquation``,
/// f̃(m) = f(m/|m|): the linear problem of every Newton iteration of the
/// stiff stepper (s = hγ) and of every pseudo-time step of the steady-state
/// solve (s = h).
///
/// GMRES(20), one cycle, Jacobian-free (J v ≈ (f(z + σv) − f(z))/σ, σ =
/// 1e-8/‖v‖∞, so demag and the co-moving frame's global velocity enter
/// exactly), right-preconditioned by ``LinePreconditioner`` built at z.
struct ShiftedJacobianSolver: Sendable {
  let cells: Int
  var krylov: GMRES
  var preconditioner: LinePreconditioner
  var shifted: VectorField, perturbed: VectorField

  /// A solver for `cellCount` cells on rows of `rowLength` cells.
  init(cellCount: Int, rowLength: Int) {
    cells = cellCount
    krylov = GMRES(size: 3 * cellCount, restart: 20)
    krylov.maximumCycles = 1
    preconditioner = LinePreconditioner(nx: rowLength, ny: cellCount / rowLength)
    shifted = VectorField(count: cellCount)
    perturbed = shifted
  }

  /// The last solution δ (planes x, y, z).
  var solution: [Double] { krylov.solution }

  /// Builds and factors the preconditioner I − s J_line at (z, t).
  mutating func prepare<E: DynamicEquation>(_ equation: inout E, at z: VectorField, time: Double, shift s: Double) {
    shifted.storage.withUnsafeMutableBufferPointer { _ = $0.update(fromContentsOf: z.storage) }
    shifted.normalize()
    preconditioner.buildJacobian(&equation, m: shifted, time: time)
    preconditioner.factor(hGamma: s)
  }

  /// Solves (I − s J(z)) δ = rhs to a relative residual `tolerance` (or 20
  /// Krylov vectors) into ``solution``, with f(z) given in `fz`; returns the
  /// Krylov iterations. The solver and preconditioner are moved out of self
  /// while the operator (which uses self's buffers) runs.
  mutating func solve<E: DynamicEquation>(
    _ equation: inout E, at z: VectorField, rate fz: VectorField, time: Double, shift s: Double, rhs: [Double],
    tolerance: Double, absoluteTolerance: Double = 0
  ) -> Int {
    var solver = GMRES(size: 0, restart: 0)
    var lines = LinePreconditioner(nx: 0, ny: 0)
    swap(&solver, &krylov)
    swap(&lines, &preconditioner)
    let iterations = solver.solve(
      rhs: rhs, relativeTolerance: tolerance, absoluteTolerance: absoluteTolerance,
      apply: { v, out in self.apply(&equation, v, into: out, at: z, rate: fz, time: time, shift: s) },
      precondition: { v in lines.solve(v) })
    swap(&solver, &krylov)
    swap(&lines, &preconditioner)
    return iterations
  }

  /// out = v − s (f(z + σ v) − f(z))/σ.
  mutating func apply<E: DynamicEquation>(
    _ equation: inout E, _ v: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>, at z: VectorField,
    rate fz: VectorField, time: Double, shift s: Double
  ) {
    let count = 3 * cells
    var norm = 0.0
    for k in 0..<count { norm = max(norm, abs(v[k])) }
    if norm == 0 {
      for k in 0..<count { out[k] = 0 }
      return
    }
    let sigma = 1e-8 / norm
    shifted.storage.withUnsafeMutableBufferPointer { p in
      z.storage.withUnsafeBufferPointer { zp in
        for k in 0..<count { p[k] = zp[k] + sigma * v[k] }
      }
    }
    shifted.normalize()
    equation.derivative(m: shifted, time: time, into: &perturbed)
    let scale = s / sigma
    perturbed.storage.withUnsafeBufferPointer { fp in
      fz.storage.withUnsafeBufferPointer { f0 in
        for k in 0..<count { out[k] = v[k] - scale * (fp[k] - f0[k]) }
      }
    }
  }
}
