/// A block-tridiagonal matrix of 3 × 3 blocks (one block row per cell of a
/// grid row), factored by block Gaussian elimination without pivoting
/// between blocks (the block Thomas algorithm):
///
///     D_0 = A_00,   L_i = A_{i,i−1} D_{i−1}⁻¹,   W_i = D_i⁻¹ A_{i,i+1},
///     D_i = A_ii − A_{i,i−1} W_{i−1}
///     y_i = b_i − L_i y_{i−1},   c_i = D_i⁻¹ y_i,   x_i = c_i − W_i x_{i+1}
///
/// 27 multiply-adds per block row and solve, against 45 for the band LU
/// with partial pivoting (whose row exchanges widen U to 10 diagonals), and
/// no branches. The solve is a recurrence, so its speed is the latency of
/// one 3 × 3 product per cell and sweep: keeping W_i rather than A_{i,i+1}
/// takes D_i⁻¹ off the backward chain (c_i is formed in the forward sweep,
/// beside it), and each product is summed as (b − a₀p₀) − (a₁p₁ + a₂p₂), two
/// additions deep instead of three. Without pivoting it needs every D_i to be well conditioned:
/// true for I − hγ J of the LLG, whose exchange part is a complex symmetric
/// matrix with a positive definite real part (the damping) at every cell; a
/// D_i that is not (|det| below 1e-12 of its scale) makes ``factor()``
/// return false, and the caller falls back to ``BandedLU``.
public struct BlockTridiagonalLU: Sendable {
  /// Number of block rows.
  public let count: Int
  /// Row-major 3 × 3 blocks, 9 values each: the sub-diagonal A_{i,i−1}
  /// (replaced by L_i), the diagonal A_ii (replaced by D_i⁻¹) and the
  /// super-diagonal A_{i,i+1} (replaced by W_i = D_i⁻¹ A_{i,i+1}).
  var lower: [Double], diagonal: [Double], upper: [Double]
  /// False until a factorisation succeeds.
  public private(set) var isFactored = false

  /// A zero matrix of `count` block rows.
  public init(count: Int) {
    self.count = count
    lower = [Double](repeating: 0, count: 9 * max(count, 1))
    diagonal = lower
    upper = lower
  }

  /// Sets entry (l, k) of block (i, i + offset), offset ∈ {−1, 0, 1}.
  @inline(__always)
  public mutating func set(row i: Int, offset: Int, _ l: Int, _ k: Int, _ value: Double) {
    switch offset {
    case -1: lower[9 * i + 3 * l + k] = value
    case 0: diagonal[9 * i + 3 * l + k] = value
    default: upper[9 * i + 3 * l + k] = value
    }
  }

  /// Fills the blocks with I − s J for a Jacobian laid out as the line
  /// preconditioner keeps it: entry (l, k) of block (i, i + e) is
  /// J[((3 (first + i) + l) · 3 + e + 1) · 3 + k].
  public mutating func fill(identityMinus s: Double, jacobian: UnsafePointer<Double>, first: Int) {
    let n = count
    lower.withUnsafeMutableBufferPointer { lp in
      diagonal.withUnsafeMutableBufferPointer { dp in
        upper.withUnsafeMutableBufferPointer { up in
          for i in 0..<n {
            let q = first + i
            for l in 0..<3 {
              let row = jacobian + (3 * q + l) * 9
              for k in 0..<3 {
                lp[9 * i + 3 * l + k] = i > 0 ? -s * row[k] : 0
                dp[9 * i + 3 * l + k] = (k == l ? 1 : 0) - s * row[3 + k]
                up[9 * i + 3 * l + k] = i < n - 1 ? -s * row[6 + k] : 0
              }
            }
          }
        }
      }
    }
  }

  /// Factors in place; returns false when a pivot block is singular or ill
  /// conditioned (the factors are then unusable).
  @discardableResult
  public mutating func factor() -> Bool {
    isFactored = false
    let n = count
    var ok = true
    lower.withUnsafeMutableBufferPointer { lp in
      diagonal.withUnsafeMutableBufferPointer { dp in
        upper.withUnsafeMutableBufferPointer { up in
          let l = lp.baseAddress!, d = dp.baseAddress!, u = up.baseAddress!
          var t = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
          withUnsafeMutableBytes(of: &t) { raw in
            let tp = raw.baseAddress!.assumingMemoryBound(to: Double.self)
            for i in 0..<n {
              let di = d + 9 * i, ui = u + 9 * i
              if i > 0 {
                // D_i −= A_{i,i−1} W_{i−1}, then L_i = A_{i,i−1} D_{i−1}⁻¹ (both stored).
                let li = l + 9 * i, dPrev = d + 9 * (i - 1), wPrev = u + 9 * (i - 1)
                Self.multiply(li, wPrev, into: tp)
                for k in 0..<9 { di[k] -= tp[k] }
                Self.multiply(li, dPrev, into: tp)
                for k in 0..<9 { li[k] = tp[k] }
              }
              if !Self.invert(di) {
                ok = false
                return
              }
              // W_i = D_i⁻¹ A_{i,i+1}.
              Self.multiply(di, ui, into: tp)
              for k in 0..<9 { ui[k] = tp[k] }
            }
          }
        }
      }
    }
    isFactored = ok
    return ok
  }

  /// Solves A x = b in place; b is three planes of a grid (component c of
  /// block row i at `b[c * planeStride + start + i]`).
  public func solve(_ b: UnsafeMutablePointer<Double>, start: Int, planeStride: Int) {
    precondition(isFactored, "solve before a successful factor()")
    let n = count
    let bx = b + start, by = b + (planeStride + start), bz = b + (2 * planeStride + start)
    lower.withUnsafeBufferPointer { lp in
      diagonal.withUnsafeBufferPointer { dp in
        upper.withUnsafeBufferPointer { up in
          let l = lp.baseAddress!, d = dp.baseAddress!, u = up.baseAddress!
          if n == 0 { return }
          // Forward: y_i = b_i − L_i y_{i−1} (the chain), and c_i = D_i⁻¹ y_i beside it.
          var px = bx[0], py = by[0], pz = bz[0]
          for i in 0..<n {
            if i > 0 {
              let a = l + 9 * i
              let yx = (bx[i] - a[0] * px) - (a[1] * py + a[2] * pz)
              let yy = (by[i] - a[3] * px) - (a[4] * py + a[5] * pz)
              let yz = (bz[i] - a[6] * px) - (a[7] * py + a[8] * pz)
              px = yx
              py = yy
              pz = yz
            }
            let m = d + 9 * i
            bx[i] = m[0] * px + (m[1] * py + m[2] * pz)
            by[i] = m[3] * px + (m[4] * py + m[5] * pz)
            bz[i] = m[6] * px + (m[7] * py + m[8] * pz)
          }
          // Backward: x_i = c_i − W_i x_{i+1}.
          var nx = bx[n - 1], ny = by[n - 1], nz = bz[n - 1]
          var i = n - 2
          while i >= 0 {
            let w = u + 9 * i
            let xx = (bx[i] - w[0] * nx) - (w[1] * ny + w[2] * nz)
            let xy = (by[i] - w[3] * nx) - (w[4] * ny + w[5] * nz)
            let xz = (bz[i] - w[6] * nx) - (w[7] * ny + w[8] * nz)
            bx[i] = xx
            by[i] = xy
            bz[i] = xz
            nx = xx
            ny = xy
            nz = xz
            i -= 1
          }
        }
      }
    }
  }

  /// c = a b for row-major 3 × 3 blocks.
  @inline(__always)
  static func multiply(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, into c: UnsafeMutablePointer<Double>) {
    for r in 0..<3 {
      for k in 0..<3 {
        c[3 * r + k] = a[3 * r] * b[k] + a[3 * r + 1] * b[3 + k] + a[3 * r + 2] * b[6 + k]
      }
    }
  }

  /// Replaces a row-major 3 × 3 block by its inverse (adjugate over the
  /// determinant); false when |det| is below 1e-12 of the cube of its largest entry.
  @inline(__always)
  static func invert(_ m: UnsafeMutablePointer<Double>) -> Bool {
    let a = m[0], b = m[1], c = m[2], d = m[3], e = m[4], f = m[5], g = m[6], h = m[7], k = m[8]
    let c0 = e * k - f * h, c1 = f * g - d * k, c2 = d * h - e * g
    let det = a * c0 + b * c1 + c * c2
    var scale = 0.0
    for j in 0..<9 { scale = max(scale, abs(m[j])) }
    guard det.isFinite, abs(det) > 1e-12 * scale * scale * scale else { return false }
    let r = 1 / det
    m[0] = c0 * r
    m[1] = (c * h - b * k) * r
    m[2] = (b * f - c * e) * r
    m[3] = c1 * r
    m[4] = (a * k - c * g) * r
    m[5] = (c * d - a * f) * r
    m[6] = c2 * r
    m[7] = (b * g - a * h) * r
    m[8] = (a * e - b * d) * r
    return true
  }
}
