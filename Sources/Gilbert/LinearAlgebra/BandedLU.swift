import CLAPACK

/// An n × n band matrix with `kl` sub- and `ku` super-diagonals, factored
/// by LAPACK's dgbtrf (LU with partial pivoting) and solved as dgbtrs does.
///
/// Storage is LAPACK's band layout, column-major: A[i, j] lives at
/// `ab[(kv + i − j) + j · ldab]` with kv = kl + ku and ldab = 2 kl + ku + 1;
/// the first kl rows of each column take the fill-in of the row exchanges.
public struct BandedLU: Sendable {
  /// Order and bandwidths.
  public let n: Int, kl: Int, ku: Int
  let ldab: Int
  var ab: [Double]
  var pivots: [Int32]
  /// 1 / U[j, j] after a factorisation.
  var inverseDiagonal: [Double]
  /// False until a factorisation succeeds (and after one meets a zero pivot).
  public private(set) var isFactored = false

  /// A zero matrix of order `n` with `kl` sub- and `ku` super-diagonals.
  public init(n: Int, kl: Int, ku: Int) {
    self.n = n
    self.kl = kl
    self.ku = ku
    ldab = 2 * kl + ku + 1
    ab = [Double](repeating: 0, count: ldab * max(n, 1))
    pivots = [Int32](repeating: 0, count: max(n, 1))
    inverseDiagonal = [Double](repeating: 0, count: max(n, 1))
  }

  /// Zeroes the matrix (before setting new entries).
  public mutating func reset() {
    ab.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    isFactored = false
  }

  /// Sets A[i, j]; |i − j| must lie within the band.
  public mutating func set(_ i: Int, _ j: Int, _ value: Double) {
    ab[(kl + ku + i - j) + j * ldab] = value
  }

  /// Factors A = P L U in place; returns false for a singular matrix.
  @discardableResult
  public mutating func factor() -> Bool {
    let (n, kl, ku, ld) = (Int32(n), Int32(kl), Int32(ku), Int32(ldab))
    let info = ab.withUnsafeMutableBufferPointer { a in
      pivots.withUnsafeMutableBufferPointer { p in gilbert_dgbtrf(n, kl, ku, a.baseAddress, ld, p.baseAddress) }
    }
    isFactored = info == 0
    if isFactored {
      let kv = self.kl + self.ku
      for j in 0..<self.n { inverseDiagonal[j] = 1 / ab[kv + j * ldab] }
    }
    return isFactored
  }

  /// Solves A x = b in place (b, n values, becomes x) with the factors of
  /// dgbtrf: the row exchanges and L column by column, then U row by row
  /// (what dgbtrs does; written out here because reference BLAS makes one
  /// call per column, which for a band of 5 costs several times the
  /// arithmetic; the factorisation, once per stage, stays LAPACK's). U's
  /// diagonal is inverted once per factorisation, so the solve divides nothing.
  public func solve(_ b: UnsafeMutablePointer<Double>) {
    precondition(isFactored, "solve before a successful factor()")
    let kv = kl &+ ku, ld = ldab, n = n, kl = kl
    ab.withUnsafeBufferPointer { buffer in
      let a = buffer.baseAddress!
      pivots.withUnsafeBufferPointer { piv in
        if kl > 0 && n > 1 {
          for j in 0..<(n &- 1) {
            let lm = Swift.min(kl, n &- 1 &- j)
            let p = Int(piv[j]) &- 1  // LAPACK pivots are 1-based
            if p != j {
              let tmp = b[p]
              b[p] = b[j]
              b[j] = tmp
            }
            let bj = b[j]
            let col = a + (j &* ld &+ kv)
            for t in 1...lm { b[j &+ t] -= col[t] * bj }
          }
        }
        inverseDiagonal.withUnsafeBufferPointer { r in
          // x_j = (b_j − Σ_{i=1..kv} U[j, j+i] x_{j+i}) / U[j, j], U[j, j+i] at ab[kv − i + (j + i) ld].
          var j = n &- 1
          while j >= 0 {
            let width = Swift.min(kv, n &- 1 &- j)
            var s = b[j]
            var q = a + (kv &+ j &* ld)
            for i in 0..<width {
              q += ld &- 1
              s -= q.pointee * b[j &+ 1 &+ i]
            }
            b[j] = s * r[j]
            j &-= 1
          }
        }
      }
    }
  }
}
