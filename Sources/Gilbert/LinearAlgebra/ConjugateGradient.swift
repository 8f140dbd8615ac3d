/// Jacobi-preconditioned conjugate gradients for a symmetric positive
/// (semi-)definite operator given as a function, shared by the electrode and
/// spin-potential solvers.
enum ConjugateGradient {
  /// Solves A x = b from `x` (updated in place) until max |r| ≤ tolerance · max |b|.
  /// Returns the number of iterations. Stops early on a direction of zero
  /// curvature (a singular, source-free part of the system).
  static func solve(
    _ apply: ([Double]) -> [Double], b: [Double], diagonal: [Double], x: inout [Double], tolerance: Double
  ) -> Int {
    let n = b.count
    let ax = apply(x)
    var r = (0..<n).map { b[$0] - ax[$0] }
    var z = (0..<n).map { r[$0] / diagonal[$0] }
    var p = z
    var rz = zip(r, z).reduce(0) { $0 + $1.0 * $1.1 }
    let scale = b.reduce(0) { max($0, abs($1)) }
    if scale == 0 {
      x = [Double](repeating: 0, count: n)
      return 0
    }
    var iterations = 0
    while iterations < 20 * n + 100 {
      if r.reduce(0, { max($0, abs($1)) }) <= tolerance * scale { break }
      let ap = apply(p)
      let pap = zip(p, ap).reduce(0) { $0 + $1.0 * $1.1 }
      if pap <= 0 { break }
      let alpha = rz / pap
      for i in 0..<n {
        x[i] += alpha * p[i]
        r[i] -= alpha * ap[i]
        z[i] = r[i] / diagonal[i]
      }
      let rzNew = zip(r, z).reduce(0) { $0 + $1.0 * $1.1 }
      let beta = rzNew / rz
      rz = rzNew
      for i in 0..<n { p[i] = z[i] + beta * p[i] }
      iterations += 1
    }
    return iterations
  }
}
