import RealModule

/// Restarted GMRES with right preconditioning (Saad & Schultz 1986; Saad,
/// *Iterative Methods for Sparse Linear Systems*, Alg. 9.5): solves A x = b
/// for an operator given as a function, with modified Gram–Schmidt and Givens
/// rotations. The preconditioned vectors z_j = M⁻¹ v_j are kept, as in
/// flexible GMRES (Alg. 9.6), so the solution x = Σ y_j z_j costs no further
/// preconditioner solve: one solve per Krylov iteration instead of one more
/// per cycle. Owns its Krylov basis; no allocation per solve.
public struct GMRES: Sendable {
  /// Length of the vectors.
  public let size: Int
  /// Krylov vectors per cycle.
  public let restart: Int
  /// The most restart cycles per solve.
  public var maximumCycles = 4
  var basis: [[Double]]
  /// M⁻¹ v_j for the basis vectors of the current cycle.
  var preconditioned: [[Double]]
  var hessenberg: [[Double]]
  var cosines: [Double], sines: [Double], g: [Double]
  /// The least-squares coefficients y of a cycle.
  var y: [Double]
  /// The last solution.
  public private(set) var solution: [Double]

  /// A solver for vectors of `size` with `restart` vectors per cycle.
  public init(size: Int, restart: Int) {
    self.size = size
    self.restart = restart
    basis = (0...restart).map { _ in [Double](repeating: 0, count: size) }
    preconditioned = (0..<restart).map { _ in [Double](repeating: 0, count: size) }
    hessenberg = (0...restart).map { _ in [Double](repeating: 0, count: restart) }
    cosines = [Double](repeating: 0, count: restart)
    sines = cosines
    g = [Double](repeating: 0, count: restart + 1)
    y = [Double](repeating: 0, count: restart)
    solution = [Double](repeating: 0, count: size)
  }

  /// Solves A x = b to ‖b − A x‖₂ ≤ max(`relativeTolerance` ‖b‖₂,
  /// `absoluteTolerance`) (or until the cycles run out) into ``solution``,
  /// starting from x = 0. `apply(v, out)` writes A v; `precondition(v)`
  /// replaces v by M⁻¹ v. Returns the number of Krylov iterations.
  public mutating func solve(
    rhs b: [Double], relativeTolerance: Double, absoluteTolerance: Double = 0,
    apply: (UnsafePointer<Double>, UnsafeMutablePointer<Double>) -> Void,
    precondition: (UnsafeMutablePointer<Double>) -> Void
  ) -> Int {
    let n = size
    solution.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    var beta = Self.norm(b)
    if beta == 0 || !beta.isFinite { return 0 }
    let target = max(relativeTolerance * beta, absoluteTolerance)
    if beta <= target { return 0 }
    basis[0].withUnsafeMutableBufferPointer { v in
      b.withUnsafeBufferPointer { r in for k in 0..<n { v[k] = r[k] } }
    }
    var iterations = 0
    for cycle in 0..<maximumCycles {
      // v_0 = r / β
      let inv = 1 / beta
      basis[0].withUnsafeMutableBufferPointer { v in for k in 0..<n { v[k] *= inv } }
      for i in 0...restart { g[i] = 0 }
      g[0] = beta
      var used = 0
      var converged = false
      for j in 0..<restart {
        // z_j = M⁻¹ v_j; w = A z_j into basis[j + 1].
        preconditioned[j].withUnsafeMutableBufferPointer { w in
          basis[j].withUnsafeBufferPointer { v in for k in 0..<n { w[k] = v[k] } }
          precondition(w.baseAddress!)
        }
        preconditioned[j].withUnsafeBufferPointer { w in
          basis[j + 1].withUnsafeMutableBufferPointer { out in apply(w.baseAddress!, out.baseAddress!) }
        }
        iterations += 1
        let hNext = orthogonalize(j)
        rotate(j)
        used = j + 1
        if abs(g[j + 1]) <= target || hNext == 0 || !g[j + 1].isFinite {
          converged = true
          break
        }
      }
      addCorrection(used)
      if converged || cycle == maximumCycles - 1 { break }
      // The true residual b − A x starts the next cycle.
      solution.withUnsafeBufferPointer { x in
        basis[0].withUnsafeMutableBufferPointer { r in apply(x.baseAddress!, r.baseAddress!) }
      }
      basis[0].withUnsafeMutableBufferPointer { r in
        b.withUnsafeBufferPointer { bp in for k in 0..<n { r[k] = bp[k] - r[k] } }
      }
      beta = Self.norm(basis[0])
      if beta <= target || !beta.isFinite { break }
    }
    return iterations
  }

  /// Modified Gram–Schmidt of basis[j + 1] against basis[0…j] (column j
  /// of H), then its normalisation; returns h[j+1][j].
  mutating func orthogonalize(_ j: Int) -> Double {
    let n = size
    for i in 0...j {
      let hij = Self.dot(basis[j + 1], basis[i])
      hessenberg[i][j] = hij
      basis[i].withUnsafeBufferPointer { vi in
        basis[j + 1].withUnsafeMutableBufferPointer { w in for k in 0..<n { w[k] -= hij * vi[k] } }
      }
    }
    let hNext = Self.norm(basis[j + 1])
    hessenberg[j + 1][j] = hNext
    if hNext > 0 {
      let r = 1 / hNext
      basis[j + 1].withUnsafeMutableBufferPointer { w in for k in 0..<n { w[k] *= r } }
    }
    return hNext
  }

  /// The earlier Givens rotations on column j of H, then a new one that
  /// zeroes h[j+1][j], applied to g too.
  mutating func rotate(_ j: Int) {
    for i in 0..<j {
      let a = hessenberg[i][j], c = hessenberg[i + 1][j]
      hessenberg[i][j] = cosines[i] * a + sines[i] * c
      hessenberg[i + 1][j] = -sines[i] * a + cosines[i] * c
    }
    let a = hessenberg[j][j], c = hessenberg[j + 1][j]
    let d = (a * a + c * c).squareRoot()
    cosines[j] = d == 0 ? 1 : a / d
    sines[j] = d == 0 ? 0 : c / d
    hessenberg[j][j] = d
    hessenberg[j + 1][j] = 0
    g[j + 1] = -sines[j] * g[j]
    g[j] = cosines[j] * g[j]
  }

  /// y = H⁻¹ g over the first `used` columns; x += Z y with Z = M⁻¹ V.
  mutating func addCorrection(_ used: Int) {
    let n = size
    for i in stride(from: used - 1, through: 0, by: -1) {
      var s = g[i]
      for k in (i + 1)..<used { s -= hessenberg[i][k] * y[k] }
      y[i] = hessenberg[i][i] == 0 ? 0 : s / hessenberg[i][i]
    }
    solution.withUnsafeMutableBufferPointer { x in
      for i in 0..<used {
        let yi = y[i]
        preconditioned[i].withUnsafeBufferPointer { z in for k in 0..<n { x[k] += yi * z[k] } }
      }
    }
  }

  static func dot(_ a: [Double], _ b: [Double]) -> Double {
    a.withUnsafeBufferPointer { x in
      b.withUnsafeBufferPointer { y in dot(x.baseAddress!, y.baseAddress!, count: x.count) }
    }
  }

  /// Σ x_k y_k in four partial sums, so the additions do not wait on one
  /// another (a single running sum is one addition's latency per element).
  static func dot(_ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, count n: Int) -> Double {
    var s = SIMD4<Double>()
    var k = 0
    while k + 4 <= n {
      s += SIMD4(x[k], x[k + 1], x[k + 2], x[k + 3]) * SIMD4(y[k], y[k + 1], y[k + 2], y[k + 3])
      k += 4
    }
    var tail = 0.0
    while k < n {
      tail += x[k] * y[k]
      k += 1
    }
    return s.sum() + tail
  }

  static func norm(_ a: [Double]) -> Double { dot(a, a).squareRoot() }
}

/// The stiff solver's preconditioner: I − hγ J_line (− hγ g ∇vᵀ, the
/// co-moving frame's rank-one part, by Sherman–Morrison), where J_line is the
/// Jacobian of the equation's local part restricted to couplings along x
/// (cells ix − 1, ix, ix + 1 of the same row, all three components), one
/// ``BlockTridiagonalLU`` per grid row (``BandedLU`` when its blocks are ill
/// conditioned). Built by finite differences: the cells are
/// coloured so that no two cells of a colour share a neighbour (ix mod 3 on
/// one row; (ix + 2 iy) mod 5 on a 2D grid, a distance-2 colouring of the
/// 5-point stencil), and one evaluation per colour and component gives every
/// entry of those columns.
struct LinePreconditioner: Sendable {
  let nx: Int, ny: Int
  /// J[(cell q, l), (cell q + e, k)] at ((3q + l) · 3 + e + 1) · 3 + k, e ∈ {−1, 0, 1}.
  var jacobian: [Double]
  /// Each row's factors: block tridiagonal, or the band LU with pivoting
  /// when a pivot block is ill conditioned (built on first need).
  var blocks: [BlockTridiagonalLU]
  var rows: [BandedLU?]
  enum Factors { case blocks, band, none }
  var factors: [Factors]
  var line: [Double]
  var f0: VectorField, fp: VectorField, perturbed: VectorField
  /// The colour of every cell and the number of colours.
  let colourOf: [Int]
  let colours: Int
  /// The equation's rank-one coupling at the build: u = g (scaled by hγ at
  /// the factorisation), w = ∇v, and z = P⁻¹ u, d = 1 − w·z for Sherman–Morrison.
  /// g is copied into a buffer of its own, so the equation's buffer is not
  /// shared while the equation writes it again.
  var coupling: (g: [Double], w: [Double])?
  var shermanMorrison: (z: [Double], d: Double)?
  /// The finite-difference step in m.
  let epsilon = 1e-7

  init(nx: Int, ny: Int) {
    self.nx = nx
    self.ny = ny
    let cells = nx * ny
    jacobian = [Double](repeating: 0, count: cells * 27)
    blocks = (0..<ny).map { _ in BlockTridiagonalLU(count: nx) }
    rows = [BandedLU?](repeating: nil, count: ny)
    factors = [Factors](repeating: .none, count: ny)
    line = [Double](repeating: 0, count: 3 * nx)
    f0 = VectorField(count: cells)
    fp = f0
    perturbed = f0
    colours = ny == 1 ? min(3, nx) : 5
    colourOf = (0..<cells).map { i in ny == 1 ? i % nx % 3 : (i % nx + 2 * (i / nx)) % 5 }
  }

  /// Fills ``jacobian`` at (m, t) from the equation's local derivative.
  mutating func buildJacobian<E: DynamicEquation>(_ equation: inout E, m: VectorField, time: Double) {
    let cells = nx * ny, nx = nx, ny = ny, epsilon = epsilon, colourOf = colourOf
    equation.localDerivative(m: m, time: time, into: &f0)
    // The coupling at m, copied before the perturbed evaluations rewrite its source.
    var rankOne: (axis: SIMD3<Double>, normalization: Double)? = nil
    if let c = equation.rankOneCoupling {
      if coupling?.g.count != 3 * cells { coupling = ([Double](repeating: 0, count: 3 * cells), []) }
      coupling!.g.withUnsafeMutableBufferPointer { _ = $0.update(fromContentsOf: c.direction.storage) }
      rankOne = (c.axis, c.normalization)
    } else {
      coupling = nil
    }
    let inv = 1 / epsilon
    for c in 0..<colours {
      for k in 0..<3 {
        perturbed.storage.withUnsafeMutableBufferPointer { p in
          m.storage.withUnsafeBufferPointer { y in _ = p.update(fromContentsOf: y) }
          for iy in 0..<ny {
            for ix in 0..<nx where colourOf[iy * nx + ix] == c { p[k * cells + iy * nx + ix] += epsilon }
          }
        }
        perturbed.normalize()
        equation.localDerivative(m: perturbed, time: time, into: &fp)
        fp.storage.withUnsafeBufferPointer { fpp in
          f0.storage.withUnsafeBufferPointer { f0p in
            jacobian.withUnsafeMutableBufferPointer { jac in
              for iy in 0..<ny {
                for ix in 0..<nx where colourOf[iy * nx + ix] == c {
                  // Column (cell ix, component k) reaches rows ix − 1 ... ix + 1.
                  for r in max(0, ix - 1)...min(nx - 1, ix + 1) {
                    let q = iy * nx + r
                    let e = ix - r
                    for l in 0..<3 {
                      let value = (fpp[l * cells + q] - f0p[l * cells + q]) * inv
                      jac[((3 * q + l) * 3 + e + 1) * 3 + k] = value
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    if let c = rankOne { coupling!.w = rankOneGradient(axis: c.axis, normalization: c.normalization) }
  }

  /// ∇v = −eᵀ J / S over the columns of the band Jacobian (see ``RankOneCoupling``).
  func rankOneGradient(axis e: SIMD3<Double>, normalization s: Double) -> [Double] {
    let cells = nx * ny
    var w = [Double](repeating: 0, count: 3 * cells)
    let axis = [e.x, e.y, e.z]
    for iy in 0..<ny {
      for ix in 0..<nx {
        let j = iy * nx + ix
        for k in 0..<3 {
          var sum = 0.0
          // Rows q = j + d (d = −1, 0, 1) hold column j at offset e = −d.
          for d in -1...1 where ix + d >= 0 && ix + d < nx {
            let q = j + d
            for l in 0..<3 { sum += axis[l] * jacobian[((3 * q + l) * 3 - d + 1) * 3 + k] }
          }
          w[k * cells + j] = -sum / s
        }
      }
    }
    return w
  }

  /// Factors I − hγ J_line row by row: block tridiagonal first, the band
  /// LU with pivoting for a row whose blocks are ill conditioned; a row that
  /// is singular either way is left unpreconditioned.
  mutating func factor(hGamma: Double) {
    for iy in 0..<ny {
      let first = iy * nx
      jacobian.withUnsafeBufferPointer { jac in
        blocks[iy].fill(identityMinus: hGamma, jacobian: jac.baseAddress!, first: first)
      }
      if blocks[iy].factor() {
        factors[iy] = .blocks
        continue
      }
      if rows[iy] == nil { rows[iy] = BandedLU(n: 3 * nx, kl: 5, ku: 5) }
      rows[iy]!.reset()
      for ix in 0..<nx {
        let q = iy * nx + ix
        for l in 0..<3 {
          for e in -1...1 where ix + e >= 0 && ix + e < nx {
            for k in 0..<3 {
              var value = -hGamma * jacobian[((3 * q + l) * 3 + e + 1) * 3 + k]
              if e == 0 && k == l { value += 1 }
              rows[iy]!.set(3 * ix + l, 3 * (ix + e) + k, value)
            }
          }
        }
      }
      factors[iy] = rows[iy]!.factor() ? .band : .none
    }
    // Sherman–Morrison for P − u wᵀ, u = hγ g: z = P⁻¹ u, d = 1 − w·z.
    shermanMorrison = nil
    if let (g, w) = coupling {
      var z = g.map { hGamma * $0 }
      z.withUnsafeMutableBufferPointer { solveLines($0.baseAddress!) }
      var wz = 0.0
      for k in 0..<z.count { wz += w[k] * z[k] }
      let d = 1 - wz
      if d.isFinite && abs(d) > 1e-12 { shermanMorrison = (z, d) }
    }
  }

  /// v ← (I − hγ J_line − hγ g ∇vᵀ)⁻¹ v, v in planes (x, y, z).
  mutating func solve(_ v: UnsafeMutablePointer<Double>) {
    solveLines(v)
    guard let (z, d) = shermanMorrison, let (_, w) = coupling else { return }
    let wv = w.withUnsafeBufferPointer { GMRES.dot($0.baseAddress!, v, count: $0.count) }
    let scale = wv / d
    for k in 0..<z.count { v[k] += scale * z[k] }
  }

  /// v ← (I − hγ J_line)⁻¹ v, row by row.
  mutating func solveLines(_ v: UnsafeMutablePointer<Double>) {
    let cells = nx * ny
    for iy in 0..<ny {
      switch factors[iy] {
      case .blocks: blocks[iy].solve(v, start: iy * nx, planeStride: cells)
      case .band:
        line.withUnsafeMutableBufferPointer { b in
          for ix in 0..<nx {
            for l in 0..<3 { b[3 * ix + l] = v[l * cells + iy * nx + ix] }
          }
          rows[iy]!.solve(b.baseAddress!)
          for ix in 0..<nx {
            for l in 0..<3 { v[l * cells + iy * nx + ix] = b[3 * ix + l] }
          }
        }
      case .none: break
      }
    }
  }
}
